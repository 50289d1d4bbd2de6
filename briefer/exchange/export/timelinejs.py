"""The TimelineJS3 export: a title slide and one slide per event, grouped by kind.

Untrusted text reaches its HTML only escaped or through the brief's safe
Markdown renderer.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefer.dates import Point
    from briefer.model import Event, EventLog

__all__ = ["TimelineJsExport", "to_timelinejs"]


class TimelineJsExport:
    """``--format timelinejs``."""

    name = "timelinejs"
    help = "TimelineJS3"

    def export(self, log: EventLog, events: Sequence[Event]) -> str:
        """See :func:`to_timelinejs`."""
        return to_timelinejs(log, events)


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


def _grade(reliability: str | None, credibility: int | None) -> str:
    """`` [B2]`` after a graded citation (SPEC §7: as the brief shows it), else ''."""
    from briefer.tradecraft.grades import grade_code

    code = grade_code(reliability, credibility)
    return f" [{code}]" if code else ""


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
        cited = [(log.sources[c.source], c) for c in e.sources if c.source in log.sources]
        if cited:
            items = "".join(
                (
                    f'<li><a href="{html.escape(s.url)}">{html.escape(s.title)}</a>'
                    if s.url
                    else f"<li>{html.escape(s.title)}"
                )
                + _grade(s.reliability, c.credibility)
                + "</li>"
                for s, c in cited
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
