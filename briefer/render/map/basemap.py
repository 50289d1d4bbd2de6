"""The shipped country boundaries (Natural Earth), loaded once and decoded arc by arc.

``countries.bin`` beside this module is made by ``tools/build_basemap.py``,
which documents the format. Loading it reads the header and the arcs' bytes;
an arc's points are decoded (to degrees) only when a view needs that arc, so
a regional map touches a few hundred arcs of the 10m level, not all of them.
"""

from __future__ import annotations

import json
import sys
import zlib
from array import array
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import accumulate

__all__ = ["LEVELS", "Basemap", "Country", "Level", "load_basemap"]

#: Levels of detail, coarsest first.
LEVELS = ("110m", "50m", "10m")
_MAGIC = b"briefer-basemap 2\n"


@dataclass(frozen=True)
class Country:
    """One country of a level: rings of arc references (TopoJSON's: ``~i`` is arc i reversed)."""

    name: str
    #: ISO 3166-1 numeric code, or None (Kosovo has none).
    iso: str | None
    #: Polygons, each a list of rings (outer ring first), each a list of arc references.
    polygons: tuple[tuple[tuple[int, ...], ...], ...]
    #: (lon0, lat0, lon1, lat1) in degrees.
    bbox: tuple[float, float, float, float]


class Level:
    """One level of detail: its countries and arcs, decoded as views ask for them."""

    def __init__(self, name: str, section: bytes) -> None:
        end = section.index(b"\n")
        meta = json.loads(section[:end])
        n = meta["arcs"]
        at = end + 1
        starts = array("I")
        starts.frombytes(section[at : at + 4 * n])
        boxes = array("i")
        boxes.frombytes(section[at + 4 * n : at + 20 * n])
        lasts = array("i")
        lasts.frombytes(section[at + 20 * n : at + 28 * n])
        if sys.byteorder == "big":  # pragma: no cover - the file is little-endian
            starts.byteswap()
            boxes.byteswap()
            lasts.byteswap()
        self._boxes = boxes
        self._lasts = lasts
        self.name = name
        #: 1 where an arc is a boundary between two countries, 0 where it is a coastline.
        self.border = section[at + 28 * n : at + 29 * n]
        self._stream = section[at + 29 * n :]
        self._starts = starts
        self._scale: tuple[float, float] = (meta["scale"][0], meta["scale"][1])
        self._translate: tuple[float, float] = (meta["translate"][0], meta["translate"][1])
        self._cache: dict[int, tuple[tuple[float, float], ...]] = {}
        sx, sy = self._scale
        tx, ty = self._translate
        countries = []
        for c in meta["countries"]:
            polygons = tuple(tuple(tuple(ring) for ring in poly) for poly in c["polygons"])
            x0, y0, x1, y1 = c["bbox"]
            bbox = (x0 * sx + tx, y0 * sy + ty, x1 * sx + tx, y1 * sy + ty)
            countries.append(Country(c["name"], c["iso"], polygons, bbox))
        #: Countries by name.
        self.countries = tuple(countries)

    def arc(self, index: int) -> tuple[tuple[float, float], ...]:
        """The points (lon, lat in degrees) of arc ``index``, in its stored direction."""
        points = self._cache.get(index)
        if points is not None:
            return points
        data = self._stream
        i = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else len(data)
        values: list[int] = []
        v = shift = 0
        while i < end:
            if len(values) == 2 and v == 0:
                rest = data[i:end]
                if max(rest, default=0) < 0x80:
                    # The usual case after the first point: every difference fits a byte.
                    values += [(b >> 1) ^ -(b & 1) for b in rest]
                    break
            b = data[i]
            i += 1
            v |= (b & 0x7F) << shift
            if b < 0x80:
                values.append((v >> 1) ^ -(v & 1))
                v = shift = 0
            else:
                shift += 7
        sx, sy = self._scale
        tx, ty = self._translate
        xs = accumulate(values[0::2])
        ys = accumulate(values[1::2])
        points = tuple((x * sx + tx, y * sy + ty) for x, y in zip(xs, ys, strict=True))
        self._cache[index] = points
        return points

    def arc_ends(self, index: int) -> tuple[tuple[float, float], tuple[float, float]]:
        """Arc ``index``'s first and last points, without decoding the rest of it."""
        data = self._stream
        i = self._starts[index]
        first: list[int] = []
        v = shift = 0
        while len(first) < 2:
            b = data[i]
            i += 1
            v |= (b & 0x7F) << shift
            if b < 0x80:
                first.append((v >> 1) ^ -(v & 1))
                v = shift = 0
            else:
                shift += 7
        sx, sy = self._scale
        tx, ty = self._translate
        lx, ly = self._lasts[2 * index], self._lasts[2 * index + 1]
        return (first[0] * sx + tx, first[1] * sy + ty), (lx * sx + tx, ly * sy + ty)

    def arc_bbox(self, index: int) -> tuple[float, float, float, float]:
        """Arc ``index``'s bounding box (lon0, lat0, lon1, lat1 in degrees), without decoding it."""
        sx, sy = self._scale
        tx, ty = self._translate
        b = self._boxes
        i = 4 * index
        return (b[i] * sx + tx, b[i + 1] * sy + ty, b[i + 2] * sx + tx, b[i + 3] * sy + ty)

    def ring(self, refs: tuple[int, ...]) -> list[tuple[float, float]]:
        """A ring's points from its arc references (shared ends written once)."""
        out: list[tuple[float, float]] = []
        for ref in refs:
            pts = self.arc(ref) if ref >= 0 else self.arc(~ref)[::-1]
            out.extend(pts[1:] if out else pts)
        return out


class Basemap:
    """The whole file: its provenance, and its levels, each decompressed when first asked for."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(_MAGIC):
            raise ValueError("countries.bin: not a briefer base map")
        end = data.index(b"\n", len(_MAGIC))
        header = json.loads(data[len(_MAGIC) : end])
        self.source: str = header["source"]
        self.licence: str = header["licence"]
        self.attribution: str = header["attribution"]
        self._data = data
        self._body = end + 1
        self._sections: dict[str, tuple[int, int, bool]] = {
            name: (where["offset"], where["length"], where["zlib"])
            for name, where in header["levels"].items()
        }
        self._levels: dict[str, Level] = {}

    def level(self, name: str) -> Level:
        """Level ``name`` (one of :data:`LEVELS`)."""
        found = self._levels.get(name)
        if found is None:
            offset, length, packed = self._sections[name]
            start = self._body + offset
            section = self._data[start : start + length]
            found = Level(name, zlib.decompress(section) if packed else section)
            self._levels[name] = found
        return found


@lru_cache(maxsize=1)
def load_basemap() -> Basemap:
    """The shipped base data (the file is read once per process)."""
    return Basemap(files("briefer.render.map").joinpath("countries.bin").read_bytes())
