"""The help screen (``?``): keys and the query language."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from briefer.tui.keys import help_table

__all__ = ["HelpScreen"]


def query_table() -> str:
    """The query language as a Markdown table, from the one table of query fields."""
    from briefer.query.fields import help_rows

    lines = ["| term | matches |", "|---|---|"]
    lines += [f"| `{terms}` | {text} |" for terms, text in help_rows()]
    return "\n".join(lines)


def help_text() -> str:
    """The help screen's Markdown (built when it is first shown, not with the browser)."""
    return f"""\
# briefer — keys

{help_table()}

# Filter

All terms must match; for example `kind:incident actor:police sig>=4 after:2023-09
-tag:drill` keeps the incidents involving the police, of significance 4 or more,
since September 2023 and not tagged drill.

{query_table()}

Press `escape`, `q` or `?` to close.
"""


class HelpScreen(ModalScreen[None]):
    """Keys and the query language, over the browser."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        background: $surface; border: round $primary; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown

        with VerticalScroll():
            yield Markdown(help_text())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
