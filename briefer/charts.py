"""SVG charts for briefs, drawn by hand: no plotting stack, nothing fetched, reproducible.

Two charts: an event timeline with one lane per kind, and a metric over time
as a step line with every reported value labelled by its citation. Output is a
standalone SVG document; every piece of text in it is escaped (event titles are
untrusted), it references nothing outside itself (no ``href``, no fonts by
URL), and its coordinates are rounded to one decimal, so the same input gives
the same bytes. Kinds stay apart in black and white by marker shape
(:mod:`briefer.palette`); approximate dates are hollow or faint, date ranges
are bars, dashed when approximate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from xml.sax.saxutils import escape

from briefer.model import Event, Metric
from briefer.palette import kind_style

__all__ = ["MetricPoint", "metric_svg", "timeline_svg"]

#: Width of every chart in CSS pixels: an A4 portrait text column at about 96 dpi.
WIDTH = 680
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY = 86400
#: Reports of different sources this close together that differ are flagged.
DISAGREE_WINDOW = 31 * _DAY
_INK, _MUTED, _GRID, _LANE = "#222", "#555", "#dcdcdc", "#f4f4f4"
_SERIES = "#0072B2"
# Font sizes in px; at A4 column width (about 0.94 scale) 10 px prints near 7 pt.
_TICK_SIZE, _LABEL_SIZE, _NOTE_SIZE = 10, 9.5, 9
#: Point labels on a metric chart beyond this many would only be noise.
_MAX_LABELS = 30


@dataclass(frozen=True)
class MetricPoint:
    """One reported value of a metric, as the chart draws it."""

    #: Epoch seconds: the reporting event's earliest bound.
    at: int
    value: float
    #: Shown next to the value, e.g. the citation ``[3]``.
    label: str
    #: The date is approximate or uncertain: the point is drawn hollow.
    approximate: bool


# -- text and numbers ------------------------------------------------------------------

# Characters XML 1.0 forbids even when escaped; a log could still contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value: str, limit: int | None = None) -> str:
    """``value`` as safe XML character data, optionally shortened with an ellipsis."""
    clean = _NOT_XML.sub("", value)
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return escape(clean)


def _f(x: float) -> str:
    """A coordinate with at most one decimal and no trailing zero: stable bytes."""
    text = f"{x:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


# Advance widths of DejaVu Sans in em, coarsely: enough to keep labels apart.
_NARROW = frozenset(" .,:;'!|()[]ijlt-")
_WIDE = frozenset("MWmw@%")


def _width(text: str, size: float) -> float:
    """Estimated rendered width of ``text`` at font size ``size`` (px)."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.36
        elif ch in _WIDE:
            em += 0.88
        elif ch.isupper():
            em += 0.7
        else:
            em += 0.62
    return em * size


def _fitted(value: str, size: float, room: float) -> str:
    """``value`` as XML character data, shortened with an ellipsis to fit ``room`` px.

    Judged by :func:`_width` plus 15 %, which covers DejaVu Sans's widest
    letters ("W" is 1.01 em), so a fitted text never overruns.
    """
    clean = _NOT_XML.sub("", value)
    if _width(clean, size * 1.15) <= room:
        return escape(clean)
    while clean and _width(clean + "…", size * 1.15) > room:
        clean = clean[:-1]
    return escape(clean.rstrip() + "…")


def _fmt_value(value: float) -> str:
    """``4,500``, ``3.25``, ``-0.5``: grouped thousands, no float noise."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _day_text(at: int, tz: tzinfo) -> str:
    moment = datetime.fromtimestamp(at, tz)
    return f"{moment.day} {_MONTHS[moment.month]} {moment.year}"


def _event_when(e: Event, tz: tzinfo) -> str:
    """The event's date for a tooltip; pendulum (slow to import) only for times of day."""
    has_time = any(p is not None and p.hour is not None for p in (e.date.start, e.date.end))
    return e.date.text if has_time else e.date.display(tz)


def _svg(width: int, height: float, title: str, desc: str, body: list[str]) -> str:
    h = _f(height)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {h}" '
        f'width="{width}" height="{h}" role="img" font-family="{FONT}" font-size="10">'
    )
    return "\n".join(
        [
            head,
            f"<title>{_text(title)}</title>",
            f"<desc>{_text(desc)}</desc>",
            f'<rect width="{width}" height="{h}" fill="#fff"/>',
            *body,
            "</svg>\n",
        ]
    )


