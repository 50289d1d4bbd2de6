"""SVG building blocks shared by the charts: the document, headings, safe text and numbers.

Every piece of text goes through :func:`xml_text` or :func:`fitted` (event
titles are untrusted) and every coordinate through :func:`coord`, so the same
input always gives the same bytes.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

#: Width of every chart in CSS pixels: an A4 portrait text column at about 96 dpi.
WIDTH = 680
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
INK, MUTED, GRID, LANE = "#222", "#555", "#dcdcdc", "#f4f4f4"
# Font sizes in px; at A4 column width (about 0.94 scale) 10 px prints near 7 pt.
TICK_SIZE, LABEL_SIZE, NOTE_SIZE = 10, 9.5, 9


# Characters XML 1.0 forbids even when escaped; a log could still contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str, limit: int | None = None) -> str:
    """``value`` as safe XML character data, optionally shortened with an ellipsis."""
    clean = _NOT_XML.sub("", value)
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return escape(clean)


def coord(x: float) -> str:
    """A coordinate with at most one decimal and no trailing zero: stable bytes."""
    text = f"{x:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


# Advance widths of DejaVu Sans in em, coarsely: enough to keep labels apart.
_NARROW = frozenset(" .,:;'!|()[]ijlt-")
_WIDE = frozenset("MWmw@%")


def text_width(text: str, size: float) -> float:
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


def fitted(value: str, size: float, room: float) -> str:
    """``value`` as XML character data, shortened with an ellipsis to fit ``room`` px.

    Judged by :func:`text_width` plus 15 %, which covers DejaVu Sans's widest
    letters ("W" is 1.01 em), so a fitted text never overruns.
    """
    clean = _NOT_XML.sub("", value)
    if text_width(clean, size * 1.15) <= room:
        return escape(clean)
    while clean and text_width(clean + "…", size * 1.15) > room:
        clean = clean[:-1]
    return escape(clean.rstrip() + "…")


def format_value(value: float) -> str:
    """``4,500``, ``3.25``, ``-0.5``: grouped thousands, no float noise."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def document(width: int, height: float, title: str, desc: str, body: list[str]) -> str:
    h = coord(height)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {h}" '
        f'width="{width}" height="{h}" role="img" font-family="{FONT}" font-size="10">'
    )
    return "\n".join(
        [
            head,
            f"<title>{xml_text(title)}</title>",
            f"<desc>{xml_text(desc)}</desc>",
            f'<rect width="{width}" height="{h}" fill="#fff"/>',
            *body,
            "</svg>\n",
        ]
    )


def heading(title: str, subtitle: str) -> list[str]:
    return [
        f'<text x="2" y="15" font-size="13" font-weight="bold" fill="#000">'
        f"{xml_text(title, 90)}</text>",
        f'<text x="2" y="30" font-size="10" fill="{MUTED}">{xml_text(subtitle, 120)}</text>',
    ]


def empty_chart(title: str, subtitle: str, message: str) -> str:
    body = [
        *heading(title, subtitle),
        f'<rect x="2" y="40" width="{WIDTH - 4}" height="44" fill="{LANE}"/>',
        f'<text x="{WIDTH // 2}" y="66" text-anchor="middle" font-size="11" fill="{MUTED}">'
        f"{xml_text(message)}</text>",
    ]
    return document(WIDTH, 92, title, f"{message}. {subtitle}", body)
