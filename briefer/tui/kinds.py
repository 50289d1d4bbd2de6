"""Kinds in the terminal: the PDF charts' colours and markers, as glyphs.

The colours come from ``briefer.palette`` so that a kind looks the same in the
browser and in the brief. The darkest ones (deadline black, scheduled grey)
are the charts' "ink"; on a dark theme they are drawn in the theme's own
foreground instead, which plays the same part there.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color
from rich.style import Style

from briefer.palette import kind_style

__all__ = ["kind_glyph", "kind_rich_style"]

_GLYPHS = {
    "diamond": "◆",
    "diamond-open": "◇",
    "square": "■",
    "square-open": "□",
    "circle": "●",
    "circle-open": "○",
    "triangle": "▲",
    "triangle-open": "△",
    "triangle-down": "▼",
    "cross": "✕",
    "star": "★",
}


def kind_glyph(kind: str | None) -> str:
    """The kind's chart marker as one character."""
    return _GLYPHS.get(kind_style(kind).marker, "●")


@lru_cache(maxsize=256)
def kind_rich_style(kind: str | None, dark: bool = True) -> Style:
    """The kind's colour, readable on a dark (or light) background."""
    colour = Color.parse(kind_style(kind).colour)
    r, g, b = colour.get_truecolor()
    luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
    if (dark and luminance < 0.3) or (not dark and luminance > 0.75):
        return Style(bold=True)  # the theme's own ink
    return Style(color=colour)
