"""Imports from other tools into the log format: ACLED CSV and TimelineJS JSON.

Each importer turns a file into plain YAML that ``briefer check`` accepts:
ids derived stably from the source's own ids (or a slug of headline and
date), dates at the precision the source states, HTML turned into Markdown,
and a source for every event. Items that cannot be expressed in the log
format are reported one line each (``FILE: item N (id): message``) and left
out; the rest is still converted.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from briefer.dates import MAX_YEAR, MIN_YEAR, DateError, get_timezone, parse_date
from briefer.errors import InvalidInput
from briefer.model import BUILTIN_KINDS
from briefer.schema import EVENT_KEYS
from briefer.slugs import slugify

__all__ = [
    "ImportResult",
    "LogIds",
    "drop_invalid",
    "ids_in_log",
    "import_acled",
    "import_timelinejs",
    "to_yaml",
]


@dataclass
class ImportResult:
    """Converted sources and events, and a message per item that was left out."""

    title: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, dict[str, str]] = field(default_factory=dict)
    #: For each event, its item number and how to name it (``FILE: row N (ID)``).
    origins: list[tuple[int, str]] = field(default_factory=list)
    #: (item number, message) for every item left out.
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: Each event's YAML by id, once dumped (checking and printing need the same text).
    dumped: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.title = " ".join(_without_controls(self.title).split()) or "Imported events"

    @property
    def skipped(self) -> list[str]:
        """One line per item left out, in the order of the file."""
        return [text for _, text in sorted(self.problems, key=lambda p: p[0])]

    def add(self, event: dict[str, Any], number: int, where: str) -> None:
        """Keep a converted event and where it came from."""
        self.events.append(_ordered_event(_without_controls(event)))
        self.origins.append((number, where))

    def skip(self, number: int, where: str, message: str) -> None:
        """Leave an item out, saying why (on one line, whatever the file held)."""
        self.problems.append((number, _UNPRINTABLE.sub(" ", f"{where}: {message}")))


def slug(text: str, limit: int = 60) -> str:
    """A log id from any text (ASCII letters, digits and '-')."""
    return slugify(text, limit=limit)


@dataclass
class LogIds:
    """Ids the log an import is meant for already uses (for ``--fragment``)."""

    sources: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)


def ids_in_log(path: str) -> LogIds:
    """The source and event ids of the log at ``path`` and the files it includes.

    Read leniently, without validating: the log may be mid-edit, or include the
    very file the import is about to replace (already emptied by the shell's
    ``>``). What cannot be read adds nothing.
    """
    from briefer.files import expand_includes, read_log_file

    found = LogIds()

    def read(file: str) -> dict[str, Any]:
        try:
            # The same guarded reader as the loader: a FIFO or a device never hangs.
            text = read_log_file(file).decode("utf-8-sig")
            data = yaml.load(text, Loader=_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        for key, ids in (("sources", found.sources), ("events", found.events)):
            items = data.get(key)
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    ids.add(item["id"])
        return data

    include = read(path).get("include")
    patterns = [include] if isinstance(include, str) else include
    if isinstance(patterns, list):
        strings = [p for p in patterns if isinstance(p, str)]
        for match in expand_includes(strings, path, path):
            if match.path:
                read(match.path)
    return found


class _Ids:
    """Distinct ids: the first of a base as it is, later ones ``base-2``, ``base-3``, ..."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        # The next suffix to try for each base: a file of 10,000 rows that all
        # slug alike must not test 1, 2, ... n for every row.
        self.next: dict[str, int] = {}

    def new(self, base: str) -> str:
        """A new id from ``base`` ("item" when empty), never one given before."""
        base = base or "item"
        candidate = base
        if candidate in self.taken:
            n = self.next.get(base, 2)
            while f"{base}-{n}" in self.taken:
                n += 1
            candidate, self.next[base] = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate


# -- ACLED ----------------------------------------------------------------------------

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


# -- TimelineJS -----------------------------------------------------------------------

#: The largest TimelineJS file read: far beyond any timeline a browser can show.
TIMELINE_MAX_BYTES = 64 * 1024 * 1024


