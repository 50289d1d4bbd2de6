"""Marker shapes: kinds stay apart in black and white by shape (:mod:`briefer.palette`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from briefer.render.charts.svg import coord


def _poly(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{coord(px)} {coord(py)}" for px, py in points) + "Z"


def marker(shape: str, x: float, y: float, r: float, approximate: bool, tip: str = "") -> str:
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
        d = f"M{coord(x - s)} {coord(y - s)}H{coord(x + s)}V{coord(y + s)}H{coord(x - s)}Z"
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
            f"M{coord(x - s)} {coord(y - s)}L{coord(x + s)} {coord(y + s)}"
            f"M{coord(x - s)} {coord(y + s)}L{coord(x + s)} {coord(y - s)}"
        )
        attrs += ' stroke-width="1.8"'
    else:
        element = f'<circle cx="{coord(x)}" cy="{coord(y)}" r="{coord(r)}"{attrs}'
        return f"{element}><title>{tip}</title></circle>" if tip else f"{element}/>"
    element = f'<path d="{d}"{attrs}'
    return f"{element}><title>{tip}</title></path>" if tip else f"{element}/>"
