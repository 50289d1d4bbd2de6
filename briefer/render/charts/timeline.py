"""The event timeline: one lane per kind, a marker per event, a bar per date range."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from briefer.model import Event
from briefer.palette import kind_style
from briefer.render.charts.markers import marker
from briefer.render.charts.scales import TimeScale, period_text, time_axis, time_window
from briefer.render.charts.svg import (
    INK,
    LANE,
    MUTED,
    NOTE_SIZE,
    WIDTH,
    coord,
    document,
    empty_chart,
    heading,
    text_width,
    xml_text,
)


def _event_when(e: Event, tz: tzinfo) -> str:
    """The event's date for a tooltip; pendulum (slow to import) only for times of day."""
    has_time = any(p is not None and p.hour is not None for p in (e.date.start, e.date.end))
    return e.date.text if has_time else e.date.display(tz)


# -- the timeline ----------------------------------------------------------------------

_LANE_H = 22
_TIMELINE_TOP = 40
#: Offsets of the rows that overlapping bars are stacked on, within a lane.
_ROWS = (0.0, -5.5, 5.5)


@dataclass
class _Mark:
    """Events that land on the same pixel of a lane, drawn as one marker."""

    x: float
    #: Offset from the lane's centre line (the row of the event's bar).
    dy: float
    significance: int
    approximate: bool
    first: Event
    count: int = 1


def timeline_svg(
    events: Sequence[Event],
    *,
    tz: tzinfo,
    start: int,
    end: int,
    kinds: Sequence[str],
    title: str = "Events by kind",
) -> str:
    """An event timeline: one lane per kind that has events between ``start`` and ``end``.

    Each event is its kind's marker at its earliest bound (larger when more
    significant, hollow or faint when the date is approximate or uncertain);
    an event whose span is wider than two pixels is also a bar to its latest
    bound, dashed when approximate. Lanes follow the order of ``kinds``; kinds
    not listed follow by name, and events without a kind go last under
    "unspecified". Events at the same pixel of a lane share one marker.
    """
    lo, hi = min(start, end), max(start, end)
    view_start, view_end = time_window(start, end)
    visible = [
        e
        for e in events
        if (e.date.earliest is None or e.date.earliest <= hi)
        and (e.date.latest is None or e.date.latest > lo)
    ]
    subtitle_period = period_text(lo, hi, tz)
    if not visible:
        return empty_chart(title, subtitle_period, "No events in this period")
    visible.sort(key=lambda e: (e.date.sort_key, e.id))

    present = {e.kind or "" for e in visible}
    order = [k for k in dict.fromkeys(kinds) if k in present]
    order += sorted(present - set(order) - {""})
    if "" in present:
        order.append("")
    names = [k or "unspecified" for k in order]
    label_w = max(text_width(n, 10) for n in names)
    left = min(max(90.0, 28 + label_w + 10), 180.0)
    right = WIDTH - 14.0
    top = _TIMELINE_TOP
    bottom = top + len(order) * _LANE_H
    scale = TimeScale(view_start, view_end, left, right)
    lane_index = {k: i for i, k in enumerate(order)}

    # Group into bars and markers, merging what would fall on the same pixel.
    # Overlapping bars of a lane are stacked on up to three rows so that each stays visible.
    bars: dict[tuple[int, int, int, bool], tuple[float, float, int]] = {}
    row_ends: dict[int, list[float]] = {}
    marks: dict[tuple[int, int, int, bool], _Mark] = {}
    counts = dict.fromkeys(order, 0)
    for e in visible:
        counts[e.kind or ""] += 1
        lane = lane_index[e.kind or ""]
        approx = e.date.approximate or e.date.uncertain
        if e.date.earliest is None:
            # Open start: the bar runs in from the left edge; the known end is the marker.
            x0 = left
            x1 = scale.x(e.date.latest) if e.date.latest is not None else right
            at = x1
        else:
            x0 = scale.x(e.date.earliest)
            x1 = scale.x(e.date.latest) if e.date.latest is not None else right
            at = x0
        row = 0
        if x1 - x0 > 2:
            bar_key = (lane, round(x0), round(x1), approx)
            bar = bars.get(bar_key)
            if bar is None and x1 - x0 <= 8:
                bars[bar_key] = (x0, x1, 0)  # hidden under its marker: no row of its own
            elif bar is None:
                ends = row_ends.setdefault(lane, [-math.inf] * len(_ROWS))
                free = [r for r, last in enumerate(ends) if last <= x0 + 0.5]
                row = free[0] if free else min(range(len(ends)), key=lambda r: (ends[r], r))
                ends[row] = max(ends[row], x1)
                bars[bar_key] = (x0, x1, row)
            else:
                row = bar[2]
        key = (lane, row, round(at), approx)
        sig = max(1, min(5, e.significance))
        mark = marks.get(key)
        if mark is None:
            marks[key] = _Mark(at, _ROWS[row], sig, approx, e)
        else:
            mark.count += 1
            mark.significance = max(mark.significance, sig)

    noun = "event" if len(visible) == 1 else "events"
    body = heading(title, f"{len(visible)} {noun} · {subtitle_period}")
    body.append(f'<g fill="{LANE}">')
    body += [
        f'<rect x="{coord(left)}" y="{coord(top + i * _LANE_H)}" width="{coord(right - left)}" '
        f'height="{_LANE_H}"/>'
        for i in range(0, len(order), 2)
    ]
    body.append("</g>")
    body += time_axis(scale, tz, top, bottom)

    for i, kind in enumerate(order):
        y = top + i * _LANE_H + _LANE_H / 2
        style = kind_style(kind or None)
        group = f'<g fill="{style.colour}" stroke="{style.colour}" stroke-width="1.2">'
        body += [group, marker(style.marker, 10, y, 3.6, False), "</g>"]
        body.append(
            f'<text x="22" y="{coord(y + 3.8)}" font-size="10.5" fill="{INK}">'
            f"{xml_text(names[i], 24)}</text>"
        )
        lane_bars = [(v, dashed) for (ln, _, _, dashed), v in bars.items() if ln == i]
        for dashed in (False, True):
            d = "".join(
                # A pixel short, so that back-to-back ranges stay apart.
                f"M{coord(x0)} {coord(y + _ROWS[row])}H{coord(x1 - 1)}"
                for (x0, x1, row), dsh in lane_bars
                if dsh == dashed
            )
            if d:
                dash = ' stroke-dasharray="4 2"' if dashed else ""
                body.append(
                    f'<path d="{d}" stroke="{style.colour}" stroke-width="2.6" '
                    f'stroke-opacity="0.55" fill="none"{dash}/>'
                )
        lane_marks = sorted(
            (m for (ln, _, _, _), m in marks.items() if ln == i),
            key=lambda m: (m.significance, m.x, m.approximate),
        )
        body.append(group)
        for m in lane_marks:
            tip = xml_text(f"{_event_when(m.first, tz)} — {m.first.title}", 100)
            if m.count > 1:
                tip += f" (+{m.count - 1} more)"
            r = 2.4 + 0.5 * m.significance
            body.append(marker(style.marker, m.x, y + m.dy, r, m.approximate, tip))
        body.append("</g>")

    body += _timeline_legend(left, bottom + 30)
    desc = (
        f"Timeline of {len(visible)} {noun}, {subtitle_period}, one lane per kind: "
        + ", ".join(f"{names[i]} {counts[k]}" for i, k in enumerate(order))
        + "."
    )
    return document(WIDTH, bottom + 38, title, desc, body)


