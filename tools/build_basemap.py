"""Build the map's base data, ``briefer/render/map/countries.bin.gz``, from Natural Earth.

The input is the npm package ``world-atlas`` (version 2: TopoJSON of Natural
Earth's Admin 0 countries, default edition, at 1:110m, 1:50m and 1:10m). It is
needed only when the base data is rebuilt, never at run time::

    mkdir -p /some/scratch && cd /some/scratch && npm pack world-atlas@2
    tar xzf world-atlas-2.0.2.tgz            # unpacks into ./package
    python tools/build_basemap.py /some/scratch/package

The script is deterministic: the same package gives the same bytes. It keeps
three levels of detail, each with its own arcs (TopoJSON's shared borders, so
a border is drawn once and both countries' fills meet on it):

``110m``
    as published, for world views;
``50m``
    as published, for continental views;
``10m``
    simplified (Douglas–Peucker, tolerance ``--tolerance`` in degrees, default
    0.002, about 200 m: half the 10m grid step, so only points on a straight
    line go), for regional and context views.

The file: a first line ``briefer-basemap 2``, a line of JSON (source,
version, licence, and where each level's section starts and how long it
is, and whether it is zlib-compressed), then one section per level, so that
a map reads only the level it draws. A section is a line of JSON (the level's grid, its
arc count, its countries with their bounding boxes in grid units and their
rings as arc numbers, TopoJSON style:
``~i`` is arc i reversed), then per arc a uint32 byte offset into the point
stream, per arc a bounding box (four int32 on the grid: x0, y0, x1, y1), per
arc its last point (two int32 on the grid), per arc a byte (1:
a boundary between countries, 0: a coastline), then the point stream: every
point as two zigzag varints (LEB128; 0, -1, 1, -2 … as 0, 1, 2, 3 …), the
first point of an arc absolute on the level's grid, the others as the
difference from the point before. All numbers are little-endian.
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "briefer" / "render" / "map" / "countries.bin"
LEVELS = ("110m", "50m", "10m")
MAGIC = b"briefer-basemap 2\n"
#: Names changed since Natural Earth 4.1.0 (2018): North Macedonia since February 2019.
RENAMED = {"Macedonia": "N. Macedonia"}


def _absolute(arcs: list[list[list[int]]]) -> list[list[tuple[int, int]]]:
    """TopoJSON's delta-encoded arcs as absolute grid points."""
    out = []
    for arc in arcs:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        out.append(points)
    return out


def _level(topo: dict[str, Any], tolerance_deg: float) -> bytes:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = _absolute(topo["arcs"])
    if tolerance_deg > 0:
        # The grid's x and y units differ: stretch y to x's unit, so the tolerance is round.
        ratio = sy / sx
        simplified = []
        for arc in arcs:
            stretched = [(x, y * ratio) for x, y in arc]
            keep_idx = _dp_indices(stretched, tolerance_deg / sx)
            simplified.append([arc[i] for i in keep_idx])
        arcs = simplified
    users: list[set[int]] = [set() for _ in arcs]
    countries = []
    geometries = sorted(
        topo["objects"]["countries"]["geometries"],
        key=lambda g: (g["properties"]["name"], str(g.get("id"))),
    )
    for n, g in enumerate(geometries):
        if g["type"] == "Polygon":
            polygons = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polygons = g["arcs"]
        else:
            continue
        for polygon in polygons:
            for ring in polygon:
                for ref in ring:
                    users[ref if ref >= 0 else ~ref].add(n)
        name = RENAMED.get(g["properties"]["name"], g["properties"]["name"])
        countries.append({"name": name, "iso": g.get("id"), "polygons": polygons})
    for c in countries:  # bounding box of the outer rings, grid units
        outer = [
            p for poly in c["polygons"] for ref in poly[0] for p in arcs[ref if ref >= 0 else ~ref]
        ]
        c["bbox"] = [min(p[0] for p in outer), min(p[1] for p in outer)]
        c["bbox"] += [max(p[0] for p in outer), max(p[1] for p in outer)]
    counts: list[int] = []
    stream = bytearray()
    starts: list[int] = []
    for arc in arcs:
        counts.append(len(arc))
        starts.append(len(stream))
        px = py = 0
        for x, y in arc:
            _varint(stream, x - px)
            _varint(stream, y - py)
            px, py = x, y
    meta = {
        "scale": [sx, sy],
        "translate": [tx, ty],
        "arcs": len(arcs),
        "countries": countries,
    }
    head = json.dumps(meta, separators=(",", ":"), sort_keys=True).encode()
    # 1: a boundary between two countries; 0: a coastline (one country only).
    border = bytes(1 if len(u) > 1 else 0 for u in users)
    boxes = [
        f(p[k] for p in arc) for arc in arcs for f, k in ((min, 0), (min, 1), (max, 0), (max, 1))
    ]
    return (
        head
        + b"\n"
        + struct.pack(f"<{len(arcs)}I", *starts)
        + struct.pack(f"<{len(boxes)}i", *boxes)
        + struct.pack(f"<{2 * len(arcs)}i", *(v for arc in arcs for v in arc[-1]))
        + border
        + bytes(stream)
    )


