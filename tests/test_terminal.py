"""Escaping terminal control characters in text from the log."""

from __future__ import annotations

import pytest

from briefer.terminal import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain Kosovo–Serbia, ß, 👨‍👩‍👧, [red]x[/]", "plain Kosovo–Serbia, ß, 👨‍👩‍👧, [red]x[/]"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\tb\nc\rd", "a\\tb\\nc\\rd"),
        ("\x7f\x80\x9b\x9d\x9f", "\\x7f\\x80\\x9b\\x9d\\x9f"),
        (
            "\u202eABC\u202a\u2066\u2069\u200f\u061c",
            "\\u202eABC\\u202a\\u2066\\u2069\\u200f\\u061c",
        ),
        ("line\u2028sep", "line\\u2028sep"),
    ],
)
def test_printable_escapes_what_a_terminal_would_interpret(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_lines_keeps_line_breaks_and_tabs_only() -> None:
    assert printable("a\n\tb\r\x1b", lines=True) == "a\n\tb\\r\\x1b"


def test_nothing_unsafe_survives() -> None:
    out = printable("".join(map(chr, range(0x3000))))
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in out)
    assert not any(c in out for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
