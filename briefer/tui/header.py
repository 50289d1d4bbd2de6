"""The header: the log's title and marking, and the clock in the log's time zone."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from briefer.dates import day_of
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.tui.view import LogView

__all__ = ["BriefHeader"]


def clock_text(now: float, tz: tzinfo) -> str:
    """``Wed 22 Nov 2023 09:00:05 CET``."""
    moment = datetime.fromtimestamp(now, tz)
    return f"{day_of(moment)} {moment:%H:%M:%S} {moment.tzname()}"


class BriefHeader(Horizontal):
    """Title · marking · clock (labelled "as of" when the clock was set back)."""

    DEFAULT_CSS = """
    BriefHeader { height: 1; background: $primary; color: $text; }
    BriefHeader > #header-title { width: 1fr; padding: 0 1; text-style: bold; }
    BriefHeader > #header-marking {
        width: auto; padding: 0 1; background: $warning; color: $text; text-style: bold;
    }
    BriefHeader > #header-clock { width: auto; padding: 0 1; }
    """

    def __init__(self, *, as_of: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The clock was set back: label it "as of".
        self.as_of = as_of
        self._tz: tzinfo | None = None

    def compose(self) -> ComposeResult:
        yield Static("briefer", id="header-title")
        yield Static("", id="header-marking")
        yield Static("", id="header-clock")

    def set_view(self, view: LogView, now: float) -> None:
        """Show the log's title and marking; the clock follows its time zone."""
        log = view.log
        title, marking = log.title, log.marking
        self._tz = log.tzinfo
        self.query_one("#header-title", Static).update(
            Text(printable(title), no_wrap=True, overflow="ellipsis")
        )
        mark = self.query_one("#header-marking", Static)
        mark.display = bool(marking)
        mark.update(Text(printable(marking or ""), no_wrap=True))

    def tick(self, now: float) -> None:
        """The clock; it waits for a log to know the time zone."""
        if self._tz is None:
            return
        clock = self.query("#header-clock").results(Static)
        for static in clock:  # none while the app closes: a last tick can come then
            label = ("as of " if self.as_of else "") + clock_text(now, self._tz)
            static.update(Text(label))
