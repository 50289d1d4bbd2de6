"""The map as a standalone SVG: base map, event markers, numbers, scale bar, notes.

Markers use the charts' kind colours and shapes (:mod:`briefer.palette`,
:mod:`briefer.render.charts.markers`). Events that fall within a few pixels
of each other share one marker, drawn in the kind of the most significant
of them and numbered with all their numbers (``2, 5``; ``1, 4 +12`` when
there are many). Numbers are placed by the charts' label placement, most
significant first; a marker whose number would overprint another number or
a marker stays unnumbered, and the note under the map says how many did.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from briefer.palette import kind_style
from briefer.render.charts.labels import Box, Obstacles, place_labels
from briefer.render.charts.markers import marker
from briefer.render.charts.svg import (
    INK,
    LABEL_SIZE,
    MUTED,
    NOTE_SIZE,
    WIDTH,
    coord,
    document,
    heading,
    text_width,
    xml_text,
)
from briefer.render.map.basemap import load_basemap
from briefer.render.map.layers import NAME_SIZE, base_map, country_names, home_countries
from briefer.render.map.projection import EARTH_RADIUS_KM, View, fit_view

__all__ = ["ENDORSEMENT", "MapMark", "map_svg"]

ENDORSEMENT = "Boundaries and names shown do not imply endorsement."
#: The frame of a regional view, px; a world view's height follows its proportions.
FRAME_W, FRAME_H, FRAME_TOP = WIDTH - 4.0, 380.0, 40.0
#: Markers closer than this (px) share one.
_MERGE = 6.0
#: Up to this many distinct places, the view also shows the countries they lie in.
_CONTEXT_PLACES = 3
#: Most numbers a map places.
_LABELS = 80
_BACKGROUND = "#8a8a8a"


@dataclass(frozen=True)
class MapMark:
    """One event on the map."""

    lon: float
    lat: float
    kind: str | None
    significance: int
    #: Its number in the developments list; None for a background event (muted, unnumbered).
    number: int | None
    #: Tooltip (untrusted text: escaped when drawn).
    tip: str


@dataclass
class _Group:
    x: float
    y: float
    first: MapMark
    numbers: list[int]
    tips: list[str]
    significance: int


def _group(marks: Sequence[MapMark], view: View) -> list[_Group]:
    """Marks within :data:`_MERGE` px of a group's first mark join it (most significant first)."""
    order = sorted(marks, key=lambda m: (-m.significance, m.number or 0, m.lon, m.lat, m.tip))
    cells: dict[tuple[int, int], list[_Group]] = {}
    groups: list[_Group] = []
    for m in order:
        x, y = view.px(m.lon, m.lat)
        cx, cy = math.floor(x / _MERGE), math.floor(y / _MERGE)
        near = [
            g
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for g in cells.get((cx + dx, cy + dy), ())
            if abs(g.x - x) <= _MERGE and abs(g.y - y) <= _MERGE
        ]
        if near:
            g = near[0]
            if m.number is not None:
                g.numbers.append(m.number)
            g.tips.append(m.tip)
            continue
        g = _Group(x, y, m, [] if m.number is None else [m.number], [m.tip], m.significance)
        cells.setdefault((cx, cy), []).append(g)
        groups.append(g)
    return groups


def frame_has(frame: Box, x: float, y: float) -> bool:
    """Whether a point lies inside the frame."""
    return frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1


def _numbers_text(numbers: Sequence[int]) -> str:
    """``3``, ``2, 5``, ``4–6``, ``1, 4 +12``: a group's numbers, short."""
    nums = sorted(set(numbers))
    runs: list[tuple[int, int]] = []
    for n in nums:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    text = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    if len(runs) > 3:
        rest = sum(b - a + 1 for a, b in runs[2:])
        return f"{text[0]}, {text[1]} +{rest}"
    return ", ".join(text)


def _nice(km: float) -> float:
    power = 10.0 ** math.floor(math.log10(km))
    return max(m * power for m in (1, 2, 5) if m * power <= km)


