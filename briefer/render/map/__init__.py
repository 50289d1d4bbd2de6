"""The brief's map (SPEC §10): where the period's developments happened, drawn offline.

What lives here: ``basemap`` (the shipped Natural Earth boundaries, read
once and decoded arc by arc; ``countries.bin`` is made by
``tools/build_basemap.py``), ``projection`` (Lambert azimuthal equal-area for
regional views, Equal Earth for the world, and fitting the view to the
events), ``layers`` (land, coastlines, boundaries, country names) and
``draw`` (markers, numbers, scale bar and notes). :func:`brief_map` turns a
composed brief into the map file and the numbers the developments list shows.
Like the charts, the SVG is standalone, escapes every text, references
nothing outside itself and gives the same bytes for the same brief.
"""

from __future__ import annotations

from briefer.brief import BriefContext, BriefItem, MapSection
from briefer.dates import get_timezone
from briefer.model import Event
from briefer.render.charts.scales import period_text
from briefer.render.map.draw import ENDORSEMENT, MapMark, map_svg

__all__ = ["ENDORSEMENT", "MapMark", "brief_map", "map_svg"]

TITLE = "Map of the period's developments"


def _located(e: Event) -> bool:
    loc = e.location
    return loc is not None and loc.lat is not None and loc.lon is not None


def _mark(item: BriefItem, number: int | None) -> MapMark:
    e = item.event
    assert e.location is not None
    assert e.location.lat is not None
    assert e.location.lon is not None
    head = f"{number} · " if number is not None else ""
    return MapMark(
        e.location.lon,
        e.location.lat,
        e.kind,
        e.significance,
        number,
        f"{head}{item.date} · {e.title} · {e.location}",
    )


def brief_map(ctx: BriefContext, stem: str) -> tuple[MapSection, str] | None:
    """The map section and its SVG, or None when no development of the period has coordinates.

    Developments with coordinates are numbered in the order the brief lists
    them (newest first); background events with coordinates are drawn muted
    when they fall inside the view. Events of either list with a place but no
    coordinates are counted under the map.
    """
    placed = [item for item in ctx.developments if _located(item.event)]
    if not placed:
        return None
    numbers = {item.event.id: n for n, item in enumerate(placed, 1)}
    unplaced = sum(
        1
        for item in (*ctx.developments, *ctx.background)
        if item.event.location is not None and not _located(item.event)
    )
    background = [_mark(i, None) for i in ctx.background if _located(i.event)]
    noun = "development" if len(placed) == 1 else "developments"
    start, end = min(ctx.period_start, ctx.as_of), max(ctx.period_start, ctx.as_of)
    period = period_text(start, end, get_timezone(ctx.timezone))
    subtitle = f"{len(placed)} {noun} with coordinates · {period}"
    svg = map_svg(
        [_mark(item, numbers[item.event.id]) for item in placed],
        background,
        title=TITLE,
        subtitle=subtitle,
        unplaced=unplaced,
    )
    return MapSection(f"{stem}-map.svg", TITLE, numbers), svg
