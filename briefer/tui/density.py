"""Event density over time: a sparkline of the shown events between their first and last year."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Sparkline, Static

__all__ = ["DensityBar"]


class DensityBar(Horizontal):
    """``1999 ▁▂▅█▃ 2026``: how many shown events fall in each slice of time."""

    DEFAULT_CSS = """
    DensityBar { height: 1; background: $surface; padding: 0 1; }
    DensityBar > Static { width: auto; color: $text-muted; }
    DensityBar > Sparkline { width: 1fr; margin: 0 1; }
    DensityBar > Sparkline > .sparkline--max-color { color: $accent; }
    DensityBar > Sparkline > .sparkline--min-color { color: $primary 50%; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="density-from")
        yield Sparkline([], id="density-spark")
        yield Static("", id="density-to")

    @property
    def bins(self) -> int:
        """How many bins fit: one per cell of the sparkline."""
        width = self.query_one(Sparkline).size.width
        return width if width > 0 else max(self.size.width - 12, 10)

    def show(self, counts: list[int], first: int | None, last: int | None) -> None:
        self.query_one("#density-from", Static).update("" if first is None else str(first))
        self.query_one("#density-to", Static).update("" if last is None else str(last))
        self.query_one(Sparkline).data = [float(c) for c in counts]
