"""Exports of a log for other tools: iCalendar, JSON, CSV and TimelineJS.

Every export is deterministic (same log → same bytes): no clock time, no
random identifiers. Untrusted text reaches HTML (TimelineJS) only escaped or
through the brief's safe Markdown renderer.

JSON export (``--format json``) — one object:

``briefer_export``
    1, the export format version.
``title``, ``timezone``, ``marking``, ``horizon_seconds``
    The log's header.
``kinds``
    Every kind the log knows, built-in first.
``metrics``
    ``{id: {"label", "unit"}}``.
``sources``
    ``[{"id", "title", "publisher", "published", "published_start", "url"}]``.
``events``
    One object per event, oldest first, with every field of the log
    (``id``, ``date`` as written, ``title``, ``kind``, ``summary``, ``actors``,
    ``location`` {name, region, lat, lon}, ``tags``, ``sources`` (ids),
    ``source_notes`` {id: note}, ``significance``, ``confidence``, ``figures``,
    ``related``) plus computed ``display_date``, ``start`` and ``end`` (ISO 8601
    in the log's time zone; ``end`` is the first instant after the event, null
    when open), ``precision``, ``approximate``, ``uncertain``, and where it was
    written (``file``, ``line``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from briefer.dates import Point, Precision
from briefer.model import Event, EventLog
from briefer.records import event_record
from briefer.series.manifest import log_slug

__all__ = ["FORMATS", "export"]

FORMATS = ("ics", "json", "csv", "timelinejs")


def export(log: EventLog, events: Sequence[Event], fmt: str) -> str:
    """``events`` of ``log`` in format ``fmt`` (one of FORMATS)."""
    if fmt == "json":
        return to_json(log, events)
    if fmt == "csv":
        return to_csv(log, events)
    if fmt == "ics":
        return to_ics(log, events)
    if fmt == "timelinejs":
        return to_timelinejs(log, events)
    raise ValueError(f"unknown format {fmt!r}")


# -- JSON and CSV ---------------------------------------------------------------------


def to_json(log: EventLog, events: Sequence[Event]) -> str:
    """The full log with computed bounds (documented in this module's docstring)."""
    tz = log.tzinfo
    data = {
        "briefer_export": 1,
        "title": log.title,
        "timezone": log.timezone,
        "marking": log.marking,
        "horizon_seconds": log.horizon,
        "kinds": list(log.kinds),
        "metrics": {m.id: {"label": m.label, "unit": m.unit} for m in log.metrics.values()},
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "publisher": s.publisher,
                "published": None if s.published is None else s.published.text,
                "published_start": None
                if s.published is None or s.published.earliest is None
                else datetime.fromtimestamp(s.published.earliest, tz).isoformat(),
                "url": s.url,
            }
            for s in log.sources.values()
        ],
        "events": [event_record(log, e) for e in events],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "id", "date", "display_date", "start", "end", "precision", "approximate", "uncertain",
    "title", "kind", "significance", "confidence", "tags", "actors", "location", "lat", "lon",
    "sources", "figures", "related", "summary",
)  # fmt: skip


def csv_row(log: EventLog, e: Event) -> list[str]:
    """One event as CSV cells: lists joined with ';', figures as ``metric=value``."""
    rec = event_record(log, e)
    loc = e.location
    rec["location"] = "" if loc is None else str(loc)
    rec["lat"] = "" if loc is None or loc.lat is None else loc.lat
    rec["lon"] = "" if loc is None or loc.lon is None else loc.lon
    rec["figures"] = [f"{k}={v:g}" for k, v in e.figures.items()]
    cells = []
    for column in CSV_COLUMNS:
        value = rec[column]
        if isinstance(value, list):
            cells.append(";".join(str(v) for v in value))
        elif value is None:
            cells.append("")
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        else:
            cells.append(str(value))
    return cells


# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP's "CSV injection"); a plain number such as -3 or -0.5 is only a number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a ``'`` in front when a spreadsheet would take it for a formula."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def to_csv(log: EventLog, events: Sequence[Event]) -> str:
    """One row per event under a header row; no cell can run as a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow([spreadsheet_safe(cell) for cell in csv_row(log, e)])
    return out.getvalue()


# -- iCalendar ------------------------------------------------------------------------


def _point_days(p: Point) -> tuple[date, date]:
    """First day and the day after the last day a point covers (DTEND is exclusive)."""
    if p.day is not None:
        assert p.month is not None
        first = date(p.year, p.month, p.day)
        return first, first + timedelta(days=1)
    if p.month is not None:
        first = date(p.year, p.month, 1)
        nxt = date(p.year + 1, 1, 1) if p.month == 12 else date(p.year, p.month + 1, 1)
        return first, nxt
    return date(p.year, 1, 1), date(p.year + 1, 1, 1) if p.year < 9999 else date(9999, 12, 31)


def _ics_times(e: Event) -> tuple[date | datetime, date | datetime]:
    d = e.date
    point = d.start or d.end
    assert point is not None
    if d.precision >= Precision.MINUTE and not d.interval:
        assert d.earliest is not None
        start = datetime.fromtimestamp(d.earliest, UTC)
        return start, start  # an instant: no DTEND
    first = _point_days(d.start)[0] if d.start is not None else _point_days(point)[0]
    last = _point_days(d.end)[1] if d.end is not None else _point_days(point)[1]
    return first, last


def to_ics(log: EventLog, events: Sequence[Event]) -> str:
    """An RFC 5545 calendar: one VEVENT per event; deadlines and scheduled events alarm."""
    from icalendar import Alarm, Calendar
    from icalendar import Event as VEvent

    cal = Calendar()
    cal.add("prodid", "-//briefer//briefer situation log//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", log.title)
    slug = log_slug(log.title)
    for e in events:
        start, end = _ics_times(e)
        item = VEvent()
        item.add("uid", f"{e.id}@{slug}.briefer")
        # DTSTAMP from the event, not the clock: the same log gives the same file.
        stamp = datetime.fromtimestamp(e.date.earliest or 0, UTC)
        item.add("dtstamp", stamp)
        item.add("dtstart", start)
        if end != start:
            item.add("dtend", end)
        item.add("summary", e.title)
        lines = [e.summary] if e.summary else []
        cited = [log.sources[c.source] for c in e.sources if c.source in log.sources]
        if cited:
            lines.append("Sources:")
            lines += [f"- {s.title}" + (f" <{s.url}>" if s.url else "") for s in cited]
        if e.date.approximate or e.date.uncertain:
            lines.append(f"Date: {e.date.display(log.tzinfo)} (as written: {e.date.text})")
        if lines:
            item.add("description", "\n".join(lines))
        url = next((s.url for s in cited if s.url), None)
        if url:
            item.add("url", url)
        categories = list(dict.fromkeys(c for c in (e.kind, *e.tags) if c))
        if categories:
            item.add("categories", categories)
        if e.location is not None:
            item.add("location", str(e.location))
            if e.location.lat is not None and e.location.lon is not None:
                item.add("geo", (e.location.lat, e.location.lon))
        if e.forward_looking:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(days=-1))
            alarm.add("description", f"Tomorrow: {e.title}")
            item.add_component(alarm)
        cal.add_component(item)
    return str(cal.to_ical().decode("utf-8"))


# -- TimelineJS -------------------------------------------------------------------------


def _tl_date(p: Point, log: EventLog, display: str | None) -> dict[str, Any]:
    """A TimelineJS date with only the parts the precision has (times in the log's zone)."""
    if p.hour is not None:
        assert p.month is not None
        assert p.day is not None
        moment = datetime(p.year, p.month, p.day, p.hour, p.minute or 0, tzinfo=UTC)
        if p.offset is not None:
            moment -= timedelta(minutes=p.offset)
            local = moment.astimezone(log.tzinfo)
        else:
            local = moment.replace(tzinfo=log.tzinfo)
        out: dict[str, Any] = {
            "year": local.year,
            "month": local.month,
            "day": local.day,
            "hour": local.hour,
            "minute": local.minute,
        }
    else:
        out = {"year": p.year}
        if p.month is not None:
            out["month"] = p.month
        if p.day is not None:
            out["day"] = p.day
    if display:
        out["display_date"] = display
    return out


def to_timelinejs(log: EventLog, events: Sequence[Event]) -> str:
    """The TimelineJS3 JSON format: a title slide and one slide per event, grouped by kind."""
    from briefer.render.markdown import markdown_to_html

    tz = log.tzinfo
    slides = []
    for e in events:
        d = e.date
        fuzzy = d.approximate or d.uncertain
        slide: dict[str, Any] = {"unique_id": e.id}
        if d.start is not None:
            slide["start_date"] = _tl_date(d.start, log, d.display(tz) if fuzzy else None)
        elif d.end is not None:  # "../END": TimelineJS needs a start; show it at its end
            slide["start_date"] = _tl_date(d.end, log, d.display(tz))
        if d.interval and d.end is not None and d.start is not None:
            slide["end_date"] = _tl_date(d.end, log, None)
        body = markdown_to_html(e.summary) if e.summary else ""
        cited = [log.sources[c.source] for c in e.sources if c.source in log.sources]
        if cited:
            items = "".join(
                f'<li><a href="{html.escape(s.url)}">{html.escape(s.title)}</a></li>'
                if s.url
                else f"<li>{html.escape(s.title)}</li>"
                for s in cited
            )
            body += f'<p class="sources">Sources:</p><ul>{items}</ul>'
        slide["text"] = {"headline": html.escape(e.title), "text": body}
        if e.kind:
            slide["group"] = e.kind
        slides.append(slide)
    title_text = f"<p>{html.escape(log.marking)}</p>" if log.marking else ""
    data = {
        "title": {"text": {"headline": html.escape(log.title), "text": title_text}},
        "events": slides,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
