"""The base map of a view: land, coastlines, boundaries and country names, as SVG.

Each country is one filled path (its rings clipped to the frame and thinned
to half a pixel); every arc of the visible countries is drawn once, as a
coastline or, where two countries share it, as a boundary. Country names go
where they fit, after the events' labels (see :mod:`briefer.render.map.draw`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from briefer.render.charts.labels import Box, Obstacles
from briefer.render.charts.svg import coord, text_width, xml_text
from briefer.render.map.basemap import Basemap, Level
from briefer.render.map.projection import View

__all__ = ["LAND", "WATER", "BaseMap", "base_map", "country_names", "home_countries"]

#: Light grey-blue water and near-white land: apart in colour and in a black-and-white print.
WATER, LAND = "#c9d8e4", "#fbfaf6"
COAST, BOUNDARY = "#5d7b94", "#6e6e6e"
NAME_SIZE = 9

Point = tuple[float, float]


@dataclass(frozen=True)
class BaseMap:
    """The SVG of the base map and where country names could go."""

    svg: list[str]
    #: The frame's (or the world's) edge, drawn over everything else.
    outline: str
    #: (name, x, y, area in px²) of each visible country's largest visible part.
    anchors: list[tuple[str, float, float, float]]
    #: Names of the countries drawn (in the data's order).
    countries: tuple[str, ...]


def _thin(points: Sequence[Point], step: float = 0.5) -> list[Point]:
    """Drop points within ``step`` pixels of the last kept one (the ends stay)."""
    if len(points) < 3:
        return list(points)
    out = [points[0]]
    lx, ly = points[0]
    for x, y in points[1:-1]:
        if abs(x - lx) + abs(y - ly) >= step:
            out.append((x, y))
            lx, ly = x, y
    out.append(points[-1])
    return out


def _clip_ring(points: list[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland–Hodgman against an upright box (edges along the box are outside the frame)."""
    x0, y0, x1, y1 = box
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if min(xs) >= x0 and max(xs) <= x1 and min(ys) >= y0 and max(ys) <= y1:
        return points
    if max(xs) < x0 or min(xs) > x1 or max(ys) < y0 or min(ys) > y1:
        return []
    for axis, limit, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if not points:
            break
        out: list[Point] = []
        prev = points[-1]
        prev_in = (prev[axis] >= limit) == keep_above
        for cur in points:
            cur_in = (cur[axis] >= limit) == keep_above
            if cur_in != prev_in:
                t = (limit - prev[axis]) / (cur[axis] - prev[axis])
                cut = (prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1]))
                out.append((limit, cut[1]) if axis == 0 else (cut[0], limit))
            if cur_in:
                out.append(cur)
            prev, prev_in = cur, cur_in
        points = out
    return points


def _clip_line(
    points: Sequence[Point], box: tuple[float, float, float, float]
) -> list[list[Point]]:
    """The runs of a polyline whose segments may cross ``box`` (the clip path does the rest)."""
    x0, y0, x1, y1 = box
    runs: list[list[Point]] = []
    run: list[Point] = []
    for a, b in pairwise(points):
        crosses = not (
            max(a[0], b[0]) < x0
            or min(a[0], b[0]) > x1
            or max(a[1], b[1]) < y0
            or min(a[1], b[1]) > y1
        )
        if crosses:
            if not run:
                run.append(a)
            run.append(b)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _path(points: Sequence[Point], close: bool) -> str:
    d = "M" + "L".join(f"{coord(x)} {coord(y)}" for x, y in points)
    return d + "Z" if close else d


