"""The reports folder: file names, the manifest of briefs written, the previous brief.

``reports/manifest.json`` records every brief: its number in the series (per
log), as-of, period, outputs, input hash, watch list, developments, and its
judgments and indicators (see :mod:`briefer.series.assessments`). The
renderer reads it for the default period ("since the last report") and the
report number. What a brief covered (for every event: id, the fields a
"changed" line shows, digests of the rest) is kept beside it, one small
gzipped JSON file per brief in ``reports/.scopes/`` named after the log and
the as-of, so that the manifest stays small however large the log: a render
rewrites it whole.

Manifests of format 1 kept those snapshots inline; they are read as they
are, and moved out to scope files when the manifest is next written.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from briefer.atomic import Staged
from briefer.errors import InvalidInput, OutputError
from briefer.records import SHOWN_FIELDS, Snapshot
from briefer.series.assessments import JudgmentRecord
from briefer.series.deliveries import Delivery, optional_lines, parse_deliveries
from briefer.slugs import slugify

__all__ = [
    "MANIFEST",
    "SCOPES",
    "ReportRecord",
    "load_manifest",
    "load_scope",
    "log_slug",
    "scope_path",
    "stage_manifest",
    "stage_report",
    "stem_for",
]

MANIFEST = "manifest.json"
#: The folder (in reports/) of the per-brief scope files.
SCOPES = ".scopes"
_FORMAT = 2
_SCOPE_FORMAT = 1
#: Instants a manifest may hold: what a date of years 1..9999 can be, in any zone.
_TIME_RANGE = (-62135596800 + 86400, 253402300799 - 86400)
#: Report numbers a manifest may hold.
_NUMBER_RANGE = (1, 10**9 - 1)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def log_slug(title: str, fallback: str = "brief") -> str:
    """``Kosovo–Serbia security situation`` → ``kosovo-serbia-security-situation``."""
    return slugify(title, limit=60) or fallback


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
    #: Ids on the watch list (upcoming), to tell whether anything new came within the horizon.
    watch: tuple[str, ...] = ()
    #: The brief's developments, by id.
    developments: tuple[str, ...] = ()
    #: Its judgments, ``(lineage, id, likelihood, confidence)``; None when not recorded.
    judgments: tuple[JudgmentRecord, ...] | None = None
    #: Its indicators, ``(id, observed)``; None when not recorded.
    indicators: tuple[tuple[str, bool], ...] | None = None
    #: The scope of a brief recorded by a format-1 manifest, until it moves to its scope file.
    inline: tuple[Snapshot, ...] | None = None
    #: The mail subject and the bottom line, for mail and the feed (None: recorded before them).
    subject: str | None = None
    bluf: tuple[str, ...] | None = None
    #: Every attempt to mail the brief (see :mod:`briefer.series.deliveries`).
    deliveries: tuple[Delivery, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The record as the manifest keeps it (the scope goes to its own file)."""
        return {
            "number": self.number,
            "log": self.log,
            "as_of": self.as_of,
            "period_start": self.period_start,
            "outputs": list(self.outputs),
            "input_hash": self.input_hash,
            "watch": list(self.watch),
            "developments": list(self.developments),
            **({} if self.judgments is None else {"judgments": [list(j) for j in self.judgments]}),
            **(
                {}
                if self.indicators is None
                else {"indicators": [[i, int(seen)] for i, seen in self.indicators]}
            ),
            **({} if self.subject is None else {"subject": self.subject}),
            **({} if self.bluf is None else {"bluf": list(self.bluf)}),
            **({"deliveries": [d.to_json() for d in self.deliveries]} if self.deliveries else {}),
        }

    @classmethod
    def from_json(cls, data: object) -> ReportRecord:
        """A record read back; ValueError saying what is wrong with it."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        inline = None
        if "events" in data:  # format 1
            events = data["events"]
            if not isinstance(events, list):
                raise ValueError('"events" is not a list')
            inline = tuple(Snapshot.from_legacy(e) for e in events)
        log = _string(data, "log")
        if not _SLUG.fullmatch(log):
            raise ValueError(f'"log" is {_short(log)}, not a log\'s slug')
        return cls(
            number=_int(data, "number", _NUMBER_RANGE, "a report number"),
            log=log,
            as_of=_int(data, "as_of", _TIME_RANGE, "an instant"),
            period_start=_int(data, "period_start", _TIME_RANGE, "an instant"),
            outputs=_strings(data, "outputs"),
            input_hash=_string(data, "input_hash"),
            watch=_strings(data, "watch", ()),
            developments=_strings(data, "developments", ()),
            judgments=_judgments(data),
            indicators=_indicators(data),
            inline=inline,
            subject=_string(data, "subject") if "subject" in data else None,
            bluf=optional_lines(data, "bluf"),
            deliveries=parse_deliveries(data),
        )


def _judgments(data: dict[str, Any]) -> tuple[JudgmentRecord, ...] | None:
    value = data.get("judgments")
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(j, list) and len(j) == 4 and all(isinstance(v, str) for v in j) for j in value
    ):
        raise ValueError('"judgments" is not a list of [lineage, id, likelihood, confidence]')
    return tuple((j[0], j[1], j[2], j[3]) for j in value)


def _indicators(data: dict[str, Any]) -> tuple[tuple[str, bool], ...] | None:
    value = data.get("indicators")
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(i, list) and len(i) == 2 and isinstance(i[0], str) and i[1] in (0, 1)
        for i in value
    ):
        raise ValueError('"indicators" is not a list of [id, 0 or 1]')
    return tuple((i[0], bool(i[1])) for i in value)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if _plain(value) else type(value).__name__
    return text if len(text) <= 24 else text[:20] + "…"


def _plain(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


_MISSING = object()


def _string(data: dict[str, Any], key: str) -> str:
    value = data.get(key, _MISSING)
    if value is _MISSING:
        raise ValueError(f'"{key}" is missing')
    if not isinstance(value, str):
        raise ValueError(f'"{key}" is {_short(value)}, not a string')
    return value


def _int(data: dict[str, Any], key: str, bounds: tuple[int, int], what: str) -> int:
    value = data.get(key, _MISSING)
    if value is _MISSING:
        raise ValueError(f'"{key}" is missing')
    # bool is an int to Python, not to a reader of the manifest.
    if type(value) is not int or not bounds[0] <= value <= bounds[1]:
        raise ValueError(f'"{key}" is {_short(value)}, not {what}')
    return value


def _strings(data: dict[str, Any], key: str, default: object = _MISSING) -> tuple[str, ...]:
    value = data.get(key, default)
    if value is _MISSING:
        raise ValueError(f'"{key}" is missing')
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'"{key}" is not a list of strings')
    return tuple(value)


def _unreadable(path: Path, why: str) -> InvalidInput:
    return InvalidInput(f"{path}: {why}; fix or move it")


def _read_json(path: Path, *, gzipped: bool = False) -> object:
    """The JSON in ``path``: FileNotFoundError, OutputError (cannot read) or InvalidInput."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise
    except OSError as exc:
        raise OutputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        if gzipped:
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8")
    except (OSError, EOFError, zlib.error):
        raise _unreadable(path, "not a gzip file") from None
    except UnicodeDecodeError:
        raise _unreadable(path, "not UTF-8 text") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise _unreadable(path, "not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # also numbers too long to convert
        raise _unreadable(path, f"not valid JSON ({exc})") from None


def load_manifest(reports_dir: Path) -> list[ReportRecord]:
    """Every recorded brief, oldest first; none when there is no manifest.

    A manifest that cannot be understood is an error (exit 1) naming it, never
    an empty series: numbering it afresh would reuse report numbers.
    """
    path = reports_dir / MANIFEST
    try:
        data = _read_json(path)
    except (FileNotFoundError, NotADirectoryError):  # no reports/ (or a file there): no briefs
        return []
    if not isinstance(data, dict) or data.get("briefer_manifest") not in (1, _FORMAT):
        raise _unreadable(path, "not a briefer reports manifest")
    reports = data.get("reports")
    if not isinstance(reports, list):
        raise _unreadable(path, '"reports" is not a list')
    records = []
    for i, item in enumerate(reports, start=1):
        try:
            records.append(ReportRecord.from_json(item))
        except ValueError as exc:
            raise _unreadable(path, f"record {i}: {exc}") from None
    return sorted(records, key=lambda r: (r.as_of, r.number))


def scope_path(reports_dir: Path, record: ReportRecord) -> Path:
    """The file holding what ``record``'s brief covered."""
    return reports_dir / SCOPES / f"{record.log}-{record.as_of}.json.gz"


def load_scope(reports_dir: Path, record: ReportRecord) -> tuple[Snapshot, ...]:
    """The snapshots of every event ``record``'s brief covered."""
    if record.inline is not None:
        return record.inline
    path = scope_path(reports_dir, record)
    try:
        data = _read_json(path, gzipped=True)
    except (FileNotFoundError, NotADirectoryError):
        # Not an empty scope: every event would be reported as added.
        raise InvalidInput(
            f"{path}: missing; the changes since report {record.number} cannot be told "
            "without it (restore it from a backup)"
        ) from None
    if not isinstance(data, dict) or data.get("briefer_scope") != _SCOPE_FORMAT:
        raise _unreadable(path, "not a briefer scope file")
    events = data.get("events")
    if not isinstance(events, list):
        raise _unreadable(path, '"events" is not a list')
    try:
        return tuple(Snapshot.from_row(row) for row in events)
    except ValueError as exc:
        raise _unreadable(path, str(exc)) from None


def _scope_file(record: ReportRecord, scope: Sequence[Snapshot]) -> bytes:
    """Gzipped JSON, one event a line (``zcat`` shows it; two of them diff well).

    Compressed, a brief of 2,000 events takes about 75 KB instead of 340 KB:
    titles repeat little, but the digests of empty fields repeat a lot.
    """
    head = {
        "briefer_scope": _SCOPE_FORMAT,
        "log": record.log,
        "as_of": record.as_of,
        "fields": ["id", *SHOWN_FIELDS, "parts"],
    }
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines = [encode(s.to_row()) for s in scope]
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "events": ['
    text = opening + ("\n" + ",\n".join(lines) + "\n" if lines else "") + "]}\n"
    # mtime 0: the same brief gives the same bytes. Level 6 is zlib's own
    # default: a few percent larger than 9, several times faster.
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


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


def stage_report(
    stage: Staged,
    reports_dir: Path,
    records: list[ReportRecord],
    new: ReportRecord,
    scope: Sequence[Snapshot],
) -> list[ReportRecord]:
    """Stage the manifest with ``new`` (replacing any record of the same log and as-of)
    and the scope files it points to; return the records it holds.

    The scope files are staged first and the manifest next, so that whoever
    renames in staging order never has a manifest naming a scope file not in place.
    """
    kept = [r for r in records if not (r.log == new.log and r.as_of == new.as_of)]
    # A brief written again keeps the record of how the earlier one was delivered.
    earlier = [d for r in records if r not in kept for d in r.deliveries]
    new = dataclasses.replace(new, deliveries=(*earlier, *new.deliveries))
    for old in kept:
        if old.inline is not None:  # format 1: move the scope out of the manifest
            stage.put(scope_path(reports_dir, old), _scope_file(old, old.inline))
    stage.put(scope_path(reports_dir, new), _scope_file(new, scope))
    kept.append(new)
    stage_manifest(stage, reports_dir, kept)
    return kept


def stage_manifest(stage: Staged, reports_dir: Path, records: Sequence[ReportRecord]) -> None:
    """Stage the manifest holding ``records`` (their scopes already in their files)."""
    ordered = sorted(records, key=lambda r: (r.log, r.as_of))
    payload = {"briefer_manifest": _FORMAT, "reports": [r.to_json() for r in ordered]}
    stage.put(reports_dir / MANIFEST, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
