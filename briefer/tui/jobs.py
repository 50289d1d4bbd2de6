"""The browser's jobs outside itself: render a brief, edit in ``$EDITOR``, open a source.

Each returns what to tell the user as a :class:`Note`; the app shows it.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import sys
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SuspendNotSupported
from textual.notifications import SeverityLevel

from briefer.tui.filterbar import FilterBar
from briefer.tui.timeline import Timeline

if TYPE_CHECKING:
    from briefer.model import Event, EventLog
    from briefer.results import LoadResult
    from briefer.tui.view import LogView

__all__ = [
    "JobActions",
    "Note",
    "RenderJob",
    "edit",
    "edit_target",
    "render",
    "render_job",
    "web_source",
]


@dataclass(frozen=True)
class Note:
    """A notification for the user."""

    message: str
    title: str = ""
    severity: SeverityLevel = "information"
    timeout: float | None = None


@dataclass(frozen=True)
class RenderJob:
    """A ``briefer render`` command line, and what it renders in words."""

    command: list[str]
    what: str


def render_job(
    log_path: str,
    log: EventLog,
    *,
    now: float,
    as_of_fixed: bool,
    marked: Collection[str],
    filter_text: str,
    filter_invalid: bool,
) -> RenderJob | Note:
    """The command rendering the marked events, else the filter, else the whole log."""
    command = [sys.executable, "-m", "briefer", "--log", log_path, "render", "--pdf"]
    command += ["--as-of", _minute(now, log) if as_of_fixed else "now"]
    chosen = [e for e in log.events if e.id in marked]
    if chosen:
        command += ["--events", ",".join(e.id for e in chosen)]
        first = min(e.date.earliest for e in chosen if e.date.earliest is not None)
        command += ["--since", _minute(min(first, now - 60), log)]
        what = f"{len(chosen)} marked event{'s' if len(chosen) != 1 else ''}"
    elif filter_text.strip() and filter_invalid:
        return Note("Fix the filter first (or clear it with escape).", severity="error")
    elif filter_text.strip():
        command += ["--filter", filter_text.strip()]
        what = f"the filter {filter_text.strip()!r}"
    else:
        what = "the whole log"
    return RenderJob(command, what)


async def render(command: list[str]) -> Note:
    """Run the renderer without blocking the event loop; the paths written, or the error."""
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
    except OSError as exc:
        return Note(f"Cannot start the renderer: {exc.strerror}", severity="error")
    if process.returncode == 0:
        paths = out.decode(errors="replace").strip() or "(nothing written)"
        return Note(paths, title="Brief written", timeout=12)
    lines = err.decode(errors="replace").strip().splitlines() or ["(no message)"]
    return Note(
        lines[-1],
        title=f"Render failed (exit {process.returncode})",
        severity="error",
        timeout=15,
    )


def edit_target(result: LoadResult | None, event: Event | None) -> tuple[str, int] | None:
    """The selected event's file and line; else the first problem's."""
    if result is not None and result.log is None and result.errors:
        pos = result.errors[0].pos
        return str(pos.file), max(pos.line, 1)
    if event is None:
        return None
    return str(event.pos.file), event.pos.line


def edit(app: App[None], path: str, line: int) -> Note | None:
    """Hand the terminal to ``$VISUAL``/``$EDITOR`` (else vi) at ``path:line``.

    A Note says what went wrong; an error Note means the editor did not run.
    """
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    command = [*shlex.split(editor), f"+{line}", path]
    try:
        if app.is_headless:  # tests: there is no terminal to hand over
            code = subprocess.call(command, stdin=subprocess.DEVNULL)
        else:
            with app.suspend():
                code = subprocess.call(command)
    except SuspendNotSupported:
        return Note("Cannot hand the terminal to an editor here.", severity="error")
    except OSError as exc:
        return Note(f"Cannot run {editor!r}: {exc.strerror}", severity="error")
    if code:
        return Note(f"{command[0]} exited with status {code}.", severity="warning")
    return None


def web_source(log: EventLog, event: Event) -> str | None:
    """The first web address among the event's sources."""
    for citation in event.sources:
        source = log.sources.get(citation.source)
        if source is not None and source.url and source.url.startswith(("http://", "https://")):
            return source.url
    return None


class JobActions(App[None]):
    """The app's actions that run something outside it: ``r``, ``e`` and ``o``.

    :class:`~briefer.tui.app.BrieferApp` is one; it sets these attributes.
    """

    log_path: str
    as_of: float | None
    view: LogView | None
    result: LoadResult | None
    marked: set[str]
    filter_text: str
    _rendering: bool

    if TYPE_CHECKING:  # provided by BrieferApp, which mixes this class in

        def now(self) -> float: ...

        def action_reload(self) -> None: ...

        def still_loading(self) -> bool: ...

    def action_open_source(self) -> None:
        event = self.query_one(Timeline).current
        if event is None or self.view is None:
            return
        url = web_source(self.view.log, event)
        if url is None:
            self.notify("This event's sources have no web address.", severity="warning")
            return
        self.open_url(url)
        self.notify(f"Opening {url}", timeout=3)

    def action_edit(self) -> None:
        target = edit_target(self.result, self.query_one(Timeline).current)
        if target is None:
            self.notify("Nothing to edit.", severity="warning")
            return
        note = edit(self, *target)
        if note is not None:
            self._show(note)
        if note is None or note.severity != "error":  # the editor ran: read its changes
            self.action_reload()

    def action_render(self) -> None:
        if self.view is None:
            self.notify("No valid log to render.", severity="error")
            return
        if self.still_loading():  # a brief is made of every event
            return
        if self._rendering:
            self.notify("A brief is already being rendered.", severity="warning")
            return
        job = render_job(
            self.log_path,
            self.view.log,
            now=self.now(),
            as_of_fixed=self.as_of is not None,
            marked=self.marked,
            filter_text=self.filter_text,
            filter_invalid=self.query_one(FilterBar).has_error,
        )
        if isinstance(job, Note):
            self._show(job)
            return
        self._rendering = True
        self.notify(f"Rendering a brief of {job.what}…", timeout=3)
        self._render_worker(job.command)

    @work(group="render")
    async def _render_worker(self, command: list[str]) -> None:
        try:
            note = await render(command)
        finally:
            self._rendering = False
        self._show(note)

    def _show(self, note: Note) -> None:
        self.notify(note.message, title=note.title, severity=note.severity, timeout=note.timeout)


def _minute(moment: float, log: EventLog) -> str:
    """``2023-11-22T09:00`` in the log's time zone (what ``render`` reads back)."""
    return datetime.fromtimestamp(int(moment) // 60 * 60, log.tzinfo).strftime("%Y-%m-%dT%H:%M")
