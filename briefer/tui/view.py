"""What the browser shows, computed without Textual: filtering, rows, density, watch list.

Everything here works on a loaded log's events by index, so that 100,000 events
cost a few flat lists (search text, start times, years) computed once per load,
and a filter keystroke costs one pass over plain strings and a few bisections.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from briefer.terminal import printable
from briefer.tui.search import SearchIndex, finish

if TYPE_CHECKING:  # the browser paints its first frame before it imports these
    from briefer.model import Event, EventLog
    from briefer.query import Query, QueryError

__all__ = [
    "FilterOutcome",
    "LogView",
    "Peek",
    "Rows",
    "WatchEntry",
    "bin_counts",
    "countdown",
    "watch_entries",
]


#: How many recent filter results are kept to narrow the next one from, and how many
#: indices they may hold together, in logs' worth: 32 results of most of a large log
#: came to ~12 MB, where the last few do nearly all the narrowing.
RECENT = 32
RECENT_SIZE = 4

#: The start of an open-started date (``../2008``): before everything else.
_OPEN = -(2**62)

#: A filter over at least this many events is worth peeking at first (:meth:`LogView.peek`):
#: below it, the whole filter takes a few milliseconds.
PEEK_FROM = 5_000
#: How many events a peek tests at most before it gives up (a few milliseconds' work), and
#: at most this share of those it could test (beyond, filtering them all costs about as much).
PEEK_BUDGET = 4_000
PEEK_SHARE = 0.25


@dataclass(frozen=True)
class FilterOutcome:
    """The result of a filter text: the shown indices, or the error to show."""

    text: str
    shown: Sequence[int] | None
    error: QueryError | None = None


@dataclass(frozen=True)
class Peek:
    """The matches of a filter nearest one event, found without filtering the whole log."""

    text: str
    #: Indices of the matching events nearest the event peeked around, ascending.
    near: list[int]


class LogView:
    """A loaded log prepared for browsing: per-event search text, starts and years."""

    def __init__(self, log: EventLog, now: float) -> None:
        self.log = log
        #: The watch list as of ``now`` (the countdowns tick from there).
        self.watch = watch_entries(log, now)
        #: Each watch entry's date and title as shown (they do not tick).
        self.watch_texts = [
            (e.event.date.display(log.tzinfo), printable(e.event.title)) for e in self.watch
        ]
        self.events: tuple[Event, ...] = log.events
        tz = log.tzinfo
        #: Search texts and groups a filter reads (built here, off the event loop).
        self.index = SearchIndex(self.events)
        # Open starts (``../2008``) sort first; they count as the earliest instant.
        # Flat arrays rather than lists of int objects: 100,000 of them add up (made from a
        # generator, not a list, for the same reason: ~4 MB while a reload makes a view).
        self.starts = array(
            "q", (e.date.earliest if e.date.earliest is not None else _OPEN for e in self.events)
        )
        #: The year each event starts in, 0 for an open start.
        self.years = array("H", bytes(2 * len(self.events)))
        #: year → index of its first event (events are sorted by start, so years ascend).
        self.first_of_year: dict[int, int] = {}
        year = 0
        year_end = _OPEN  # starts are ascending: a year changes only past its end
        years = self.years
        for i, start in enumerate(self.starts):
            if start == _OPEN:
                continue
            if start >= year_end:
                year = _year(start, tz)
                year_end = _year_end(year, tz)
                self.first_of_year[year] = i
            years[i] = year
        # Dates are shared by the events of a day: measure each distinct text once.
        texts = {e.date.text for e in self.events}
        self.date_width = min(max(map(_date_width, texts), default=11), 25)
        #: Event id → its index here.
        self.index_by_id: Mapping[str, int] = _IdIndex(self.events)
        #: Recent filter texts and what they showed, newest last (see :meth:`apply`), as
        #: flat arrays: 32 lists of up to 100,000 int objects came to ~40 MB while typing.
        self._all: Sequence[int] = range(len(self.events))
        self._recent: dict[str, Sequence[int]] = {"": self._all}
        #: The second each recent result whose query reads the clock (``before:7d``) was
        #: found at: it holds for that second only.
        self._found_at: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.events)

    def event(self, event_id: str) -> Event | None:
        """The event with this id, if any."""
        index = self.index_by_id.get(event_id)
        return None if index is None else self.events[index]

    def apply(self, text: str, *, now: float) -> FilterOutcome:
        """Filter by query ``text``.

        A query that only adds to a recent one (typing on, or a term after a
        term being edited) filters that one's result rather than the whole log.
        """
        return finish(self.applying(text, now=now))

    def applying(self, text: str, *, now: float) -> Generator[None, None, FilterOutcome]:
        """:meth:`apply`, pausing (yielding) as :meth:`SearchIndex.selecting` does."""
        if not text.strip():  # everything, as the empty query selects
            return FilterOutcome(text, self._all)
        from briefer.query import QueryError, parse_log_query

        try:
            query: Query = parse_log_query(text, self.log, now=now)
        except QueryError as exc:
            return FilterOutcome(text, None, exc)
        candidates = self._candidates(text, now)
        # The whole log: None, for select's quicker pass over it.
        whole = None if candidates is self._all else candidates
        shown = array("i", (yield from self.index.selecting(query, whole)))
        recent, found_at = self._recent, self._found_at
        recent.pop(text, None)
        recent[text] = shown
        if query.reads_clock:
            found_at[text] = int(now)
        else:
            found_at.pop(text, None)
        held = sum(len(s) for s in recent.values() if not isinstance(s, range))
        while len(recent) > 1 and (len(recent) > RECENT or held > RECENT_SIZE * len(self)):
            gone = next(iter(recent))
            oldest = recent.pop(gone)
            found_at.pop(gone, None)
            held -= 0 if isinstance(oldest, range) else len(oldest)
        return FilterOutcome(text, shown)

    def _candidates(self, text: str, now: float) -> Sequence[int]:
        """The fewest events query ``text`` can match at ``now``, as far as recent results
        tell (one whose query reads the clock tells only within its second)."""
        from briefer.query import refines

        found_at = self._found_at
        second = int(now)
        found = self._recent.get(text)
        if found is not None and found_at.get(text, second) == second:
            return found
        candidates = self._all
        for old, shown in self._recent.items():
            if found_at.get(old, second) != second:
                continue
            if len(shown) < len(candidates) and refines(old, text):
                candidates = shown
        return candidates

    def slow(self, text: str, *, now: float) -> bool:
        """Whether filtering by ``text`` tests so many events (:data:`PEEK_FROM` or more)
        that it is worth doing in steps (it is a query: else :meth:`apply` says why)."""
        if not text.strip() or len(self._candidates(text, now)) < PEEK_FROM:
            return False
        from briefer.query import QueryError, parse_log_query

        try:
            parse_log_query(text, self.log, now=now)
        except QueryError:
            return False
        return True

    def peek(self, text: str, around: int, before: int, after: int, *, now: float) -> Peek | None:
        """The matches of query ``text`` nearest the event at index ``around``: up to
        ``before`` of them before it, and up to ``after`` from it on, where a screen of
        results around the cursor needs a few dozen out of tens of thousands.

        None when the whole filter is quick anyway (fewer than :data:`PEEK_FROM` events to
        test), or when :data:`PEEK_BUDGET` events (at most :data:`PEEK_SHARE` of them) were
        tested without finding them (the query is so selective that the whole filter is
        about as quick), or when ``text`` is not a query (:meth:`apply` says why). Like
        :meth:`apply`, it tests only the events a recent result it refines left.
        """
        if not text.strip():
            return None
        candidates = self._candidates(text, now)
        if len(candidates) < PEEK_FROM:
            return None
        from briefer.query import QueryError, parse_log_query

        try:
            query = parse_log_query(text, self.log, now=now)
        except QueryError:
            return None
        test = self.index.tester(query)
        budget = min(PEEK_BUDGET, int(len(candidates) * PEEK_SHARE))
        middle = bisect.bisect_left(candidates, around)
        below: list[int] = []
        above: list[int] = []
        tested = 0
        for side, want, positions in (
            (below, before, range(middle - 1, -1, -1)),
            (above, after, range(middle, len(candidates))),
        ):
            for p in positions:
                if len(side) == want:
                    break
                if tested == budget:
                    return None
                tested += 1
                if test(candidates[p]):
                    side.append(candidates[p])
        return Peek(text, below[::-1] + above)

    def nearest(self, shown: Sequence[int], moment: float) -> int | None:
        """The position in ``shown`` of the event starting nearest to ``moment``."""
        if not shown:
            return None
        starts = self.starts
        lo, hi = 0, len(shown)
        while lo < hi:  # bisect over starts[shown[...]] without building a list
            mid = (lo + hi) // 2
            if starts[shown[mid]] < moment:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(shown):
            return lo - 1
        if lo > 0 and moment - starts[shown[lo - 1]] <= starts[shown[lo]] - moment:
            return lo - 1
        return lo

    def density(self, shown: Sequence[int], bins: int) -> tuple[list[int], int | None, int | None]:
        """Events per time bin over the span of ``shown``, with the span's first and last year.

        ``shown`` ascends, and so do the events' starts: each bin's edge is found among
        all the starts, and then in ``shown``, by bisection (no list of the shown starts).
        """
        starts = self.starts
        # Open starts sort first (and only they have year 0): skip them by bisection.
        lo = bisect.bisect_left(shown, bisect.bisect_right(starts, _OPEN))
        if lo == len(shown) or bins <= 0:
            return [], None, None
        first, last = starts[shown[lo]], starts[shown[-1]]
        span = max(last - first, 1)
        counts = []
        for b in range(1, bins + 1):
            # The shown events starting at or before the edge (all of them in the last bin).
            hi = len(shown)
            if b < bins:
                edge = first + span * b / bins
                hi = bisect.bisect_left(shown, bisect.bisect_right(starts, edge), lo)
            counts.append(hi - lo)
            lo = hi
        tz = self.log.tzinfo
        return counts, _year(first, tz), _year(last, tz)


def bin_counts(starts: Sequence[float], first: float, last: float, bins: int) -> list[int]:
    """How many of ``starts`` (ascending, within first…last) fall in each of ``bins`` slices."""
    span = max(last - first, 1)
    counts = []
    lo = 0
    for b in range(1, bins + 1):
        edge = first + span * b / bins
        hi = len(starts) if b == bins else bisect.bisect_right(starts, edge, lo)
        counts.append(hi - lo)
        lo = hi
    return counts


class Rows:
    """The timeline's rows: the shown events with a separator row before each year.

    Row numbers map to events (or separators) by bisection over the separators,
    so building the rows for 100,000 shown events costs one bisection per year.
    """

    def __init__(self, view: LogView, shown: Sequence[int]) -> None:
        self.shown = shown
        seps: list[int] = []  # positions in shown that start a year
        self.sep_years: list[int] = []
        for year, first in view.first_of_year.items():
            p = bisect.bisect_left(shown, first)
            if p < len(shown) and view.years[shown[p]] == year:
                seps.append(p)
                self.sep_years.append(year)
        self.sep_positions = seps
        #: The row each separator is drawn on.
        self.sep_rows = [p + k for k, p in enumerate(seps)]

    def __len__(self) -> int:
        return len(self.shown) + len(self.sep_rows)

    def at(self, row: int) -> tuple[int | None, int | None]:
        """(position in shown, None) for an event row, (None, year) for a separator."""
        k = bisect.bisect_right(self.sep_rows, row)
        if k and self.sep_rows[k - 1] == row:
            return None, self.sep_years[k - 1]
        return row - k, None

    def row_of(self, position: int) -> int:
        """The row showing the event at ``position`` in shown."""
        return position + bisect.bisect_right(self.sep_positions, position)


@dataclass(frozen=True)
class WatchEntry:
    """A forward-looking event on the watch list."""

    event: Event
    passed: bool


def watch_entries(log: EventLog, now: float, limit: int = 50) -> list[WatchEntry]:
    """Upcoming deadlines and scheduled events (soonest first), then those passed recently.

    The rule is the brief's, with the horizon before ``now`` as the period.
    """
    from briefer.watch import watch_events

    found = watch_events(log.events, as_of=now, period_start=now - log.horizon, horizon=log.horizon)
    upcoming = [WatchEntry(e, False) for e in found.upcoming[:limit]]
    passed = [WatchEntry(e, True) for e in found.passed[::-1]]
    return upcoming + passed[: max(0, limit - len(upcoming))]


def countdown(event: Event, now: float) -> str:
    """``in 8d 14:03:22``, ``now``, ``passed 2d ago``: a ticking countdown to the event."""
    start = event.date.earliest
    assert start is not None
    end = event.date.latest if event.date.latest is not None else start
    if start > now:
        return "in " + _span(start - now, seconds=True)
    if end > now:
        return "now"
    return "passed " + _span(now - end, seconds=False) + " ago"


def _date_width(text: str) -> int:
    """Roughly how wide a date written as ``text`` displays (without formatting it)."""
    if "/" in text:
        return 25  # "24 Sep 2023 – c. Nov 2023"
    if "T" in text:
        return 22  # "24 Sep 2023 07:30 CEST"
    width = {4: 4, 7: 8}.get(len(text.rstrip("~?%")), 11)
    if text[-1:] in "~%":
        width += 3  # "c. "
    if text[-1:] in "?%":
        width += 1
    return width


def _span(delta: float, *, seconds: bool) -> str:
    days, rest = divmod(int(delta), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if seconds:
        clock = f"{hours:02}:{minutes:02}:{secs:02}"
        return f"{days}d {clock}" if days else clock
    if days:
        return f"{days}d"
    return f"{hours}h" if hours else f"{minutes}m"


class _IdIndex(Mapping[str, int]):
    """Event ids → their index among ``events``: a hash table of indices in one flat array
    (4 bytes a slot, two slots or more an event), where each id's own hash (kept by its
    string) picks the slot and the next free one takes a collision. A dict of 100,000 ids
    took 3.7 MB (5.6 while it grew), once for each view: a reload holds two."""

    def __init__(self, events: Sequence[Event]) -> None:
        self._events = events
        size = 1 << max(3, (2 * len(events)).bit_length())
        self._mask = mask = size - 1
        #: Each slot: 0 when free, else the index of the event whose id is there, plus one.
        self._slots = slots = array("I", bytes(4 * size))
        for at, event in enumerate(events, 1):
            slot = hash(event.id) & mask
            while slots[slot]:
                slot = (slot + 1) & mask
            slots[slot] = at

    def _find(self, key: object) -> int:
        """The index of the event with id ``key``, -1 if none has it."""
        if not isinstance(key, str):
            return -1
        slots, mask, events = self._slots, self._mask, self._events
        slot = hash(key) & mask
        while at := slots[slot]:
            if events[at - 1].id == key:
                return at - 1
            slot = (slot + 1) & mask
        return -1

    def __getitem__(self, key: str) -> int:
        index = self._find(key)
        if index < 0:
            raise KeyError(key)
        return index

    def __contains__(self, key: object) -> bool:
        return self._find(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return (event.id for event in self._events)

    def __len__(self) -> int:
        return len(self._events)


def _year(ts: int, tz: tzinfo) -> int:
    return datetime.fromtimestamp(ts, tz).year


def _year_end(year: int, tz: tzinfo) -> int:
    """The first instant of ``year + 1`` in ``tz``."""
    return int(datetime(year + 1, 1, 1, tzinfo=tz).timestamp()) if year < 9999 else -_OPEN
