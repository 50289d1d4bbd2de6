"""The GeoJSON export: the events with coordinates as a FeatureCollection (RFC 7946).

``--format geojson`` writes one ``FeatureCollection``; each event whose
location has both ``lat`` and ``lon`` is a ``Feature`` with a ``Point``
geometry, coordinates ``[longitude, latitude]`` in WGS 84 (RFC 7946 §3.1.1:
longitude first, no ``crs`` member), oldest first, ``id`` the event's id.
Events without coordinates are left out. Its ``properties``:

``id``, ``date`` (as written), ``start``, ``end``
    The event's id, its date as the log writes it, and its bounds as ISO 8601
    in the log's time zone (``end`` is the first instant after it; null when open).
``title``, ``kind``, ``significance``, ``confidence``
    As in the log (``kind`` and ``confidence`` null when not given).
``tags``, ``sources``
    Lists of strings (``sources``: the ids of the sources it cites).
``place``, ``region``
    The location's name and region (null when not given).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefer.model import Event, EventLog

__all__ = ["GeoJsonExport", "to_geojson"]


class GeoJsonExport:
    """``--format geojson``."""

    name = "geojson"
    help = "events with coordinates, for maps"

    def export(self, log: EventLog, events: Sequence[Event]) -> str:
        """See :func:`to_geojson`."""
        return to_geojson(log, events)


def to_geojson(log: EventLog, events: Sequence[Event]) -> str:
    """The located ``events`` as a GeoJSON FeatureCollection (see the module's docstring)."""
    from briefer.records import event_record

    features: list[dict[str, Any]] = []
    for e in events:
        loc = e.location
        if loc is None or loc.lat is None or loc.lon is None:
            continue
        rec = event_record(log, e)
        features.append(
            {
                "type": "Feature",
                "id": e.id,
                "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]},
                "properties": {
                    "id": e.id,
                    "date": rec["date"],
                    "start": rec["start"],
                    "end": rec["end"],
                    "title": e.title,
                    "kind": e.kind,
                    "significance": e.significance,
                    "confidence": rec["confidence"],
                    "tags": list(e.tags),
                    "sources": rec["sources"],
                    "place": loc.name,
                    "region": loc.region,
                },
            }
        )
    data = {"type": "FeatureCollection", "features": features}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
