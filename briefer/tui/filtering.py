"""The browser's filter: the query typed in the filter bar, applied to the timeline.

:class:`FilterActions` holds the handlers; :class:`~briefer.tui.app.BrieferApp`
is one and sets the attributes it declares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.timer import Timer
from textual.widgets import Input

from briefer.tui.density import DensityBar
from briefer.tui.filterbar import FilterBar, FilterInput
from briefer.tui.timeline import Timeline

if TYPE_CHECKING:
    from briefer.tui.view import LogView

__all__ = ["FilterActions"]


class FilterActions(App[None]):
    """Apply the filter as it is typed; show its count, error and density."""

    view: LogView | None
    marked: set[str]
    filter_text: str
    loading_total: int
    _selected_id: str | None
    _density_timer: Timer | None

    if TYPE_CHECKING:  # provided by BrieferApp, which mixes this class in

        def now(self) -> float: ...

    @property
    def timeline(self) -> Timeline:
        return self.query_one(Timeline)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def still_loading(self) -> bool:
        """True, and says so, while only a preview of the log is shown (what needs every
        event, a brief or a new event's id, waits for the whole log)."""
        if self.loading_total:
            note = "Still reading the whole log; try again in a moment."
            self.notify(note, severity="warning", timeout=3)
        return bool(self.loading_total)

    def _mounted(self) -> bool:
        """False once the app is closing (a timer can still fire then)."""
        return bool(self.query(Timeline))

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, message: Input.Changed) -> None:
        if message.value != self.filter_text:  # already applied (e.g. cleared by a jump)
            self._apply_filter(message.value)

    def _apply_filter(self, text: str, keep: str | None = None) -> None:
        self.filter_text = text
        view = self.view
        if view is None:
            return
        outcome = view.apply(text, now=self.now())
        bar = self.filter_bar
        if outcome.shown is None:
            assert outcome.error is not None
            bar.show_error(f"column {outcome.error.column}: {outcome.error.message}")
            if self.timeline.view is not view:  # a reload made the old filter invalid
                self.timeline.show(view, range(len(view)), keep=keep)
            return
        if keep is None:
            keep = self._selected_id
        self.timeline.show(view, outcome.shown, keep=keep)
        self._show_count()
        if self._density_timer is not None:
            self._density_timer.stop()
        self._density_timer = self.set_timer(0.15, self._update_density)

    def _show_count(self) -> None:
        if self.view is None:
            return
        shown, total = len(self.timeline.shown), len(self.view)
        self.filter_bar.show_count(shown, total, len(self.marked), whole=self.loading_total)

    def _update_density(self) -> None:
        if self.view is None or not self._mounted():
            return
        density = self.query_one(DensityBar)
        counts, first, last = self.view.density(self.timeline.shown, density.bins)
        density.show(counts, first, last)

    def set_filter(self, text: str) -> None:
        """Put ``text`` in the filter bar and apply it at once; back to the timeline."""
        self.filter_bar.input.value = text  # posts Changed, which finds it applied
        self._apply_filter(text)
        self.timeline.focus()

    def select_event(self, event_id: str) -> None:
        """Put the cursor on an event, clearing the filter if it hides the event."""
        if self.view is None or event_id not in self.view.index_by_id:
            self.notify(f"No event '{event_id}' in the log.", severity="warning")
            return
        self._selected_id = event_id
        if not self.timeline.move_to_id(event_id):
            self.filter_bar.input.value = ""  # posts Changed; clear the filter at once too
            self._apply_filter("", keep=event_id)
            self.notify("Filter cleared to show the event.", timeout=3)
        self.timeline.focus()

    @on(FilterInput.Leave)
    def _leave_filter(self) -> None:
        self.timeline.focus()

    def action_focus_filter(self) -> None:
        self.filter_bar.input.focus()