def _scale_bar(view: View) -> tuple[list[str], Box]:
    """A bar of a round length in km, measured east-west at the view's centre (or the equator)."""
    left, top, w, h = view.frame
    if view.kind == "world":
        lon, lat, where = 0.0, 0.0, " at the equator"
    else:
        lon, lat = view.projection.lon0, view.projection.lat0  # type: ignore[attr-defined]
        where = ""
    step = 0.5
    ax, _ = view.px(lon - step, lat)
    bx, _ = view.px(lon + step, lat)
    km = EARTH_RADIUS_KM * math.cos(math.radians(lat)) * math.radians(2 * step)
    px_per_km = abs(bx - ax) / km
    length = _nice(w * 0.22 / px_per_km)
    bar = length * px_per_km
    x0, y = left + 10, top + h - 12
    label = f"{length:,.0f} km{where}"
    box = Box(x0 - 5, y - 16, x0 + max(bar, text_width(label, NOTE_SIZE)) + 8, y + 7)
    half = bar / 2
    out = [
        f'<rect x="{coord(box.x0)}" y="{coord(box.y0)}" width="{coord(box.x1 - box.x0)}" '
        f'height="{coord(box.y1 - box.y0)}" fill="#fff" fill-opacity="0.8"/>',
        f'<rect x="{coord(x0)}" y="{coord(y)}" width="{coord(half)}" height="4" fill="{INK}"/>',
        f'<rect x="{coord(x0 + half)}" y="{coord(y)}" width="{coord(half)}" height="4" '
        f'fill="#fff" stroke="{INK}" stroke-width="0.6"/>',
        f'<text x="{coord(x0)}" y="{coord(y - 4)}" font-size="{NOTE_SIZE}" fill="{INK}">'
        f"{xml_text(label)}</text>",
    ]
    return out, box


def _legend(kinds: Sequence[str | None], background: bool, y: float) -> tuple[list[str], float]:
    """The kinds on the map with their markers, wrapped to the width; and the last line's y."""
    out = [f'<g font-size="{NOTE_SIZE}" fill="{MUTED}">']
    x = 4.0
    items: list[tuple[str | None, str]] = [(k, k or "unspecified") for k in kinds]
    if background:
        items.append(("", "background event"))
    for kind, name in items:
        shown = xml_text(name, 24)
        width = 11 + text_width(name[:24], NOTE_SIZE) + 12
        if x > 4 and x + width > WIDTH - 4:
            x, y = 4.0, y + 13
        if kind == "":
            out.append(
                f'<circle cx="{coord(x + 4)}" cy="{coord(y - 3)}" r="3" fill="#fff" '
                f'stroke="{_BACKGROUND}" stroke-width="1.1"/>'
            )
        else:
            style = kind_style(kind)
            out.append(f'<g fill="{style.colour}" stroke="{style.colour}" stroke-width="1.2">')
            out.append(marker(style.marker, x + 4, y - 3, 3.4, False))
            out.append("</g>")
        out.append(f'<text x="{coord(x + 11)}" y="{coord(y)}">{shown}</text>')
        x += width
    out.append("</g>")
    return out, y


