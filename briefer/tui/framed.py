"""The framed pop-up screens' common look: a bordered, titled box in the middle.

The inbox (``i``), the key judgments (``J``) and the indicators (``I``) are one
such box each; their own CSS adds only what is theirs.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

__all__ = ["FramedScreen"]

R = TypeVar("R")


class FramedScreen(ModalScreen[R]):
    """A modal screen whose first ``Vertical`` is a titled box, centred (a subclass's
    type selectors match it too, so its own CSS can change the width and the rest)."""

    DEFAULT_CSS = """
    FramedScreen { align: center middle; }
    FramedScreen > Vertical {
        width: 110; max-width: 100%; height: auto; max-height: 100%;
        background: $surface; border: round $primary; padding: 0 1;
        border-title-color: $text-accent; border-title-style: bold;
    }
    FramedScreen OptionList, FramedScreen OptionList:focus {
        height: auto; max-height: 1fr; border: none; padding: 0; background: $surface;
    }
    """
