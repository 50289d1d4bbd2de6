"""Imports from other tools into the log format: ACLED CSV and TimelineJS JSON.

Each importer turns a file into plain YAML that ``briefer check`` accepts:
ids derived stably from the source's own ids (or a slug of headline and
date), dates at the precision the source states, HTML turned into Markdown,
and a source for every event. Items that cannot be expressed in the log
format are reported one line each (``FILE: item N (id): message``) and left
out; the rest is still converted.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from briefer.dates import DateError, get_timezone, parse_date
from briefer.errors import InvalidInput
from briefer.model import BUILTIN_KINDS
from briefer.schema import EVENT_KEYS

__all__ = ["ImportResult", "import_acled", "import_timelinejs", "to_yaml"]


@dataclass
class ImportResult:
    """Converted sources and events, and a message per item that was left out."""

    title: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def slug(text: str, limit: int = 60) -> str:
    """A log id from any text (ASCII letters, digits and '-')."""
    import unicodedata

    spaced = re.sub(r"[^\w]+", "-", text)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].rstrip("-")


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base or "item", 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
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


def import_acled(path: Path) -> ImportResult:
    """ACLED's CSV export (its documented columns) → events with actors, place and fatalities."""
    rows = _read_csv(path)
    result = ImportResult(title=f"Imported from {path.name}")
    result.metrics["fatalities"] = {"label": "Reported fatalities", "unit": "people"}
    taken: set[str] = set()
    sources: dict[str, str] = {}
    for number, row in rows:
        ident = (row.get("event_id_cnty") or "").strip()
        where = f"{path}: row {number}" + (f" ({ident})" if ident else "")
        try:
            event = _acled_event(row, sources, result)
        except (ValueError, DateError) as exc:
            result.skipped.append(f"{where}: {exc}")
            continue
        event["id"] = _unique(slug(ident) or slug(f"{event['title']} {event['date']}"), taken)
        result.events.append(_ordered_event(event))
    return result


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    columns = set(reader.fieldnames or ())
    missing = [c for c in ACLED_REQUIRED if c not in columns]
    if missing:
        raise InvalidInput(f"{path}:1: not an ACLED export: missing column(s) {', '.join(missing)}")
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InvalidInput(f"{path}:{reader.line_num}: {exc}") from None
    return ((i + 2, row) for i, row in enumerate(rows))