def _heading(title: str, subtitle: str) -> list[str]:
    return [
        f'<text x="2" y="15" font-size="13" font-weight="bold" fill="#000">'
        f"{_text(title, 90)}</text>",
        f'<text x="2" y="30" font-size="10" fill="{_MUTED}">{_text(subtitle, 120)}</text>',
    ]


def _empty(title: str, subtitle: str, message: str) -> str:
    body = [
        *_heading(title, subtitle),
        f'<rect x="2" y="40" width="{WIDTH - 4}" height="44" fill="{_LANE}"/>',
        f'<text x="{WIDTH // 2}" y="66" text-anchor="middle" font-size="11" fill="{_MUTED}">'
        f"{_text(message)}</text>",
    ]
    return _svg(WIDTH, 92, title, f"{message}. {subtitle}", body)


def _window(start: int, end: int) -> tuple[int, int]:
    """The drawn time range: ordered, and at least a day wide."""
    start, end = min(start, end), max(start, end)
    if end - start < 3600:
        middle = (start + end) // 2
        return middle - _DAY // 2, middle + _DAY // 2
    return start, end


def _period(start: int, end: int, tz: tzinfo) -> str:
    first, last = _day_text(start, tz), _day_text(end, tz)
    return first if first == last else f"{first} – {last}"


# -- the time axis ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Scale:
    """Epoch seconds → x between ``left`` and ``right``."""

    start: int
    end: int
    left: float
    right: float

    def x(self, t: float) -> float:
        t = min(max(t, self.start), self.end)
        return self.left + (t - self.start) / (self.end - self.start) * (self.right - self.left)


_DAYS_FOR_STEP = {
    1: range(1, 32),
    2: range(1, 30, 2),
    5: (1, 6, 11, 16, 21, 26),
    7: (1, 8, 15, 22),
    14: (1, 15),
}
# (unit, step), finest first; the first whose labels fit is used.
_TICK_STEPS: tuple[tuple[str, int], ...] = (
    *(("hour", s) for s in (1, 2, 3, 6, 12)),
    *(("day", s) for s in (1, 2, 5, 7, 14)),
    *(("month", s) for s in (1, 2, 3, 6)),
    *(("year", s) for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000)),
)
_UNIT_SECONDS = {"hour": 3600, "day": _DAY, "month": 30 * _DAY, "year": 365 * _DAY}


def _midnight(d: date, tz: tzinfo) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=tz).timestamp())