def map_svg(
    developments: Sequence[MapMark],
    background: Sequence[MapMark],
    *,
    title: str,
    subtitle: str,
    unplaced: int,
) -> str:
    """The map of ``developments`` (numbered) and ``background`` events inside its view.

    The view is fitted to the developments (:func:`~briefer.render.map.projection.fit_view`);
    background events outside it are left out. ``unplaced`` counts the events
    with a place but no coordinates, stated under the map.
    """
    places = [(m.lon, m.lat) for m in developments]
    view = fit_view(places, FRAME_W, FRAME_H, 2.0, FRAME_TOP)
    if view.kind == "regional" and len(set(places)) <= _CONTEXT_PLACES:
        # A few places: show whole the (not too large) countries they lie in.
        context = home_countries(places, load_basemap().level("110m"))  # coarse is enough
        view = fit_view(places, FRAME_W, FRAME_H, 2.0, FRAME_TOP, context=context)
    left, top, w, h = view.frame
    frame = Box(left, top, left + w, top + h)
    base = base_map(view, load_basemap())
    body = heading(title, subtitle)
    body += base.svg
    obstacles = Obstacles()
    scale, scale_box = _scale_bar(view)
    obstacles.add(scale_box)

    inside = [m for m in background if frame_has(frame, *view.px(m.lon, m.lat))]
    muted = _group(inside, view)
    body.append(f'<g fill="#fff" stroke="{_BACKGROUND}" stroke-width="1.1" opacity="0.9">')
    for g in muted:
        shape = kind_style(g.first.kind).marker.removesuffix("-open")
        tip = xml_text(" · ".join(g.tips), 300)
        body.append(marker(shape, g.x, g.y, 3.0, False, tip))
        obstacles.add(Box(g.x - 3, g.y - 3, g.x + 3, g.y + 3))
    body.append("</g>")

    groups = _group(developments, view)
    # Least significant drawn first, so the most significant lie on top.
    for g in sorted(groups, key=lambda g: (g.significance, -min(g.numbers))):
        style = kind_style(g.first.kind)
        r = 3.0 + 0.55 * max(1, min(5, g.significance))
        tip = xml_text(" · ".join(g.tips), 300)
        body.append(f'<g fill="{style.colour}" stroke="{style.colour}" stroke-width="1.3">')
        body.append(marker(style.marker, g.x, g.y, r, False, tip))
        body.append("</g>")
        # The shapes' corners are empty: a box of 0.8 r keeps numbers off the marker itself.
        obstacles.add(Box(g.x - 0.8 * r, g.y - 0.8 * r, g.x + 0.8 * r, g.y + 0.8 * r))
    # Labels: the last text is placed first; so most significant, lowest number last.
    ranked = sorted(groups, key=lambda g: (g.significance, -min(g.numbers)))
    labels = place_labels(
        [_numbers_text(g.numbers) for g in ranked],
        [g.x for g in ranked],
        [g.y for g in ranked],
        obstacles,
        frame,
        limit=_LABELS,
        gap=3.0,  # numbers side by side must not read as one
        bounds=Box(left + 2, top + 2, left + w - 2, top + h - 2),
    )
    numbered = sum(1 for s in labels if s.startswith("<text"))
    body.append(f'<g font-size="{LABEL_SIZE}" font-weight="bold" fill="#000">{"".join(labels)}</g>')
    if view.kind != "world":
        names = country_names(base.anchors, obstacles, frame)
        body.append(
            f'<g font-size="{NAME_SIZE}" fill="#707070" text-anchor="middle">{"".join(names)}</g>'
        )
    body += scale
    body.append(base.outline)

    y = top + h + 16
    kinds = list(dict.fromkeys(g.first.kind for g in sorted(groups, key=lambda g: min(g.numbers))))
    legend, y = _legend(kinds, bool(muted), y)
    body += legend
    notes = []
    if len(groups) > numbered:
        notes.append(
            f"{len(groups) - numbered} of {len(groups)} markers are unnumbered: "
            "their numbers would overprint others."
        )
    if unplaced:
        what = "event has" if unplaced == 1 else "events have"
        verb = "is" if unplaced == 1 else "are"
        notes.append(f"{unplaced} {what} a place but no coordinates and {verb} not shown.")
    notes.append(f"{view.projection.name} projection. {load_basemap().attribution} {ENDORSEMENT}")
    for note in notes:
        y += 14
        body.append(
            f'<text x="4" y="{coord(y)}" font-size="{NOTE_SIZE}" fill="{MUTED}">'
            f"{xml_text(note)}</text>"
        )
    shown = ", ".join(base.countries[:12]) + (" …" if len(base.countries) > 12 else "")
    desc = (
        f"Map, {view.kind} view ({view.projection.name}), of {len(developments)} "
        f"development{'s' if len(developments) != 1 else ''} at {len(groups)} "
        f"place{'s' if len(groups) != 1 else ''}; countries shown: {shown}."
    )
    return document(WIDTH, y + 8, title, desc, body)