def _acled_event(
    row: dict[str, str], sources: dict[str, str], result: ImportResult
) -> dict[str, Any]:
    day = (row.get("event_date") or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise ValueError(f"event_date '{day}' is not YYYY-MM-DD")
    precision = (row.get("time_precision") or "1").strip()
    # ACLED: 1 = the day is known, 2 = within the week, 3 = within the month.
    date_text = day if precision in ("", "1") else f"{day}~"
    _check_date(date_text, "event_date")
    event_type = (row.get("event_type") or "").strip()
    sub_type = (row.get("sub_event_type") or "").strip()
    location = (row.get("location") or "").strip()
    title = f"{sub_type or event_type} in {location}" if location else (sub_type or event_type)
    actors = [a for a in (row.get("actor1"), row.get("actor2")) if a and a.strip()]
    for column in ("assoc_actor_1", "assoc_actor_2"):
        actors += [a.strip() for a in (row.get(column) or "").split(";") if a.strip()]
    event: dict[str, Any] = {
        "date": date_text,
        "title": title or "ACLED event",
        "kind": _ACLED_KINDS.get(event_type.lower(), "incident"),
    }
    notes = (row.get("notes") or "").strip()
    if notes:
        event["summary"] = notes
    if actors:
        event["actors"] = list(dict.fromkeys(a.strip() for a in actors))
    if location:
        place: dict[str, Any] = {"name": location}
        region = (row.get("admin1") or "").strip()
        if region:
            place["region"] = region
        lat, lon = _float(row.get("latitude")), _float(row.get("longitude"))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            place["lat"], place["lon"] = lat, lon
        event["location"] = place
    tags = [slug(t) for t in (row.get("disorder_type"), sub_type) if t and slug(t)]
    if tags:
        event["tags"] = list(dict.fromkeys(tags))
    fatalities = _float(row.get("fatalities"))
    if fatalities is not None:
        event["figures"] = {
            "fatalities": int(fatalities) if fatalities.is_integer() else fatalities
        }
    cited = []
    for name in (row.get("source") or "ACLED").split(";"):
        name = name.strip()
        if not name:
            continue
        if name not in sources:
            sid = _unique(slug(name) or "source", set(sources.values()))
            sources[name] = sid
            result.sources.append({"id": sid, "title": name, "publisher": name})
        cited.append(sources[name])
    event["sources"] = cited or [_acled_source(sources, result)]
    return event


def _acled_source(sources: dict[str, str], result: ImportResult) -> str:
    if "ACLED" not in sources:
        sources["ACLED"] = "acled"
        result.sources.append(
            {"id": "acled", "title": "ACLED data export", "url": "https://acleddata.com/"}
        )
    return sources["ACLED"]


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


# -- TimelineJS -----------------------------------------------------------------------


def import_timelinejs(path: Path) -> ImportResult:
    """A TimelineJS3 JSON file → events (HTML text becomes Markdown; groups become kinds)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise InvalidInput(f"{path}: not a TimelineJS file: no 'events' list")
    headline = _text_of(data.get("title"), "headline")
    result = ImportResult(title=html_to_text(headline) or f"Imported from {path.name}")
    source_id = slug(path.stem) or "timeline"
    result.sources.append({"id": source_id, "title": result.title + " (TimelineJS)"})
    taken: set[str] = set()
    for number, item in enumerate(data["events"], start=1):
        uid = item.get("unique_id") if isinstance(item, dict) else None
        where = f"{path}: item {number}" + (f" ({uid})" if uid else "")
        try:
            event = _timeline_event(item)
        except (ValueError, TypeError, DateError) as exc:
            result.skipped.append(f"{where}: {exc}")
            continue
        base = slug(str(uid)) if uid else slug(f"{event['title']} {event['date']}")
        event["id"] = _unique(base, taken)
        credit = _text_of(item.get("media"), "credit")
        event["sources"] = [source_id]
        if credit:
            event["sources"] = [{"id": source_id, "note": html_to_markdown(credit)}]
        result.events.append(_ordered_event(event))
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


def _tl_date(value: Any, what: str) -> tuple[str, bool]:
    """TimelineJS date → our date text, and whether its display_date marks it approximate."""
    if not isinstance(value, dict):
        raise ValueError(f"{what} is missing")
    parts: list[int] = []
    for name in _PARTS:
        raw = value.get(name)
        if raw in (None, ""):
            break
        try:
            parts.append(int(str(raw).strip()))
        except ValueError:
            raise ValueError(f"{what}.{name} '{raw}' is not a number") from None
    if not parts:
        raise ValueError(f"{what} has no year")
    year = parts[0]
    if not 1 <= year <= 9999:
        raise ValueError(f"{what}: year {year} cannot be expressed (the log's dates run 1..9999)")
    text = f"{year:04d}"
    if len(parts) > 1:
        text += f"-{parts[1]:02d}"
    if len(parts) > 2:
        text += f"-{parts[2]:02d}"
    if len(parts) > 3:
        text += f"T{parts[3]:02d}:{parts[4] if len(parts) > 4 else 0:02d}"
    display = str(value.get("display_date") or "").lower()
    fuzzy = bool(re.search(r"\b(c\.|ca\.|circa|about|around|approx)", display))
    return text, fuzzy


def _timeline_event(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    start, fuzzy = _tl_date(item.get("start_date"), "start_date")
    text = start + ("~" if fuzzy else "")
    if item.get("end_date"):
        end, end_fuzzy = _tl_date(item["end_date"], "end_date")
        text = f"{text}/{end}{'~' if end_fuzzy else ''}"
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


def to_yaml(result: ImportResult, *, fragment: bool, timezone: str = "UTC") -> str:
    """The import as a full log, or only ``sources:``/``events:`` to include from one."""
    cited = {
        c if isinstance(c, str) else c["id"] for e in result.events for c in e.get("sources", ())
    }
    sources = [s for s in result.sources if s["id"] in cited]
    body: dict[str, Any] = {}
    if not fragment:
        body = {"briefer": 1, "title": result.title, "timezone": timezone}
        reported = {m for e in result.events for m in e.get("figures", {})}
        metrics = {k: v for k, v in result.metrics.items() if k in reported}
        if metrics:
            body["metrics"] = metrics
    body["sources"] = sources
    body["events"] = result.events
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
