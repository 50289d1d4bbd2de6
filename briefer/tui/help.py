"""The help screen (``?``): keys and the query language."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from briefer.tui.keys import help_table

__all__ = ["HelpScreen"]

HELP = f"""\
# briefer — keys

{help_table()}

# Filter

All terms must match. Plain words and `"a phrase"` search title, summary,
actors, place and tags, ignoring case.

| term | matches |
|---|---|
| `kind:incident` `tag:x` `source:id` `conf:high` `id:x` | exactly (ignoring case) |
| `actor:police` `place:mitrovica` | part of an actor or place |
| `sig>=4` (also `>` `=` `<=` `<`) | significance 1–5 |
| `after:2023-09` `before:2024` `after:7d` | starting on/after, before; `7d`, `2w` back from now |
| `-term` | anything but |

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
        with VerticalScroll():
            yield Markdown(HELP)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
