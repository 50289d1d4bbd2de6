"""Slugs: lower-case ASCII words joined by '-', made from any text.

One rule for every slug briefer makes: a log's file names
(``kosovo-serbia-security-situation``), ids of imported events and sources,
and the id a validation message suggests for a bad one.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slugify"]


def slugify(text: str, *, keep: str = "", limit: int | None = None) -> str:
    """``Kosovo–Serbia: Banjska`` → ``kosovo-serbia-banjska``; empty if nothing is left.

    Separators become '-' before accents are dropped, so an en dash never glues
    two words together; ``keep`` names more characters to leave alone (``_``
    for metric ids); ``limit`` cuts the slug to that many characters.
    """
    spaced = re.sub(r"[^\w]+", "-", text)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    slug = re.sub(rf"[^a-z0-9{re.escape(keep)}]+", "-", ascii_text.lower()).strip("-")
    return slug if limit is None else slug[:limit].rstrip("-")
