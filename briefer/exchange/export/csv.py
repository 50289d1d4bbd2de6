"""The CSV export (also ``list --format csv``): one row per event, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefer.model import Event, EventLog

__all__ = ["CSV_COLUMNS", "CsvExport", "csv_row", "spreadsheet_safe", "to_csv"]


class CsvExport:
    """``--format csv``."""

    name = "csv"
    help = "spreadsheet"

    def export(self, log: EventLog, events: Sequence[Event]) -> str:
        """See :func:`to_csv`."""
        return to_csv(log, events)


CSV_COLUMNS = (
    "id", "date", "display_date", "start", "end", "precision", "approximate", "uncertain",
    "title", "kind", "significance", "confidence", "tags", "actors", "location", "lat", "lon",
    "sources", "figures", "related", "summary",
)  # fmt: skip


def csv_row(log: EventLog, e: Event) -> list[str]:
    """One event as CSV cells: lists joined with ';', figures as ``metric=value``."""
    from briefer.records import event_record

    rec = event_record(log, e)
    loc = e.location
    rec["location"] = "" if loc is None else str(loc)
    rec["lat"] = "" if loc is None or loc.lat is None else loc.lat
    rec["lon"] = "" if loc is None or loc.lon is None else loc.lon
    rec["figures"] = [f"{k}={v:g}" for k, v in e.figures.items()]
    cells = []
    for column in CSV_COLUMNS:
        value = rec[column]
        if isinstance(value, list):
            cells.append(";".join(str(v) for v in value))
        elif value is None:
            cells.append("")
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        else:
            cells.append(str(value))
    return cells


# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP's "CSV injection"); a plain number such as -3 or -0.5 is only a number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a ``'`` in front when a spreadsheet would take it for a formula."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def to_csv(log: EventLog, events: Sequence[Event]) -> str:
    """One row per event under a header row; no cell can run as a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow([spreadsheet_safe(cell) for cell in csv_row(log, e)])
    return out.getvalue()
