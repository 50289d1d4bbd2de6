"""An inbox item as the log sees it: its date, whether the log has it, the entry it makes."""

from __future__ import annotations

from datetime import UTC, datetime

from briefer.capture.entry import Entry, NewSource, minute
from briefer.inbox.store import Stored
from briefer.model import EventLog

__all__ = ["entry_for", "in_log", "item_date", "log_urls", "notes_for"]

_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def item_date(item: Stored, log: EventLog) -> str | None:
    """The item's date as the log writes dates: a minute in the log's zone, or a bare date
    (``2023-11-22``) when the feed gave no time (a date has no zone to convert)."""
    if item.published_at is None:
        return None
    if item.precision in _FORMATS:
        return datetime.fromtimestamp(item.published_at, UTC).strftime(_FORMATS[item.precision])
    return minute(item.published_at, log.tzinfo)


def log_urls(log: EventLog) -> set[str]:
    """Every source URL of the log."""
    return {s.url for s in log.sources.values() if s.url}


def in_log(item: Stored, urls: set[str]) -> bool:
    """Is the item's link already a source of the log?"""
    return item.link is not None and item.link in urls


def entry_for(item: Stored, log: EventLog, publisher: str | None) -> Entry:
    """What accepting ``item`` adds: its title and date, its link as the (new or existing)
    source, the feed as that source's publisher."""
    date = item_date(item, log)
    link = None
    sources: tuple[str, ...] = ()
    if item.link:
        link = NewSource(item.link, title=item.title, publisher=publisher, published=date)
        sources = (item.link,)
    return Entry(title=item.title, date=date, sources=sources, link=link)


def notes_for(item: Stored, feed_title: str) -> list[str]:
    """The item, as comments of the editor's template (dropped when saved)."""
    notes = [f"From the feed {feed_title}, inbox item {item.n}:", f"  {item.title}"]
    if item.link:
        notes.append(f"  {item.link}")
    if item.summary:
        notes.append("")
        words = item.summary.split()
        line = ""
        for word in words:
            if len(line) + len(word) > 72:
                notes.append(f"  {line.rstrip()}")
                line = ""
            line += word + " "
        if line.strip():
            notes.append(f"  {line.rstrip()}")
    return notes
