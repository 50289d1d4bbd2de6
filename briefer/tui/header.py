"""The header: the log's title and marking, and the clock in the log's time zone."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from briefer.brief import day_of
from briefer.terminal import printable

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

    def compose(self) -> ComposeResult:
        yield Static("briefer", id="header-title")
        yield Static("", id="header-marking")
        yield Static("", id="header-clock")

    def set_log(self, title: str, marking: str | None) -> None:
        self.query_one("#header-title", Static).update(
            Text(printable(title), no_wrap=True, overflow="ellipsis")
        )
        mark = self.query_one("#header-marking", Static)
        mark.display = bool(marking)
        mark.update(Text(printable(marking or ""), no_wrap=True))

    def tick(self, now: float, tz: tzinfo, *, as_of: bool) -> None:
        label = ("as of " if as_of else "") + clock_text(now, tz)
        self.query_one("#header-clock", Static).update(Text(label))
