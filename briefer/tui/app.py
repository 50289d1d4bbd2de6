"""The browser application: the layout, and what keys and messages do to it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer

from briefer.terminal import printable
from briefer.tui.capture import CaptureActions
from briefer.tui.density import DensityBar
from briefer.tui.detail import DetailPane
from briefer.tui.filterbar import FilterBar
from briefer.tui.header import BriefHeader
from briefer.tui.help import HelpScreen
from briefer.tui.jobs import JobActions
from briefer.tui.keys import KEYS
from briefer.tui.loading import (
    SPAWN_FROM,
    Loaded,
    Signature,
    fill_cache,
    give_back_memory,
    load,
    load_again,
    load_cached,
    parse_elsewhere,
    preview_from,
    reload_here,
    stat,
    watched_files,
)
from briefer.tui.panel import Panel
from briefer.tui.problems import ProblemsPanel
from briefer.tui.timeline import Timeline
from briefer.tui.tradecraft import TradecraftActions
from briefer.tui.watch import WatchList

if TYPE_CHECKING:  # the log's modules load off the way to the first paint (see loading)
    from briefer.results import LoadResult
    from briefer.tui.view import LogView

__all__ = ["BrieferApp"]

#: Below this width the side column moves under the timeline.
NARROW = 110
#: How often (seconds) the log's files are looked at for changes: a stat() of each,
#: well under a millisecond for a hundred files, so an edit is noticed within a quarter
#: of a second (a large log's reload takes a second more).
POLL_INTERVAL = 0.25


class BrieferApp(CaptureActions, TradecraftActions, JobActions):
    """Browse, filter and search the event log; mark events and render briefs."""

    TITLE = "briefer"

    CSS_PATH = "app.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key.bind, key.action, key.label, show=key.footer)
        for key in KEYS
        if key.bind and key.action
    ]

    def __init__(
        self,
        log_path: str,
        *,
        use_cache: bool = True,
        as_of: float | None = None,
        clock: Callable[[], float] = time.time,
        poll_interval: float = POLL_INTERVAL,
    ) -> None:
        super().__init__()
        self.log_path = log_path
        self.use_cache = use_cache
        self.as_of = as_of
        self._clock = clock
        self._started = clock()
        self.poll_interval = poll_interval
        self.view: LogView | None = None
        self.result: LoadResult | None = None
        self.marked: set[str] = set()
        self.filter_text = ""
        self._signature: Signature = ()
        self._rendering = False
        self._detail_timer: Timer | None = None
        self._density_timer: Timer | None = None
        self._loading = False
        #: The last load that gave a valid log: an edit re-reads only what changed since.
        self._last_good: Loaded | None = None
        #: The event the user last put the cursor on: filters that hide it for a while
        #: (typing a query passes through many) bring it back once it matches again.
        self._selected_id: str | None = None
        self._announce_load = False
        #: perf_counter() at the first paint and when the log became visible (benchmarks).
        self.painted_at: float | None = None
        self.shown_at: float | None = None
        #: Logs this large (in bytes, all files) are parsed in another process (see ``loading``).
        self.spawn_from = SPAWN_FROM
        #: While a preview of a large log is shown (:mod:`briefer.preview`), how many events
        #: the whole log has; 0 once the whole log is shown.
        self.loading_total = 0

    # -- time -----------------------------------------------------------------

    def now(self) -> float:
        """The browser's clock: the real time, or the as-of time running on from start."""
        if self.as_of is None:
            return self._clock()
        return self.as_of + (self._clock() - self._started)

    # -- layout -----------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification shown as plain text: it quotes paths, URLs, queries and stderr.

        Textual reads a notification as markup by default, so a URL or a query
        holding ``[link=…]`` would be interpreted rather than shown.
        """
        super().notify(
            printable(message, lines=True),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def compose(self) -> ComposeResult:
        yield BriefHeader(id="header", as_of=self.as_of is not None)
        yield FilterBar(id="filter")
        yield DensityBar(id="density")
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield Timeline(id="timeline")
            with Vertical(id="side"):
                yield WatchList(id="watch")
                yield DetailPane(id="detail")
        yield ProblemsPanel(id="problems")
        yield Footer()

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def on_mount(self) -> None:
        self.query_one(ProblemsPanel).display = False
        self.timeline.placeholder = f"Loading {self.log_path}…"
        self.timeline.focus()
        self.follow_filter_input()
        self._set_narrow(self.size.width)
        self._tick()
        self.set_interval(1.0, self._tick)
        if self.poll_interval > 0:
            self.set_interval(self.poll_interval, self._poll)
        self.call_after_refresh(self._first_paint)

    def _first_paint(self) -> None:
        self.painted_at = time.perf_counter()
        self._load()

    def on_resize(self, event: Resize) -> None:
        self._set_narrow(event.size.width)

    def _set_narrow(self, width: int) -> None:
        self.set_class(width < NARROW, "-narrow")

    # -- loading -----------------------------------------------------------------

    def _watched(self) -> list[str]:
        log = self.view.log if self.view is not None else None
        problems = self.result.problems if self.result is not None else ()
        return watched_files(self.log_path, log, problems)

    def _load(self, *, announce: bool = False) -> None:
        if self._loading:
            return
        self._loading = True
        self._announce_load = announce
        self._load_worker(stat(self._watched()))

    @work(exclusive=True, group="load")
    async def _load_worker(self, before: Signature) -> None:
        """Read the log in a thread: from the cache, or again after an edit, or parsed in
        another process first (a large log), or here (a small one)."""
        path, now, last = self.log_path, self.now, self._last_good
        loaded: Loaded | None = None
        if self.use_cache and reload_here(before, last):
            assert last is not None
            loaded = await asyncio.to_thread(
                load_again, path, last, now=now, before=before, spawn_from=self.spawn_from
            )
            self._fill_worker()  # the next start reads the whole log from the cache again
        elif self.use_cache and parse_elsewhere(
            before, first=self.result is None, spawn_from=self.spawn_from
        ):
            early = self._preview_arrived if self.view is None else None
            loaded = await asyncio.to_thread(
                load_cached, path, now=now, before=before, preview=early
            )
            if loaded is None:
                shown = None if early is None else self._announced_preview
                error = await fill_cache(path, preview=shown)
                if error is not None:  # reading it here reports the log's problems, if so
                    note = f"The loader process failed: {error}"
                    self.notify(note, severity="warning", timeout=6)
                else:  # the entry just written: its preview (unless shown), then the rest
                    early = early if self.view is None else None
                    loaded = await asyncio.to_thread(
                        load_cached, path, now=now, before=before, preview=early
                    )
        if loaded is None:
            cached = self.use_cache
            loaded = await asyncio.to_thread(load, path, use_cache=cached, now=now, before=before)
        self._loaded(loaded)

    @work(exclusive=True, group="index")
    async def _index_worker(self) -> None:
        # The view shown, not an argument: a view passed as this worker's argument stayed in
        # memory after the worker ended, one for every reload (~11 MB each at 100,000 events).
        view = self.view
        if view is not None:
            await asyncio.to_thread(view.index.build_groups)  # off the way to its first frame
        del view
        # The view this one replaced is gone by now: what the C heap kept of it goes back.
        await asyncio.to_thread(give_back_memory)

    @work(exclusive=True, group="fill")
    async def _fill_worker(self) -> None:
        await fill_cache(self.log_path, background=True)  # its failure only costs speed

    async def _announced_preview(self, payload: bytes) -> None:
        """The loader process's preview of the log it has just parsed: shown at once."""
        found = await asyncio.to_thread(preview_from, payload, self.log_path, now=self.now)
        if found is not None:
            self._show_preview(*found)

    def _preview_arrived(self, loaded: Loaded, total: int) -> None:
        """In the load thread: show this preview now, before the whole log is read."""
        with contextlib.suppress(RuntimeError):  # the app has ended meanwhile
            self.call_from_thread(self._show_preview, loaded, total)

    def _show_preview(self, loaded: Loaded, total: int) -> None:
        if self.view is not None or loaded.view is None or not self._mounted():
            return
        self.result = loaded.result
        self.loading_total = total
        self._show_view(loaded.view)
        self._tick()  # the clock, now that the log's time zone is known

    def _loaded(self, loaded: Loaded) -> None:
        result, view = loaded.result, loaded.view
        self._loading = False
        self._signature = loaded.signature
        self.result = result
        if self.loading_total and view is None:
            self.view = None  # a preview of a log that turned out to be broken: not a log
        self.loading_total = 0
        problems = self.query_one(ProblemsPanel)
        if view is None:
            problems.show_problems(result.problems, have_log=self.view is not None)
            problems.display = True
            self.set_class(self.view is None, "-no-log")
            errors = len(result.errors)
            self.notify(
                f"{self.log_path}: {errors} error{'s' if errors != 1 else ''}"
                + ("; still showing the last good version." if self.view else "."),
                severity="error",
                timeout=6,
            )
            if self.view is None:
                self.query_one(ProblemsPanel).focus()
            return
        problems.display = False
        self._last_good = loaded
        self._show_view(view)
        self._index_worker()
        if self._announce_load:
            warnings = len(result.warnings)
            note = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
            self.notify(f"Reloaded {len(view):,} events{note}.", timeout=3)
        self._tick()

    def _show_view(self, view: LogView) -> None:
        """Show a (new) log: every panel follows it; the cursor stays on its event."""
        self.remove_class("-no-log")
        keep = self._selected_id
        self.view = view
        self.marked = {m for m in self.marked if m in view.index_by_id}  # not a set of 100k
        self.timeline.marked = self.marked
        for panel in self._panels():
            panel.set_view(view, self.now())
        self._apply_filter(self.filter_text, keep=keep)
        if keep is None:
            self.action_today()
        self._update_detail()
        if self.shown_at is None:
            self.shown_at = time.perf_counter()

    def _poll(self) -> None:
        if self._loading:
            return
        if stat(self._watched()) != self._signature:
            self._load(announce=True)

    def _tick(self) -> None:
        if not self._mounted():
            return
        now = self.now()
        for panel in self._panels():
            panel.tick(now)

    def _panels(self) -> list[Panel]:
        """The widgets and the screens that follow the log and the clock (see :class:`Panel`)."""
        nodes: list[object] = [*self.query(Widget), *self.screen_stack]
        return [node for node in nodes if isinstance(node, Panel)]

    # -- selection and detail ---------------------------------------------------------

    @on(Timeline.Highlighted)
    def _highlighted(self, message: Timeline.Highlighted) -> None:
        if message.event is not None and not message.by_filter:
            self._selected_id = message.event.id
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(0.08, self._update_detail)

    def _update_detail(self) -> None:
        if self.view is not None and self._mounted():
            current = self.timeline.current
            if current is not self.detail.event:
                self.detail.show_event(self.view.log, current, self.view.event)

    @on(Timeline.Chosen)
    def _chosen(self, message: Timeline.Chosen) -> None:
        if self.view is not None:
            self.detail.show_event(self.view.log, message.event, self.view.event)
            self.detail.focus()

    @on(DetailPane.Leave)
    def _leave_detail(self) -> None:
        self.timeline.focus()

    @on(DetailPane.JumpTo)
    def _jump(self, message: DetailPane.JumpTo) -> None:
        self.select_event(message.event_id)

    @on(Timeline.MarkToggled)
    def _toggle_mark(self, message: Timeline.MarkToggled) -> None:
        event_id = message.event.id
        if event_id in self.marked:
            self.marked.discard(event_id)
        else:
            self.marked.add(event_id)
        self.timeline.action_cursor_down()
        self.timeline.refresh()
        self._show_count()

    # -- actions -----------------------------------------------------------------

    def action_today(self) -> None:
        if self.view is None:
            return
        position = self.view.nearest(self.timeline.shown, self.now())
        self.timeline.move_to(position)
        self.timeline.scroll_to_cursor(center=True)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_reload(self) -> None:
        self._load(announce=True)

    # -- command palette ---------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for key in KEYS:
            if key.title and key.action:
                help = f"{key.palette} ({key.keys})" if key.keys else key.palette
                yield SystemCommand(key.title, help, getattr(self, f"action_{key.action}"))
        yield from super().get_system_commands(screen)

    def action_toggle_mark(self) -> None:
        self.timeline.action_toggle_mark()

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self.timeline.refresh()
        self._show_count()
