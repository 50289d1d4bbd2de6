"""The ids briefer makes for captured events and sources: slugs, unique in the log."""

from __future__ import annotations

from collections.abc import Container
from datetime import tzinfo
from urllib.parse import urlsplit

from briefer.dates import EDate, Point, parse_date
from briefer.slugs import slugify

__all__ = ["date_stamp", "event_id", "source_id", "unique"]

#: Long enough to tell titles apart, short enough to read in a file name.
_TITLE_LIMIT = 48


def unique(base: str, taken: Container[str]) -> str:
    """``base``, else ``base-2``, ``base-3``… whichever is not taken."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _point(date: EDate) -> Point | None:
    return date.start if date.start is not None else date.end


def date_stamp(text: str, tz: tzinfo) -> str:
    """The date as precise as written, for ids: ``2023-11-22``, ``2023-11``, ``1999``; else ''."""
    try:
        point = _point(parse_date(text, tz))
    except ValueError:
        return ""
    if point is None:
        return ""
    parts = [f"{point.year:04d}"]
    if point.month is not None:
        parts.append(f"{point.month:02d}")
        if point.day is not None:
            parts.append(f"{point.day:02d}")
    return "-".join(parts)


def event_id(date: str, title: str, tz: tzinfo, taken: Container[str]) -> str:
    """A slug of date and title (``2023-11-22-kfor-reinforced``), unique among ``taken``."""
    words = slugify(title, limit=_TITLE_LIMIT) or "event"
    stamp = date_stamp(date, tz)
    return unique(f"{stamp}-{words}" if stamp else words, taken)


def source_id(url: str, publisher: str | None, date: str, tz: tzinfo, taken: Container[str]) -> str:
    """A slug of the publisher (else the URL's host) and the date, unique among ``taken``."""
    base = slugify(publisher or "", limit=32)
    if not base:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        base = slugify(host, limit=32) or "source"
    stamp = date_stamp(date, tz)
    return unique(f"{base}-{stamp}" if stamp else base, taken)
