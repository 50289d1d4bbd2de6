"""The filter bar: a query (SPEC §3) with the live count, or what is wrong with it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from briefer.terminal import printable

__all__ = ["FilterBar"]


class FilterInput(Input):
    """The query input; ``escape`` clears it and hands focus back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_and_leave", "Clear filter", show=True),
        Binding("enter", "leave", "Keep filter", show=False),
        Binding("down", "leave", "To the timeline", show=False),
    ]

    class Leave(Message):
        """Focus should go back to the timeline."""

    def action_clear_and_leave(self) -> None:
        self.value = ""
        self.post_message(self.Leave())

    def action_leave(self) -> None:
        self.post_message(self.Leave())


class FilterBar(Horizontal):
    """``/`` query input, then ``N of M events`` or the query's error."""

    DEFAULT_CSS = """
    FilterBar { height: 1; background: $panel; }
    FilterBar > #filter-prompt { width: auto; padding: 0 1; color: $text-accent; text-style: bold; }
    FilterBar > FilterInput { width: 1fr; background: $panel; }
    FilterBar > #filter-status { width: auto; max-width: 60%; padding: 0 1; color: $text-muted; }
    FilterBar > #filter-status.-error { color: $text-error; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Static("/", id="filter-prompt")
        yield FilterInput(
            placeholder="filter: words, kind:incident, sig>=4, after:2023-09, -tag:x …",
            compact=True,
            id="filter-input",
        )
        yield Static("", id="filter-status")

    @property
    def input(self) -> FilterInput:
        return self.query_one(FilterInput)

    def show_count(self, shown: int, total: int, marked: int = 0, *, whole: int = 0) -> None:
        """``N of M events``; with ``whole``, a preview of ``total`` events is shown while
        the whole log's ``whole`` events are read (-1: how many is not known yet)."""
        status = self.query_one("#filter-status", Static)
        status.remove_class("-error")
        noun = "event" if total == 1 else "events"
        count = "…" if shown < 0 else f"{shown:,}"  # -1: still counting
        text = f"{total:,} {noun}" if shown == total else f"{count} of {total:,} {noun}"
        if whole > 0:
            text = f"{count} of {whole:,} events, reading the rest…"
        elif whole < 0:
            text += " so far, reading the rest…"
        if marked:
            text += f" · {marked} marked"
        status.update(Text(text))

    def show_counting(self, total: int, marked: int = 0, *, whole: int = 0) -> None:
        """``… of M events``: the matches are being counted (see :meth:`show_count`)."""
        self.show_count(-1, total, marked, whole=whole)

    @property
    def has_error(self) -> bool:
        return self.query_one("#filter-status", Static).has_class("-error")

    def show_error(self, message: str) -> None:
        status = self.query_one("#filter-status", Static)
        status.add_class("-error")
        status.update(Text(printable(message)))