def _centroid(points: Sequence[Point]) -> tuple[float, float, float]:
    """Area (px², unsigned) and centroid of a ring."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-9:
        return 0.0, points[0][0], points[0][1]
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def _inside(x: float, y: float, ring: Sequence[Point]) -> bool:
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            hit = not hit
    return hit


def _unwrapped(ring: Sequence[Point]) -> list[list[Point]]:
    """A ring (lon, lat) made continuous across the antimeridian, with its copy 360° over.

    Natural Earth's rings crossing ±180° (Fiji, Chukotka) come back as one
    shape reaching past 180°, drawn twice (once shifted by 360°) and cut by
    the world's outline. A ring around a pole (Antarctica), whose longitude
    does not come back to where it started, is closed along the pole.
    """
    out = [ring[0]]
    shift = 0.0
    for (lon0, _), (lon1, lat1) in pairwise(ring):
        if lon1 - lon0 > 180:
            shift -= 360.0
        elif lon0 - lon1 > 180:
            shift += 360.0
        out.append((lon1 + shift, lat1))
    if shift:
        pole = -90.0 if sum(p[1] for p in ring) < 0 else 90.0
        out += [(out[-1][0], pole), (out[0][0], pole)]
    lons = [p[0] for p in out]
    copies = [out]
    if max(lons) > 180:
        copies.append([(lon - 360.0, lat) for lon, lat in out])
    if min(lons) < -180:
        copies.append([(lon + 360.0, lat) for lon, lat in out])
    return copies


def _on_cut(a: Point, b: Point) -> bool:
    """A segment along ±180°: where Natural Earth cuts a shape, not a coast or a boundary."""
    return abs(abs(a[0]) - 180.0) < 1e-6 and abs(abs(b[0]) - 180.0) < 1e-6


def _world_lines(points: Sequence[Point]) -> list[list[Point]]:
    """A line (lon, lat) cut where it jumps across or runs along the antimeridian."""
    runs = [[points[0]]]
    for a, b in pairwise(points):
        if abs(b[0] - a[0]) > 180 or _on_cut(a, b):
            runs.append([])
        runs[-1].append(b)
    return [r for r in runs if len(r) > 1]


def _off_cut(points: Sequence[Point]) -> list[list[Point]] | None:
    """A line's runs without its stretches along ±180° (None: it has none, the usual case)."""
    if not any(_on_cut(a, b) for a, b in pairwise(points)):
        return None
    runs: list[list[Point]] = [[points[0]]]
    for a, b in pairwise(points):
        if _on_cut(a, b):
            runs.append([])
        runs[-1].append(b)
    return [r for r in runs if len(r) > 1]


def _frame_ring(box: tuple[float, float, float, float]) -> list[Point]:
    x0, y0, x1, y1 = box
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _surrounds(view: View, level: Level, refs: tuple[int, ...]) -> bool:
    """Whether a ring lying wholly outside the view holds the view's centre."""
    boxes = [level.arc_bbox(r if r >= 0 else ~r) for r in refs]
    window = view.window
    assert window is not None  # only regional and continental views get here
    if (
        min(b[0] for b in boxes) > window[0]
        or min(b[1] for b in boxes) > window[1]
        or max(b[2] for b in boxes) < window[2]
        or max(b[3] for b in boxes) < window[3]
    ):
        return False
    lon0, lat0 = view.projection.lon0, view.projection.lat0  # type: ignore[attr-defined]
    return _inside(lon0, lat0, level.ring(refs))


def world_outline(view: View) -> str:
    """The Equal Earth world's edge as a closed path (the meridians ±180°)."""
    east = [view.px(180.0, lat / 2) for lat in range(180, -181, -3)]
    west = [view.px(-180.0, lat / 2) for lat in range(-180, 181, 3)]
    return _path(east + west, True)


