"""The reports folder: file names, the manifest of briefs written, the previous brief.

``reports/manifest.json`` records every brief: its number in the series (per
log), as-of, period, outputs, input hash and, for every event it included, the
event's id and content hash. The renderer reads it for the default period
("since the last report") and the report number, and rewrites it atomically.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from briefer.atomic import write_atomic
from briefer.errors import InvalidInput

__all__ = ["MANIFEST", "ReportRecord", "load_manifest", "log_slug", "record_report", "stem_for"]

MANIFEST = "manifest.json"
_FORMAT = 1


def log_slug(title: str, fallback: str = "brief") -> str:
    """``Kosovo–Serbia security situation`` → ``kosovo-serbia-security-situation``."""
    # Separators first (an en dash must not glue two words), then drop accents.
    spaced = re.sub(r"[^\w]+", "-", title)
    ascii_title = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or fallback


def stem_for(as_of: int, tz: tzinfo, slug: str) -> str:
    """``2023-11-22-kosovo-serbia-security-situation``: the as-of date in the log's zone."""
    return f"{datetime.fromtimestamp(as_of, tz):%Y-%m-%d}-{slug}"


@dataclass(frozen=True)
class ReportRecord:
    """One brief in the manifest."""

    number: int
    log: str
    as_of: int
    period_start: int
    outputs: tuple[str, ...]
    input_hash: str
    #: Every event in the brief's scope (the log as known at as-of, filter applied):
    #: id, content hash and the fields a later brief needs to say what changed.
    events: tuple[dict[str, Any], ...]
    #: Ids on the watch list (upcoming), to tell whether anything new came within the horizon.
    watch: tuple[str, ...] = ()
    #: The brief's developments, by id.
    developments: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("outputs", "events", "watch", "developments"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportRecord:
        return cls(
            number=int(data["number"]),
            log=str(data["log"]),
            as_of=int(data["as_of"]),
            period_start=int(data["period_start"]),
            outputs=tuple(str(o) for o in data["outputs"]),
            input_hash=str(data["input_hash"]),
            events=tuple(dict(e) for e in data["events"] if "id" in e and "hash" in e),
            watch=tuple(str(i) for i in data.get("watch", ())),
            developments=tuple(str(i) for i in data.get("developments", ())),
        )


def load_manifest(reports_dir: Path) -> list[ReportRecord]:
    """Every recorded brief, oldest first; an unreadable manifest counts as empty."""
    try:
        data = json.loads((reports_dir / MANIFEST).read_text(encoding="utf-8"))
        records = [ReportRecord.from_json(r) for r in data["reports"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        # Refuse to renumber a series from scratch over a manifest we cannot read.
        raise InvalidInput(
            f"{reports_dir / MANIFEST}: unreadable ({exc}); fix or move it"
        ) from None
    return sorted(records, key=lambda r: (r.as_of, r.number))


def previous_report(records: list[ReportRecord], log: str, as_of: int) -> ReportRecord | None:
    """The latest brief of ``log`` written as of before ``as_of``."""
    earlier = [r for r in records if r.log == log and r.as_of < as_of]
    return earlier[-1] if earlier else None


def report_number(records: list[ReportRecord], log: str, as_of: int) -> int:
    """The number a brief as of ``as_of`` gets: the same as a brief already written
    for that instant (a re-render), else one more than the highest so far."""
    same = [r for r in records if r.log == log and r.as_of == as_of]
    if same:
        return same[-1].number
    return max((r.number for r in records if r.log == log), default=0) + 1


def record_report(reports_dir: Path, records: list[ReportRecord], new: ReportRecord) -> None:
    """Write the manifest with ``new`` replacing any record of the same log and as-of."""
    kept = [r for r in records if not (r.log == new.log and r.as_of == new.as_of)]
    kept.append(new)
    kept.sort(key=lambda r: (r.log, r.as_of))
    payload = {"briefer_manifest": _FORMAT, "reports": [r.to_json() for r in kept]}
    write_atomic(reports_dir / MANIFEST, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