def _varint(out: bytearray, value: int) -> None:
    """A zigzag LEB128 number: 7 bits a byte, low bits first; -1 → 1, 1 → 2, -2 → 3 …"""
    z = (value << 1) ^ (value >> 63)
    while z >= 0x80:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)


def _dp_indices(points: list[tuple[float, float]], tol: float) -> list[int]:
    """Indices Douglas–Peucker keeps (ends always; a closed ring keeps at least 4)."""
    n = len(points)
    if n < 3:
        return list(range(n))
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        ax, ay = points[a]
        bx, by = points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        far, at = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > far:
                far, at = d, i
        if at >= 0 and far > tol:
            keep[at] = True
            stack.append((a, at))
            stack.append((at, b))
    idx = [i for i in range(n) if keep[i]]
    if points[0] == points[-1] and len(idx) < 4:
        # A whole island on one arc: keep a quadrilateral rather than lose it.
        idx = sorted({0, n // 3, (2 * n) // 3, n - 1})
    return idx


def build(package: Path, tolerance: float) -> bytes:
    """The base data file's bytes from an unpacked ``world-atlas`` package folder."""
    info = json.loads((package / "package.json").read_text(encoding="utf-8"))
    readme = (package / "README.md").read_text(encoding="utf-8")
    found = re.search(r"vector data\]\([^)]*\), version ([0-9.]+)", readme)
    ne_version = found.group(1) if found else "unknown"
    header: dict[str, Any] = {
        "format": 1,
        "source": f"Natural Earth Admin 0 countries (default edition, version {ne_version}), "
        "1:110m, 1:50m and 1:10m, as TopoJSON in the npm package "
        f"{info['name']} {info['version']}",
        "licence": "Natural Earth: public domain. world-atlas packaging: ISC licence.",
        "attribution": "Made with Natural Earth.",
        "renamed": RENAMED,
        "tolerance_deg_10m": tolerance,
        "levels": {},
    }
    sections = []
    for level in LEVELS:
        topo = json.loads((package / f"countries-{level}.json").read_text(encoding="utf-8"))
        raw = _level(topo, tolerance if level == "10m" else 0.0)
        packed = zlib.compress(raw, 9)
        # Varints leave deflate little to find; where it saves under a fifth, the
        # section is stored as it is, which loads several times faster.
        sections.append((packed, True) if len(packed) < 0.8 * len(raw) else (raw, False))
    offset = 0
    for level, (section, packed) in zip(LEVELS, sections, strict=True):
        header["levels"][level] = {"offset": offset, "length": len(section), "zlib": packed}
        offset += len(section)
    head = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    return MAGIC + head + b"\n" + b"".join(section for section, _ in sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="the unpacked world-atlas package folder")
    parser.add_argument("--tolerance", type=float, default=0.002, help="10m simplification (deg)")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = build(args.package, args.tolerance)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.output)
    print(f"{args.output.name}: {len(data):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
