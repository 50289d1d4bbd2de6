"""A large log's events near a moment, read before the rest: a cold start's first screen.

Parsing a 100,000-event log takes seconds even on every core; the browser's
first screen needs only the events around today (:mod:`briefer.preview`). In
a log split into included files, those are usually in one or two of them (a
year's file, this month's); in a log of one large file, in a few runs of its
events list (each run of items is then taken as a file here). Which ones is
told from their text without parsing it: every event's ``date:`` value starts
with the day (or the month, or the year) it starts on, so the earliest days a
file's ``date:`` values name bound the days its events start on.

The bound is kept on the safe side: a ``date:`` value that does not start
with a year (an open start ``../2008``, a value on its own line) leaves the
file unbounded (read first, whatever it holds), and a ``date:`` in prose only
widens the span; a day is counted a day wide on each side, for time zones.
:class:`Ahead` reads the files whose span meets the weeks around the moment
(and the nearest on each side), takes the preview's events from them (with the
main file's), and then checks that no file left unread could hold an event
inside the span the preview shows; any that could are read too, and the check
repeats. So what is shown is exactly
the whole log's events in that span, without the whole log being read.

What is shown is only a preview: the whole log's number of events is not known
yet (:data:`~briefer.preview.UNKNOWN`), nor are its problems across files.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import time
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from briefer.preview import UNKNOWN, Preview, preview_of

if TYPE_CHECKING:
    from briefer.model import Event, EventLog
    from briefer.schema.parts import FilePart

__all__ = ["Ahead", "Span", "days_of"]

#: A ``date:`` key (quoted or not) and the year, month and day its value starts with (as
#: far as it does: empty strings for what it does not have).
_DATE = re.compile(rb"date['\"]?[ \t]*:[ \t]*['\"]?(?:([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?)?")
#: Open bounds of a file's span of days.
_LOWEST, _HIGHEST = -(10**9), 10**9
#: (first day, last day) a file's events may start on, as proleptic Gregorian ordinals
#: (``datetime.date.toordinal``); None: the file has no ``date:`` at all.
Span = tuple[int, int] | None
#: Reading ahead pays only when it reads a small share of the log (its bytes)...
SHARE = 0.34
#: ... of a large log (included files of fewer bytes are read whole about as quickly).
MIN_BYTES = 1 << 20


def days_of(data: bytes | memoryview) -> Span:
    """The days the events in ``data`` (a file's bytes) may start on, a day each way (a
    date's day depends on the time zone)."""
    found = set(_DATE.findall(data))
    if not found:
        return None
    days = []
    for year, month, day in found:
        if not year:  # a value that does not start with a year: anything goes
            return (_LOWEST, _HIGHEST)
        try:
            days.append(datetime.date(int(year), int(month or 1), int(day or 1)).toordinal())
        except ValueError:  # not a date: the whole read says so
            return (_LOWEST, _HIGHEST)
    return (min(days) - 1, max(days) + 1)


def _day(moment: float | None, default: int) -> int:
    """The day (UTC) of ``moment``; ``default`` for none (an open end) or one out of range."""
    if moment is None:
        return default
    try:
        when = time.gmtime(moment)
        return datetime.date(when.tm_year, when.tm_mon, when.tm_mday).toordinal()
    except (OverflowError, OSError, ValueError):
        return default


class Ahead:
    """Reading a log's files (or runs of one file's events) ahead of the rest, for its
    preview at ``now``.

    ``base`` is the log as it is without them; ``files`` are their (name, bytes), in
    order. :attr:`first` says which files to read first
    (None when reading ahead would read too much of the log to gain anything); then
    :meth:`run` reads them, and whatever else the preview turns out to need.
    """

    def __init__(
        self, base: EventLog, files: Sequence[tuple[str, bytes | memoryview]], now: float
    ) -> None:
        self.base, self.now = base, now
        self.order = [path for path, _data in files]
        self.sizes = {path: len(data) for path, data in files}
        size = sum(self.sizes.values())
        self.budget = SHARE * size
        self.spans = {path: days_of(data) for path, data in files} if size >= MIN_BYTES else {}
        self.today = _day(now, 0)
        # The weeks around the moment: the watch list's ...
        window = 2 * base.horizon
        self.lo, self.hi = _day(now - window, _LOWEST), _day(now + window, _HIGHEST)
        wanted = self._wanted((), self.lo, self.hi)
        # ... and the files next to it on each side: the moment may fall between files, or
        # after the last event (a log not added to for a while).
        met = [self.spans[p] for p in wanted]
        if not any(s is not None and s[0] <= self.today for s in met):
            wanted += self._beyond(wanted, self.today, self.today, before=True)
        if not any(s is not None and s[1] >= self.today for s in met):
            wanted += self._beyond(wanted, self.today, self.today, before=False)
        first = [p for p in self.order if p in wanted]
        self.first = first if self.spans and self._affordable(first) else None

    def run(self, read: Callable[[str], FilePart]) -> tuple[Preview, dict[str, FilePart]] | None:
        """The preview, and the parts read for it (by file), or None (too much to read).

        ``read`` gives a file's part (its events, and the sources it defines). After the
        first files, the preview is made again after each file read, and the next file
        is the one nearest the moment among those that could hold an event of the span
        the preview shows: the span narrows as the files around the moment are read.
        """
        if self.first is None:
            return None
        parts = {path: read(path) for path in self.first}
        while True:
            shown = _preview(self.base, [parts[p] for p in self.order if p in parts], self.now)
            # At an end of the files read so far (the preview reaches it), the span ends at
            # their first or last event, and the nearest file beyond it is read next, until
            # the preview ends before it (or there is none: the log's own end).
            kept = shown.log.events
            first = shown.first if shown.first is not None or not kept else kept[0].date.earliest
            last = shown.last if shown.last is not None or not kept else kept[-1].date.earliest
            lo = min(self.lo, _day(first, _LOWEST))
            hi = max(self.hi, _day(last, _HIGHEST))
            wanted = self._wanted(parts, lo, hi)
            if shown.first is None:
                wanted += self._beyond([*parts, *wanted], lo, hi, before=True)
            if shown.last is None:
                wanted += self._beyond([*parts, *wanted], lo, hi, before=False)
            if not wanted:
                return shown, parts
            nearest = min(wanted, key=self._distance)
            if not self._affordable([*parts, nearest]):
                return None
            parts[nearest] = read(nearest)

    def _wanted(self, read: Collection[str], lo: int, hi: int) -> list[str]:
        """The files not ``read`` that may hold an event of the days ``lo``..``hi``."""
        return [p for p, s in self.spans.items() if p not in read and _meets(s, lo, hi)]

    def _beyond(self, read: Collection[str], lo: int, hi: int, *, before: bool) -> list[str]:
        """The nearest file not ``read`` wholly before day ``lo`` (or after day ``hi``)."""
        spans = [(s, p) for p, s in self.spans.items() if s is not None and p not in read]
        if before:
            earlier = [(s[1], p) for s, p in spans if s[0] < lo]
            return [max(earlier)[1]] if earlier else []
        later = [(s[0], p) for s, p in spans if s[1] > hi]
        return [min(later)[1]] if later else []

    def _distance(self, path: str) -> int:
        """How many days the span of ``path`` is from the moment (0: it holds it)."""
        span = self.spans[path]
        assert span is not None
        return max(span[0] - self.today, self.today - span[1], 0)

    def _affordable(self, paths: Collection[str]) -> bool:
        return sum(self.sizes[p] for p in paths) <= self.budget


def _meets(span: Span, lo: int, hi: int) -> bool:
    return span is not None and span[0] <= hi and span[1] >= lo


def _preview(base: EventLog, parts: list[FilePart], now: float) -> Preview:
    """The preview of ``base`` with the events and sources of ``parts`` added."""
    events: list[Event] = [*base.events]
    sources = dict(base.sources)
    for part in parts:
        events += part.events
        sources.update(part.sources)
    events.sort(key=lambda e: (*e.date.sort_key, e.id))
    log = dataclasses.replace(base, events=tuple(events), sources=sources)
    shown = preview_of(log, now, whole=False)
    assert shown is not None
    return dataclasses.replace(shown, total=UNKNOWN)
