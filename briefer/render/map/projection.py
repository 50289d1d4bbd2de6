"""Projections and the view: which part of the Earth a map shows, and how.

Two projections, both equal-area, so that areas compare fairly at any extent:

- **Lambert azimuthal equal-area**, centred on the events, for regional and
  continental views (the projection of Europe's own statistical maps,
  ETRS89-LAEA). Distances from the centre are nearly true across a few
  thousand kilometres, so the scale bar holds across the view.
- **Equal Earth** (Šavrič, Patterson and Jenny, 2018) for world views, when
  the events span continents: an equal-area world map whose shapes stay
  familiar, centred on the Greenwich meridian.

Coordinates come out in kilometres on the map plane (y up); :class:`View`
turns them into pixels of the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

__all__ = ["EARTH_RADIUS_KM", "EqualEarth", "LambertAzimuthal", "Projection", "View", "fit_view"]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: The smallest view, km across: a single event still shows its surroundings.
MIN_SPAN_KM = 420.0
#: A country the events lie in and at most this wide (km) is shown whole.
CONTEXT_SPAN_KM = 1600.0
#: Views up to this width use the 1:10m boundaries, up to ``WORLD_SPAN_KM`` the 1:50m ones.
DETAIL_SPAN_KM = 2500.0
#: Wider than this (or events more than ``WORLD_ANGLE`` from their centre): a world view.
WORLD_SPAN_KM = 7500.0
WORLD_ANGLE = math.radians(55)


class Projection(Protocol):
    """Longitude and latitude in degrees → km on the map plane (y up)."""

    #: What the map's note calls it.
    name: str

    def forward(self, lon: float, lat: float) -> tuple[float, float]:
        """The point on the plane, km."""
        ...

    def forward_many(self, points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        """:meth:`forward` of many points, with the loop's lookups hoisted."""
        ...


class LambertAzimuthal:
    """Lambert azimuthal equal-area, centred on (``lon0``, ``lat0``)."""

    name = "Lambert azimuthal equal-area"

    def __init__(self, lon0: float, lat0: float) -> None:
        self.lon0 = lon0
        self.lat0 = lat0
        self._sin0 = math.sin(math.radians(lat0))
        self._cos0 = math.cos(math.radians(lat0))

    def forward(self, lon: float, lat: float) -> tuple[float, float]:
        phi = math.radians(lat)
        dl = math.radians(lon - self.lon0)
        sin_p, cos_p, cos_dl = math.sin(phi), math.cos(phi), math.cos(dl)
        # The antipode has no image: push points near it to the disc's edge.
        denom = max(1.0 + self._sin0 * sin_p + self._cos0 * cos_p * cos_dl, 1e-9)
        k = EARTH_RADIUS_KM * math.sqrt(2.0 / denom)
        return k * cos_p * math.sin(dl), k * (self._cos0 * sin_p - self._sin0 * cos_p * cos_dl)

    def forward_many(self, points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        rad, sin, cos, sqrt = math.radians, math.sin, math.cos, math.sqrt
        lon0, sin0, cos0, r = self.lon0, self._sin0, self._cos0, EARTH_RADIUS_KM
        out = []
        for lon, lat in points:
            phi = rad(lat)
            dl = rad(lon - lon0)
            sin_p, cos_p, cos_dl = sin(phi), cos(phi), cos(dl)
            denom = 1.0 + sin0 * sin_p + cos0 * cos_p * cos_dl
            k = r * sqrt(2.0 / (denom if denom > 1e-9 else 1e-9))
            out.append((k * cos_p * sin(dl), k * (cos0 * sin_p - sin0 * cos_p * cos_dl)))
        return out

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        """The place (lon, lat) at a point of the plane (km)."""
        rho = math.hypot(x, y)
        if rho < 1e-9:
            return self.lon0, self.lat0
        c = 2 * math.asin(min(1.0, rho / (2 * EARTH_RADIUS_KM)))
        sin_c, cos_c = math.sin(c), math.cos(c)
        lat = math.asin(max(-1.0, min(1.0, cos_c * self._sin0 + y * sin_c * self._cos0 / rho)))
        lon = self.lon0 + math.degrees(
            math.atan2(x * sin_c, rho * self._cos0 * cos_c - y * self._sin0 * sin_c)
        )
        return lon, math.degrees(lat)


# Equal Earth's polynomial coefficients (Šavrič, Patterson and Jenny 2018).
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3.0) / 2.0


