"""The browser's filter: the query typed in the filter bar, applied to the timeline.

:class:`FilterActions` holds the handlers; :class:`~briefer.tui.app.BrieferApp`
is one and sets the attributes it declares.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.timer import Timer

from briefer.tui.density import DensityBar
from briefer.tui.filterbar import FilterBar, FilterInput
from briefer.tui.timeline import Timeline

if TYPE_CHECKING:
    from briefer.tui.view import FilterOutcome, LogView

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

    def follow_filter_input(self) -> None:
        """Apply the filter whenever the input's value changes (call once, on mount).

        A watcher runs as the key is handled, so the frame that shows the typed
        character shows its results too. Through ``Input.Changed``, handled later, the
        screen drew the character first and the results a frame (~17 ms) after.
        """
        self.watch(self.filter_bar.input, "value", self._filter_typed, init=False)

    def _filter_typed(self, value: str) -> None:
        if value != self.filter_text:  # already applied (e.g. cleared by a jump)
            self._apply_filter(value)

    def _apply_filter(self, text: str, keep: str | None = None) -> None:
        self.filter_text = text
        view = self.view
        if view is None:
            return
        if self._peeked(view, text, self._selected_id if keep is None else keep):
            return
        if view.slow(text, now=self.now()) and self.timeline.view is view:
            # Too few matches near the cursor to peek at (a selective query): the rows
            # shown stay, counting, while every match is found.
            def complete() -> None:
                self._complete_filter(view, text)

            self.timeline.hold(complete)
            self.filter_bar.show_counting(len(view), len(self.marked), whole=self.loading_total)
            # After the frame that shows the text typed: the count's steps do not delay it.
            self.call_after_refresh(self._matches_worker, view, text, complete)
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
        self._density_soon()

    def _peeked(self, view: LogView, text: str, keep: str | None) -> bool:
        """Show the matches around the cursor at once when filtering the whole log takes
        a while (``LogView.peek``), and every match once that frame is drawn."""
        timeline = self.timeline
        target = view.index_by_id.get(keep, 0) if keep is not None else 0
        rows = max(timeline.scrollable_content_region.height, 1) + 2  # and year separators
        peek = view.peek(text, target, rows, rows, now=self.now())
        if peek is None:
            return False

        def complete() -> None:
            self._complete_filter(view, text)

        # Centred now and then: the rows around the cursor stay where they were drawn.
        timeline.show(view, peek.near, keep=keep, recenter=True, complete=complete)
        self.filter_bar.show_counting(len(view), len(self.marked), whole=self.loading_total)

        def count() -> None:
            self._matches_worker(view, text, complete)

        timeline.settle_once_drawn(count)
        return True

    @work(exclusive=True, group="filter")
    async def _matches_worker(self, view: LogView, text: str, complete: Callable[[], None]) -> None:
        """Find every match of a filter :meth:`_peeked` showed a few of, a step at a time
        (``LogView.applying``), between frames and keystrokes: all at once, the search
        of 100,000 texts held the screen for up to ~50 ms. They are shown unless they were
        meanwhile (a move needs them all: ``complete``) or another filter was typed."""
        timeline = self.timeline
        steps = view.applying(text, now=self.now())
        while True:
            try:
                next(steps)
            except StopIteration as done:
                outcome: FilterOutcome = done.value
                break
            await asyncio.sleep(0)
            if not timeline.waiting_on(complete):
                return
        if timeline.settled_by(complete):
            self._complete_filter(view, text, outcome)

    def _complete_filter(
        self, view: LogView, text: str, outcome: FilterOutcome | None = None
    ) -> None:
        """Show every match of a filter :meth:`_peeked` showed a few of (``Timeline.settle``
        calls it while those are still shown; :meth:`_matches_worker` with them found)."""
        if self.view is not view:
            return  # a newer log is shown already
        current = self.timeline.current
        if outcome is None:
            outcome = view.apply(text, now=self.now())
        assert outcome.shown is not None  # the peek parsed it
        keep = current.id if current is not None else self._selected_id
        self.timeline.show(view, outcome.shown, keep=keep, recenter=True)
        if self.filter_text == text:  # else the bar says what is wrong with a newer text
            self._show_count()
        self._density_soon()

    def _density_soon(self) -> None:
        """Redraw the density bar once the filter has stopped changing for a moment."""
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
        self.filter_bar.input.value = text  # applies it, if it was not there already
        if text != self.filter_text:
            self._apply_filter(text)
        self.timeline.focus()

    def select_event(self, event_id: str) -> None:
        """Put the cursor on an event, clearing the filter if it hides the event."""
        if self.view is None or event_id not in self.view.index_by_id:
            self.notify(f"No event '{event_id}' in the log.", severity="warning")
            return
        self._selected_id = event_id
        if not self.timeline.move_to_id(event_id):
            self.filter_bar.input.value = ""  # applies the empty filter (keeping the event)
            if self.filter_text:
                self._apply_filter("", keep=event_id)
            self.notify("Filter cleared to show the event.", timeout=3)
        self.timeline.focus()

    @on(FilterInput.Leave)
    def _leave_filter(self) -> None:
        self.timeline.focus()

    def action_focus_filter(self) -> None:
        self.filter_bar.input.focus()
