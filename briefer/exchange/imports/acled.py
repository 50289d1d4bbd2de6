"""The ACLED importer: ACLED's CSV export (its documented columns) → events.

Rows become events with actors, place, tags and a ``fatalities`` figure; the
sources a row names become log sources (ACLED itself when it names none).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefer.dates import DateError, get_timezone, parse_date
from briefer.errors import InvalidInput
from briefer.exchange.imports.common import (
    ImportResult,
    LogIds,
    _Ids,
    _shown,
    _without_controls,
    slug,
)

ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "location")
_ACLED_KINDS = {
    "battles": "incident",
    "explosions/remote violence": "incident",
    "violence against civilians": "incident",
    "protests": "incident",
    "riots": "incident",
    "strategic developments": "political",
}
# English month names whatever the locale (strptime's %B/%b follow LC_TIME).
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {name: n for n, full in enumerate(_MONTH_NAMES, start=1) for name in (full, full[:3])}
_ACLED_DATE_FORMS = "2023-11-01, 01 November 2023 or 1-Nov-23"


def acled_date(text: str) -> str:
    """An ACLED ``event_date`` as ``YYYY-MM-DD``; ValueError for any other form.

    Three forms occur in real files: ``2023-11-01`` (the API, the codebook),
    ``01 November 2023`` (the Data Export Tool) and ``1-Nov-23`` (a file saved
    again by Excel). A two-digit year follows POSIX strptime's ``%y`` pivot:
    69-99 are 1969-1999, 00-68 are 2000-2068 (ACLED's data start in 1997).
    The day is checked against its month later, by the log's own date rules.
    """
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        return text
    named = re.fullmatch(r"(\d{1,2})([ -])([A-Za-z]+)\2(\d{4}|\d{2})", text)
    month = _MONTHS.get(named.group(3).lower()) if named else None
    if named is None or month is None:
        raise ValueError(f"event_date '{_shown(text)}' is not a date such as {_ACLED_DATE_FORMS}")
    year = int(named.group(4))
    if len(named.group(4)) == 2:
        year += 1900 if year >= 69 else 2000
    return f"{year:04d}-{month:02d}-{int(named.group(1)):02d}"


def fatalities(text: str) -> int | None:
    """ACLED's ``fatalities``: a whole number of people, or None when the cell is empty."""
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    # "4.0" from a spreadsheet is still four people; nan, inf, -3 and 2.5 are not a count.
    if not math.isfinite(value) or value < 0 or not value.is_integer():
        raise ValueError(f"fatalities '{_shown(text)}' is not a whole number of people")
    return int(value)


def import_acled(path: Path, known: LogIds | None = None) -> ImportResult:
    """ACLED's CSV export (its documented columns) → events with actors, place and fatalities.

    Columns are matched case-insensitively; columns this importer does not use
    (``data_id``, ``iso3``, ``inter1`` as a number or as text, ...) are ignored.
    New ids avoid those in ``known``; an event already there is left out.
    """
    known = known or LogIds()
    rows = _read_csv(path)
    result = ImportResult(title=f"Imported from {path.name}")
    result.metrics["fatalities"] = {"label": "Reported fatalities", "unit": "people"}
    ids = _Ids(known.events)
    first_row: dict[str, int] = {}
    sources = _Sources(known.sources)
    for number, row in rows:
        ident = (row.get("event_id_cnty") or "").strip()
        where = f"{path}: row {number}" + (f" ({_shown(ident)})" if ident else "")
        if ident and ident in first_row:
            # The same ACLED event twice (two exports joined): keep the first.
            result.skip(number, where, f"event_id_cnty repeats row {first_row[ident]}")
            continue
        try:
            event = _acled_event(row, sources, result)
        except (ValueError, DateError) as exc:
            result.skip(number, where, str(exc))
            continue
        if ident:
            first_row[ident] = number
            if slug(ident) in known.events:
                result.skip(number, where, f"event '{slug(ident)}' is already in the log")
                continue
        event["id"] = ids.new(slug(ident) or slug(f"{event['title']} {event['date']}"))
        result.add(event, number, where)
    return result


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path}: cannot read: not UTF-8 text (byte {exc.start + 1}); "
            "a spreadsheet can save it as 'CSV UTF-8'"
        ) from None
    # A spreadsheet saves CSV with ';' where ',' is the decimal comma, or with tabs.
    first_line = text.partition("\n")[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    # Not str.splitlines(): it also breaks at U+2028, U+0085 and form feeds inside a cell.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise InvalidInput(f"{path}:1: {exc}") from None
    # Older exports and spreadsheets vary the case of the header (EVENT_DATE).
    reader.fieldnames = [(name or "").strip().lower() for name in header]
    columns = set(reader.fieldnames)
    missing = [c for c in ACLED_REQUIRED if c not in columns]
    if missing:
        raise InvalidInput(f"{path}:1: not an ACLED export: missing column(s) {', '.join(missing)}")
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InvalidInput(f"{path}:{reader.line_num}: {exc}") from None
    return ((i + 2, row) for i, row in enumerate(rows))


def _cell(row: dict[str, str], column: str) -> str:
    # A short row leaves its missing cells None; a long one puts the rest under None.
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _acled_event(row: dict[str, str], sources: _Sources, result: ImportResult) -> dict[str, Any]:
    written = _cell(row, "event_date")
    day = acled_date(written)
    precision = _cell(row, "time_precision") or "1"
    # ACLED: 1 = the day is known, 2 = within the week, 3 = within the month.
    date_text = day if precision == "1" else f"{day}~"
    try:
        parse_date(date_text, get_timezone("UTC"))
    except DateError as exc:
        raise ValueError(f"event_date '{_shown(written)}': {exc}") from None
    event_type = _cell(row, "event_type")
    sub_type = _cell(row, "sub_event_type")
    location = _cell(row, "location")
    title = f"{sub_type or event_type} in {location}" if location else (sub_type or event_type)
    actors = [a for a in (_cell(row, "actor1"), _cell(row, "actor2")) if a]
    for column in ("assoc_actor_1", "assoc_actor_2"):
        actors += [a.strip() for a in _cell(row, column).split(";") if a.strip()]
    event: dict[str, Any] = {
        "date": date_text,
        "title": title or "ACLED event",
        "kind": _ACLED_KINDS.get(event_type.lower(), "incident"),
    }
    count = fatalities(_cell(row, "fatalities"))
    notes = _cell(row, "notes")
    if notes:
        event["summary"] = notes
    if actors:
        event["actors"] = list(dict.fromkeys(actors))
    if location:
        place: dict[str, Any] = {"name": location}
        region = _cell(row, "admin1")
        if region:
            place["region"] = region
        lat, lon = _float(_cell(row, "latitude")), _float(_cell(row, "longitude"))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            place["lat"], place["lon"] = lat, lon
        event["location"] = place
    tags = [slug(t) for t in (_cell(row, "disorder_type"), sub_type) if t and slug(t)]
    if tags:
        event["tags"] = list(dict.fromkeys(tags))
    if count is not None:
        event["figures"] = {"fatalities": count}
    cited = []
    for name in _cell(row, "source").split(";"):
        name = name.strip()
        if name:
            cited.append(_source_id(name, {"title": name, "publisher": name}, sources, result))
    if not cited:  # no source named: cite ACLED itself
        acled = {"title": "ACLED data export", "url": "https://acleddata.com/"}
        cited.append(_source_id("", acled, sources, result))
    event["sources"] = cited
    return event


class _Sources(dict[str, str]):
    """Source ids by the name the file gives; ``""`` is ACLED itself."""

    def __init__(self, taken: set[str]) -> None:
        super().__init__()
        self.ids = _Ids(taken)


def _source_id(name: str, entry: dict[str, str], sources: _Sources, result: ImportResult) -> str:
    """The id of the source called ``name``; a new one (never an id in use) the first time."""
    if name not in sources:
        sid = sources.ids.new(slug(name) or ("source" if name else "acled"))
        sources[name] = sid
        result.sources.append(_without_controls({"id": sid, **entry}))
    return sources[name]


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None
