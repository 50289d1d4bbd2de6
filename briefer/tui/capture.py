"""The browser's capture keys (SPEC §8): ``n`` a new event, ``i`` the feed inbox.

A new event is written in ``$EDITOR`` exactly as ``e`` edits one (the app is
suspended, then resumed); the entry is then checked with the whole log and
put in place in a thread (:func:`briefer.capture.place.capture`, the path of
``briefer add``), and the timeline reloads with the new event selected.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from briefer.errors import BrieferError
from briefer.tui.jobs import Note, edit
from briefer.tui.timeline import Timeline
from briefer.tui.view import LogView

if TYPE_CHECKING:
    from briefer.capture.entry import Entry
    from briefer.capture.place import Placed
    from briefer.loader import LoadResult

__all__ = ["CaptureActions"]


class CaptureActions(App[None]):
    """``n`` and ``i``; :class:`~briefer.tui.app.BrieferApp` is one and sets these attributes."""

    log_path: str
    use_cache: bool
    view: LogView | None
    result: LoadResult | None
    _selected_id: str | None

    if TYPE_CHECKING:  # provided by BrieferApp, which mixes this class in

        def now(self) -> float: ...

        def action_reload(self) -> None: ...

        def _show(self, note: Note) -> None: ...

        def still_loading(self) -> bool: ...

    def action_new_event(self) -> None:
        from briefer.capture.entry import Entry

        current = self.query_one(Timeline).current
        if current is None:
            self.write_event(Entry())
        else:
            self.write_event(Entry(date=current.date.text, kind=current.kind, tags=current.tags))

    def action_inbox(self) -> None:
        from briefer.tui.inbox import InboxScreen

        if self.view is None:
            self.notify("No log is shown yet.", severity="warning", timeout=3)
            return
        if self.still_loading():  # accepting an item needs every id in the log
            return
        if not isinstance(self.screen, InboxScreen):
            self.push_screen(InboxScreen(self.log_path, self.view.log))

    def write_event(
        self,
        entry: Entry,
        notes: Sequence[str] = (),
        after: Callable[[Placed], None] | None = None,
    ) -> None:
        """The editor on a template of ``entry``; then check and place it in the background.

        ``after`` runs (in the app's thread) once the event is in place.
        """
        from briefer.capture.editor import strip_comments, template
        from briefer.capture.entry import build, dump
        from briefer.capture.place import capture_folder, new_draft

        if self.view is None:
            self.notify("No valid log to add to.", severity="error")
            return
        if self.still_loading():  # a new event's id must differ from every other's
            return
        log = self.view.log
        now = int(self.now())
        try:
            folder = capture_folder(self.log_path, log)
            body = dump(build(log, entry, now, template=True))
            full = template(log, body, notes)
            draft = new_draft(folder, time.strftime("%Y-%m-%dT%H%M"), full)
        except (BrieferError, ValueError, OSError) as exc:
            self.notify(_message(exc), severity="error", timeout=8)
            return
        note = edit(self, str(draft), full.count("\n") - body.count("\n") + 1)
        if note is not None and note.severity == "error":
            self._show(note)
            return
        edited = strip_comments(draft.read_text(encoding="utf-8"))
        if not edited.strip():
            draft.unlink()
            self.notify("Nothing added: the entry was empty.", timeout=4)
            return
        self._place(edited, draft, now, after)

    @work(thread=True, group="capture")
    def _place(
        self, edited: str, draft: Path, now: int, after: Callable[[Placed], None] | None
    ) -> None:
        from briefer.capture.editor import with_id
        from briefer.capture.place import Rejected, capture

        try:
            outcome = capture(
                self.log_path,
                lambda log, ids: with_id(edited, log.tzinfo, ids),
                now=now,
                draft=draft,
                use_cache=self.use_cache,
            )
        except (BrieferError, OSError) as exc:
            self.call_from_thread(self.notify, _message(exc), severity="error", timeout=10)
            return
        if isinstance(outcome, Rejected):
            shown = "\n".join(str(p) for p in outcome.problems[:4])
            more = len(outcome.problems) - 4
            self.call_from_thread(
                self.notify,
                shown
                + (f"\n… and {more} more" if more > 0 else "")
                + f"\nThe draft is kept in {outcome.display} ('briefer add --resume' opens it).",
                title="Nothing added",
                severity="error",
                timeout=20,
            )
            return
        self.call_from_thread(self._placed, outcome, after)

    def _placed(self, placed: Placed, after: Callable[[Placed], None] | None) -> None:
        if after is not None:
            after(placed)
        self.notify(f"{placed.event_id} in {placed.display}", title="Event added", timeout=6)
        self._selected_id = placed.event_id  # the reload keeps the cursor on it
        self.action_reload()


def _message(exc: BaseException) -> str:
    if isinstance(exc, BrieferError):
        return exc.format_message()
    return getattr(exc, "strerror", None) or str(exc)
