"""One colour and one marker per kind, shared by the PDF charts and the TUI.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies); markers keep kinds apart when a brief is printed in black and white.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KindStyle", "kind_style"]


@dataclass(frozen=True)
class KindStyle:
    """How a kind is drawn."""

    colour: str
    #: An SVG-drawable marker: circle, square, diamond, triangle, triangle-down, cross, star.
    marker: str


_STYLES: dict[str, KindStyle] = {
    "incident": KindStyle("#D55E00", "diamond"),
    "deployment": KindStyle("#0072B2", "square"),
    "political": KindStyle("#CC79A7", "circle"),
    "diplomatic": KindStyle("#009E73", "triangle"),
    "legal": KindStyle("#56B4E9", "triangle-down"),
    "statement": KindStyle("#E69F00", "circle-open"),
    "background": KindStyle("#7F7F7F", "square-open"),
    "deadline": KindStyle("#000000", "cross"),
    "scheduled": KindStyle("#444444", "star"),
}
_EXTRA = [
    KindStyle("#F0E442", "diamond-open"),
    KindStyle("#8C564B", "triangle-open"),
    KindStyle("#17BECF", "circle"),
    KindStyle("#BCBD22", "square"),
]
_NONE = KindStyle("#999999", "circle-open")


def kind_style(kind: str | None) -> KindStyle:
    """The style of a kind; declared kinds get a stable style from their name."""
    if kind is None:
        return _NONE
    style = _STYLES.get(kind)
    if style is not None:
        return style
    # Stable across runs (unlike hash()): briefs must be reproducible.
    return _EXTRA[sum(kind.encode()) % len(_EXTRA)]