def _tick_times(unit: str, step: int, start: int, end: int, tz: tzinfo) -> Iterator[int]:
    first = datetime.fromtimestamp(start, tz)
    last = datetime.fromtimestamp(end, tz)
    if unit == "hour":
        t = -(-start // 3600) * 3600
        while t <= end:
            moment = datetime.fromtimestamp(t, tz)
            if moment.minute == 0 and moment.hour % step == 0:
                yield t
            t += 3600
    elif unit == "day":
        days = _DAYS_FOR_STEP[step]
        d = first.date()
        while d <= last.date():
            at = _midnight(d, tz)
            if start <= at <= end and d.day in days:
                yield at
            d += timedelta(days=1)
    elif unit == "month":
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            at = _midnight(date(year, month, 1), tz)
            if start <= at <= end and (month - 1) % step == 0:
                yield at
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        for year in range(max(1, first.year), min(9999, last.year) + 1):
            if year % step == 0:
                at = _midnight(date(year, 1, 1), tz)
                if start <= at <= end:
                    yield at


def _tick_label(unit: str, at: int, tz: tzinfo, first: bool) -> str:
    moment = datetime.fromtimestamp(at, tz)
    if unit == "year":
        return str(moment.year)
    if unit == "month":
        # The year on the first tick and at each January; "Mar" alone elsewhere.
        month = _MONTHS[moment.month]
        return f"{month} {moment.year}" if first or moment.month == 1 else month
    if unit == "hour" and (moment.hour or moment.minute):
        return f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{moment.day} {_MONTHS[moment.month]}"


def _time_ticks(scale: _Scale, tz: tzinfo, size: float = _TICK_SIZE) -> list[tuple[int, str]]:
    """Round instants with labels suited to the span (hours, days, months or years)."""
    span = scale.end - scale.start
    fallback: list[tuple[int, str]] = []
    for unit, step in _TICK_STEPS:
        if span / (step * _UNIT_SECONDS[unit]) > 40:
            continue
        times = list(_tick_times(unit, step, scale.start, scale.end, tz))
        ticks = [(t, _tick_label(unit, t, tz, i == 0)) for i, t in enumerate(times)]
        widths = [_width(label, size) for _, label in ticks]
        fits = all(
            scale.x(b[0]) - scale.x(a[0]) >= (wa + wb) / 2 + 12
            for a, b, wa, wb in zip(ticks, ticks[1:], widths, widths[1:], strict=False)
        )
        if fits and len(ticks) >= 2:
            return ticks
        if fits and ticks and not fallback:
            fallback = ticks
    return fallback


def _time_axis(scale: _Scale, tz: tzinfo, top: float, bottom: float) -> list[str]:
    """Vertical grid lines, the baseline and date labels under it."""
    grid: list[str] = []
    labels: list[str] = []
    for at, label in _time_ticks(scale, tz):
        x = scale.x(at)
        grid.append(f"M{_f(x)} {_f(top)}V{_f(bottom)}")
        half = _width(label, _TICK_SIZE) / 2
        # Keep labels at the edges inside the drawing.
        if x + half > WIDTH - 2:
            anchor, lx = "end", min(x + 4, WIDTH - 2.0)
        elif x - half < 2:
            anchor, lx = "start", max(x - 4, 2.0)
        else:
            anchor, lx = "middle", x
        labels.append(
            f'<text x="{_f(lx)}" y="{_f(bottom + 14)}" text-anchor="{anchor}">{_text(label)}</text>'
        )
    out = []
    if grid:
        out.append(f'<path d="{"".join(grid)}" stroke="{_GRID}" stroke-width="0.6" fill="none"/>')
    out.append(
        f'<path d="M{_f(scale.left)} {_f(bottom)}H{_f(scale.right)}" stroke="#444" '
        'stroke-width="0.8" fill="none"/>'
    )
    if labels:
        out.append(f'<g font-size="{_TICK_SIZE}" fill="{_INK}">')
        out += labels
        out.append("</g>")
    return out


# -- markers ---------------------------------------------------------------------------


def _poly(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{_f(px)} {_f(py)}" for px, py in points) + "Z"


def _marker(shape: str, x: float, y: float, r: float, approximate: bool, tip: str = "") -> str:
    """One marker; its group supplies fill and stroke colours.

    Approximate dates: filled shapes are drawn hollow; shapes that are hollow
    already (and the cross) are drawn faint.
    """
    base = shape.removesuffix("-open")
    attrs = ""
    if shape != base or base == "cross":
        attrs = ' fill="#fff"' + (' opacity="0.45"' if approximate else "")
    elif approximate:
        attrs = ' fill="#fff"'
    if base == "square":
        s = r * 0.9
        d = f"M{_f(x - s)} {_f(y - s)}H{_f(x + s)}V{_f(y + s)}H{_f(x - s)}Z"
    elif base == "diamond":
        s = r * 1.25
        d = _poly([(x, y - s), (x + s, y), (x, y + s), (x - s, y)])
    elif base == "triangle":
        d = _poly([(x, y - r * 1.25), (x + r * 1.15, y + r * 0.85), (x - r * 1.15, y + r * 0.85)])
    elif base == "triangle-down":
        d = _poly([(x, y + r * 1.25), (x + r * 1.15, y - r * 0.85), (x - r * 1.15, y - r * 0.85)])
    elif base == "star":
        star = []
        for i in range(10):
            radius = r * 1.35 if i % 2 == 0 else r * 0.58
            angle = math.pi / 2 + i * math.pi / 5
            star.append((x + radius * math.cos(angle), y - radius * math.sin(angle)))
        d = _poly(star)
    elif base == "cross":
        s = r * 0.95
        d = (
            f"M{_f(x - s)} {_f(y - s)}L{_f(x + s)} {_f(y + s)}"
            f"M{_f(x - s)} {_f(y + s)}L{_f(x + s)} {_f(y - s)}"
        )
        attrs += ' stroke-width="1.8"'
    else:
        element = f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}"{attrs}'
        return f"{element}><title>{tip}</title></circle>" if tip else f"{element}/>"
    element = f'<path d="{d}"{attrs}'
    return f"{element}><title>{tip}</title></path>" if tip else f"{element}/>"


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
    view_start, view_end = _window(start, end)
    visible = [
        e
        for e in events
        if (e.date.earliest is None or e.date.earliest <= hi)
        and (e.date.latest is None or e.date.latest > lo)
    ]
    subtitle_period = _period(lo, hi, tz)
    if not visible:
        return _empty(title, subtitle_period, "No events in this period")
    visible.sort(key=lambda e: (e.date.sort_key, e.id))

    present = {e.kind or "" for e in visible}
    order = [k for k in dict.fromkeys(kinds) if k in present]
    order += sorted(present - set(order) - {""})
    if "" in present:
        order.append("")
    names = [k or "unspecified" for k in order]
    label_w = max(_width(n, 10) for n in names)
    left = min(max(90.0, 28 + label_w + 10), 180.0)
    right = WIDTH - 14.0
    top = _TIMELINE_TOP
    bottom = top + len(order) * _LANE_H
    scale = _Scale(view_start, view_end, left, right)
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
    body = _heading(title, f"{len(visible)} {noun} · {subtitle_period}")
    body.append(f'<g fill="{_LANE}">')
    body += [
        f'<rect x="{_f(left)}" y="{_f(top + i * _LANE_H)}" width="{_f(right - left)}" '
        f'height="{_LANE_H}"/>'
        for i in range(0, len(order), 2)
    ]
    body.append("</g>")
    body += _time_axis(scale, tz, top, bottom)

    for i, kind in enumerate(order):
        y = top + i * _LANE_H + _LANE_H / 2
        style = kind_style(kind or None)
        group = f'<g fill="{style.colour}" stroke="{style.colour}" stroke-width="1.2">'
        body += [group, _marker(style.marker, 10, y, 3.6, False), "</g>"]
        body.append(
            f'<text x="22" y="{_f(y + 3.8)}" font-size="10.5" fill="{_INK}">'
            f"{_text(names[i], 24)}</text>"
        )
        lane_bars = [(v, dashed) for (ln, _, _, dashed), v in bars.items() if ln == i]
        for dashed in (False, True):
            d = "".join(
                # A pixel short, so that back-to-back ranges stay apart.
                f"M{_f(x0)} {_f(y + _ROWS[row])}H{_f(x1 - 1)}"
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
            tip = _text(f"{_event_when(m.first, tz)} — {m.first.title}", 100)
            if m.count > 1:
                tip += f" (+{m.count - 1} more)"
            r = 2.4 + 0.5 * m.significance
            body.append(_marker(style.marker, m.x, y + m.dy, r, m.approximate, tip))
        body.append("</g>")

    body += _timeline_legend(left, bottom + 30)
    desc = (
        f"Timeline of {len(visible)} {noun}, {subtitle_period}, one lane per kind: "
        + ", ".join(f"{names[i]} {counts[k]}" for i, k in enumerate(order))
        + "."
    )
    return _svg(WIDTH, bottom + 38, title, desc, body)


def _timeline_legend(left: float, y: float) -> list[str]:
    """Shapes in neutral grey: what filled, hollow, bars and size mean."""
    out = [f'<g font-size="{_NOTE_SIZE}" fill="{_MUTED}">']
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
                f'<circle cx="{_f(x + 4)}" cy="{_f(y - 3)}" r="3.4" fill="{fill}" '
                'stroke="#777" stroke-width="1.2"/>'
            )
            x += 11
        elif sample:
            dash = ' stroke-dasharray="4 2"' if sample == "dashed" else ""
            out.append(
                f'<path d="M{_f(x)} {_f(y - 3)}H{_f(x + 16)}" stroke="#777" stroke-width="2.6" '
                f'stroke-opacity="0.7" fill="none"{dash}/>'
            )
            x += 20
        out.append(f'<text x="{_f(x)}" y="{_f(y)}">{_text(text)}</text>')
        x += _width(text, _NOTE_SIZE) + 12
    out.append("</g>")
    return out


# -- a metric over time ----------------------------------------------------------------


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / target if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)


