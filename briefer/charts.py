"""SVG charts for briefs, drawn by hand: no plotting stack, nothing fetched, reproducible.

Two charts: an event timeline with one lane per kind, and a metric over time
as a step line with every reported value labelled by its citation. Output is
a standalone SVG document whose every piece of text is escaped (event text is
untrusted) and whose coordinates are rounded, so the same input gives the same
bytes. Kinds keep apart in black and white by marker shape (palette.py).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from xml.sax.saxutils import escape, quoteattr

from briefer.model import Event, Metric
from briefer.palette import kind_style

__all__ = ["MetricPoint", "metric_svg", "timeline_svg"]

WIDTH = 680
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class MetricPoint:
    """One reported value of a metric."""

    at: int
    value: float
    label: str
    approximate: bool


def _f(x: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros: stable bytes."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family={quoteattr(FONT)} '
        f'font-size="10">'
    )
    return "\n".join(
        [head, f"<title>{escape(title)}</title>", f"<desc>{escape(desc)}</desc>", *body, "</svg>\n"]
    )


# -- time axis ---------------------------------------------------------------------


def _ticks(start: int, end: int, tz: tzinfo, max_ticks: int = 8) -> list[tuple[int, str]]:
    """Round instants between ``start`` and ``end`` with labels suited to the span."""
    first = datetime.fromtimestamp(start, tz)
    span_days = (end - start) / 86400
    out: list[tuple[int, str]] = []
    if span_days > 3 * 365:
        step = max(1, math.ceil(span_days / 365 / max_ticks))
        for year in range(first.year + 1, datetime.fromtimestamp(end, tz).year + 1):
            if year % step == 0:
                out.append((int(datetime(year, 1, 1, tzinfo=tz).timestamp()), str(year)))
        return out
    if span_days > 45:
        months = span_days / 30.4
        step = next(s for s in (1, 2, 3, 4, 6, 12) if months / s <= max_ticks)
        year, month = first.year, first.month
        while True:
            month += 1
            if month > 12:
                year, month = year + 1, 1
            at = int(datetime(year, month, 1, tzinfo=tz).timestamp())
            if at > end:
                return out
            if (month - 1) % step == 0:
                label = f"{_MONTHS[month]} {year}" if month == 1 or not out else _MONTHS[month]
                out.append((at, label))
    step = next(s for s in (1, 2, 7, 14) if span_days / s <= max_ticks)
    day = datetime(first.year, first.month, first.day, tzinfo=tz)
    at = int(day.timestamp())
    while at <= end:
        moment = datetime.fromtimestamp(at, tz)
        if at >= start and (moment.toordinal() % step == 0 or step == 1):
            out.append((at, f"{moment.day} {_MONTHS[moment.month]}"))
        at = int(datetime.fromordinal(moment.toordinal() + 1).replace(tzinfo=tz).timestamp())
    return out


@dataclass(frozen=True)
class _Axis:
    start: int
    end: int
    left: float
    right: float

    def x(self, t: float) -> float:
        if self.end <= self.start:
            return (self.left + self.right) / 2
        t = min(max(t, self.start), self.end)
        return self.left + (t - self.start) / (self.end - self.start) * (self.right - self.left)


def _time_axis(axis: _Axis, tz: tzinfo, top: float, bottom: float) -> list[str]:
    out = [
        f'<line x1="{_f(axis.left)}" y1="{_f(bottom)}" x2="{_f(axis.right)}" y2="{_f(bottom)}" '
        'stroke="#333" stroke-width="0.8"/>'
    ]
    for at, label in _ticks(axis.start, axis.end, tz):
        x = _f(axis.x(at))
        out.append(
            f'<line x1="{x}" y1="{_f(top)}" x2="{x}" y2="{_f(bottom)}" stroke="#ddd" '
            'stroke-width="0.6"/>'
        )
        out.append(
            f'<text x="{x}" y="{_f(bottom + 13)}" text-anchor="middle" fill="#333">'
            f"{escape(label)}</text>"
        )
    return out


# -- markers -------------------------------------------------------------------------


def _marker(shape: str, x: float, y: float, r: float, colour: str, hollow: bool) -> str:
    open_shape = shape.endswith("-open") or hollow
    shape = shape.removesuffix("-open")
    fill = "#fff" if open_shape else colour
    style = f'fill="{fill}" stroke="{colour}" stroke-width="1.2"'
    if shape == "square":
        side = _f(2 * r)
        return f'<rect x="{_f(x - r)}" y="{_f(y - r)}" width="{side}" height="{side}" {style}/>'
    if shape in ("diamond", "triangle", "triangle-down", "star"):
        if shape == "diamond":
            pts = [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)]
        elif shape == "triangle":
            pts = [(x, y - r * 1.3), (x + r * 1.2, y + r), (x - r * 1.2, y + r)]
        elif shape == "triangle-down":
            pts = [(x, y + r * 1.3), (x + r * 1.2, y - r), (x - r * 1.2, y - r)]
        else:
            pts = []
            for i in range(10):
                radius = r * 1.4 if i % 2 == 0 else r * 0.6
                angle = math.pi / 2 + i * math.pi / 5
                pts.append((x + radius * math.cos(angle), y - radius * math.sin(angle)))
        points = " ".join(f"{_f(px)},{_f(py)}" for px, py in pts)
        return f'<polygon points="{points}" {style}/>'
    if shape == "cross":
        d = r * 1.1
        return (
            f'<path d="M{_f(x - d)},{_f(y - d)}L{_f(x + d)},{_f(y + d)}'
            f'M{_f(x - d)},{_f(y + d)}L{_f(x + d)},{_f(y - d)}" stroke="{colour}" '
            'stroke-width="1.8" fill="none"/>'
        )
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" {style}/>'


# -- the timeline ------------------------------------------------------------------


def timeline_svg(
    events: Sequence[Event],
    *,
    tz: tzinfo,
    start: int,
    end: int,
    kinds: Sequence[str],
    title: str = "Events by kind",
) -> str:
    """One lane per kind that has events between ``start`` and ``end``; a marker per event."""
    visible = [
        e
        for e in events
        if (e.date.earliest if e.date.earliest is not None else start) <= end
        and (e.date.latest if e.date.latest is not None else end) >= start
    ]
    order = [k for k in kinds if any(e.kind == k for e in visible)]
    if any(e.kind is None or e.kind not in kinds for e in visible):
        order.append("")
    lane_h, top, label_w = 22, 26, 96
    height = top + max(1, len(order)) * lane_h + 24
    axis = _Axis(start, end, label_w, WIDTH - 12)
    body = [
        f'<text x="0" y="12" font-size="11" font-weight="bold" fill="#000">{escape(title)}</text>'
    ]
    if not visible or end <= start:
        body.append(
            f'<text x="{WIDTH // 2}" y="{top + 14}" text-anchor="middle" fill="#555">'
            "No events in this period</text>"
        )
        body += _time_axis(axis, tz, top, height - 24)
        return _svg(WIDTH, height, title, "No events in this period.", body)
    bottom = top + len(order) * lane_h
    body += _time_axis(axis, tz, top, bottom)
    drawn: set[tuple[int, int]] = set()
    for lane, kind in enumerate(order):
        y = top + lane * lane_h + lane_h / 2
        name = kind or "other"
        style = kind_style(kind or None)
        body.append(
            f'<text x="{label_w - 8}" y="{_f(y + 3.5)}" text-anchor="end" fill="#000">'
            f"{escape(name)}</text>"
        )
        if lane:
            body.append(
                f'<line x1="{label_w}" y1="{_f(y - lane_h / 2)}" x2="{WIDTH - 12}" '
                f'y2="{_f(y - lane_h / 2)}" stroke="#eee" stroke-width="0.6"/>'
            )
        lane_events = [
            e for e in visible if (e.kind or "") == kind or (not kind and e.kind not in kinds)
        ]
        for e in lane_events:
            t0 = e.date.earliest if e.date.earliest is not None else start
            t1 = e.date.latest if e.date.latest is not None else end
            x0, x1 = axis.x(t0), axis.x(t1)
            key = (lane, round(x0 * 2))
            if key in drawn:  # same lane, same half-pixel: one marker says it
                continue
            drawn.add(key)
            hollow = e.date.approximate or e.date.uncertain
            if x1 - x0 > 2:
                dash = ' stroke-dasharray="3,2"' if hollow else ""
                body.append(
                    f'<line x1="{_f(x0)}" y1="{_f(y)}" x2="{_f(x1)}" y2="{_f(y)}" '
                    f'stroke="{style.colour}" stroke-width="2.4" stroke-opacity="0.55"{dash}/>'
                )
            radius = 2.6 + 0.5 * max(1, min(5, e.significance))
            body.append(_marker(style.marker, x0, y, radius, style.colour, hollow))
    legend_y = bottom + 26
    body.append(
        f'<text x="{label_w}" y="{legend_y}" fill="#555" font-size="8.5">Marker size: '
        "significance. Hollow or dashed: approximate or uncertain date.</text>"
    )
    desc = f"{len(visible)} events in {len(order)} kinds"
    return _svg(WIDTH, legend_y + 6, title, desc, body)


# -- a metric over time --------------------------------------------------------------


def _nice_step(span: float, target: int = 5) -> float:
    raw = span / target if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw))


def _fmt_value(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def metric_svg(
    metric: Metric, points: Sequence[MetricPoint], *, tz: tzinfo, start: int, end: int
) -> str:
    """A step line (a value holds until the next report) with every report labelled."""
    title = metric.label
    height, top, bottom, left = 210, 28, 172, 64
    pts = sorted(points, key=lambda p: (p.at, p.value))
    body = [
        f'<text x="0" y="12" font-size="11" font-weight="bold" fill="#000">{escape(title)}</text>'
    ]
    if not pts:
        body.append(
            f'<text x="{WIDTH // 2}" y="100" text-anchor="middle" fill="#555">No reports</text>'
        )
        return _svg(WIDTH, height, title, "No reported values.", body)
    start = min(start, pts[0].at)
    end = max(end, pts[-1].at)
    if end <= start:
        end = start + 86400
    axis = _Axis(start, end, left, WIDTH - 40)
    lo, hi = min(p.value for p in pts), max(p.value for p in pts)
    if lo >= 0 and lo <= hi * 0.5:
        lo = 0.0
    if hi == lo:
        lo, hi = (lo - 1, hi + 1) if lo == 0 else (lo * 0.9, hi * 1.1)
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if hi == lo:
        hi = lo + step

    def y(value: float) -> float:
        return bottom - (value - lo) / (hi - lo) * (bottom - top)

    body += _time_axis(axis, tz, top, bottom)
    tick = lo
    while tick <= hi + step / 2:
        ty = _f(y(tick))
        body.append(
            f'<line x1="{left}" y1="{ty}" x2="{WIDTH - 40}" y2="{ty}" stroke="#eee" '
            'stroke-width="0.6"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{_f(y(tick) + 3.5)}" text-anchor="end" fill="#333">'
            f"{escape(_fmt_value(tick))}</text>"
        )
        tick += step
    unit = metric.unit or ""
    if unit:
        body.append(
            f'<text x="12" y="{_f((top + bottom) / 2)}" text-anchor="middle" fill="#333" '
            f'transform="rotate(-90 12 {_f((top + bottom) / 2)})">{escape(unit)}</text>'
        )
    # The step line: each value holds until the next report, then to as-of.
    path = [f"M{_f(axis.x(pts[0].at))},{_f(y(pts[0].value))}"]
    for prev, cur in itertools.pairwise(pts):
        path.append(f"H{_f(axis.x(cur.at))}")
        if cur.value != prev.value:
            path.append(f"V{_f(y(cur.value))}")
    path.append(f"H{_f(axis.x(end))}")
    body.append(f'<path d="{"".join(path)}" fill="none" stroke="#0072B2" stroke-width="1.6"/>')
    for p in pts:
        body.append(_marker("circle", axis.x(p.at), y(p.value), 3.2, "#0072B2", p.approximate))
    # Label each report (the latest first) where a free slot near its point exists;
    # in a dense series some points stay unlabelled rather than overprinted.
    placed: list[tuple[float, float]] = []
    labels: list[str] = []
    for p in reversed(pts):
        px, py = axis.x(p.at), y(p.value)
        slot = next(
            (
                ly
                for ly in (py - 8, py + 14, py - 19, py + 25, py - 30, py + 36)
                if top + 8 <= ly <= bottom - 2
                and not any(abs(ly - oy) < 11 and abs(px - ox) < 70 for ox, oy in placed)
            ),
            None,
        )
        if slot is None:
            continue
        placed.append((px, slot))
        anchor = "end" if px > WIDTH - 110 else "start"
        dx = -5 if anchor == "end" else 5
        label = f"{_fmt_value(p.value)} {p.label}".strip()
        labels.append(
            f'<text x="{_f(px + dx)}" y="{_f(slot)}" text-anchor="{anchor}" fill="#000" '
            f'font-size="9">{escape(label)}</text>'
        )
    body += reversed(labels)
    body.append(
        f'<text x="{left}" y="{height - 6}" fill="#555" font-size="8.5">Step line: the last '
        "reported value holds until the next report. Hollow: approximate date. "
        "[n]: source in Sources.</text>"
    )
    desc = f"{len(pts)} reported values of {metric.label}"
    return _svg(WIDTH, height, title, desc, body)
