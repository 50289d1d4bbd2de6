"""The iCalendar export (RFC 5545): one VEVENT per event, alarms on what is ahead."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefer.dates import Point
    from briefer.model import Event, EventLog

__all__ = ["IcsExport", "to_ics"]


class IcsExport:
    """``--format ics``."""

    name = "ics"
    help = "calendar"

    def export(self, log: EventLog, events: Sequence[Event]) -> str:
        """See :func:`to_ics`."""
        return to_ics(log, events)


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
    from briefer.dates import Precision

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

    from briefer.series.manifest import log_slug
    from briefer.tradecraft.grades import grade_code

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
        cited = [(log.sources[c.source], c) for c in e.sources if c.source in log.sources]
        if cited:
            lines.append("Sources:")
            for s, c in cited:
                code = grade_code(s.reliability, c.credibility)  # SPEC §7: as the brief shows it
                lines.append(
                    f"- {s.title}"
                    + (f" [{code}]" if code else "")
                    + (f" <{s.url}>" if s.url else "")
                )
        if e.date.approximate or e.date.uncertain:
            lines.append(f"Date: {e.date.display(log.tzinfo)} (as written: {e.date.text})")
        if lines:
            item.add("description", "\n".join(lines))
        url = next((s.url for s, _ in cited if s.url), None)
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
