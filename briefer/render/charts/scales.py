"""Where things go on a chart: the time scale and its ticks, the value axis's range.

Ticks on the time axis are round instants (hours, days, months or years,
whichever fit the span), labelled with fixed English month names.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from briefer.dates import MONTHS
from briefer.render.charts.svg import GRID, INK, TICK_SIZE, WIDTH, coord, text_width, xml_text

DAY = 86400


def day_text(at: int, tz: tzinfo) -> str:
    moment = datetime.fromtimestamp(at, tz)
    return f"{moment.day} {MONTHS[moment.month]} {moment.year}"


def time_window(start: int, end: int) -> tuple[int, int]:
    """The drawn time range: ordered, and at least a day wide."""
    start, end = min(start, end), max(start, end)
    if end - start < 3600:
        middle = (start + end) // 2
        return middle - DAY // 2, middle + DAY // 2
    return start, end


def period_text(start: int, end: int, tz: tzinfo) -> str:
    first, last = day_text(start, tz), day_text(end, tz)
    return first if first == last else f"{first} – {last}"


# -- the time axis ---------------------------------------------------------------------


@dataclass(frozen=True)
class TimeScale:
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
_UNIT_SECONDS = {"hour": 3600, "day": DAY, "month": 30 * DAY, "year": 365 * DAY}


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
        month = MONTHS[moment.month]
        return f"{month} {moment.year}" if first or moment.month == 1 else month
    if unit == "hour" and (moment.hour or moment.minute):
        return f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{moment.day} {MONTHS[moment.month]}"


def _time_ticks(scale: TimeScale, tz: tzinfo, size: float = TICK_SIZE) -> list[tuple[int, str]]:
    """Round instants with labels suited to the span (hours, days, months or years)."""
    span = scale.end - scale.start
    fallback: list[tuple[int, str]] = []
    for unit, step in _TICK_STEPS:
        if span / (step * _UNIT_SECONDS[unit]) > 40:
            continue
        times = list(_tick_times(unit, step, scale.start, scale.end, tz))
        ticks = [(t, _tick_label(unit, t, tz, i == 0)) for i, t in enumerate(times)]
        widths = [text_width(label, size) for _, label in ticks]
        fits = all(
            scale.x(b[0]) - scale.x(a[0]) >= (wa + wb) / 2 + 12
            for a, b, wa, wb in zip(ticks, ticks[1:], widths, widths[1:], strict=False)
        )
        if fits and len(ticks) >= 2:
            return ticks
        if fits and ticks and not fallback:
            fallback = ticks
    return fallback


def time_axis(scale: TimeScale, tz: tzinfo, top: float, bottom: float) -> list[str]:
    """Vertical grid lines, the baseline and date labels under it."""
    grid: list[str] = []
    labels: list[str] = []
    for at, label in _time_ticks(scale, tz):
        x = scale.x(at)
        grid.append(f"M{coord(x)} {coord(top)}V{coord(bottom)}")
        half = text_width(label, TICK_SIZE) / 2
        # Keep labels at the edges inside the drawing.
        if x + half > WIDTH - 2:
            anchor, lx = "end", min(x + 4, WIDTH - 2.0)
        elif x - half < 2:
            anchor, lx = "start", max(x - 4, 2.0)
        else:
            anchor, lx = "middle", x
        labels.append(
            f'<text x="{coord(lx)}" y="{coord(bottom + 14)}" text-anchor="{anchor}">'
            f"{xml_text(label)}</text>"
        )
    out = []
    if grid:
        out.append(f'<path d="{"".join(grid)}" stroke="{GRID}" stroke-width="0.6" fill="none"/>')
    out.append(
        f'<path d="M{coord(scale.left)} {coord(bottom)}H{coord(scale.right)}" stroke="#444" '
        'stroke-width="0.8" fill="none"/>'
    )
    if labels:
        out.append(f'<g font-size="{TICK_SIZE}" fill="{INK}">')
        out += labels
        out.append("</g>")
    return out


# -- a metric over time ----------------------------------------------------------------


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / target if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)


def value_range(values: Sequence[float]) -> tuple[float, float, float]:
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
