"""``briefer inbox fetch``: every feed of the log, a few at a time, into the inbox.

Downloads and parsing run in a bounded pool of threads (they wait on the
network most of the time); the results are stored by the calling thread,
one transaction per feed, so the database has one writer per process.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from dataclasses import dataclass

from briefer.inbox.feeds import FeedError, Parsed, parse_feed
from briefer.inbox.http import FetchError, Limits, Response, get
from briefer.inbox.store import FeedState, Inbox
from briefer.model import EventLog, Feed

__all__ = ["FeedResult", "fetch_feeds"]

#: Feeds fetched at once.
WORKERS = 8


@dataclass(frozen=True)
class FeedResult:
    """How one feed's fetch went."""

    feed: Feed
    #: Items not seen before, now in the inbox.
    new: int = 0
    #: The feed answered 304: nothing changed since the last fetch.
    unchanged: bool = False
    #: Why the feed could not be fetched or read (nothing stored), else None.
    error: str | None = None
    #: Stored, but something was wrong (a malformed feed), else None.
    warning: str | None = None


def _download(feed: Feed, state: FeedState, limits: Limits) -> tuple[Response, Parsed | None] | str:
    """The feed's answer and items (None on a 304), or why not."""
    try:
        response = get(feed.url, etag=state.etag, last_modified=state.last_modified, limits=limits)
        if response.status == 304:
            return response, None
        return response, parse_feed(response.body, response.url, response.content_type)
    except (FetchError, FeedError) as exc:
        return str(exc)


def fetch_feeds(
    log: EventLog,
    inbox: Inbox,
    *,
    now: int,
    limits: Limits | None = None,
    only: set[str] | None = None,
    on_result: Callable[[FeedResult], None] | None = None,
) -> list[FeedResult]:
    """Fetch the log's feeds (or those named in ``only``) into ``inbox``; a result per feed,
    in the log's order. ``on_result`` hears of each as it is stored."""
    limits = limits or Limits()
    feeds = [f for f in log.feeds if only is None or f.id in only]
    states = {f.id: inbox.feed_state(f.id, f.url) for f in feeds}
    results: dict[str, FeedResult] = {}
    if not feeds:
        return []
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(WORKERS, len(feeds))) as pool:
        futures = {pool.submit(_download, f, states[f.id], limits): f for f in feeds}
        for future in concurrent.futures.as_completed(futures):
            feed = futures[future]
            result = _store(inbox, feed, future.result(), now)
            results[feed.id] = result
            if on_result is not None:
                on_result(result)
    return [results[f.id] for f in feeds]


def _store(
    inbox: Inbox, feed: Feed, outcome: tuple[Response, Parsed | None] | str, now: int
) -> FeedResult:
    if isinstance(outcome, str):
        return FeedResult(feed, error=outcome)
    response, parsed = outcome
    if parsed is None:  # 304: the validators stay, nothing new to store
        return FeedResult(feed, unchanged=True)
    new = inbox.store(
        feed.id,
        feed.url,
        feed.title or parsed.title,
        parsed.items,
        etag=response.etag,
        last_modified=response.last_modified,
        now=now,
    )
    return FeedResult(feed, new=new, warning=parsed.warning)
