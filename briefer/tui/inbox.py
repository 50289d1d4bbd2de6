"""The feed inbox screen (``i``): items newest first; preview, accept, dismiss, fetch.

Feed text is untrusted: it is only ever placed in ``rich.text.Text``, never
read as markup. Fetching runs in a thread with its own database connection,
so the browser never waits on the network.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from briefer.errors import BrieferError
from briefer.inbox.items import entry_for, in_log, item_date, log_urls, notes_for
from briefer.inbox.store import Inbox, Stored
from briefer.model import EventLog
from briefer.terminal import printable
from briefer.tui.framed import FramedScreen

if TYPE_CHECKING:
    from briefer.capture.entry import Entry
    from briefer.capture.place import Placed

__all__ = ["InboxScreen"]

HINT = "enter: preview · a: accept in $EDITOR · d: dismiss · f: fetch the feeds · escape: close"


class _Writer(Protocol):
    """The app's side of accepting (``tui/capture.py``): the editor, then the check."""

    def write_event(
        self,
        entry: Entry,
        notes: Sequence[str] = (),
        after: Callable[[Placed], None] | None = None,
    ) -> None: ...


class InboxScreen(FramedScreen[None]):
    """The inbox's new items; ``a`` writes one as an event through the editor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("a", "accept", "Accept"),
        Binding("d", "dismiss_item", "Dismiss"),
        Binding("f", "fetch", "Fetch"),
    ]

    DEFAULT_CSS = """
    InboxScreen > Vertical { width: 120; }
    InboxScreen #inbox-preview { height: auto; max-height: 12; margin-top: 1; }
    InboxScreen #inbox-empty { color: $text-muted; padding: 1 0; }
    InboxScreen #inbox-hint { color: $text-muted; }
    """

    def __init__(self, log_path: str, log: EventLog) -> None:
        super().__init__()
        self.log_path = log_path
        self.event_log = log
        self.items: list[Stored] = []
        self.fetching = False
        self._feed_width = 0
        self._any_known = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Feed inbox"
            yield OptionList(id="inbox-items")
            yield Static("", id="inbox-empty")
            yield Static("", id="inbox-preview")
            yield Static(HINT, id="inbox-hint")

    def on_mount(self) -> None:
        self.refresh_items()
        self.query_one(OptionList).focus()

    def refresh_items(self, keep: int | None = None) -> None:
        """Read the new items again (after a fetch, an accept or a dismissal)."""
        try:
            with Inbox(self.log_path) as box:
                self.items = box.items()
        except BrieferError as exc:
            self.app.notify(exc.format_message(), severity="error")
            self.items = []
        urls = log_urls(self.event_log)
        known = [in_log(i, urls) for i in self.items]
        self._feed_width = min(14, max((len(i.feed) for i in self.items), default=0))
        self._any_known = any(known)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            [Option(self._line(i, k), id=str(i.n)) for i, k in zip(self.items, known, strict=True)]
        )
        empty = self.query_one("#inbox-empty", Static)
        empty.display = not self.items
        empty.update("No new items. f fetches the feeds." if not self.items else "")
        preview = self.query_one("#inbox-preview", Static)
        preview.update("")
        preview.display = False
        if self.items:
            numbers = [i.n for i in self.items]
            options.highlighted = numbers.index(keep) if keep in numbers else 0

    def _line(self, item: Stored, known: bool) -> Text:
        line = Text()
        line.append(f"{item_date(item, self.event_log) or '-':<16}  ", style="dim")
        width = self._feed_width
        line.append(f"{printable(item.feed)[:width]:<{width}}  ", style="cyan")
        if self._any_known:  # the column only when some item has it
            line.append("in log  " if known else "        ", style="green")
        line.append(printable(item.title))
        return line

    def current(self) -> Stored | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    @on(OptionList.OptionSelected)
    def _preview(self, message: OptionList.OptionSelected) -> None:
        item = self.current()
        if item is None:
            return
        text = Text()
        text.append(printable(item.title) + "\n", style="bold")
        text.append(f"{item.feed} · {item_date(item, self.event_log) or 'no date'}\n", style="dim")
        if item.link:
            text.append(printable(item.link) + "\n", style="underline")
        if item.summary:
            text.append("\n" + printable(item.summary))
        preview = self.query_one("#inbox-preview", Static)
        preview.update(text)
        preview.display = True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_dismiss_item(self) -> None:
        item = self.current()
        if item is None:
            return
        with Inbox(self.log_path) as box:
            box.set_state([item.n], "dismissed")
        index = self.items.index(item)
        following = self.items[index + 1] if index + 1 < len(self.items) else None
        self.refresh_items(keep=following.n if following else None)
        self.app.notify(f"Dismissed: {item.title}", timeout=3)

    def action_accept(self) -> None:
        item = self.current()
        if item is None:
            return
        with Inbox(self.log_path) as box:
            titles = box.feed_titles()
        feed = next((f for f in self.event_log.feeds if f.id == item.feed), None)
        publisher = (feed.title if feed else None) or titles.get(item.feed) or item.feed
        entry = entry_for(item, self.event_log, publisher)
        app: _Writer = self.app  # type: ignore[assignment]

        def accepted(placed: Placed) -> None:
            with Inbox(self.log_path) as box:
                box.set_state([item.n], "accepted", placed.event_id)
            if self.is_attached:
                self.refresh_items()

        app.write_event(entry, notes_for(item, publisher), after=accepted)

    def action_fetch(self) -> None:
        if self.fetching:
            self.app.notify("The feeds are being fetched already.", timeout=3)
            return
        if not self.event_log.feeds:
            self.app.notify("The log lists no feeds: (add them to its header).", severity="warning")
            return
        self.fetching = True
        self.app.notify(f"Fetching {len(self.event_log.feeds)} feeds…", timeout=3)
        self._fetch_worker()

    @work(thread=True, group="fetch")
    def _fetch_worker(self) -> None:
        from briefer.inbox.fetch import fetch_feeds

        try:
            with Inbox(self.log_path) as box:
                results = fetch_feeds(self.event_log, box, now=int(time.time()))
        except BrieferError as exc:
            self.app.call_from_thread(self._fetched, exc.format_message(), 0, [])
            return
        failed = [f"{r.feed.id}: {r.error}" for r in results if r.error]
        new = sum(r.new for r in results)
        self.app.call_from_thread(self._fetched, None, new, failed, len(results))

    def _fetched(self, error: str | None, new: int, failed: list[str], feeds: int = 0) -> None:
        self.fetching = False
        if error is not None:
            self.app.notify(error, severity="error", timeout=8)
            return
        current = self.current()
        if self.is_attached:
            self.refresh_items(keep=current.n if current else None)
        message = f"{new} new item{'s' if new != 1 else ''} from {feeds} feeds"
        if failed:
            self.app.notify(
                message + "\n" + "\n".join(failed), title="Fetched", severity="warning", timeout=12
            )
        else:
            self.app.notify(message, title="Fetched", timeout=6)
