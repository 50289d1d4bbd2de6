"""The JSON export: the whole log, every field, with computed bounds.

``--format json`` writes one object:

``briefer_export``
    1, the export format version.
``title``, ``timezone``, ``marking``, ``horizon_seconds``
    The log's header.
``kinds``
    Every kind the log knows, built-in first.
``metrics``
    ``{id: {"label", "unit"}}``.
``sources``
    ``[{"id", "title", "publisher", "published", "published_start", "url"}]``.
``events``
    One object per event, oldest first, with every field of the log
    (``id``, ``date`` as written, ``title``, ``kind``, ``summary``, ``actors``,
    ``location`` {name, region, lat, lon}, ``tags``, ``sources`` (ids),
    ``source_notes`` {id: note}, ``significance``, ``confidence``, ``figures``,
    ``related``) plus computed ``display_date``, ``start`` and ``end`` (ISO 8601
    in the log's time zone; ``end`` is the first instant after the event, null
    when open), ``precision``, ``approximate``, ``uncertain``, and where it was
    written (``file``, ``line``), and SPEC §7's ``credibility`` {source id:
    1..6} of its graded citations and the ``indicators`` (ids) it observes.

A log using SPEC §7 (a graded source, a judgment or an indicator) adds:

``reliability`` on every source
    ``"A"`` … ``"F"``, null when ungraded.
``judgments``
    Every judgment, revisions included, by date: ``{"id", "date"`` (as
    written), ``"start"`` (ISO 8601), ``"statement", "likelihood"`` (the term
    as written), ``"likelihood_range"`` ([low, high] in percent),
    ``"confidence", "basis"`` (event and source ids), ``"revises"`` (an id or
    null)``}``.
``indicators``
    ``[{"id", "title", "scenario", "window_seconds"}]`` in the log's order;
    a null window means the log's horizon.

A log without them exports exactly as before these existed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefer.model import Event, EventLog

__all__ = ["JsonExport", "to_json"]


class JsonExport:
    """``--format json``."""

    name = "json"
    help = "every field"

    def export(self, log: EventLog, events: Sequence[Event]) -> str:
        """See :func:`to_json`."""
        return to_json(log, events)


def to_json(log: EventLog, events: Sequence[Event]) -> str:
    """The full log with computed bounds (documented in this module's docstring)."""
    from briefer.records import event_record, indicator_record, judgment_record

    tz = log.tzinfo
    tradecraft = bool(
        log.judgments or log.indicators or any(s.reliability for s in log.sources.values())
    )
    data: dict[str, Any] = {
        "briefer_export": 1,
        "title": log.title,
        "timezone": log.timezone,
        "marking": log.marking,
        "horizon_seconds": log.horizon,
        "kinds": list(log.kinds),
        "metrics": {m.id: {"label": m.label, "unit": m.unit} for m in log.metrics.values()},
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "publisher": s.publisher,
                "published": None if s.published is None else s.published.text,
                "published_start": None
                if s.published is None or s.published.earliest is None
                else datetime.fromtimestamp(s.published.earliest, tz).isoformat(),
                "url": s.url,
            }
            | ({"reliability": s.reliability} if tradecraft else {})
            for s in log.sources.values()
        ],
        "events": [event_record(log, e) for e in events],
    }
    if tradecraft:
        data["judgments"] = [judgment_record(log, j) for j in log.judgments]
        data["indicators"] = [indicator_record(i) for i in log.indicators.values()]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
