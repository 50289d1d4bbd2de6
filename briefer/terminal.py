"""Text from the log made safe to show on a terminal: control characters escaped.

A log is written by people and tools briefer does not control. Printed as it
is, a title holding ``ESC ] 0 ; … BEL`` would retitle the terminal, ``ESC [ 2 J``
would clear it, a C1 control could start a sequence of its own, and a bidi
override (U+202E) would make the rest of a line read backwards. Every place
that shows log text on a terminal — the CLI's tables and messages and the
browser — passes it through :func:`printable`, which shows such characters as
Python-style escapes (``\\x1b``, ``\\u202e``) instead.
"""

from __future__ import annotations

__all__ = ["printable"]


_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _escape(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSAFE = [
    *range(0x20),  # C0 controls: ESC, BEL, BS, CR, LF, TAB…
    0x7F,  # DEL
    *range(0x80, 0xA0),  # C1 controls: CSI (0x9b) and OSC (0x9d) start sequences alone
    0x061C,  # Arabic letter mark
    0x200E,  # left-to-right mark
    0x200F,  # right-to-left mark
    *range(0x202A, 0x202F),  # bidi embeddings and overrides (U+202E reverses a line)
    *range(0x2066, 0x206A),  # bidi isolates
    0x2028,  # line separator
    0x2029,  # paragraph separator
]
_ONE_LINE = {code: _escape(code) for code in _UNSAFE}
#: The same, keeping line breaks and tabs: for multi-line text such as a summary.
_LINES = {code: e for code, e in _ONE_LINE.items() if code not in (0x09, 0x0A)}


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` with terminal control characters escaped; ``lines`` keeps newlines and tabs."""
    return text.translate(_LINES if lines else _ONE_LINE)
