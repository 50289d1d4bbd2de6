"""Value labels on a metric chart, placed where they overprint nothing."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from briefer.render.charts.svg import LABEL_SIZE, WIDTH, coord, text_width, xml_text

#: Point labels on a metric chart beyond this many would only be noise.
_MAX_LABELS = 30


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


class Obstacles:
    """Boxes in a coarse grid, so that testing a label is cheap with many points."""

    CELL = 24.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}
        self.known: set[tuple[int, int, int, int]] = set()

    def _keys(self, b: Box) -> Iterator[tuple[int, int]]:
        for cx in range(math.floor(b.x0 / self.CELL), math.floor(b.x1 / self.CELL) + 1):
            for cy in range(math.floor(b.y0 / self.CELL), math.floor(b.y1 / self.CELL) + 1):
                yield cx, cy

    def add(self, b: Box) -> None:
        # A dense series repeats the same tiny boxes: keep one of each.
        rounded = (round(b.x0), round(b.y0), round(b.x1), round(b.y1))
        if rounded in self.known:
            return
        self.known.add(rounded)
        for key in self._keys(b):
            self.cells.setdefault(key, []).append(b)

    def overlap(self, b: Box) -> float:
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


def place_labels(
    texts: Sequence[str | None],
    xs: Sequence[float],
    ys: Sequence[float],
    obstacles: Obstacles,
    plot: Box,
    *,
    limit: int = _MAX_LABELS,
    bounds: Box | None = None,
    gap: float = 0.0,
) -> list[str]:
    """Labels for the points at ``xs``, ``ys``, placed where they overprint nothing.

    The last point is labelled first and always; a point whose text is None
    (a value carried in from before the period) gets none. At most ``limit``
    labels; each stays within ``bounds`` (default: the plot, and the band
    above it, up to the right edge of the chart); labels stay ``gap`` pixels
    further apart from each other, left and right, than from other things.
    """
    out: list[str] = []
    if bounds is None:
        bounds = Box(plot.x0 + 1, plot.y0 - 12, WIDTH - 2, plot.y1 - 1)
    order = [(i, text) for i, text in reversed(list(enumerate(texts))) if text is not None]
    for rank, (i, text) in enumerate(order):
        # Bounded work in a dense series: after a few tries per label, the rest stay bare.
        if len(out) >= limit or rank >= 4 * limit:
            break
        px, py = xs[i], ys[i]
        w = text_width(text, LABEL_SIZE)
        best: tuple[float, int, Box, float, float, str] | None = None
        for n, (dx, dy, anchor) in enumerate(_SLOTS):
            lx, ly = px + dx, py + dy
            x0 = lx if anchor == "start" else lx - w
            box = Box(x0 - 1, ly - 8.5, x0 + w + 1, ly + 2.5)
            if box.x0 < bounds.x0 or box.x1 > bounds.x1 or box.y0 < bounds.y0 or box.y1 > bounds.y1:
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
            best = (0.0, 0, Box(lx - 1, ly - 8.5, lx + w + 1, ly + 2.5), lx, ly, "start")
        if best is None or (best[0] > 0 and rank > 0):
            continue  # no free slot: leave this one unlabelled rather than overprint
        _, slot, box, lx, ly, anchor = best
        obstacles.add(Box(box.x0 - gap, box.y0, box.x1 + gap, box.y1) if gap else box)
        anchor_attr = ' text-anchor="end"' if anchor == "end" else ""
        out.append(
            f'<text x="{coord(lx)}" y="{coord(ly)}"{anchor_attr}>{xml_text(text, 60)}</text>'
        )
        if slot >= _NEAR_SLOTS:  # a label further off says which point it belongs to
            ex = box.x0 + 1 if anchor == "start" else box.x1 - 1
            ey, sy = (box.y1, py - 3.5) if ly < py else (box.y0, py + 3.5)
            out.append(
                f'<path d="M{coord(px)} {coord(sy)}L{coord(ex)} {coord(ey)}" stroke="#888" '
                'stroke-width="0.6" fill="none"/>'
            )
    out.reverse()
    return out
