"""The detail pane: one event in full, its related events and its sources.

User text is only ever placed in ``rich.text.Text`` objects or handed to the
Markdown widget as Markdown; it is never parsed as Textual markup.

The Markdown widget (and the Markdown parser it brings) is imported and mounted
when the first event is shown, not with the browser: ~40 ms of its first paint.
The thread that loads the log imports it beforehand (``tui.loading``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from briefer.terminal import printable
from briefer.tui.kinds import kind_glyph, kind_rich_style

if TYPE_CHECKING:
    from textual.widgets import Markdown

    from briefer.model import Event, EventLog

__all__ = ["DetailPane"]

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


class DetailPane(VerticalScroll, can_focus=True):
    """Title, date, summary (Markdown), facts, related events and numbered sources."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", show=False),
    ]

    DEFAULT_CSS = """
    DetailPane {
        padding: 0 1;
        background: $surface;
    }
    DetailPane > #detail-title { text-style: bold; color: $text; margin-bottom: 1; }
    DetailPane > #detail-facts { color: $text; }
    DetailPane > Markdown { margin: 1 0 0 0; padding: 0; background: $surface; }
    DetailPane > .detail-heading { color: $text-accent; text-style: bold; margin-top: 1; }
    DetailPane > #detail-related { height: auto; max-height: 8; border: none; padding: 0; }
    DetailPane > #detail-empty { color: $text-muted; }
    """

    class JumpTo(Message):
        """The user chose a related event."""

        def __init__(self, event_id: str) -> None:
            super().__init__()
            self.event_id = event_id

    class Leave(Message):
        """``escape`` in the pane: back to the timeline."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.event: Event | None = None
        #: The summary's widget, once mounted (it is, when the first event is shown).
        self._summary_widget: Markdown | None = None
        self._summary_mounting = False
        self._summary_text = ""

    def compose(self) -> ComposeResult:
        yield Static("Select an event to see it here.", id="detail-empty")
        yield Static(id="detail-title")
        yield Static(id="detail-facts")  # the summary's Markdown goes after it (_summary)
        yield Static("Related", classes="detail-heading", id="detail-related-heading")
        yield OptionList(id="detail-related")
        yield Static("Sources", classes="detail-heading", id="detail-sources-heading")
        yield Static(id="detail-sources")

    def on_mount(self) -> None:
        self._show_parts(False)

    def _show_parts(self, shown: bool) -> None:
        for child in self.children:
            child.display = shown if child.id != "detail-empty" else not shown

    def show_event(
        self, log: EventLog, event: Event | None, lookup: Callable[[str], Event | None]
    ) -> None:
        """Fill the pane with ``event`` (or the empty message)."""
        self.event = event
        if event is None:
            self._show_parts(False)
            return
        self._show_parts(True)
        tz = log.tzinfo
        dark = self.app.current_theme.dark
        title = Text(printable(event.title), style="bold")
        self.query_one("#detail-title", Static).update(title)

        facts = Text()
        facts.append(event.date.display(tz), style="bold")
        if any(c in event.date.text for c in "~?%/"):  # show the EDTF as written
            facts.append(f"  ({event.date.text})", style="dim")
        facts.append("\n")
        facts.append(
            f"{kind_glyph(event.kind)} {event.kind or 'no kind'}", kind_rich_style(event.kind, dark)
        )
        facts.append(f"  ·  significance {event.significance}")
        facts.append(
            f"  ·  confidence {event.confidence.value if event.confidence else 'not stated'}"
        )
        facts.append(f"\nid {event.id}", style="dim")
        _field(facts, "Actors", printable(", ".join(event.actors)))
        if event.location is not None:
            place = str(event.location)
            if event.location.lat is not None and event.location.lon is not None:
                place += f" ({event.location.lat:.4f}, {event.location.lon:.4f})"
            _field(facts, "Place", printable(place))
        _field(facts, "Tags", printable(", ".join(event.tags)))
        if event.figures:
            parts = []
            for metric_id, value in event.figures.items():
                metric = log.metrics.get(metric_id)
                label = metric.label if metric else metric_id
                unit = f" {metric.unit}" if metric and metric.unit else ""
                parts.append(f"{label}: {value:,g}{unit}")
            _field(facts, "Figures", printable("; ".join(parts)))
        self.query_one("#detail-facts", Static).update(facts)

        self._summary(printable(event.summary or "", lines=True))

        related = self.query_one("#detail-related", OptionList)
        related.clear_options()
        for rid in event.related:
            other = lookup(rid)
            entry = Text()
            if other is None:
                entry.append(rid, style="dim")
            else:
                entry.append(other.date.display(tz), style="dim")
                entry.append("  ")
                entry.append(printable(other.title))
            related.add_option(Option(entry, id=rid))
        has_related = bool(event.related)
        related.display = has_related
        self.query_one("#detail-related-heading").display = has_related

        from briefer.tradecraft.grades import grade_code, grade_words

        sources = Text()
        for n, citation in enumerate(event.sources, start=1):
            source = log.sources.get(citation.source)
            if n > 1:
                sources.append("\n")
            reliability = None if source is None else source.reliability
            code = grade_code(reliability, citation.credibility)
            sources.append(f"[{n}{' ' + code if code else ''}] ", style="bold")
            if source is None:
                sources.append(citation.source)
                continue
            sources.append(printable(source.title))
            extra = [p for p in (source.publisher, source.published and source.published.text) if p]
            if extra:
                sources.append(" — " + printable(", ".join(extra)), style="dim")
            if code:
                sources.append(f" · {grade_words(reliability, citation.credibility)}")
            if citation.note:
                sources.append(f" ({printable(citation.note)})", style="italic")
            if source.url:
                sources.append("\n    ")
                link = source.url if source.url.startswith(_SAFE_SCHEMES) else None
                shown = printable(source.url)
                sources.append(shown, style=Style(link=link) if link and shown == link else "dim")
        has_sources = bool(event.sources)
        self.query_one("#detail-sources", Static).update(sources)
        self.query_one("#detail-sources", Static).display = has_sources
        self.query_one("#detail-sources-heading").display = has_sources
        self.scroll_home(animate=False)

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        if message.option.id:
            self.post_message(self.JumpTo(message.option.id))

    def _summary(self, text: str) -> None:
        """Show ``text`` (Markdown) below the facts; the first time, mount the widget
        (its newest text is shown once it is mounted)."""
        self._summary_text = text
        if self._summary_widget is not None:
            self._summary_widget.update(text)
            self._summary_widget.display = bool(text)
        elif not self._summary_mounting:
            self._summary_mounting = True
            self.call_later(self._mount_summary)

    async def _mount_summary(self) -> None:
        from textual.widgets import Markdown

        widget = Markdown(id="detail-summary", open_links=False)
        widget.display = False
        await self.mount(widget, after="#detail-facts")
        self._summary_widget = widget
        if self.event is not None:
            widget.display = bool(self._summary_text)
            await widget.update(self._summary_text)  # awaited: quitting meanwhile is quiet

    def on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        message.stop()
        if message.href.startswith(_SAFE_SCHEMES):
            self.app.open_url(message.href)
        else:
            self.notify(f"Not opening {message.href!r}: only web and mail links open.")

    def action_leave(self) -> None:
        self.post_message(self.Leave())


def _field(text: Text, label: str, value: str) -> None:
    if value:
        text.append(f"\n{label}: ", style="bold")
        text.append(value)