def _timeline_legend(left: float, y: float) -> list[str]:
    """Shapes in neutral grey: what filled, hollow, bars and size mean."""
    out = [f'<g font-size="{NOTE_SIZE}" fill="{MUTED}">']
    x = left
    items: list[tuple[str, str]] = [
        ("filled", "exact date"),
        ("hollow", "approximate or uncertain"),
        ("bar", "date range"),
        ("dashed", "approximate range"),
        ("", "larger marker: more significant"),
    ]
    for sample, text in items:
        if sample in ("filled", "hollow"):
            fill = "#777" if sample == "filled" else "#fff"
            out.append(
                f'<circle cx="{coord(x + 4)}" cy="{coord(y - 3)}" r="3.4" fill="{fill}" '
                'stroke="#777" stroke-width="1.2"/>'
            )
            x += 11
        elif sample:
            dash = ' stroke-dasharray="4 2"' if sample == "dashed" else ""
            out.append(
                f'<path d="M{coord(x)} {coord(y - 3)}H{coord(x + 16)}" stroke="#777" '
                f'stroke-width="2.6" stroke-opacity="0.7" fill="none"{dash}/>'
            )
            x += 20
        out.append(f'<text x="{coord(x)}" y="{coord(y)}">{xml_text(text)}</text>')
        x += text_width(text, NOTE_SIZE) + 12
    out.append("</g>")
    return out
