"""Exports of a log for other tools: one module per format, and their registry.

Every export is deterministic (same log → same bytes): no clock time, no
random identifiers. A new format is one module here with a class that
satisfies :class:`Exporter`, plus its line in :data:`EXPORTERS`; the CLI's
``export --format`` choices come from the registry.

The format modules import the model and their helpers inside their functions,
so that building the command line (which lists the formats) stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from briefer.exchange.export.csv import CsvExport, spreadsheet_safe, to_csv
from briefer.exchange.export.geojson import GeoJsonExport
from briefer.exchange.export.ics import IcsExport
from briefer.exchange.export.json import JsonExport
from briefer.exchange.export.timelinejs import TimelineJsExport

if TYPE_CHECKING:
    from briefer.model import Event, EventLog

__all__ = [
    "EXPORTERS",
    "Exporter",
    "export",
    "export_formats",
    "export_help",
    "spreadsheet_safe",
    "to_csv",
]


class Exporter(Protocol):
    """One export format."""

    #: The ``--format`` value.
    name: str
    #: A few words for ``export --help``.
    help: str

    def export(self, log: EventLog, events: Sequence[Event]) -> str:
        """``events`` of ``log`` in this format, the same bytes for the same input."""
        ...


#: Every export format, in the order ``export --help`` lists them.
EXPORTERS: tuple[Exporter, ...] = (
    IcsExport(),
    JsonExport(),
    TimelineJsExport(),
    CsvExport(),
    GeoJsonExport(),
)


def export_formats() -> list[str]:
    """The names of the export formats (the CLI's ``--format`` choices)."""
    return [e.name for e in EXPORTERS]


def export_help() -> str:
    """``ics: calendar; json: every field; …`` for ``export --help``."""
    return "; ".join(f"{e.name}: {e.help}" for e in EXPORTERS) + "."


def export(log: EventLog, events: Sequence[Event], fmt: str) -> str:
    """``events`` of ``log`` in format ``fmt`` (one of :func:`export_formats`)."""
    for exporter in EXPORTERS:
        if exporter.name == fmt:
            return exporter.export(log, events)
    raise ValueError(f"unknown format {fmt!r}")