def _value_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(bottom, top, step) of the y axis: round numbers, from 0 unless the data are far from it."""
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = (-1.0, 1.0) if lo == 0 else (min(0.0, lo), max(0.0, hi))
    elif lo >= 0 and lo <= hi * 0.5:
        lo = 0.0
    elif hi <= 0 and hi >= lo * 0.5:
        hi = 0.0
    step = _nice_step(hi - lo)
    bottom = math.floor(lo / step + 1e-9) * step
    top = math.ceil(hi / step - 1e-9) * step
    if top == bottom:
        top = bottom + step
    return bottom, top, step


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: _Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


class _Obstacles:
    """Boxes in a coarse grid, so that testing a label is cheap with many points."""

    CELL = 24.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[_Box]] = {}
        self.known: set[tuple[int, int, int, int]] = set()

    def _keys(self, b: _Box) -> Iterator[tuple[int, int]]:
        for cx in range(math.floor(b.x0 / self.CELL), math.floor(b.x1 / self.CELL) + 1):
            for cy in range(math.floor(b.y0 / self.CELL), math.floor(b.y1 / self.CELL) + 1):
                yield cx, cy

    def add(self, b: _Box) -> None:
        # A dense series repeats the same tiny boxes: keep one of each.
        rounded = (round(b.x0), round(b.y0), round(b.x1), round(b.y1))
        if rounded in self.known:
            return
        self.known.add(rounded)
        for key in self._keys(b):
            self.cells.setdefault(key, []).append(b)

    def overlap(self, b: _Box) -> float:
        """Area of ``b`` covered (a box in several cells counts once per cell: only
        zero and the order of costs matter)."""
        return sum(b.overlap(o) for key in self._keys(b) for o in self.cells.get(key, ()))


# Label positions around a point: (dx, dy of the baseline, anchor), in order of preference.
_SLOTS: tuple[tuple[float, float, str], ...] = (
    (6, -6, "start"),
    (6, 13, "start"),
    (-6, -6, "end"),
    (-6, 13, "end"),
    (8, 3.5, "start"),
    (-8, 3.5, "end"),
    (6, -18, "start"),
    (6, 25, "start"),
    (-6, -18, "end"),
    (-6, 25, "end"),
)
#: Slots from this index on are far enough from their point to need a leader line.
_NEAR_SLOTS = 6


def _disagreements(points: Sequence[MetricPoint]) -> list[tuple[int, int]]:
    """Time spans where different sources reported different values within the window.

    ``points`` are sorted by time. For each report, the latest disagreeing one
    within the window is found scanning back from the window's end, jumping
    over runs of the same label or the same value (linear in practice, even for
    a long series from a single source).
    """
    n = len(points)
    other_label = [-1] * n  # the nearest earlier index with a different label
    other_value = [-1] * n  # the nearest earlier index with a different value
    for k in range(1, n):
        same_label = points[k - 1].label == points[k].label
        same_value = points[k - 1].value == points[k].value
        other_label[k] = other_label[k - 1] if same_label else k - 1
        other_value[k] = other_value[k - 1] if same_value else k - 1
    spans: list[tuple[int, int]] = []
    far = 0
    for i, p in enumerate(points):
        far = max(far, i)
        while far + 1 < n and points[far + 1].at - p.at <= DISAGREE_WINDOW:
            far += 1
        j = far
        while j > i:
            q = points[j]
            if q.label == p.label:
                j = other_label[j]
            elif q.value == p.value:
                j = other_value[j]
            else:
                break
        if j <= i:
            continue
        if spans and p.at <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], points[j].at))
        else:
            spans.append((p.at, points[j].at))
    return spans


def metric_svg(
    metric: Metric, points: Sequence[MetricPoint], *, tz: tzinfo, start: int, end: int
) -> str:
    """A metric over time: a step line (a value holds until the next report).

    Every report in the period is a point labelled with its value and label
    (as many as fit without overprinting; the latest always). Reports of
    different sources that differ within :data:`DISAGREE_WINDOW` are all
    drawn and shaded as a disagreement. A report before ``start`` sets the
    line's value at the left edge; reports after ``end`` are left out.
    """
    title = metric.label
    lo, hi = min(start, end), max(start, end)
    view_start, view_end = _window(start, end)
    pts = sorted(points, key=lambda p: (p.at, p.value, p.label, p.approximate))
    before = [p for p in pts if p.at < view_start]
    shown = [p for p in pts if view_start <= p.at <= view_end]
    carried = before[-1] if before else None
    period = _period(lo, hi, tz)
    unit = metric.unit or ""
    if not shown and carried is None:
        return _empty(title, f"{unit} · {period}" if unit else period, "No reports in this period")

    values = [p.value for p in shown] + ([carried.value] if carried else [])
    v_lo, v_hi, v_step = _value_range(values)
    ticks = [v_lo + i * v_step for i in range(round((v_hi - v_lo) / v_step) + 1)]
    tick_labels = [_fmt_value(round(t, 9)) for t in ticks]
    label_w = max(_width(t, _TICK_SIZE) for t in tick_labels)
    left = max(48.0, (24.0 if unit else 6.0) + label_w + 8)
    right = WIDTH - 14.0
    top, bottom = 46.0, 196.0
    scale = _Scale(view_start, view_end, left, right)

    def y(value: float) -> float:
        return bottom - (value - v_lo) / (v_hi - v_lo) * (bottom - top)

    count = f"{len(shown)} report" + ("" if len(shown) == 1 else "s")
    subtitle = f"{unit} · {count} · {period}" if unit else f"{count} · {period}"
    body = _heading(title, subtitle)
    spans = _disagreements(shown)
    for a, b in spans:
        x0, x1 = scale.x(a), scale.x(b)
        if x1 - x0 < 8:
            x0, x1 = (x0 + x1) / 2 - 4, (x0 + x1) / 2 + 4
        body.append(
            f'<rect x="{_f(x0)}" y="{_f(top)}" width="{_f(x1 - x0)}" height="{_f(bottom - top)}" '
            'fill="#E69F00" fill-opacity="0.14"/>'
        )
    grid = "".join(f"M{_f(left)} {_f(y(t))}H{_f(right)}" for t in ticks if t != 0)
    body.append(f'<path d="{grid}" stroke="{_GRID}" stroke-width="0.6" fill="none"/>')
    if v_lo < 0 < v_hi:
        body.append(
            f'<path d="M{_f(left)} {_f(y(0))}H{_f(right)}" stroke="#777" stroke-width="0.8" '
            'fill="none"/>'
        )
    body += _time_axis(scale, tz, top, bottom)
    body.append(f'<g font-size="{_TICK_SIZE}" fill="{_INK}" text-anchor="end">')
    body += [
        f'<text x="{_f(left - 6)}" y="{_f(y(t) + 3.5)}">{_text(label)}</text>'
        for t, label in zip(ticks, tick_labels, strict=True)
    ]
    body.append("</g>")
    if unit:
        # Written upwards beside the value axis: it must fit the plot's height,
        # or it runs into the time axis below and the subtitle above. The full
        # unit is in the subtitle and the description.
        mid = _f((top + bottom) / 2)
        unit_text = _fitted(unit, _TICK_SIZE, bottom - top - 10)
        body.append(
            f'<text x="12" y="{mid}" text-anchor="middle" font-size="{_TICK_SIZE}" fill="{_INK}" '
            f'transform="rotate(-90 12 {mid})">{unit_text}</text>'
        )

    # The step line: each value holds until the next report, then to the right edge.
    line = ([carried] if carried else []) + shown
    xs = [scale.x(p.at) for p in line]
    ys = [y(p.value) for p in line]
    path = [f"M{_f(xs[0])} {_f(ys[0])}"]
    for i in range(1, len(line)):
        if _f(xs[i]) != _f(xs[i - 1]):
            path.append(f"H{_f(xs[i])}")
        if _f(ys[i]) != _f(ys[i - 1]):
            path.append(f"V{_f(ys[i])}")
    if _f(right) != _f(xs[-1]):
        path.append(f"H{_f(right)}")
    body.append(
        f'<path class="step" d="{"".join(path)}" fill="none" stroke="{_SERIES}" '
        'stroke-width="1.6" stroke-linejoin="round"/>'
    )

    obstacles = _Obstacles()
    for i in range(1, len(xs)):  # the line itself, so labels sit beside it
        obstacles.add(_Box(xs[i - 1], ys[i - 1] - 0.8, xs[i], ys[i - 1] + 0.8))
        obstacles.add(_Box(xs[i] - 0.8, min(ys[i - 1], ys[i]), xs[i] + 0.8, max(ys[i - 1], ys[i])))
    obstacles.add(_Box(xs[-1], ys[-1] - 0.8, right, ys[-1] + 0.8))
    drawn: set[tuple[str, str, bool]] = set()
    dots: list[str] = []
    for p, px, py in zip(line, xs, ys, strict=True):
        if p is carried:
            continue
        key = (_f(px), _f(py), p.approximate)
        if key in drawn:
            continue
        drawn.add(key)
        obstacles.add(_Box(px - 4, py - 4, px + 4, py + 4))
        fill = ' fill="#fff"' if p.approximate else ""
        dots.append(f'<circle class="point" cx="{_f(px)}" cy="{_f(py)}" r="3.3"{fill}/>')
    body.append(f'<g fill="{_SERIES}" stroke="{_SERIES}" stroke-width="1.3">')
    body += dots
    body.append("</g>")
    labels = _labels(line, xs, ys, carried, obstacles, _Box(left, top, right, bottom))
    body.append(f'<g font-size="{_LABEL_SIZE}" fill="#000">{"".join(labels)}</g>')

    legend = "Step line: a value holds until the next report. Hollow point: approximate date."
    if spans:
        legend += " Shaded: sources disagree."
    body.append(
        f'<text x="{_f(left)}" y="{_f(bottom + 30)}" font-size="{_NOTE_SIZE}" fill="{_MUTED}">'
        f"{legend}</text>"
    )
    listed = "; ".join(
        f"{_fmt_value(p.value)} on {'c. ' if p.approximate else ''}{_day_text(p.at, tz)}"
        + (f" {p.label}" if p.label else "")
        for p in shown[-40:]
    )
    more = f"{len(shown) - 40} earlier reports, then " if len(shown) > 40 else ""
    desc = f"{title}{f' ({unit})' if unit else ''}, {period}: {more}{listed or 'no reports'}."
    return _svg(WIDTH, bottom + 38, title, desc, body)


def _labels(
    line: Sequence[MetricPoint],
    xs: Sequence[float],
    ys: Sequence[float],
    carried: MetricPoint | None,
    obstacles: _Obstacles,
    plot: _Box,
) -> list[str]:
    """Value labels placed where they overprint nothing, latest report first."""
    out: list[str] = []
    order = [i for i in range(len(line) - 1, -1, -1) if line[i] is not carried]
    for rank, i in enumerate(order):
        # Bounded work in a dense series: after a few tries per label, the rest stay bare.
        if len(out) >= _MAX_LABELS or rank >= 4 * _MAX_LABELS:
            break
        p, px, py = line[i], xs[i], ys[i]
        text = f"{_fmt_value(p.value)} {p.label}".strip()
        w = _width(text, _LABEL_SIZE)
        best: tuple[float, int, _Box, float, float, str] | None = None
        for n, (dx, dy, anchor) in enumerate(_SLOTS):
            lx, ly = px + dx, py + dy
            x0 = lx if anchor == "start" else lx - w
            box = _Box(x0 - 1, ly - 8.5, x0 + w + 1, ly + 2.5)
            if (
                box.x0 < plot.x0 + 1
                or box.x1 > WIDTH - 2
                or box.y0 < plot.y0 - 12
                or box.y1 > plot.y1 - 1
            ):
                continue
            cost = obstacles.overlap(box)
            if best is None or (cost, n) < (best[0], best[1]):
                best = (cost, n, box, lx, ly, anchor)
            if cost == 0:
                break
        if best is None and rank == 0:
            # The latest report is always labelled, pulled inside the plot if need be.
            lx = min(max(px + 6, plot.x0 + 2), WIDTH - 2 - w)
            ly = min(max(py - 6, plot.y0 - 4), plot.y1 - 3)
            best = (0.0, 0, _Box(lx - 1, ly - 8.5, lx + w + 1, ly + 2.5), lx, ly, "start")
        if best is None or (best[0] > 0 and rank > 0):
            continue  # no free slot: leave this one unlabelled rather than overprint
        _, slot, box, lx, ly, anchor = best
        obstacles.add(box)
        anchor_attr = ' text-anchor="end"' if anchor == "end" else ""
        out.append(f'<text x="{_f(lx)}" y="{_f(ly)}"{anchor_attr}>{_text(text, 60)}</text>')
        if slot >= _NEAR_SLOTS:  # a label further off says which point it belongs to
            ex = box.x0 + 1 if anchor == "start" else box.x1 - 1
            ey, sy = (box.y1, py - 3.5) if ly < py else (box.y0, py + 3.5)
            out.append(
                f'<path d="M{_f(px)} {_f(sy)}L{_f(ex)} {_f(ey)}" stroke="#888" '
                'stroke-width="0.6" fill="none"/>'
            )
    out.reverse()
    return out
