"""Untrusted text → Markdown that shows exactly that text (no Markdown of its own)."""

from __future__ import annotations

import re

__all__ = ["md_escape"]

# Characters that start Markdown syntax anywhere in a line; escaping them keeps
# untrusted text literal (a backslash before ASCII punctuation is always valid).
# "&" would start an entity, "|" end a table cell, "<" an autolink.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
# At the start of a line these would make a list item or a block quote.
_MD_LINE_START = re.compile(r"^([-+>=]|\d+[.)])")


def md_escape(value: object) -> str:
    """Text → Markdown that renders as exactly that text, on one line."""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)
