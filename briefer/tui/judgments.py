"""The key judgments screen (``J``): the current judgments, and one's history and basis.

User text (statements, titles) is only ever placed in ``rich.text.Text``
objects; it is never parsed as Textual markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from briefer.model import Event, EventLog, Judgment
from briefer.terminal import printable
from briefer.tradecraft.grades import RELIABILITY
from briefer.tui.boards import JudgmentEntry, basis_of, day_text, judgment_entries, revisions
from briefer.tui.framed import FramedScreen
from briefer.tui.keys import app_binds
from briefer.tui.view import LogView

__all__ = ["JudgmentsScreen"]

LIST_HINT = "enter: history and basis · escape: close"
DETAIL_HINT = "enter on an event: show it in the timeline · escape: back to the judgments"


#: The app's keys that work over this screen too: reload, and switch to the other screen.
APP_KEYS = ("reload", "judgments", "indicators")


class JudgmentsScreen(FramedScreen[str | None]):
    """The judgments current at the browser's clock; dismissed with a basis event's id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        *(Binding(b.keys, b.action, b.label) for b in app_binds(*APP_KEYS)),
    ]

    DEFAULT_CSS = """
    JudgmentsScreen #judgments-empty { color: $text-muted; padding: 1 0; }
    JudgmentsScreen #judgment-detail { height: auto; max-height: 1fr; }
    JudgmentsScreen #judgment-basis { max-height: 10; }
    JudgmentsScreen .judgments-heading { color: $text-accent; text-style: bold; margin-top: 1; }
    JudgmentsScreen #judgments-hint { color: $text-muted; dock: bottom; }
    """

    def __init__(self, view: LogView, now: float) -> None:
        super().__init__()
        self.event_log: EventLog = view.log
        #: The shown log's event with an id (the view's table, not a dict of every event).
        self.event_of: Callable[[str], Event | None] = view.event
        self.now = now
        self.entries: tuple[JudgmentEntry, ...] = judgment_entries(self.event_log, now)
        #: The judgment whose history and basis are shown, if any.
        self.shown: Judgment | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="judgments-empty")
            yield OptionList(id="judgments-list")
            with VerticalScroll(id="judgment-detail"):
                yield Static(id="judgment-title")
                yield Static("History (oldest first)", classes="judgments-heading")
                yield Static(id="judgment-history")
                yield Static("Basis: events", classes="judgments-heading", id="basis-heading")
                yield OptionList(id="judgment-basis")
                yield Static("Basis: sources", classes="judgments-heading", id="sources-heading")
                yield Static(id="judgment-sources")
            yield Static(id="judgments-hint")

    def on_mount(self) -> None:
        self._fill_list()
        self._show_list()

    # -- the list -------------------------------------------------------------------

    @property
    def judgment_list(self) -> OptionList:
        return self.query_one("#judgments-list", OptionList)

    def _fill_list(self) -> None:
        self.query_one(
            Vertical
        ).border_title = f"Key judgments as of {day_text(self.now, self.event_log.tzinfo)}"
        listing = self.judgment_list
        keep = listing.highlighted_option.id if listing.highlighted_option else None
        listing.clear_options()
        for n, entry in enumerate(self.entries):
            if n:
                listing.add_option(None)  # a separator line
            listing.add_option(Option(_entry_text(entry), id=entry.id))
        if self.entries:
            ids = [e.id for e in self.entries]
            listing.highlighted = 2 * ids.index(keep) if keep in ids else 0
        empty = self.query_one("#judgments-empty", Static)
        if not self.event_log.judgments:
            empty.update("No key judgments in this log.")
        else:
            empty.update(f"No key judgments made by {day_text(self.now, self.event_log.tzinfo)}.")

    def _show_list(self) -> None:
        self.shown = None
        self.query_one("#judgment-detail").display = False
        self.query_one("#judgments-empty").display = not self.entries
        self.judgment_list.display = bool(self.entries)
        self.query_one("#judgments-hint", Static).update(
            LIST_HINT if self.entries else "escape: close"
        )
        self.judgment_list.focus()

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        if message.option.id is None:
            return
        if message.option_list.id == "judgments-list":
            judgment = next((e.judgment for e in self.entries if e.id == message.option.id), None)
            if judgment is not None:
                self.show_judgment(judgment)
        else:
            self.dismiss(message.option.id)

    # -- one judgment ------------------------------------------------------------------

    def show_judgment(self, judgment: Judgment) -> None:
        """Show the history and the basis of ``judgment`` in place of the list."""
        chain = revisions(self.event_log, judgment, self.now)
        if not chain:  # made after the clock (a reload changed its date)
            self._show_list()
            return
        self.shown = judgment
        latest = chain[-1]
        title = Text(printable(judgment.statement), style="bold")
        title.append(f"\n{latest.headline} · {latest.confidence} · {latest.date}", style="")
        self.query_one("#judgment-title", Static).update(title)
        self.query_one("#judgment-history", Static).update(_history_text(chain))

        events, sources = basis_of(self.event_log, judgment, self.event_of)
        basis = self.query_one("#judgment-basis", OptionList)
        basis.clear_options()
        tz = self.event_log.tzinfo
        for event in events:
            entry = Text(f"{event.date.display(tz):>11}  ", style="dim")
            entry.append(printable(event.title))
            basis.add_option(Option(entry, id=event.id))
        if events:
            basis.highlighted = 0
        text = Text()
        for n, source in enumerate(sources):
            if n:
                text.append("\n")
            text.append(printable(source.title))
            if source.reliability:
                text.append(f" — {source.reliability}, {RELIABILITY[source.reliability]}", "dim")
        self.query_one("#judgment-sources", Static).update(text)
        for part, shown in (("basis", events), ("sources", sources)):
            self.query_one(f"#{part}-heading").display = bool(shown)
        basis.display = bool(events)
        self.query_one("#judgment-sources").display = bool(sources)

        self.judgment_list.display = False
        self.query_one("#judgments-empty").display = False
        detail = self.query_one("#judgment-detail", VerticalScroll)
        detail.display = True
        detail.scroll_home(animate=False)
        self.query_one("#judgments-hint", Static).update(DETAIL_HINT if events else "escape: back")
        (basis if events else detail).focus()

    def action_back(self) -> None:
        if self.shown is not None:
            self._show_list()
        else:
            self.dismiss(None)

    # -- following the log and the clock (a Panel) ----------------------------------------------

    def set_view(self, view: LogView, now: float) -> None:
        """A reload: list the judgments again, and show the open one afresh if it is still there."""
        self.event_log, self.event_of, self.now = view.log, view.event, now
        self.entries = judgment_entries(self.event_log, now)
        self._fill_list()
        shown = self.shown
        again = next((j for j in self.event_log.judgments if shown and j.id == shown.id), None)
        if again is not None:
            self.show_judgment(again)
        else:
            self._show_list()

    def tick(self, now: float) -> None:
        """A judgment dated after the last tick may have become current."""
        self.now = now
        entries = judgment_entries(self.event_log, now)
        if [e.id for e in entries] != [e.id for e in self.entries]:
            self.entries = entries
            self._fill_list()
            if self.shown is None:
                self._show_list()


def _entry_text(entry: JudgmentEntry) -> Text:
    text = Text()
    text.append(entry.headline, style="bold")
    text.append(f" · {entry.confidence} · {entry.date}")
    if entry.judgment.revises is not None:
        text.append(" · revised", style="italic")
    text.append("\n")
    text.append(printable(entry.judgment.statement))
    return text


def _history_text(chain: tuple[JudgmentEntry, ...]) -> Table:
    """One row per revision, oldest first; an earlier wording is shown under its line,
    wrapped beside the dates rather than under them."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, justify="right", style="dim")
    table.add_column(ratio=1)
    latest = chain[-1]
    for n, entry in enumerate(chain):
        text = Text()
        text.append(entry.headline, style="bold" if entry is latest else "")
        text.append(f" · {entry.confidence}")
        change = entry.change_from(chain[n - 1]) if n else ""
        if change:
            text.append(f" · {change}", style="italic")
        if entry.judgment.statement != latest.judgment.statement:
            text.append("\n" + printable(entry.judgment.statement), style="dim")
        table.add_row(entry.date, text)
    return table
