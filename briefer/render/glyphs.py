"""Characters the PDF fonts lack: found in WeasyPrint's log, reported per text of the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

__all__ = ["missing_glyphs", "uncovered_warnings"]


def missing_glyphs(records: Sequence[logging.LogRecord]) -> Iterator[str]:
    """The characters WeasyPrint drew as .notdef (an empty box), from its log.

    While drawing, WeasyPrint logs each glyph Pango found no font for, with
    the character and its code point as arguments; that is the one place
    where "no installed font has it" is known for certain, after fontconfig's
    fallback through every installed font.
    """
    for record in records:
        args = record.args
        if (
            str(record.msg).startswith(".notdef glyph")
            and isinstance(args, tuple)
            and len(args) == 2
            and isinstance(args[1], int)
        ):
            yield chr(args[1])


def uncovered_warnings(chars: Sequence[str], texts: Sequence[tuple[str, str]]) -> list[str]:
    """One line per labelled text holding some of ``chars`` (the PDF fonts' gaps).

    ``texts`` are ``(label, text)`` pairs such as ``("event 'x'", title and
    summary)``; characters none of them holds get a line without a label.
    """
    lines: list[str] = []
    left = dict.fromkeys(chars)
    for label, text in texts:
        found = [c for c in dict.fromkeys(text) if c in left]
        if found:
            lines.append(f"{label}: {_uncovered_line(found)}")
    rest = [c for c in left if not any(c in text for _, text in texts)]
    if rest:
        lines.append(_uncovered_line(rest))
    return lines


def _uncovered_line(chars: Sequence[str]) -> str:
    shown = "".join(chars[:20]) + ("…" if len(chars) > 20 else "")
    first = f"U+{ord(chars[0]):04X}" + ("…" if len(chars) > 1 else "")
    return f"characters not covered by the PDF fonts: {shown} ({first})"
