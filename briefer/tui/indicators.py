"""The indicators board (``I``): each indicator's status, last observation and sparkline.

User text (titles, scenarios) is only ever placed in ``rich.text.Text``
objects; it is never parsed as Textual markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import ListItem, ListView, Sparkline, Static

from briefer.model import EventLog
from briefer.terminal import printable
from briefer.tradecraft.sections import IndicatorLine
from briefer.tui.boards import Board, day_text, indicator_board, month_text, observing
from briefer.tui.framed import FramedScreen
from briefer.tui.keys import app_binds
from briefer.tui.view import LogView

__all__ = ["IndicatorsScreen"]

#: Cells in each sparkline (one time slice a cell).
SPARK = 24

HINT = "enter: filter the timeline to its observations · escape: close"


#: The app's keys that work over this screen too: reload, and switch to the other screen.
APP_KEYS = ("reload", "judgments", "indicators")


class IndicatorItem(ListItem):
    """One indicator: status and title, then the last observation; the sparkline at the right."""

    def __init__(self, line: IndicatorLine, counts: list[int]) -> None:
        super().__init__()
        self.indicator_id = line.state.indicator.id
        self._line, self._counts = line, counts

    def compose(self) -> ComposeResult:
        with Horizontal(classes="indicator-row"):
            yield Static(classes="indicator-title")
            yield Sparkline([], classes="indicator-spark")
        with Horizontal(classes="indicator-row"):
            yield Static(classes="indicator-facts")
            yield Static(classes="indicator-count")

    def on_mount(self) -> None:
        self._paint()

    def show(self, line: IndicatorLine, counts: list[int]) -> None:
        """Show the indicator afresh (a tick of the clock, or a reload)."""
        self._line, self._counts = line, counts
        if self.children:  # composed: else on_mount paints it
            self._paint()

    def _paint(self) -> None:
        line, counts = self._line, self._counts
        state = line.state
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("● " if state.observed else "○ ", "bold" if state.observed else "dim")
        title.append(printable(line.title))
        self.query_one(".indicator-title", Static).update(title)
        self.query_one(Sparkline).data = [float(c) for c in counts]
        facts = Text("  ", no_wrap=True, overflow="ellipsis")
        facts.append(state.status, "bold" if state.observed else "")
        facts.append(f" · last {line.last}" if line.last else " · never observed")
        self.query_one(".indicator-facts", Static).update(facts)
        seen = len(state.history)
        count = f"{seen} observation{'s' if seen != 1 else ''}, {state.trend}" if seen else ""
        self.query_one(".indicator-count", Static).update(Text(count, no_wrap=True))


def _heading(scenario: str | None) -> ListItem:
    """A scenario's heading in the list (not selectable)."""
    text = Text(printable(scenario) if scenario else "other", no_wrap=True, overflow="ellipsis")
    return ListItem(Static(text), classes="indicator-scenario", disabled=True)


