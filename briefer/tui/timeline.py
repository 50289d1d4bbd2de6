"""The timeline: a Line API widget that draws only the rows on screen.

Textual's DataTable builds every row up front (about 24 s for 100,000 rows);
this widget keeps the shown events as a list of indices and renders a row
when it scrolls into view, so showing or filtering 100,000 events costs the
same as showing 30.

It draws its own scroll bar, as the last cell of each row: Textual's, redrawn
whenever the rows or the scroll position change (every filter keystroke), took
about a quarter of a keystroke's time at 100,000 events.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefer.terminal import printable
from briefer.tui.keys import widget_binds
from briefer.tui.kinds import kind_glyph, kind_rich_style
from briefer.tui.view import LogView, Rows

if TYPE_CHECKING:
    from briefer.model import Event

__all__ = ["Timeline"]

DATE_WIDTH = 23
KIND_WIDTH = 12
#: Drawn rows kept for the next frame (a few screens' worth).
_LINES_KEPT = 1000
#: How many times (every 5 ms) a peek waits for its frame before every match is counted.
PEEK_WAITS = 20


class Timeline(ScrollView, can_focus=True):
    """Date, kind, significance and title of each shown event, one per row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(bind.keys, bind.action, bind.label, show=bind.show)
        for bind in widget_binds("timeline")
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--cursor",
        "timeline--year",
        "timeline--marked",
        "timeline--dim",
        "timeline--thumb",
        "timeline--track",
    }

    DEFAULT_CSS = """
    Timeline {
        background: $surface;
        scrollbar-size-vertical: 0;
    }
    Timeline > .timeline--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    Timeline:focus > .timeline--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    Timeline > .timeline--year {
        color: $text-accent;
        text-style: bold;
    }
    Timeline > .timeline--marked {
        color: $text-warning;
        text-style: bold;
    }
    Timeline > .timeline--dim {
        color: $text-muted;
    }
    Timeline > .timeline--thumb {
        background: $scrollbar;
    }
    Timeline > .timeline--track {
        background: $scrollbar-background;
    }
    """

    #: Position of the cursor in the shown events (None when nothing is shown).
    cursor: reactive[int | None] = reactive(None, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved to another event."""

        def __init__(self, event: Event | None, *, by_filter: bool = False) -> None:
            super().__init__()
            self.event = event
            #: True when the cursor only moved because the shown events changed.
            self.by_filter = by_filter

    class Chosen(Message):
        """``enter`` on an event."""

        def __init__(self, event: Event) -> None:
            super().__init__()
            self.event = event

    class MarkToggled(Message):
        """``space`` on an event."""

        def __init__(self, event: Event) -> None:
            super().__init__()
            self.event = event

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.view: LogView | None = None
        self.rows: Rows | None = None
        self.marked: set[str] = set()
        self.placeholder = "Loading…"
        self._dates: dict[int, str] = {}
        self.date_width = DATE_WIDTH
        self._by_filter = False
        self._complete: Callable[[], None] | None = None
        self._peek_drawn = False
        #: Drawn event rows (without the cursor) by event, width, date width and mark.
        self._lines: dict[tuple[int, int, int, bool], Strip] = {}
        #: The scroll bar's thumb and track cells.
        self._bar_cells: tuple[Strip, Strip] | None = None
        #: Dragging the scroll bar's thumb (it has the mouse meanwhile).
        self._dragging = False

    # -- data ---------------------------------------------------------------

    def show(
        self,
        view: LogView,
        shown: Sequence[int],
        keep: str | None = None,
        *,
        recenter: bool = False,
        complete: Callable[[], None] | None = None,
    ) -> None:
        """Show ``shown`` (indices into ``view``); keep the event ``keep`` under the cursor.

        The cursor's row is scrolled into view, or with ``recenter`` to the middle of the
        screen. With ``complete``, ``shown`` is only the matches around the cursor (see
        ``LogView.peek``), and ``complete()`` shows them all: it is called before
        anything that needs them all (a move, a click) and is the caller's to call soon.
        """
        if view is not self.view:
            self._dates.clear()
            self._lines.clear()
        self.view = view
        self.rows = Rows(view, shown)
        self._complete = complete
        self._peek_drawn = False
        position: int | None = None
        if shown:
            position = 0
            if keep is not None and keep in view.index_by_id:
                target = view.index_by_id[keep]
                position = bisect_left(shown, target)
                if position == len(shown):
                    position -= 1
        self.virtual_size = Size(self.size.width, len(self.rows))
        self.date_width = view.date_width
        self._by_filter = True
        try:
            self.cursor = position
        finally:
            self._by_filter = False
        if recenter and self.rows is not None and position is not None:
            row = self.rows.row_of(position)
            height = max(self.scrollable_content_region.height, 1)
            self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)
        else:
            self.scroll_to_cursor(center=True)
        # The first time, the size is only known after layout.
        self.call_after_refresh(self.scroll_to_cursor, center=True)
        self.refresh()

    @property
    def partial(self) -> bool:
        """Only the matches around the cursor are shown (see :meth:`show`)."""
        return self._complete is not None

    def settle(self) -> None:
        """Show every match now if only those around the cursor are shown."""
        complete, self._complete = self._complete, None
        if complete is not None:
            complete()

    def settle_once_drawn(self, then: Callable[[], None] | None = None) -> None:
        """:meth:`settle` (or call ``then``, which will) once the matches around the cursor
        have been drawn: it looks every 5 ms, :data:`PEEK_WAITS` times at most. (A call
        after the screen's refresh could come before the frame: a screen that had not yet
        heard of the change runs it at once.)"""
        self._settle_when_drawn(self._complete, then or self.settle, PEEK_WAITS)

    def _settle_when_drawn(
        self, complete: Callable[[], None] | None, then: Callable[[], None], tries: int
    ) -> None:
        if complete is None or complete is not self._complete:
            return  # settled, or shown again since (that show looks for itself)
        if self._peek_drawn or tries <= 1:
            then()
        else:
            self.set_timer(0.005, partial(self._settle_when_drawn, complete, then, tries - 1))

    def hold(self, complete: Callable[[], None]) -> None:
        """Keep the rows shown until ``complete()`` shows others: what :meth:`show` with
        ``complete`` does, for rows that are not yet any of the new ones (the matches of a
        filter being found, where a peek found too few to show)."""
        self._complete = complete

    def waiting_on(self, complete: Callable[[], None]) -> bool:
        """Whether the matches shown are those around the cursor that ``complete`` (given
        to :meth:`show`) is to show all of."""
        return complete is self._complete

    def settled_by(self, complete: Callable[[], None]) -> bool:
        """If :meth:`waiting_on` ``complete``, it no longer is, and True: the caller shows
        every match itself (what ``complete`` would have done)."""
        if complete is not self._complete:
            return False
        self._complete = None
        return True

    @property
    def shown(self) -> Sequence[int]:
        """Indices of the events shown (every match: see :meth:`settle`)."""
        self.settle()
        return () if self.rows is None else self.rows.shown

    @property
    def current(self) -> Event | None:
        """The event under the cursor."""
        if self.view is None or self.rows is None or self.cursor is None:
            return None
        return self.view.events[self.rows.shown[self.cursor]]

    def move_to(self, position: int | None) -> None:
        """Put the cursor on the event at ``position`` in shown (clamped)."""
        if position is None or self.rows is None or not self.rows.shown:
            return
        self.cursor = max(0, min(position, len(self.rows.shown) - 1))
        self.scroll_to_cursor()

    def move_to_id(self, event_id: str) -> bool:
        """Put the cursor on an event by id; False if it is not shown."""
        self.settle()
        if self.view is None or self.rows is None:
            return False
        index = self.view.index_by_id.get(event_id)
        if index is None:
            return False
        p = bisect_left(self.rows.shown, index)
        if p < len(self.rows.shown) and self.rows.shown[p] == index:
            self.move_to(p)
            self.scroll_to_cursor(center=True)
            return True
        return False

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        self.refresh()
        self.post_message(self.Highlighted(self.current, by_filter=self._by_filter))

    def scroll_to_cursor(self, *, center: bool = False) -> None:
        if self.rows is None or self.cursor is None:
            return
        row = self.rows.row_of(self.cursor)
        height = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_y)
        if center and not top <= row < top + height:
            self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)
        elif row < top:
            # show the year separator above the first event of a year too
            above = row - 1 if row and self.rows.at(row - 1)[0] is None else row
            self.scroll_to(y=above, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    # -- actions (each on every match: see settle) ---------------------------

    def action_cursor_up(self) -> None:
        self.settle()
        if self.cursor is not None:
            self.move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.settle()
        if self.cursor is not None:
            self.move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        self.settle()
        if self.cursor is not None:
            self.move_to(self.cursor - max(self.scrollable_content_region.height - 1, 1))

    def action_page_down(self) -> None:
        self.settle()
        if self.cursor is not None:
            self.move_to(self.cursor + max(self.scrollable_content_region.height - 1, 1))

    def action_first(self) -> None:
        self.settle()
        self.move_to(0)

    def action_last(self) -> None:
        self.settle()
        if self.rows is not None:
            self.move_to(len(self.rows.shown) - 1)

    def action_choose(self) -> None:
        event = self.current
        if event is not None:
            self.post_message(self.Chosen(event))

    def action_toggle_mark(self) -> None:
        event = self.current
        if event is not None:
            self.post_message(self.MarkToggled(event))

    def on_click(self, click: events.Click) -> None:
        self.settle()
        if self.rows is None or self._on_bar(click.x):
            return
        row = int(self.scroll_y) + click.y
        if 0 <= row < len(self.rows):
            position, _year = self.rows.at(row)
            if position is not None:
                self.move_to(position)
                if click.chain >= 2:
                    self.action_choose()

    # -- the scroll bar ------------------------------------------------------

    def _thumb(self) -> tuple[int, int] | None:
        """The scroll bar's thumb, as its first and past-last screen rows; None when
        every row fits (no bar is drawn then)."""
        if self.rows is None:
            return None
        total, height = len(self.rows), max(self.scrollable_content_region.height, 1)
        if total <= height:
            return None
        size = max(1, height * height // total)
        top = round((height - size) * min(max(self.scroll_y / (total - height), 0.0), 1.0))
        return top, top + size

    def _on_bar(self, x: int) -> bool:
        return x == self.scrollable_content_region.width - 1 and self._thumb() is not None

    def _drag_to(self, y: int) -> None:
        """Scroll so that the thumb's top follows screen row ``y``."""
        if self.rows is None:
            return
        total, height = len(self.rows), max(self.scrollable_content_region.height, 1)
        if total > height:
            share = min(max(y / max(height - 1, 1), 0.0), 1.0)
            self.scroll_to(y=round(share * (total - height)), animate=False, immediate=True)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.settle()
        if self._on_bar(event.x):
            event.stop()
            self._dragging = True
            self.capture_mouse()
            self._drag_to(event.y)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self._drag_to(event.y)

    def on_mouse_up(self, _event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        # Textual refuses to scroll a widget before layout has given it a
        # scrollbar, so the first scroll to the event nearest now (made as the
        # log arrives) is lost on a screen too short for every row: redo it.
        if shown:
            self.call_after_refresh(self.scroll_to_cursor, center=True)

    def on_resize(self, _event: events.Resize) -> None:
        if self.rows is not None:
            self.virtual_size = Size(self.size.width, len(self.rows))
            self.call_after_refresh(self.scroll_to_cursor)

    # -- drawing ------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # drawn in the styles of before (a theme, say)
        self._bar_cells = None

    def render_line(self, y: int) -> Strip:
        self._peek_drawn = self._complete is not None
        thumb = self._thumb()
        if thumb is None:
            return self._row_line(y, self.scrollable_content_region.width)
        width = self.scrollable_content_region.width - 1
        if self._bar_cells is None:
            on, off = (
                Strip([Segment(" ", self.get_component_rich_style(part))], 1)
                for part in ("timeline--thumb", "timeline--track")
            )
            self._bar_cells = (on, off)
        bar = self._bar_cells[0 if thumb[0] <= y < thumb[1] else 1]
        return Strip.join([self._row_line(y, width), bar])

    def _row_line(self, y: int, width: int) -> Strip:
        """Screen row ``y`` of the rows, ``width`` cells wide."""
        row = int(self.scroll_y) + y
        if self.view is None or self.rows is None:
            if y == 0:
                return Strip([Segment(self.placeholder.ljust(width)[:width])])
            return Strip.blank(width)
        if not self.rows.shown:
            if y == 0:
                dim = self.get_component_rich_style("timeline--dim")
                return Strip([Segment("No events match the filter.".ljust(width)[:width], dim)])
            return Strip.blank(width)
        if row >= len(self.rows):
            return Strip.blank(width)
        position, year = self.rows.at(row)
        if position is None:
            style = self.get_component_rich_style("timeline--year")
            label = f"── {year} "
            return Strip([Segment((label + "─" * width)[:width], style)])
        return self._event_line(position, width)

    def _event_line(self, position: int, width: int) -> Strip:
        assert self.view is not None
        assert self.rows is not None
        index = self.rows.shown[position]
        event = self.view.events[index]
        # A refined filter mostly shows the same events again: each is drawn once.
        key = (index, width, self.date_width, event.id in self.marked)
        strip = self._lines.get(key)
        if strip is None:
            if len(self._lines) >= _LINES_KEPT:
                self._lines.clear()
            strip = self._lines[key] = self._draw_event(index, event, width)
        if position == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("timeline--cursor"))
        return strip

    def _draw_event(self, index: int, event: Event, width: int) -> Strip:
        segments: list[Segment] = []
        if event.id in self.marked:
            segments.append(Segment("● ", self.get_component_rich_style("timeline--marked")))
        else:
            segments.append(Segment("  "))
        segments.append(Segment(_fit(self._date(index, event), self.date_width) + " "))
        kind = event.kind or "—"
        kind_style = kind_rich_style(event.kind, self.app.current_theme.dark)
        segments.append(Segment(kind_glyph(event.kind) + " ", kind_style))
        segments.append(Segment(_fit(kind, KIND_WIDTH - 2) + " ", kind_style))
        sig_style = Style(bold=True) if event.significance >= 4 else None
        if event.significance <= 2:
            sig_style = self.get_component_rich_style("timeline--dim")
        segments.append(Segment(str(event.significance), sig_style))
        used = 2 + self.date_width + 1 + KIND_WIDTH + 1 + 1
        title_width = max(width - used, 0)
        title = printable(event.title)  # only the visible lines pay for it
        segments.append(Segment(" " + _fit(title, title_width - 1) if title_width else ""))
        return Strip(segments).adjust_cell_length(width)

    def _date(self, index: int, event: Event) -> str:
        text = self._dates.get(index)
        if text is None:
            assert self.view is not None
            text = self._dates[index] = event.date.display(self.view.log.tzinfo)
        return text


def _fit(text: str, width: int) -> str:
    """``text`` on one line, cut with an ellipsis, padded to ``width``."""
    if width <= 0:
        return ""
    flat = " ".join(text.split())
    if len(flat) > width:
        return flat[: width - 1] + "…"
    return flat.ljust(width)
