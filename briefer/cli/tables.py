"""Plain-text tables for the terminal, shared by ``list``, ``judgments`` and ``indicators``.

On a terminal a row's last cell (a title, a statement) is cut to the width of
the screen and long text is wrapped; into a pipe every row stays whole, one
line each, for grep and friends. Cells must already be :func:`printable`.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence

__all__ = ["aligned", "terminal_width", "wrapped"]


def terminal_width() -> int:
    """The width of the terminal stdout writes to, or 0 when it is not one (no cutting)."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else 0


def aligned(rows: Sequence[Sequence[str]], width: int, *, indent: str = "") -> list[str]:
    """One line per row (of two cells or more): all but the last cell padded to its column.

    The last cell is cut with ``…`` to fit ``width`` (0: never), unless that
    would leave it too short to read.
    """
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    out = []
    for *cells, last in rows:
        head = indent + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        if len(head) + 2 + len(last) > width > len(head) + 12:
            last = last[: width - len(head) - 3] + "…"
        out.append(f"{head}  {last}")
    return out


def wrapped(text: str, width: int, *, indent: str) -> list[str]:
    """``text`` indented, wrapped to ``width`` (0: one line)."""
    if width <= len(indent) + 20:
        return [indent + text]
    return textwrap.wrap(
        text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    ) or [indent]
