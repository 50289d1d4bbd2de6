"""The watch-list rule (SPEC §5 item 6), shared by the brief and the browser.

A deadline or scheduled event is *upcoming* when it starts after as-of and no
later than the log's horizon beyond it; it has *passed* when it started during
the period, up to and including as-of. An event that started and is still
running at as-of (a multi-day window) has therefore passed: it is no longer
something to watch for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from briefer.model import Event

__all__ = ["Watch", "watch_events"]


@dataclass(frozen=True)
class Watch:
    """The forward-looking events as of a moment, each list in date order (oldest first)."""

    #: Starting after as-of, within the horizon.
    upcoming: tuple[Event, ...]
    #: Started during the period, at or before as-of.
    passed: tuple[Event, ...]


def watch_events(
    events: Iterable[Event], *, as_of: float, period_start: float, horizon: int
) -> Watch:
    """Split the deadlines and scheduled events of ``events`` into upcoming and passed."""
    upcoming, passed = [], []
    for e in events:
        start = e.date.earliest
        if not e.forward_looking or start is None:
            continue
        if start > as_of:
            if start <= as_of + horizon:
                upcoming.append(e)
        elif start >= period_start:
            passed.append(e)
    upcoming.sort(key=lambda e: e.date.sort_key)
    passed.sort(key=lambda e: e.date.sort_key)
    return Watch(tuple(upcoming), tuple(passed))
