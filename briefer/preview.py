"""A log's first screen, kept small beside the whole log in the cache.

Unpickling 100,000 events takes a second or two; the browser opens at today's
events, and the reader looks at them while the rest arrives. So when the cache
keeps a whole log (:mod:`briefer.cache`) it also keeps a *preview*: the same
log with only the events around the moment it was written, and the
forward-looking events of the weeks around it (the watch list's). The browser
shows the preview at once, says it is one, and swaps in the whole log when it
is read; anything that needs the whole log (a brief, a new event's id) waits
for it.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass

from briefer.model import EventLog

__all__ = ["AROUND", "UNKNOWN", "Preview", "preview_of"]

#: Events kept on each side of the moment the preview is made for.
AROUND = 500
#: At most this many forward-looking events beyond those, for the watch list.
FORWARD_CAP = 500
#: :attr:`Preview.total` of a preview made before the whole log was read.
UNKNOWN = -1
#: The start of an open-started date, as the browser counts it (before everything else).
_OPEN = -(2**62)


@dataclass(frozen=True)
class Preview:
    """Some of a log's events, and what they stand for."""

    #: The log with only the preview's events (every other section whole).
    log: EventLog
    #: How many events the whole log has (:data:`UNKNOWN`: not known yet).
    total: int
    #: The events' starts cover this span (seconds; None: open-ended on that side).
    first: int | None
    last: int | None

    def covers(self, moment: float) -> bool:
        """Whether the browser opening at ``moment`` lands among the preview's events."""
        after_first = self.first is None or moment >= self.first
        before_last = self.last is None or moment <= self.last
        return after_first and before_last


def preview_of(
    log: EventLog, now: float, around: int = AROUND, *, whole: bool = True
) -> Preview | None:
    """The preview of ``log`` for a browser opening near ``now``; None for a small log.

    Without ``whole``, ``log`` is part of a log (:mod:`briefer.nearby`): its preview is
    made whatever its size."""
    events = log.events
    if whole and len(events) <= 4 * around:
        return None  # read whole as quickly: nothing to gain
    # Open starts (``../2008``) sort first: they count as the earliest instant.
    starts = [_OPEN if e.date.earliest is None else e.date.earliest for e in events]
    here = bisect.bisect_left(starts, now)
    lo, hi = max(0, here - around), min(len(events), here + around)
    # The watch list looks a horizon each way: keep what it could show in the days after.
    window = 2 * log.horizon
    a, b = bisect.bisect_left(starts, now - window), bisect.bisect_right(starts, now + window)
    forward = [i for i in range(a, b) if not lo <= i < hi and events[i].forward_looking]
    forward = forward[:FORWARD_CAP]
    picked = sorted({*range(lo, hi), *forward})
    first = None if lo == 0 else starts[lo]
    last = None if hi == len(events) else starts[hi - 1]
    kept = tuple(events[i] for i in picked)
    return Preview(dataclasses.replace(log, events=kept), len(events), first, last)
