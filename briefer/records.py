"""Events, judgments and indicators as plain JSON-ready data.

Shared by ``list --format json|csv``, ``judgments`` and ``indicators --format
json``, the exports and reports.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from briefer.model import Event, EventLog, Indicator, Judgment
from briefer.tradecraft.terms import likelihood_of

__all__ = [
    "PART_FIELDS",
    "SHOWN_FIELDS",
    "Snapshot",
    "event_hash",
    "event_record",
    "event_snapshot",
    "indicator_record",
    "judgment_record",
]


def _iso(ts: int | None, log: EventLog) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, log.tzinfo).isoformat()


def event_record(log: EventLog, e: Event) -> dict[str, Any]:
    """Every field of an event, plus computed bounds (``end`` is the first instant after it)."""
    loc = e.location
    return {
        "id": e.id,
        "date": e.date.text,
        "display_date": e.date.display(log.tzinfo),
        "start": _iso(e.date.earliest, log),
        "end": _iso(e.date.latest, log),
        "precision": e.date.precision.name.lower(),
        "approximate": e.date.approximate,
        "uncertain": e.date.uncertain,
        "title": e.title,
        "kind": e.kind,
        "significance": e.significance,
        "confidence": None if e.confidence is None else e.confidence.value,
        "tags": list(e.tags),
        "actors": list(e.actors),
        "location": None
        if loc is None
        else {"name": loc.name, "region": loc.region, "lat": loc.lat, "lon": loc.lon},
        "sources": [c.source for c in e.sources],
        "source_notes": {c.source: c.note for c in e.sources if c.note},
        "credibility": {c.source: c.credibility for c in e.sources if c.credibility is not None},
        "figures": dict(e.figures),
        "related": list(e.related),
        "indicators": list(e.indicators),
        "summary": e.summary,
        "file": e.pos.file,
        "line": e.pos.line,
    }


def judgment_record(log: EventLog, j: Judgment) -> dict[str, Any]:
    """A judgment as the log states it; ``likelihood_range`` is [low, high] in percent."""
    found = likelihood_of(j.likelihood)
    return {
        "id": j.id,
        "date": j.date.text,
        "start": _iso(j.date.earliest, log),
        "statement": j.statement,
        "likelihood": j.likelihood,
        "likelihood_range": None if found is None else [found[0].low, found[0].high],
        "confidence": j.confidence.value,
        "basis": list(j.basis),
        "revises": j.revises,
    }


def indicator_record(indicator: Indicator) -> dict[str, Any]:
    """An indicator as the log declares it; ``window_seconds`` null: the log's horizon."""
    return {
        "id": indicator.id,
        "title": indicator.title,
        "scenario": indicator.scenario,
        "window_seconds": indicator.window,
    }


# New fields go at the end: a scope recorded before them has no digest there,
# which ``Snapshot.part`` gives as '' and a comparison takes as "unknown".
_CONTENT_KEYS = (
    "date", "title", "kind", "summary", "actors", "location", "tags", "sources",
    "source_notes", "significance", "confidence", "figures", "related",
    "credibility", "indicators",
)  # fmt: skip


def _digest(value: object, size: int) -> str:
    raw = json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(raw, digest_size=size).hexdigest()


def event_hash(log: EventLog, e: Event) -> str:
    """A digest of what an event says (not where it stands in the file)."""
    record = event_record(log, e)
    return _digest({k: record[k] for k in _CONTENT_KEYS}, 12)


#: Fields a "changed" line can show old → new; the others are compared by digest.
SHOWN_FIELDS = ("date", "title", "kind", "significance", "confidence")
#: The other content fields, in the order of their digests in ``Snapshot.parts``.
PART_FIELDS = tuple(k for k in _CONTENT_KEYS if k not in SHOWN_FIELDS)
#: Hex digits of one part's digest.
PART_WIDTH = 8

#: A value a snapshot shows: date text, title, kind, significance, confidence.
Shown = str | int | float | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a brief keeps of an event: enough for a later brief to say what changed.

    The shown fields keep their values (a "changed" line prints old → new);
    every other content field is a short digest, concatenated in the order of
    ``PART_FIELDS``. The event changed when any of them differs.
    """

    id: str
    shown: tuple[Shown, ...]
    parts: str

    def value(self, name: str) -> Shown:
        """The value of a shown field (see ``SHOWN_FIELDS``)."""
        return self.shown[SHOWN_FIELDS.index(name)]

    @property
    def title(self) -> str:
        return str(self.value("title"))

    def part(self, name: str) -> str:
        """The digest of a field of ``PART_FIELDS`` ('' when unknown)."""
        i = PART_FIELDS.index(name) * PART_WIDTH
        return self.parts[i : i + PART_WIDTH]

    def to_row(self) -> list[Shown]:
        """``[id, date, title, kind, significance, confidence, parts]``: one line of JSON."""
        return [self.id, *self.shown, self.parts]

    @classmethod
    def from_row(cls, row: object) -> Snapshot:
        """The inverse of ``to_row``; ValueError when ``row`` is not one."""
        if not (isinstance(row, list) and len(row) == len(SHOWN_FIELDS) + 2):
            raise ValueError("an event is not a list of 7 values")
        ident, *shown, parts = row
        if not isinstance(ident, str) or not isinstance(parts, str):
            raise ValueError("an event's id and digests must be strings")
        return cls(ident, tuple(_shown(v) for v in shown), parts)

    @classmethod
    def from_legacy(cls, data: object) -> Snapshot:
        """A snapshot as manifests of format 1 kept it, inline: a dict with a ``parts`` dict."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ValueError("an event is not an object with an id")
        parts = data.get("parts")
        if not isinstance(parts, dict):
            parts = {}
        digests = "".join(
            str(parts.get(k, "")).ljust(PART_WIDTH, "-")[:PART_WIDTH] for k in PART_FIELDS
        )
        return cls(data["id"], tuple(_shown(data.get(k)) for k in SHOWN_FIELDS), digests)


def _shown(value: object) -> Shown:
    if value is None or isinstance(value, str | float) or type(value) is int:
        return value
    raise ValueError(f"an event field holds {type(value).__name__}, not a plain value")


def event_snapshot(log: EventLog, e: Event) -> Snapshot:
    """What a brief records of an event, to say later what changed."""
    record = event_record(log, e)
    return Snapshot(
        e.id,
        tuple(record[k] for k in SHOWN_FIELDS),
        "".join(_digest(record[k], PART_WIDTH // 2) for k in PART_FIELDS),
    )