def _timeline_data(path: Path) -> dict[str, Any]:
    """The TimelineJS3 object in ``path``; InvalidInput (one line) for anything else."""
    limit = TIMELINE_MAX_BYTES
    try:
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise InvalidInput(
            f"{path}: larger than {limit // (1024 * 1024)} MiB: not read as a TimelineJS file"
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: cannot read: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        # json's parser recurses per nesting level; no timeline nests more than a few.
        raise InvalidInput(f"{path}: not a TimelineJS file: JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InvalidInput(f"{path}: invalid JSON: {exc}") from None
    if isinstance(data, dict) and "events" not in data and isinstance(data.get("timeline"), dict):
        # Pages that embed TimelineJS often keep its object under a "timeline" key.
        data = data["timeline"]
    if not isinstance(data, dict):
        found = "a JSON list" if isinstance(data, list) else f"JSON {type(data).__name__}"
        raise InvalidInput(
            f"{path}: not a TimelineJS file: {found}, not an object with an 'events' list"
        )
    if not isinstance(data.get("events"), list):
        hint = ""
        if isinstance(data.get("date"), list):
            hint = " (a TimelineJS 2 file, with a 'date' list: only TimelineJS3 is read)"
        elif "slides" in data:
            hint = " (it has 'slides': TimelineJS3 reads 'events')"
        raise InvalidInput(f"{path}: not a TimelineJS file: no 'events' list{hint}")
    return data


def import_timelinejs(path: Path, known: LogIds | None = None) -> ImportResult:
    """A TimelineJS3 JSON file → events (HTML text becomes Markdown; groups become kinds).

    The file is TimelineJS3's documented object (``events``, optional ``title``;
    ``eras`` and ``scale`` are ignored), at the top level or under a
    ``timeline`` key. New ids avoid those in ``known``; an event already there
    (by ``unique_id``) is left out.
    """
    known = known or LogIds()
    data = _timeline_data(path)
    headline = _text_of(data.get("title"), "headline")
    result = ImportResult(title=html_to_text(headline) or f"Imported from {path.name}")
    source_id = _Ids(known.sources).new(slug(path.stem) or "timeline")
    result.sources.append({"id": source_id, "title": result.title + " (TimelineJS)"})
    ids = _Ids(known.events)
    for number, item in enumerate(data["events"], start=1):
        uid = item.get("unique_id") if isinstance(item, dict) else None
        where = f"{path}: item {number}" + (f" ({_shown(str(uid))})" if uid else "")
        try:
            event = _timeline_event(item)
        except (ValueError, TypeError, DateError) as exc:
            result.skip(number, where, str(exc))
            continue
        base = slug(str(uid)) if uid else slug(f"{event['title']} {event['date']}")
        if uid and base in known.events:
            result.skip(number, where, f"event '{base}' is already in the log")
            continue
        event["id"] = ids.new(base)
        credit = html_to_markdown(_text_of(item.get("media"), "credit"))
        event["sources"] = [{"id": source_id, "note": credit} if credit else source_id]
        result.add(event, number, where)
    return result


def _check_date(text: str, what: str) -> None:
    """The log's own date rules, with their messages."""
    try:
        parse_date(text, get_timezone("UTC"))
    except DateError as exc:
        raise ValueError(f"{what} '{text}': {exc}") from None


def _text_of(obj: Any, key: str) -> str:
    if isinstance(obj, dict):
        if key in obj and isinstance(obj[key], str):
            return str(obj[key])
        text = obj.get("text")
        if isinstance(text, dict) and isinstance(text.get(key), str):
            return str(text[key])
    return ""


_PARTS = ("year", "month", "day", "hour", "minute")
_FUZZY = re.compile(r"\b(c\.|ca\.|circa|about|around|approx)", re.IGNORECASE)


def _whole(raw: Any, what: str) -> int:
    """A date part as TimelineJS writes it: a number or a string of digits."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            pass  # reported below
    raise ValueError(f"{what} '{_shown(str(raw))}' is not a whole number")


def _tl_parts(value: Any, what: str) -> list[int]:
    """The parts of a TimelineJS date, year first, up to the first one missing."""
    if value is None:
        raise ValueError(f"{what} is missing")
    if not isinstance(value, dict):
        raise ValueError(f'{what} must be an object such as {{"year": 2023}}')
    parts: list[int] = []
    for name in _PARTS:
        raw = value.get(name)
        if raw in (None, ""):
            break
        parts.append(_whole(raw, f"{what}.{name}"))
    if not parts:
        raise ValueError(f"{what} has no year")
    year = parts[0]
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            f"{what}: year {year} cannot be expressed (the log's dates run {MIN_YEAR}..{MAX_YEAR})"
        )
    return parts


def _tl_text(parts: list[int]) -> str:
    text = f"{parts[0]:04d}"
    if len(parts) > 1:
        text += f"-{parts[1]:02d}"
    if len(parts) > 2:
        text += f"-{parts[2]:02d}"
    if len(parts) > 3:
        text += f"T{parts[3]:02d}:{parts[4] if len(parts) > 4 else 0:02d}"
    return text


def _fuzzy(*values: Any) -> bool:
    """Whether a display_date says the date is approximate ("c. 1990", "around May")."""
    return any(isinstance(v, str) and _FUZZY.search(v) for v in values)


def _timeline_event(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    start_date: dict[str, Any] = item.get("start_date")  # type: ignore[assignment]
    start = _tl_parts(start_date, "start_date")  # raises unless it is an object
    shown = item.get("display_date")  # the slide's own overrides its dates'
    fuzzy = _fuzzy(shown, start_date.get("display_date"))
    text = _tl_text(start) + ("~" if fuzzy else "")
    end_date = item.get("end_date")
    if end_date:
        end = _tl_parts(end_date, "end_date")
        # TimelineJS drops an end date equal to the start; so do we.
        if end != start:
            end_fuzzy = _fuzzy(shown, end_date.get("display_date"))
            text = f"{text}/{_tl_text(end)}{'~' if end_fuzzy else ''}"
    _check_date(text, "date")
    headline = html_to_text(_text_of(item, "headline"))
    event: dict[str, Any] = {"date": text, "title": headline or "Untitled"}
    group = item.get("group")
    if isinstance(group, str) and slug(group):
        # Our own TimelineJS export puts the kind in the group.
        if slug(group) in BUILTIN_KINDS:
            event["kind"] = slug(group)
        else:
            event["tags"] = [slug(group)]
    body = html_to_markdown(_text_of(item, "text"))
    if body:
        event["summary"] = body
    return event


class _Markdown(HTMLParser):
    """The tags TimelineJS text uses, as Markdown; everything else becomes plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("p", "div", "ul", "ol"):
            self.out.append("\n\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            ok = re.match(r"(?i)(https?://|mailto:)", href)
            self.links.append(href if ok else None)
            if ok:
                self.out.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag in ("p", "div", "ul", "ol"):
            self.out.append("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f"]({href})")

    def handle_data(self, data: str) -> None:
        self.out.append(re.sub(r"([\\`*_\[\]<>])", r"\\\1", data))


def html_to_text(text: str) -> str:
    """HTML → plain text on one line (for titles)."""
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", text)).split())


def html_to_markdown(text: str) -> str:
    """TimelineJS HTML → Markdown (bold, italics, links, line breaks, lists)."""
    if "<" not in text:
        return " ".join(unescape(text).split())
    parser = _Markdown()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.out)
    paragraphs = [
        " ".join(p.split()) if "\n- " not in p else p.strip() for p in re.split(r"\n{2,}", joined)
    ]
    return "\n\n".join(p for p in paragraphs if p)


# -- output ---------------------------------------------------------------------------


def _ordered_event(event: dict[str, Any]) -> dict[str, Any]:
    # The order the log format documents its keys in.
    return {k: event[k] for k in EVENT_KEYS if k in event and event[k] not in (None, [], "")}


def _shown(text: str, limit: int = 40) -> str:
    """A value from the file as it can be quoted in a one-line message."""
    text = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


# Also lone surrogates, which JSON's \ud800 escapes can produce and UTF-8 cannot encode.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _without_controls(value: Any) -> Any:
    """Text from the file without control characters (an ESC would reach terminals)."""
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    if isinstance(value, dict):
        return {k: _without_controls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_controls(v) for v in value]
    return value


# libyaml's emitter and parser when PyYAML has them: the same text, several times faster.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _dump(value: Any) -> str:
    return str(yaml.dump(value, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100))


def _document(result: ImportResult, *, fragment: bool, timezone: str) -> tuple[str, list[int]]:
    """The YAML text, and the line each event starts on (1-based)."""
    cited = {
        c if isinstance(c, str) else c["id"] for e in result.events for c in e.get("sources", ())
    }
    head: dict[str, Any] = {}
    if not fragment:
        head = {"briefer": 1, "title": result.title, "timezone": timezone}
        reported = {m for e in result.events for m in e.get("figures", {})}
        metrics = {k: v for k, v in result.metrics.items() if k in reported}
        if metrics:
            head["metrics"] = metrics
    head["sources"] = [s for s in result.sources if s["id"] in cited]
    parts = [_dump(head)]
    if not result.events:
        parts.append("events: []\n")
        return "".join(parts), []
    parts.append("events:\n")
    line = sum(p.count("\n") for p in parts) + 1
    starts = []
    # One event at a time: the same text as dumping the list whole (a block
    # sequence under a key is not indented), and each event's lines are known.
    for event in result.events:
        chunk = result.dumped.get(event["id"]) or result.dumped.setdefault(
            event["id"], _dump([event])
        )
        starts.append(line)
        line += chunk.count("\n")
        parts.append(chunk)
    return "".join(parts), starts


def drop_invalid(result: ImportResult, *, timezone: str = "UTC") -> None:
    """Leave out (and report) every event the log's own validator refuses.

    The converters already refuse what they know the log format cannot say;
    this is the guarantee behind them: the printed YAML is checked exactly as
    ``briefer check`` would check it, so an import never exits 0 with YAML that
    fails ``check``.
    """
    from briefer.loader import parse

    while result.events:
        text, starts = _document(result, fragment=False, timezone=timezone)
        problems = parse("import.yaml", text.encode("utf-8"), "import.yaml").result.problems
        refused: dict[int, str] = {}
        for problem in problems:
            if problem.severity != "error":
                continue
            index = bisect.bisect_right(starts, problem.pos.line) - 1
            if index < 0:
                # The header and sources come from this module alone: a bug here.
                raise RuntimeError(f"import produced an invalid log: {problem}")
            eid = result.events[index]["id"]
            message = problem.message.removeprefix(f"event '{eid}': ")
            refused.setdefault(index, message)
        if not refused:
            return
        for index in sorted(refused, reverse=True):
            number, where = result.origins[index]
            result.skip(number, where, refused[index])
            del result.events[index], result.origins[index]


def to_yaml(result: ImportResult, *, fragment: bool, timezone: str = "UTC") -> str:
    """The import as a full log, or only ``sources:``/``events:`` to include from one."""
    return _document(result, fragment=fragment, timezone=timezone)[0]
