"""``briefer export --format geojson``: RFC 7946, checked against a schema and read back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from briefer.exchange.export import export
from tests.helpers import REPO, load_valid, run_cli, write

# RFC 7946 for what this export writes: a FeatureCollection of Point features.
# Written from the RFC (§3.1.1 positions: longitude, latitude [, altitude];
# §3.2 features; §3.3 collections; §4 no "crs" member), not the full GeoJSON schema.
POSITION = {
    "type": "array",
    "minItems": 2,
    "maxItems": 3,
    "prefixItems": [
        {"type": "number", "minimum": -180, "maximum": 180},
        {"type": "number", "minimum": -90, "maximum": 90},
        {"type": "number"},
    ],
}
NULLABLE_STRING = {"type": ["string", "null"]}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["type", "features"],
    "not": {"required": ["crs"]},
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "not": {"required": ["crs"]},
                "properties": {
                    "type": {"const": "Feature"},
                    "id": {"type": ["string", "number"]},
                    "geometry": {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "properties": {"type": {"const": "Point"}, "coordinates": POSITION},
                    },
                    "properties": {
                        "type": "object",
                        "required": [
                            "id",
                            "date",
                            "start",
                            "end",
                            "title",
                            "kind",
                            "significance",
                            "confidence",
                            "tags",
                            "sources",
                        ],
                        "properties": {
                            "id": {"type": "string"},
                            "date": {"type": "string"},
                            "start": NULLABLE_STRING,
                            "end": NULLABLE_STRING,
                            "title": {"type": "string"},
                            "kind": NULLABLE_STRING,
                            "significance": {"type": "integer", "minimum": 1, "maximum": 5},
                            "confidence": {"enum": ["high", "moderate", "low", None]},
                            "tags": {"type": "array", "items": {"type": "string"}},
                            "sources": {"type": "array", "items": {"type": "string"}},
                            "place": NULLABLE_STRING,
                            "region": NULLABLE_STRING,
                        },
                    },
                },
            },
        },
    },
}


def test_the_schema_rejects_what_rfc_7946_forbids() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    validator.check_schema(SCHEMA)
    good = json.loads(run_cli("export", "--format", "geojson").stdout)
    assert validator.is_valid(good)
    swapped = json.loads(json.dumps(good))
    swapped["features"][0]["geometry"]["coordinates"] = [42.66, 121.17]  # latitude 121
    assert not validator.is_valid(swapped)
    with_crs = dict(good, crs={"type": "name"})
    assert not validator.is_valid(with_crs)


def test_shipped_log_exports_its_located_events(tmp_path: Path) -> None:
    done = run_cli("export", "--format", "geojson", "-o", str(tmp_path / "events.geojson"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    text = (tmp_path / "events.geojson").read_text(encoding="utf-8")
    data = json.loads(text)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    # Read back: each feature is the event it names, in the log's order, lon before lat.
    log = load_valid(REPO / "events.yaml")
    located = [e for e in log.events if e.location and e.location.lat is not None]
    assert [f["id"] for f in data["features"]] == [e.id for e in located]
    for feature, e in zip(data["features"], located, strict=True):
        assert e.location is not None
        assert feature["geometry"]["coordinates"] == [e.location.lon, e.location.lat]
        props = feature["properties"]
        assert props["id"] == e.id
        assert props["date"] == e.date.text
        assert props["title"] == e.title
        assert props["kind"] == e.kind
        assert props["significance"] == e.significance
        assert props["tags"] == list(e.tags)
        assert props["sources"] == [c.source for c in e.sources]
        assert props["place"] == e.location.name
    banjska = next(f for f in data["features"] if f["id"] == "banjska-attack")
    assert banjska["geometry"]["coordinates"] == [20.78, 42.97]
    assert banjska["properties"]["start"] == "2023-09-24T00:00:00+02:00"
    assert banjska["properties"]["end"] == "2023-09-25T00:00:00+02:00"
    assert banjska["properties"]["confidence"] == "high"
    # The same log gives the same bytes, on stdout as in a file.
    assert run_cli("export", "--format", "geojson").stdout == text


def test_a_query_narrows_and_unlocated_events_are_left_out(tmp_path: Path) -> None:
    write(
        tmp_path / "events.yaml",
        """\
briefer: 1
title: Geo
timezone: UTC
sources:
  - {id: s1, title: S}
events:
  - {id: a, date: 2024-01-02, title: "A <b>&</b>", kind: incident, sources: [s1],
     location: {name: "Zvečan", lat: 42.91, lon: 20.84}, tags: [north]}
  - {id: b, date: 2024-01, title: B, sources: [s1], location: {name: Nowhere}}
  - {id: c, date: 2024-01-05/.., title: C, kind: legal, sources: [s1], confidence: low,
     location: {name: Far, lat: -33.9, lon: 151}}
""",
    )
    everything = json.loads(run_cli("export", "--format", "geojson", cwd=tmp_path).stdout)
    jsonschema.validate(everything, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert [f["id"] for f in everything["features"]] == ["a", "c"]
    c = everything["features"][1]["properties"]
    assert c["end"] is None
    assert c["kind"] == "legal"
    assert c["tags"] == []
    assert everything["features"][0]["properties"]["title"] == "A <b>&</b>"
    assert everything["features"][0]["properties"]["place"] == "Zvečan"
    narrowed = run_cli("export", "--format", "geojson", "tag:north", cwd=tmp_path)
    assert [f["id"] for f in json.loads(narrowed.stdout)["features"]] == ["a"]
    log = load_valid(tmp_path / "events.yaml")
    none = json.loads(export(log, [e for e in log.events if e.id == "b"], "geojson"))
    assert none == {"type": "FeatureCollection", "features": []}
