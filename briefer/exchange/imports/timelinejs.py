"""The TimelineJS importer: a TimelineJS3 JSON file → events.

Slides become events (dates at the precision the slide gives, "c. 1990" as an
approximate date, groups as kinds or tags); the file itself is the one source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from briefer.dates import MAX_YEAR, MIN_YEAR, DateError, get_timezone, parse_date
from briefer.errors import InvalidInput
from briefer.exchange.imports.common import ImportResult, LogIds, _Ids, _shown, slug
from briefer.exchange.imports.markup import html_to_markdown, html_to_text
from briefer.model import BUILTIN_KINDS

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