class IndicatorsScreen(FramedScreen[str | None]):
    """Every indicator as of the browser's clock; dismissed with the id of the one chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        *(Binding(b.keys, b.action, b.label) for b in app_binds(*APP_KEYS)),
    ]

    DEFAULT_CSS = f"""
    IndicatorsScreen #indicators-axis {{
        dock: top; height: 1; color: $text-muted;
    }}
    IndicatorsScreen #indicators-axis > Static {{ width: 1fr; }}
    IndicatorsScreen #indicators-axis > #indicators-span {{ width: {SPARK}; }}
    IndicatorsScreen ListView {{
        height: auto; max-height: 1fr; background: $surface;
        scrollbar-size-vertical: 1;
    }}
    IndicatorsScreen ListItem {{ height: 2; background: $surface; }}
    IndicatorsScreen ListItem.indicator-scenario {{
        height: 1; color: $text-accent; text-style: bold; background: $surface;
    }}
    IndicatorsScreen .indicator-row {{ height: 1; }}
    IndicatorsScreen .indicator-row > Static {{
        width: 1fr; text-wrap: nowrap; text-overflow: ellipsis;
    }}
    IndicatorsScreen .indicator-spark {{ width: {SPARK}; margin-left: 1; }}
    IndicatorsScreen .indicator-spark > .sparkline--max-color {{ color: $accent; }}
    IndicatorsScreen .indicator-spark > .sparkline--min-color {{ color: $primary 50%; }}
    IndicatorsScreen .indicator-row > .indicator-count {{ width: {SPARK}; margin-left: 1; }}
    IndicatorsScreen .indicator-facts, IndicatorsScreen .indicator-count {{ color: $text-muted; }}
    IndicatorsScreen #indicators-empty {{ color: $text-muted; padding: 1 0; }}
    IndicatorsScreen #indicators-hint {{ color: $text-muted; dock: bottom; }}
    """

    def __init__(self, view: LogView, now: float) -> None:
        super().__init__()
        self.event_log: EventLog = view.log
        #: The events observing an indicator: the board is computed again every second.
        self.observing = observing(self.event_log)
        self.board: Board = indicator_board(self.event_log, now, SPARK, self.observing)
        #: The list's indicators, in the board's order (mounted or on their way).
        self.items: list[IndicatorItem] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="indicators-empty")
            with Horizontal(id="indicators-axis"):
                yield Static("indicator", id="indicators-head")
                yield Static(id="indicators-span")
            yield ListView(id="indicators-list")
            yield Static(HINT, id="indicators-hint")

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        """Build the list afresh (after a load changed which indicators there are)."""
        listing = self.query_one(ListView)
        listing.clear()
        scenarios = {line.scenario for line in self.board.lines}
        items: list[ListItem] = []
        last: object = object()
        for line, counts in zip(self.board.lines, self.board.counts, strict=True):
            if line.scenario != last and scenarios != {None}:
                items.append(_heading(line.scenario))
            last = line.scenario
            items.append(IndicatorItem(line, counts))
        self.items = [item for item in items if isinstance(item, IndicatorItem)]
        listing.extend(items)
        if self.board.lines:
            listing.index = next(n for n, item in enumerate(items) if not item.disabled)
        self._show_frame()
        listing.focus()

    def _show_frame(self) -> None:
        """The title, the sparklines' span and the empty state, for the current board."""
        board, tz = self.board, self.event_log.tzinfo
        self.query_one(Vertical).border_title = f"Indicators as of {day_text(board.last, tz)}"
        empty = not board.lines
        self.query_one("#indicators-empty", Static).update("No indicators in this log.")
        self.query_one("#indicators-empty").display = empty
        self.query_one("#indicators-axis").display = not empty
        self.query_one(ListView).display = not empty
        self.query_one("#indicators-hint", Static).update("escape: close" if empty else HINT)
        span = ""
        if board.first is not None:
            span = f"{month_text(board.first, tz)} – {month_text(board.last, tz)}"
        self.query_one("#indicators-span", Static).update(Text(span, justify="center"))

    def on_list_view_selected(self, message: ListView.Selected) -> None:
        message.stop()
        if isinstance(message.item, IndicatorItem):
            self.dismiss(message.item.indicator_id)

    def action_close(self) -> None:
        self.dismiss(None)

    # -- following the log and the clock (a Panel) ----------------------------------------------

    def set_view(self, view: LogView, now: float) -> None:
        """A reload: the board afresh."""
        self.event_log = view.log
        self.observing = observing(self.event_log)
        self._update(indicator_board(self.event_log, now, SPARK, self.observing))

    def tick(self, now: float) -> None:
        """Statuses and sparklines move with the clock."""
        self._update(indicator_board(self.event_log, now, SPARK, self.observing))

    def _update(self, board: Board) -> None:
        before = _shape(self.board)
        self.board = board
        if not self.is_mounted:  # a tick before the screen is up: on_mount fills the list
            return
        if _shape(board) != before:
            self._fill()
            return
        for item, line, counts in zip(self.items, board.lines, board.counts, strict=True):
            item.show(line, counts)
        self._show_frame()


def _shape(board: Board) -> list[tuple[str, str | None]]:
    """What the list's items are: the indicators and their scenarios, in order."""
    return [(line.state.indicator.id, line.scenario) for line in board.lines]
