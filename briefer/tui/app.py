"""The browser application: layout, keys, loading, reloading, rendering and editing."""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from briefer.loader import LoadResult, load_log
from briefer.model import EventLog
from briefer.terminal import printable
from briefer.tui.density import DensityBar
from briefer.tui.detail import DetailPane
from briefer.tui.filterbar import FilterBar, FilterInput
from briefer.tui.header import BriefHeader
from briefer.tui.help import HelpScreen
from briefer.tui.problems import ProblemsPanel
from briefer.tui.timeline import Timeline
from briefer.tui.view import LogView
from briefer.tui.watch import WatchList

__all__ = ["BrieferApp"]

#: Below this width the side column moves under the timeline.
NARROW = 110
_Signature = tuple[tuple[str, int, int], ...]


class BrieferApp(App[None]):
    """Browse, filter and search the event log; mark events and render briefs."""

    TITLE = "briefer"

    CSS = """
    Screen { layout: vertical; }
    #body { height: 1fr; }
    #main { width: 1fr; height: 1fr; }
    #side { width: 45%; height: 1fr; border-left: vkey $secondary; }
    #side > DetailPane { height: 1fr; }
    BrieferApp.-narrow #body { layout: vertical; }
    BrieferApp.-narrow #side { width: 1fr; height: 50%; border-left: none; }
    BrieferApp.-narrow #side > WatchList { max-height: 4; }
    BrieferApp.-no-log #body { display: none; }
    BrieferApp.-no-log ProblemsPanel { height: 1fr; max-height: 100%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("t", "today", "Today"),
        Binding("r", "render", "Render"),
        Binding("e", "edit", "Edit"),
        Binding("o", "open_source", "Open"),
        Binding("R", "reload", "Reload"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        log_path: str,
        *,
        use_cache: bool = True,
        as_of: float | None = None,
        clock: Callable[[], float] = time.time,
        poll_interval: float = 1.0,
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
        self._signature: _Signature = ()
        self._rendering = False
        self._detail_timer: Timer | None = None
        self._density_timer: Timer | None = None
        self._loading = False
        #: The event the user last put the cursor on: filters that hide it for a while
        #: (typing a query passes through many) bring it back once it matches again.
        self._selected_id: str | None = None
        self._announce_load = False
        #: perf_counter() at the first paint and when the log became visible (benchmarks).
        self.painted_at: float | None = None
        self.shown_at: float | None = None

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
        yield BriefHeader(id="header")
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
    def timeline(self) -> Timeline:
        return self.query_one(Timeline)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def on_mount(self) -> None:
        self.query_one(ProblemsPanel).display = False
        self.timeline.placeholder = f"Loading {self.log_path}…"
        self.timeline.focus()
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
        files = [self.log_path]
        if self.view is not None:
            files += [str(f) for f in self.view.log.files if str(f) != self.log_path]
        if self.result is not None:
            files += sorted({str(p.pos.file) for p in self.result.problems} - set(files))
        return files

    @staticmethod
    def _stat(files: Iterable[str]) -> _Signature:
        out = []
        for path in files:
            try:
                st = os.stat(path)
                out.append((path, st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((path, -1, -1))
        return tuple(out)

    def _load(self, *, announce: bool = False) -> None:
        if self._loading:
            return
        self._loading = True
        self._announce_load = announce
        self._load_worker(self._stat(self._watched()))

    @work(thread=True, exclusive=True, group="load")
    def _load_worker(self, before: _Signature) -> None:
        result = load_log(self.log_path, use_cache=self.use_cache, now=int(self.now()))
        # Everything proportional to the log's size happens here, off the event loop.
        view = LogView(result.log, self.now()) if result.log is not None else None
        files = [self.log_path]
        if result.log is not None:
            files += [str(f) for f in result.log.files if str(f) != self.log_path]
        files += sorted({str(p.pos.file) for p in result.problems} - set(files))
        after = self._stat(files)
        # A file saved while we read it: load again at the next poll.
        changed_meanwhile = any(entry not in after for entry in before if entry[0] in files)
        self.call_from_thread(self._loaded, result, view, () if changed_meanwhile else after)

    def _loaded(self, result: LoadResult, view: LogView | None, signature: _Signature) -> None:
        self._loading = False
        self._signature = signature
        self.result = result
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
        self.remove_class("-no-log")
        keep = self._selected_id
        self.view = view
        log = view.log
        self.marked &= set(view.index_by_id)
        self.timeline.marked = self.marked
        self.query_one(BriefHeader).set_log(log.title, log.marking)
        self.query_one(WatchList).set_log(log, view.watch, self.now())
        self._apply_filter(self.filter_text, keep=keep)
        if keep is None:
            self.action_today()
        self._update_detail()
        if self.shown_at is None:
            self.shown_at = time.perf_counter()
        if self._announce_load:
            warnings = len(result.warnings)
            note = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
            self.notify(f"Reloaded {len(view):,} events{note}.", timeout=3)
        self._tick()

    def _poll(self) -> None:
        if self._loading:
            return
        if self._stat(self._watched()) != self._signature:
            self._load(announce=True)

    def _mounted(self) -> bool:
        """False once the app is closing (a timer can still fire then)."""
        return bool(self.query(Timeline))

    def _tick(self) -> None:
        if not self._mounted():
            return
        now = self.now()
        log = self.view.log if self.view else None
        header = self.query_one(BriefHeader)
        if log is not None:
            header.tick(now, log.tzinfo, as_of=self.as_of is not None)
        self.query_one(WatchList).tick(now)

    # -- filtering -----------------------------------------------------------------

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
                self.timeline.show(view, list(range(len(view))), keep=keep)
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
        self.filter_bar.show_count(len(self.timeline.shown), len(self.view), len(self.marked))

    def _update_density(self) -> None:
        if self.view is None or not self._mounted():
            return
        density = self.query_one(DensityBar)
        counts, first, last = self.view.density(self.timeline.shown, density.bins)
        density.show(counts, first, last)

    @on(FilterInput.Leave)
    def _leave_filter(self) -> None:
        self.timeline.focus()

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
        if self.view is None or message.event_id not in self.view.index_by_id:
            self.notify(f"No event '{message.event_id}' in the log.", severity="warning")
            return
        self._selected_id = message.event_id
        if not self.timeline.move_to_id(message.event_id):
            self.filter_bar.input.value = ""  # posts Changed; clear the filter at once too
            self._apply_filter("", keep=message.event_id)
            self.notify("Filter cleared to show the related event.", timeout=3)
        self.timeline.focus()

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

    def action_focus_filter(self) -> None:
        self.filter_bar.input.focus()

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

    def action_open_source(self) -> None:
        event = self.timeline.current
        if event is None or self.view is None:
            return
        for citation in event.sources:
            source = self.view.log.sources.get(citation.source)
            if source is not None and source.url and source.url.startswith(("http://", "https://")):
                self.open_url(source.url)
                self.notify(f"Opening {source.url}", timeout=3)
                return
        self.notify("This event's sources have no web address.", severity="warning")

    def action_edit(self) -> None:
        target = self._edit_target()
        if target is None:
            self.notify("Nothing to edit.", severity="warning")
            return
        path, line = target
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        command = [*shlex.split(editor), f"+{line}", path]
        try:
            if self.is_headless:  # tests: there is no terminal to hand over
                code = subprocess.call(command, stdin=subprocess.DEVNULL)
            else:
                with self.suspend():
                    code = subprocess.call(command)
        except SuspendNotSupported:
            self.notify("Cannot hand the terminal to an editor here.", severity="error")
            return
        except OSError as exc:
            self.notify(f"Cannot run {editor!r}: {exc.strerror}", severity="error")
            return
        if code:
            self.notify(f"{command[0]} exited with status {code}.", severity="warning")
        self._load(announce=True)

    def _edit_target(self) -> tuple[str, int] | None:
        """The selected event's file and line; else the first problem's."""
        if self.result is not None and self.result.log is None and self.result.errors:
            pos = self.result.errors[0].pos
            return str(pos.file), max(pos.line, 1)
        event = self.timeline.current
        if event is None:
            return None
        return str(event.pos.file), event.pos.line

    def action_render(self) -> None:
        if self.view is None:
            self.notify("No valid log to render.", severity="error")
            return
        if self._rendering:
            self.notify("A brief is already being rendered.", severity="warning")
            return
        log = self.view.log
        now = self.now()
        command = [sys.executable, "-m", "briefer", "--log", self.log_path, "render", "--pdf"]
        as_of = now if self.as_of is not None else None
        command += ["--as-of", "now" if as_of is None else _minute(as_of, log)]
        marked = [e for e in log.events if e.id in self.marked]
        if marked:
            command += ["--events", ",".join(e.id for e in marked)]
            first = min(e.date.earliest for e in marked if e.date.earliest is not None)
            command += ["--since", _minute(min(first, now - 60), log)]
            what = f"{len(marked)} marked event{'s' if len(marked) != 1 else ''}"
        elif self.filter_text.strip() and self.filter_bar.has_error:
            self.notify("Fix the filter first (or clear it with escape).", severity="error")
            return
        elif self.filter_text.strip():
            command += ["--filter", self.filter_text.strip()]
            what = f"the filter {self.filter_text.strip()!r}"
        else:
            what = "the whole log"
        self._rendering = True
        self.notify(f"Rendering a brief of {what}…", timeout=3)
        self._render_worker(command)

    @work(group="render")
    async def _render_worker(self, command: list[str]) -> None:
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await process.communicate()
        except OSError as exc:
            self.notify(f"Cannot start the renderer: {exc.strerror}", severity="error")
            return
        finally:
            self._rendering = False
        if process.returncode == 0:
            paths = out.decode(errors="replace").strip() or "(nothing written)"
            self.notify(paths, title="Brief written", timeout=12)
        else:
            lines = err.decode(errors="replace").strip().splitlines() or ["(no message)"]
            self.notify(
                lines[-1],
                title=f"Render failed (exit {process.returncode})",
                severity="error",
                timeout=15,
            )

    # -- command palette ---------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield SystemCommand("Filter", "Focus the filter bar (/)", self.action_focus_filter)
        yield SystemCommand("Jump to today", "The event nearest to now (t)", self.action_today)
        yield SystemCommand(
            "Mark / unmark event",
            "Mark the selected event for the brief (space)",
            self.timeline.action_toggle_mark,
        )
        yield SystemCommand("Clear marks", "Unmark every event", self.action_clear_marks)
        yield SystemCommand(
            "Render brief", "Of the marked events, or else the filter (r)", self.action_render
        )
        yield SystemCommand("Edit event", "Open $EDITOR at the event (e)", self.action_edit)
        yield SystemCommand(
            "Open source", "Open the event's first source URL (o)", self.action_open_source
        )
        yield SystemCommand("Reload log", "Read the log again (R)", self.action_reload)
        yield SystemCommand("Help", "Keys and the query language (?)", self.action_help)
        yield from super().get_system_commands(screen)

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self.timeline.refresh()
        self._show_count()


def _minute(moment: float, log: EventLog) -> str:
    """``2023-11-22T09:00`` in the log's time zone (what ``render`` reads back)."""
    return datetime.fromtimestamp(int(moment) // 60 * 60, log.tzinfo).strftime("%Y-%m-%dT%H:%M")
