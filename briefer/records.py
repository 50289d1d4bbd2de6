"""Events as plain JSON-ready data, shared by ``list --format json|csv``, exports and reports."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from briefer.model import Event, EventLog

__all__ = ["SHOWN_FIELDS", "event_hash", "event_record", "event_snapshot"]


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
        "figures": dict(e.figures),
        "related": list(e.related),
        "summary": e.summary,
        "file": e.pos.file,
        "line": e.pos.line,
    }


_CONTENT_KEYS = (
    "date", "title", "kind", "summary", "actors", "location", "tags", "sources",
    "source_notes", "significance", "confidence", "figures", "related",
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


def event_snapshot(log: EventLog, e: Event) -> dict[str, Any]:
    """What the reports manifest keeps of an event: enough to say what changed later."""
    record = event_record(log, e)
    snapshot: dict[str, Any] = {
        "id": e.id,
        "hash": _digest({k: record[k] for k in _CONTENT_KEYS}, 12),
    }
    snapshot.update({k: record[k] for k in SHOWN_FIELDS})
    snapshot["parts"] = {k: _digest(record[k], 4) for k in _CONTENT_KEYS if k not in SHOWN_FIELDS}
    return snapshot
