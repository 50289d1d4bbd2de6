"""A feed's bytes → inbox items, with feedparser (RSS 0.9x/1.0/2.0, Atom).

feedparser only ever gets bytes (a string could make it open a URL or a
file) and its XML parser does not fetch external entities. Everything an
item says is untrusted: titles become one line of printable text, summaries
plain text, links are kept only if they are http(s) addresses a brief may
link to. Published dates keep their precision (a date without a time stays a
date) and, when they have a time, the instant, shown later in the log's zone.
"""

from __future__ import annotations

import calendar
import email.utils
import html.parser
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from briefer.capture.entry import one_line
from briefer.urls import url_problem

__all__ = ["FeedError", "Item", "Parsed", "parse_feed", "parse_published"]

_ISO = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)?)?\Z",
    re.ASCII,
)
_SUMMARY_LIMIT = 2000


class FeedError(Exception):
    """Bytes that are not a usable feed; the message says why, in one line."""


@dataclass(frozen=True)
class Item:
    """One feed entry as the inbox keeps it."""

    #: ``id:`` + the entry's id, else ``link:`` + its link: how items are told apart.
    key: str
    title: str
    link: str | None
    summary: str
    #: The instant published (or updated), UTC epoch seconds; None if not said.
    published_at: int | None
    #: ``minute``, ``day``, ``month`` or ``year`` (how precisely the feed said it).
    precision: str | None


@dataclass(frozen=True)
class Parsed:
    """A feed's items, its title, and a warning when it was malformed but still usable."""

    items: list[Item]
    title: str | None
    warning: str | None
    #: Entries dropped for having neither an id nor a link.
    skipped: int = 0


def parse_published(text: str) -> tuple[int, str] | None:
    """``(UTC epoch seconds, precision)`` of an RFC 822 or ISO 8601 date, else None.

    A date without a time has day (or month, year) precision and stands for its
    first moment in UTC; a time without an offset is taken as UTC.
    """
    text = " ".join(text.split())
    if not text:
        return None
    m = _ISO.fullmatch(text)
    if m is not None:
        try:
            return _iso(m)
        except ValueError:
            return None
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()), "minute"


def _iso(m: re.Match[str]) -> tuple[int, str]:
    year, month, day = int(m["y"]), int(m["m"] or 1), int(m["d"] or 1)
    if m["H"] is None:
        precision = "day" if m["d"] else "month" if m["m"] else "year"
        return calendar.timegm((year, month, day, 0, 0, 0)), precision
    zone: timezone = UTC
    if m["tz"] and m["tz"] != "Z":
        sign = -1 if m["tz"][0] == "-" else 1
        digits = m["tz"][1:].replace(":", "")
        zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    moment = datetime(year, month, day, int(m["H"]), int(m["M"]), int(m["S"] or 0), tzinfo=zone)
    return int(moment.timestamp()), "minute"


class _Text(html.parser.HTMLParser):
    """The text of an HTML fragment (feed summaries are HTML); tags and scripts dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """An HTML fragment as one line of text."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return one_line("".join(parser.parts), _SUMMARY_LIMIT)


def _link(entry: Any) -> str | None:
    link = entry.get("link")
    if isinstance(link, str) and url_problem(link.strip()) is None:
        return link.strip()
    return None


def _item(entry: Any) -> Item | None:
    link = _link(entry)
    entry_id = entry.get("id")
    if isinstance(entry_id, str) and entry_id.strip():
        key = "id:" + entry_id.strip()
    elif link:
        key = "link:" + link
    else:
        return None
    raw_title = entry.get("title")
    title = one_line(raw_title) if isinstance(raw_title, str) else ""
    summary = entry.get("summary")
    published = None
    for field in ("published", "updated", "created"):
        value = entry.get(field)
        if isinstance(value, str):
            published = parse_published(value)
            if published is not None:
                break
    if published is None:  # a form only feedparser reads: its UTC tuple, to the minute
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        if parsed:
            published = (calendar.timegm(parsed), "minute")
    return Item(
        key=key,
        title=title or (link or "(untitled)"),
        link=link,
        summary=plain_text(summary) if isinstance(summary, str) else "",
        published_at=published[0] if published else None,
        precision=published[1] if published else None,
    )


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> Parsed:
    """The items of the feed ``data`` (fetched from ``url``).

    A malformed feed (feedparser's *bozo*) with entries still readable is
    returned with a warning; one with nothing readable is a FeedError.
    """
    import feedparser  # deferred: only fetching needs it

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    result = feedparser.parse(io.BytesIO(data), response_headers=headers)
    why = None
    if result.get("bozo"):
        why = one_line(str(result.get("bozo_exception") or "malformed"), 200)
    entries = result.get("entries") or []
    if not result.get("version") and not entries:
        raise FeedError(f"not an RSS or Atom feed ({why})" if why else "not an RSS or Atom feed")
    items: list[Item] = []
    skipped = 0
    for entry in entries:
        item = _item(entry)
        if item is None:
            skipped += 1
        else:
            items.append(item)
    if why and not items:
        raise FeedError(f"malformed feed with no usable item ({why})")
    raw_title = result.get("feed", {}).get("title")
    title = one_line(raw_title, 200) if isinstance(raw_title, str) and raw_title.strip() else None
    kept = f"{len(items)} usable item{'s' if len(items) != 1 else ''}"
    warning = f"malformed feed ({why}); kept {kept}" if why else None
    return Parsed(items, title, warning, skipped)
