"""The terminal timeline browser (Textual).

One widget (or screen) a module; ``app`` lays them out and wires keys and
messages; ``keys`` is the one table of keys; ``loading`` and ``jobs`` hold what
runs off the screen; ``view`` is what the browser shows, computed without
Textual, and ``boards`` what the judgments (``judgments``) and indicators
(``indicators``) screens show; ``tradecraft`` opens them.

Importing this package does not import Textual: the command line shows the
keys (``keys.help_lines``) without starting the browser. ``BrieferApp`` is
imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefer.tui.app import BrieferApp

__all__ = ["BrieferApp"]


def __getattr__(name: str) -> object:
    if name == "BrieferApp":
        from briefer.tui.app import BrieferApp

        return BrieferApp
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
