"""The watch list: deadlines and scheduled events with countdowns that tick."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from briefer.tui.view import countdown

if TYPE_CHECKING:
    from briefer.model import EventLog
    from briefer.tui.view import LogView, WatchEntry

__all__ = ["WatchList"]


class WatchList(Static):
    """Soonest first; passed ones (within the log's horizon) after, dimmed."""

    DEFAULT_CSS = """
    WatchList {
        text-wrap: nowrap;
        text-overflow: ellipsis;
        height: auto;
        max-height: 9;
        padding: 0 1;
        background: $surface;
        border-top: hkey $secondary;
        border-title-color: $text-accent;
        border-title-style: bold;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.entries: list[WatchEntry] = []
        self.border_title = "Watch list"
        self._log: EventLog | None = None
        #: Each entry's date and title as shown.
        self._fixed: list[tuple[str, str]] = []

    def set_view(self, view: LogView, now: float) -> None:
        """Show the watch list computed with the view."""
        self._log = view.log
        self.entries = view.watch
        self._fixed = view.watch_texts  # only the countdowns move
        self.tick(now)

    def tick(self, now: float) -> None:
        """Redraw the countdowns for ``now``."""
        if self._log is None:
            self.update("")
            return
        if not self.entries:
            self.update(Text("No deadlines or scheduled events ahead.", style="dim"))
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        for n, (entry, (date, title)) in enumerate(zip(self.entries, self._fixed, strict=True)):
            if n:
                text.append("\n")
            event = entry.event
            style = "dim" if entry.passed else ""
            text.append(f"{countdown(event, now):>17}", style="bold" if not entry.passed else "dim")
            text.append("  ")
            text.append(date, style=style or "italic")
            text.append("  ")
            text.append(title, style=style)
        self.update(text)
