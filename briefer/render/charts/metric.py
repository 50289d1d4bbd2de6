"""A metric over time: a step line, every report a labelled point, disagreements shaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from briefer.brief import DISAGREEMENT_WINDOW
from briefer.model import Metric
from briefer.render.charts.labels import Box, Obstacles, place_labels
from briefer.render.charts.scales import (
    TimeScale,
    day_text,
    period_text,
    time_axis,
    time_window,
    value_range,
)
from briefer.render.charts.svg import (
    GRID,
    INK,
    LABEL_SIZE,
    MUTED,
    NOTE_SIZE,
    TICK_SIZE,
    WIDTH,
    coord,
    document,
    empty_chart,
    fitted,
    format_value,
    heading,
    text_width,
    xml_text,
)

_SERIES = "#0072B2"


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
        while far + 1 < n and points[far + 1].at - p.at <= DISAGREEMENT_WINDOW:
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
    different sources that differ within :data:`~briefer.brief.DISAGREEMENT_WINDOW` are all
    drawn and shaded as a disagreement. A report before ``start`` sets the
    line's value at the left edge; reports after ``end`` are left out.
    """
    title = metric.label
    lo, hi = min(start, end), max(start, end)
    view_start, view_end = time_window(start, end)
    pts = sorted(points, key=lambda p: (p.at, p.value, p.label, p.approximate))
    before = [p for p in pts if p.at < view_start]
    shown = [p for p in pts if view_start <= p.at <= view_end]
    carried = before[-1] if before else None
    period = period_text(lo, hi, tz)
    unit = metric.unit or ""
    if not shown and carried is None:
        return empty_chart(
            title, f"{unit} · {period}" if unit else period, "No reports in this period"
        )

    values = [p.value for p in shown] + ([carried.value] if carried else [])
    v_lo, v_hi, v_step = value_range(values)
    ticks = [v_lo + i * v_step for i in range(round((v_hi - v_lo) / v_step) + 1)]
    tick_labels = [format_value(round(t, 9)) for t in ticks]
    label_w = max(text_width(t, TICK_SIZE) for t in tick_labels)
    left = max(48.0, (24.0 if unit else 6.0) + label_w + 8)
    right = WIDTH - 14.0
    top, bottom = 46.0, 196.0
    scale = TimeScale(view_start, view_end, left, right)

    def y(value: float) -> float:
        return bottom - (value - v_lo) / (v_hi - v_lo) * (bottom - top)

    count = f"{len(shown)} report" + ("" if len(shown) == 1 else "s")
    subtitle = f"{unit} · {count} · {period}" if unit else f"{count} · {period}"
    body = heading(title, subtitle)
    spans = _disagreements(shown)
    for a, b in spans:
        x0, x1 = scale.x(a), scale.x(b)
        if x1 - x0 < 8:
            x0, x1 = (x0 + x1) / 2 - 4, (x0 + x1) / 2 + 4
        body.append(
            f'<rect x="{coord(x0)}" y="{coord(top)}" width="{coord(x1 - x0)}" '
            f'height="{coord(bottom - top)}" '
            'fill="#E69F00" fill-opacity="0.14"/>'
        )
    grid = "".join(f"M{coord(left)} {coord(y(t))}H{coord(right)}" for t in ticks if t != 0)
    body.append(f'<path d="{grid}" stroke="{GRID}" stroke-width="0.6" fill="none"/>')
    if v_lo < 0 < v_hi:
        body.append(
            f'<path d="M{coord(left)} {coord(y(0))}H{coord(right)}" stroke="#777" '
            'stroke-width="0.8" fill="none"/>'
        )
    body += time_axis(scale, tz, top, bottom)
    body.append(f'<g font-size="{TICK_SIZE}" fill="{INK}" text-anchor="end">')
    body += [
        f'<text x="{coord(left - 6)}" y="{coord(y(t) + 3.5)}">{xml_text(label)}</text>'
        for t, label in zip(ticks, tick_labels, strict=True)
    ]
    body.append("</g>")
    if unit:
        # Written upwards beside the value axis: it must fit the plot's height,
        # or it runs into the time axis below and the subtitle above. The full
        # unit is in the subtitle and the description.
        mid = coord((top + bottom) / 2)
        unit_text = fitted(unit, TICK_SIZE, bottom - top - 10)
        body.append(
            f'<text x="12" y="{mid}" text-anchor="middle" font-size="{TICK_SIZE}" fill="{INK}" '
            f'transform="rotate(-90 12 {mid})">{unit_text}</text>'
        )

    # The step line: each value holds until the next report, then to the right edge.
    line = ([carried] if carried else []) + shown
    xs = [scale.x(p.at) for p in line]
    ys = [y(p.value) for p in line]
    path = [f"M{coord(xs[0])} {coord(ys[0])}"]
    for i in range(1, len(line)):
        if coord(xs[i]) != coord(xs[i - 1]):
            path.append(f"H{coord(xs[i])}")
        if coord(ys[i]) != coord(ys[i - 1]):
            path.append(f"V{coord(ys[i])}")
    if coord(right) != coord(xs[-1]):
        path.append(f"H{coord(right)}")
    body.append(
        f'<path class="step" d="{"".join(path)}" fill="none" stroke="{_SERIES}" '
        'stroke-width="1.6" stroke-linejoin="round"/>'
    )

    obstacles = Obstacles()
    for i in range(1, len(xs)):  # the line itself, so labels sit beside it
        obstacles.add(Box(xs[i - 1], ys[i - 1] - 0.8, xs[i], ys[i - 1] + 0.8))
        obstacles.add(Box(xs[i] - 0.8, min(ys[i - 1], ys[i]), xs[i] + 0.8, max(ys[i - 1], ys[i])))
    obstacles.add(Box(xs[-1], ys[-1] - 0.8, right, ys[-1] + 0.8))
    drawn: set[tuple[str, str, bool]] = set()
    dots: list[str] = []
    for p, px, py in zip(line, xs, ys, strict=True):
        if p is carried:
            continue
        key = (coord(px), coord(py), p.approximate)
        if key in drawn:
            continue
        drawn.add(key)
        obstacles.add(Box(px - 4, py - 4, px + 4, py + 4))
        fill = ' fill="#fff"' if p.approximate else ""
        dots.append(f'<circle class="point" cx="{coord(px)}" cy="{coord(py)}" r="3.3"{fill}/>')
    body.append(f'<g fill="{_SERIES}" stroke="{_SERIES}" stroke-width="1.3">')
    body += dots
    body.append("</g>")
    texts = [None if p is carried else f"{format_value(p.value)} {p.label}".strip() for p in line]
    labels = place_labels(texts, xs, ys, obstacles, Box(left, top, right, bottom))
    body.append(f'<g font-size="{LABEL_SIZE}" fill="#000">{"".join(labels)}</g>')

    legend = "Step line: a value holds until the next report. Hollow point: approximate date."
    if spans:
        legend += " Shaded: sources disagree."
    body.append(
        f'<text x="{coord(left)}" y="{coord(bottom + 30)}" font-size="{NOTE_SIZE}" fill="{MUTED}">'
        f"{legend}</text>"
    )
    listed = "; ".join(
        f"{format_value(p.value)} on {'c. ' if p.approximate else ''}{day_text(p.at, tz)}"
        + (f" {p.label}" if p.label else "")
        for p in shown[-40:]
    )
    more = f"{len(shown) - 40} earlier reports, then " if len(shown) > 40 else ""
    desc = f"{title}{f' ({unit})' if unit else ''}, {period}: {more}{listed or 'no reports'}."
    return document(WIDTH, bottom + 38, title, desc, body)