def base_map(view: View, basemap: Basemap) -> BaseMap:
    """Land, coastlines and boundaries of ``view``, clipped to its frame (or the world's edge)."""
    level = basemap.level(view.level)
    world = view.kind == "world"
    left, top, w, h = view.frame
    box = (left - 3, top - 3, left + w + 3, top + h + 3)
    projected: dict[int, list[Point]] = {}

    def arc_px(index: int) -> list[Point]:
        found = projected.get(index)
        if found is None:
            if view.covers(level.arc_bbox(index)):
                points = level.arc(index)
            else:
                # Wholly outside the view: every chord between its points stays
                # inside its bounding box, so its ends alone keep the fills right.
                points = level.arc_ends(index)
            found = _thin(view.px_many(points))
            projected[index] = found
        return found

    def rings_px(refs: tuple[int, ...]) -> list[list[Point]]:
        if world:
            return [_thin(view.px_many(r)) for r in _unwrapped(level.ring(refs))]
        if not any(view.covers(level.arc_bbox(r if r >= 0 else ~r)) for r in refs):
            # Wholly outside the view: invisible, unless it surrounds the view.
            return [_frame_ring(box)] if _surrounds(view, level, refs) else []
        ring: list[Point] = []
        for ref in refs:
            pts = arc_px(ref) if ref >= 0 else arc_px(~ref)[::-1]
            ring.extend(pts[1:] if ring else pts)
        return [ring]

    fills: list[str] = []
    anchors: list[tuple[str, float, float, float]] = []
    shown: list[str] = []
    arcs: set[int] = set()
    for country in level.countries:
        if not view.covers(country.bbox):
            continue
        parts: list[str] = []
        best: tuple[float, float, float] | None = None
        best_ring: list[Point] = []
        for polygon in country.polygons:
            arcs.update(ref if ref >= 0 else ~ref for refs in polygon for ref in refs)
            for n, refs in enumerate(polygon):
                for ring in rings_px(refs):
                    ring = _clip_ring(ring, box)
                    if len(ring) < 3:
                        continue
                    parts.append(_path(ring, True))
                    if n == 0:
                        found = _centroid(ring)
                        if best is None or found[0] > best[0]:
                            best, best_ring = found, ring
        if not parts:
            continue
        shown.append(country.name)
        fills.append(f'<path data-country="{xml_text(country.name)}" d="{"".join(parts)}"/>')
        if best is not None and _inside(best[1], best[2], best_ring):
            anchors.append((country.name, best[1], best[2], best[0]))
    lines: dict[int, list[str]] = {0: [], 1: []}
    for index in sorted(arcs):
        if world:
            runs = [_thin(view.px_many(r)) for r in _world_lines(level.arc(index))]
        elif not view.covers(bbox := level.arc_bbox(index)):
            continue
        elif max(-bbox[0], bbox[2]) >= 180 - 1e-6 and (cut := _off_cut(level.arc(index))):
            runs = [run for part in cut for run in _clip_line(_thin(view.px_many(part)), box)]
        else:
            runs = _clip_line(arc_px(index), box)
        lines[level.border[index]] += [_path(run, False) for run in runs]
    if world:
        edge = world_outline(view)
        water = f'<path d="{edge}" fill="{WATER}"/>'
        clip = f'<path d="{edge}"/>'
        outline = f'<path d="{edge}" fill="none" stroke="#888" stroke-width="0.8"/>'
    else:
        rect = f'x="{coord(left)}" y="{coord(top)}" width="{coord(w)}" height="{coord(h)}"'
        water = f'<rect {rect} fill="{WATER}"/>'
        clip = f"<rect {rect}/>"
        outline = f'<rect {rect} fill="none" stroke="#888" stroke-width="0.8"/>'
    svg = [
        f'<clipPath id="briefer-map-frame">{clip}</clipPath>',
        water,
        '<g clip-path="url(#briefer-map-frame)">',
        f'<g fill="{LAND}" fill-rule="evenodd" stroke="none">',
        *fills,
        "</g>",
    ]
    if lines[0]:
        svg.append(
            f'<path class="coast" d="{"".join(lines[0])}" fill="none" stroke="{COAST}" '
            'stroke-width="0.6" stroke-linejoin="round"/>'
        )
    if lines[1]:
        svg.append(
            f'<path class="boundary" d="{"".join(lines[1])}" fill="none" stroke="{BOUNDARY}" '
            'stroke-width="0.9" stroke-dasharray="3.5 1.5" stroke-linejoin="round"/>'
        )
    svg.append("</g>")
    return BaseMap(svg, outline, anchors, tuple(shown))


def country_names(
    anchors: Sequence[tuple[str, float, float, float]], obstacles: Obstacles, frame: Box
) -> list[str]:
    """Names of the larger visible countries, where they overprint nothing (largest first)."""
    out: list[str] = []
    for name, x, y, area in sorted(anchors, key=lambda a: (-a[3], a[0])):
        text = name.upper()
        w = text_width(text, NAME_SIZE) * 1.1
        if area < w * w * 0.6:
            continue  # a country smaller than its name: leave it unnamed
        b = Box(x - w / 2 - 2, y - 8, x + w / 2 + 2, y + 3)
        if b.x0 < frame.x0 or b.x1 > frame.x1 or b.y0 < frame.y0 or b.y1 > frame.y1:
            continue
        if obstacles.overlap(b) > 0:
            continue
        obstacles.add(b)
        out.append(f'<text x="{coord(x)}" y="{coord(y)}">{xml_text(text)}</text>')
    return out


def home_countries(places: Sequence[Point], level: Level) -> list[list[Point]]:
    """Outlines (lon, lat) of the countries the places lie in, each once."""
    found: dict[int, list[Point]] = {}
    for lon, lat in sorted(set(places)):
        for n, country in enumerate(level.countries):
            x0, y0, x1, y1 = country.bbox
            if n in found or not (x0 <= lon <= x1 and y0 <= lat <= y1):
                continue
            for polygon in country.polygons:
                outer = level.ring(polygon[0])
                if _inside(lon, lat, outer):
                    found[n] = [p for poly in country.polygons for p in level.ring(poly[0])]
                    break
    return [found[n] for n in sorted(found)]