class EqualEarth:
    """Equal Earth, centred on the Greenwich meridian."""

    name = "Equal Earth"

    def forward(self, lon: float, lat: float) -> tuple[float, float]:
        theta = math.asin(_M * math.sin(math.radians(lat)))
        t2 = theta * theta
        t6 = t2 * t2 * t2
        x = (
            math.radians(lon)
            * math.cos(theta)
            / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
        )
        y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
        return x * EARTH_RADIUS_KM, y * EARTH_RADIUS_KM

    def forward_many(self, points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        return [self.forward(lon, lat) for lon, lat in points]


@dataclass(frozen=True)
class View:
    """A projection and the part of its plane drawn into a frame of pixels."""

    projection: Projection
    #: The drawn extent on the plane, km: (x0, y0, x1, y1).
    extent: tuple[float, float, float, float]
    #: The frame in pixels: (left, top, width, height).
    frame: tuple[float, float, float, float]
    #: ``world``, ``continental``, ``regional``: also picks the level of detail.
    kind: str

    @property
    def km_per_px(self) -> float:
        return (self.extent[2] - self.extent[0]) / self.frame[2]

    @property
    def level(self) -> str:
        """The base map's level of detail for this view."""
        return {"world": "110m", "continental": "50m"}.get(self.kind, "10m")

    def px_many(self, points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        """:meth:`px` of many points at once (the base map's inner loop)."""
        x0, _, _, y1 = self.extent
        left, top, _, _ = self.frame
        k = 1.0 / self.km_per_px
        return [
            (left + (x - x0) * k, top + (y1 - y) * k)
            for x, y in self.projection.forward_many(points)
        ]

    def px(self, lon: float, lat: float) -> tuple[float, float]:
        """Where a place is drawn, in pixels (possibly outside the frame)."""
        x, y = self.projection.forward(lon, lat)
        return self.plane_px(x, y)

    def plane_px(self, x: float, y: float) -> tuple[float, float]:
        x0, _, _, y1 = self.extent
        left, top, _, _ = self.frame
        k = 1.0 / self.km_per_px
        return left + (x - x0) * k, top + (y1 - y) * k

    @cached_property
    def window(self) -> tuple[float, float, float, float] | None:
        """Longitudes and latitudes (lon0, lat0, lon1, lat1) holding the frame; None: all.

        The frame's edge, taken back to the sphere, bounds it (a 1 % margin on
        each side); a frame holding a pole spans every longitude.
        """
        if not isinstance(self.projection, LambertAzimuthal):
            return None
        proj = self.projection
        x0, y0, x1, y1 = self.extent
        for pole in (90.0, -90.0):
            px, py = proj.forward(0.0, pole)
            if x0 <= px <= x1 and y0 <= py <= y1:
                return None
        edge = [(x0 + (x1 - x0) * i / 8, y) for i in range(9) for y in (y0, y1)] + [
            (x, y0 + (y1 - y0) * i / 8) for i in range(1, 8) for x in (x0, x1)
        ]
        lonlat = [proj.inverse(x, y) for x, y in edge]
        # Longitudes relative to the centre, so that a frame across ±180° stays one range.
        rel = [((lon - proj.lon0 + 540.0) % 360.0) - 180.0 for lon, _ in lonlat]
        lats = [lat for _, lat in lonlat]
        lon_m = (max(rel) - min(rel)) * 0.01
        lat_m = (max(lats) - min(lats)) * 0.01
        return (
            proj.lon0 + min(rel) - lon_m,
            min(lats) - lat_m,
            proj.lon0 + max(rel) + lon_m,
            max(lats) + lat_m,
        )

    def covers(self, bbox: tuple[float, float, float, float]) -> bool:
        """Whether a box of lon/lat degrees may show in the view."""
        window = self.window
        if window is None:
            return True
        if bbox[3] < window[1] or bbox[1] > window[3]:
            return False
        return any(
            bbox[0] <= window[2] + shift and bbox[2] >= window[0] + shift
            for shift in (-360.0, 0.0, 360.0)
        )


def _centre(points: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """The mean direction of the points (lon, lat) and how tightly they gather (0..1)."""
    sx = sy = sz = 0.0
    for lon, lat in points:
        lam, phi = math.radians(lon), math.radians(lat)
        sx += math.cos(phi) * math.cos(lam)
        sy += math.cos(phi) * math.sin(lam)
        sz += math.sin(phi)
    n = len(points)
    norm = math.sqrt(sx * sx + sy * sy + sz * sz) / n
    lon = math.degrees(math.atan2(sy, sx))
    lat = math.degrees(math.atan2(sz, math.hypot(sx, sy)))
    return round(lon, 6), round(lat, 6), norm


def _angle(lon0: float, lat0: float, lon: float, lat: float) -> float:
    """Great-circle angle between two places, radians."""
    p0, p1 = math.radians(lat0), math.radians(lat)
    cos_c = math.sin(p0) * math.sin(p1) + math.cos(p0) * math.cos(p1) * math.cos(
        math.radians(lon - lon0)
    )
    return math.acos(max(-1.0, min(1.0, cos_c)))


def fit_view(
    points: Sequence[tuple[float, float]],
    frame_w: float,
    frame_h: float,
    left: float,
    top: float,
    *,
    context: Sequence[Sequence[tuple[float, float]]] = (),
) -> View:
    """The view of ``points`` (lon, lat): regional or continental around them, else the world.

    The extent holds every point with a margin of a fifth of their spread (at
    least 60 km), and each ``context`` outline (the countries the points lie
    in) that is at most :data:`CONTEXT_SPAN_KM` across, so that an event shows
    in its country; it is at least :data:`MIN_SPAN_KM` wide and has the
    frame's proportions. World views keep their own proportions (the frame's
    height follows from its width).
    """
    lon0, lat0, gather = _centre(points)
    far = max(_angle(lon0, lat0, lon, lat) for lon, lat in points)
    if gather > 0.2 and far <= WORLD_ANGLE:
        proj = LambertAzimuthal(lon0, lat0)
        xy = [proj.forward(lon, lat) for lon, lat in points]
        x0, x1 = min(p[0] for p in xy), max(p[0] for p in xy)
        y0, y1 = min(p[1] for p in xy), max(p[1] for p in xy)
        pad = max(0.2 * max(x1 - x0, y1 - y0), 60.0)
        x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        for outline in context:
            oxy = [proj.forward(lon, lat) for lon, lat in outline]
            ox0, ox1 = min(p[0] for p in oxy), max(p[0] for p in oxy)
            oy0, oy1 = min(p[1] for p in oxy), max(p[1] for p in oxy)
            if max(ox1 - ox0, oy1 - oy0) <= CONTEXT_SPAN_KM:
                x0, y0 = min(x0, ox0 - 30), min(y0, oy0 - 30)
                x1, y1 = max(x1, ox1 + 30), max(y1, oy1 + 30)
        w = max(x1 - x0, MIN_SPAN_KM)
        h = max(y1 - y0, MIN_SPAN_KM * frame_h / frame_w)
        w, h = max(w, h * frame_w / frame_h), max(h, w * frame_h / frame_w)
        if w <= WORLD_SPAN_KM:
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            kind = "regional" if w <= DETAIL_SPAN_KM else "continental"
            extent = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            return View(proj, extent, (left, top, frame_w, frame_h), kind)
    world = EqualEarth()
    xmax = world.forward(180.0, 0.0)[0]
    ymax = world.forward(0.0, 90.0)[1]
    height = frame_w * ymax / xmax
    return View(world, (-xmax, -ymax, xmax, ymax), (left, top, frame_w, height), "world")
