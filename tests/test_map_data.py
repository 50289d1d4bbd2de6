"""The map's base data (the shipped file and the tool that makes it) and its projections."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from briefer.render.map.basemap import LEVELS, Basemap, load_basemap
from briefer.render.map.projection import EARTH_RADIUS_KM, EqualEarth, LambertAzimuthal
from tests.helpers import REPO


def test_base_data_records_its_source_and_holds_kosovo_at_every_level() -> None:
    base = load_basemap()
    assert "Natural Earth" in base.source
    assert "4.1.0" in base.source
    assert "world-atlas 2.0.2" in base.source
    assert "public domain" in base.licence
    size = (REPO / "briefer" / "render" / "map" / "countries.bin").stat().st_size
    assert size < 1_000_000
    for name in LEVELS:
        level = base.level(name)
        (kosovo,) = [c for c in level.countries if c.name == "Kosovo"]
        ring = level.ring(kosovo.polygons[0][0])
        assert ring[0] == ring[-1]
        # Pristina lies inside Kosovo's bounding box, Belgrade does not.
        x0, y0, x1, y1 = kosovo.bbox
        assert x0 < 21.17 < x1
        assert y0 < 42.66 < y1
        assert not y0 < 44.8 < y1
    detail = base.level("10m")
    (kosovo,) = [c for c in detail.countries if c.name == "Kosovo"]
    assert len(detail.ring(kosovo.polygons[0][0])) > 150  # a boundary that reads at regional zoom


def test_projections() -> None:
    laea = LambertAzimuthal(21.0, 42.7)
    assert laea.forward(21.0, 42.7) == pytest.approx((0.0, 0.0), abs=1e-9)
    # One degree of latitude north of the centre: about 111 km, true to scale there.
    assert laea.forward(21.0, 43.7)[1] == pytest.approx(EARTH_RADIUS_KM * math.pi / 180, rel=1e-3)
    # Equal Earth's published extent: x reaches 2.7066 R on the equator at ±180°.
    ee = EqualEarth()
    assert ee.forward(180.0, 0.0)[0] / EARTH_RADIUS_KM == pytest.approx(2.70663, rel=1e-4)
    assert ee.forward(0.0, 90.0)[1] / EARTH_RADIUS_KM == pytest.approx(1.31726, rel=1e-4)


def test_the_conversion_tool_writes_what_the_loader_reads(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_basemap", REPO / "tools/build_basemap.py")
    assert spec is not None
    assert spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    # Two countries sharing one border arc (arc 0), each closed by a coast arc of its own.
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [10.0, 40.0]},
        "arcs": [
            [[100, 0], [0, 100]],  # the border, (11, 40) → (11, 41)
            [[100, 100], [-100, 0], [0, -100], [100, 0]],  # west coast back round
            [[100, 0], [100, 0], [0, 100], [-100, 0]],  # east coast, (11, 40) → (11, 41)
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "West"}},
                    {
                        "type": "Polygon",
                        "id": "999",
                        "arcs": [[2, -1]],
                        "properties": {"name": "Macedonia"},
                    },
                ],
            }
        },
    }
    package = tmp_path / "package"
    package.mkdir()
    (package / "package.json").write_text(json.dumps({"name": "world-atlas", "version": "9.9.9"}))
    (package / "README.md").write_text(
        "Natural Earth's [vector data](x), version 7.7.7 as TopoJSON"
    )
    for name in LEVELS:
        (package / f"countries-{name}.json").write_text(json.dumps(topo))
    data = tool.build(package, 0.002)
    assert data == tool.build(package, 0.002)  # deterministic
    base = Basemap(data)
    assert "version 7.7.7" in base.source
    assert "world-atlas 9.9.9" in base.source
    for level_name in LEVELS:
        level = base.level(level_name)
        east, west = level.countries  # sorted by name, renamed after 2019
        assert (east.name, east.iso, west.name, west.iso) == ("N. Macedonia", "999", "West", None)
        assert west.bbox == pytest.approx((10.0, 40.0, 11.0, 41.0))
        assert east.bbox == pytest.approx((11.0, 40.0, 12.0, 41.0))
        assert list(level.border) == [1, 0, 0]
        assert level.arc(0) == pytest.approx([(11.0, 40.0), (11.0, 41.0)])
        first, last = level.arc_ends(2)
        assert first == pytest.approx((11.0, 40.0))
        assert last == pytest.approx((11.0, 41.0))
        assert level.arc_bbox(1) == pytest.approx((10.0, 40.0, 11.0, 41.0))
        ring = level.ring(west.polygons[0][0])
        assert ring[0] == ring[-1]
        assert len(ring) == 5
