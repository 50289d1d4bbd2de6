"""SVG charts for briefs, drawn by hand: no plotting stack, nothing fetched, reproducible.

Two charts: an event timeline with one lane per kind (``timeline``), and a
metric over time as a step line with every reported value labelled by its
citation (``metric``). Output is a standalone SVG document; every piece of text
in it is escaped (event titles are untrusted), it references nothing outside
itself (no ``href``, no fonts by URL), and its coordinates are rounded to one
decimal, so the same input gives the same bytes. Kinds stay apart in black and
white by marker shape (:mod:`briefer.palette`); approximate dates are hollow or
faint, date ranges are bars, dashed when approximate.

What lives here: ``svg`` (the document, headings, escaped text, coordinates),
``scales`` (the time scale and its ticks, the value axis's range), ``markers``
(marker shapes), ``labels`` (placing value labels where they overprint
nothing), ``timeline`` and ``metric`` (the two charts). A new chart is a new
module built from these.
"""

from __future__ import annotations

from briefer.render.charts.metric import MetricPoint, metric_svg
from briefer.render.charts.timeline import timeline_svg

__all__ = ["MetricPoint", "metric_svg", "timeline_svg"]
