"""The event log as immutable values: what the loader builds and everything else reads.

No I/O here. Lists are tuples so that a loaded log can be shared (and cached)
without anyone mutating it by accident.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import tzinfo
from enum import StrEnum
from functools import cached_property
from typing import Literal, NamedTuple

from briefer.dates import EDate, get_timezone
from briefer.frozen import Columns, Texts, fast_pickle, special_columns

__all__ = [
    "BUILTIN_KINDS",
    "FORWARD_KINDS",
    "Citation",
    "Confidence",
    "Event",
    "EventLog",
    "Feed",
    "Indicator",
    "Judgment",
    "Location",
    "Metric",
    "Pos",
    "Positions",
    "Problem",
    "Source",
    "event_order",
    "search_form",
]

#: Kinds every log knows; a log may declare more under ``kinds:``.
BUILTIN_KINDS: tuple[str, ...] = (
    "incident",
    "deployment",
    "political",
    "diplomatic",
    "legal",
    "statement",
    "background",
    "deadline",
    "scheduled",
)
#: Forward-looking kinds: they feed the watch list rather than the developments.
FORWARD_KINDS: frozenset[str] = frozenset({"deadline", "scheduled"})


class Confidence(StrEnum):
    """Analytic confidence in ICD 203 terms."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class Pos(NamedTuple):
    """Where something stands in the log's files (1-based line and column).

    A named tuple rather than a frozen dataclass, for the cache: every event has
    one, and a tuple is restored by the unpickler with one call to its ``__new__``
    (a frozen dataclass's ``__setstate__`` set each slot in turn). Ordered by
    file, line and column.
    """

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        # Line 0 means "the file as a whole" (it could not be read at all).
        return self.file if self.line == 0 else f"{self.file}:{self.line}:{self.col}"


#: A line and column packed into one int, line first (both stay below 2**28: no file of
#: more than 256 MiB is read).
LINE_SHIFT = 28
COLUMN_MASK = (1 << LINE_SHIFT) - 1


class Positions:
    """A column of positions, pickled flat (:func:`briefer.frozen.special_columns`): the
    files named, each position's file by number, and its line and column in one int."""

    __slots__ = ("files", "numbers", "where")

    def __init__(self, files: list[str], numbers: array[int], where: array[int]) -> None:
        self.files = files
        self.numbers = numbers
        self.where = where

    @classmethod
    def of(cls, positions: Iterable[Pos]) -> Positions:
        """The column of these positions."""
        known: dict[str, int] = {}
        numbers, where = array("I"), array("Q")
        for file, line, col in positions:
            numbers.append(known.setdefault(file, len(known)))
            where.append(line << LINE_SHIFT | col)
        return cls(list(known), numbers, where)

    def __len__(self) -> int:
        return len(self.where)

    def __iter__(self) -> Iterator[Pos]:
        files = self.files
        for number, at in zip(self.numbers, self.where, strict=True):
            yield Pos(files[number], at >> LINE_SHIFT, at & COLUMN_MASK)

    def clear(self) -> None:
        """Let go of the arrays."""
        self.files.clear()
        del self.numbers[:]
        del self.where[:]

    def __reduce__(self) -> tuple[type[Positions], tuple[list[str], array[int], array[int]]]:
        return Positions, (self.files, self.numbers, self.where)


Severity = Literal["error", "warning"]


@fast_pickle
@dataclass(frozen=True, slots=True)
class Problem:
    """One validation finding, printed as ``FILE:LINE:COL: severity: message``."""

    pos: Pos
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: {self.severity}: {self.message}"


@fast_pickle
@dataclass(frozen=True, slots=True)
class Location:
    """A place: a name, optionally a region and coordinates."""

    name: str
    region: str | None = None
    lat: float | None = None
    lon: float | None = None

    def __str__(self) -> str:
        return f"{self.name}, {self.region}" if self.region else self.name


@fast_pickle
@dataclass(frozen=True, slots=True)
class Citation:
    """A reference from an event to a source, with an optional quote or page.

    ``credibility`` is the Admiralty grade of the information as this event
    takes it from the source: 1 (confirmed by other sources) … 6 (cannot be judged).
    """

    source: str
    note: str | None = None
    credibility: int | None = None


@dataclass(frozen=True)
class Source:
    """A document the log cites."""

    id: str
    title: str
    pos: Pos
    publisher: str | None = None
    published: EDate | None = None
    url: str | None = None
    #: Admiralty source reliability: A (completely reliable) … F (cannot be judged).
    reliability: str | None = None


@dataclass(frozen=True)
class Metric:
    """A numeric series tracked over time through events' ``figures``."""

    id: str
    label: str
    pos: Pos
    unit: str | None = None


def search_form(text: str) -> str:
    """``text`` as the search compares it: lower case, one character per byte of its UTF-8.

    A search text holding one letter beyond Latin-1 (``č``) would otherwise take
    two or four bytes for each of its characters; in this form it takes one per
    UTF-8 byte, most of them ASCII (a third less memory for a log of the Balkans),
    and is still a ``str``, whose substring test is the fastest Python has. A
    needle in the same form is found exactly where the plain one is: UTF-8 marks
    the bytes that start a character, so a match cannot begin or end inside one.
    """
    return text.lower().encode("utf-8", "surrogatepass").decode("latin-1")


#: One shared empty mapping for the many events without figures (never mutated).
_NO_FIGURES: Mapping[str, float] = {}


@fast_pickle
@dataclass(frozen=True, slots=True)
class Event:
    """One dated entry of the log."""

    id: str
    date: EDate
    title: str
    #: Where the event's mapping starts (its file and line, for editors and errors).
    pos: Pos
    #: None when the log does not say; see BUILTIN_KINDS.
    kind: str | None = None
    summary: str = ""
    actors: tuple[str, ...] = ()
    location: Location | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[Citation, ...] = ()
    significance: int = 3
    confidence: Confidence | None = None
    #: Metric id → value as reported at this event's date.
    figures: Mapping[str, float] = field(default_factory=lambda: _NO_FIGURES)
    related: tuple[str, ...] = ()
    #: Ids of the indicators this event is an observation of.
    indicators: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        """The file it is read from, as shown (``pos.file``; a packed event's without
        making its Pos: a reload sorts 100,000 held events by file)."""
        return self.pos.file

    @property
    def forward_looking(self) -> bool:
        """Deadlines and scheduled events look ahead; they feed the watch list."""
        return self.kind in FORWARD_KINDS

    #: Cache of ``haystack``; filled on first use, never compared or printed.
    _haystack: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def haystack(self) -> str:
        """The text bare query words search (title, summary, actors, place, tags), in
        :func:`search_form`: compare it with a needle in that form, never show it."""
        if self._haystack is not None:
            return self._haystack
        parts = [self.title, self.summary, *self.actors, *self.tags]
        if self.location is not None:
            parts.append(self.location.name)
            if self.location.region:
                parts.append(self.location.region)
        text = search_form("\n".join(parts))
        object.__setattr__(self, "_haystack", text)
        return text


def event_order(event: Event) -> tuple[object, ...]:
    """Where an event goes in a log: by its earliest bound, then precision (coarser first),
    then id."""
    return (*event.date.sort_key, event.id)


# Pickled flat, with the others' (see briefer.packed): the titles and summaries as one text
# each, the positions as numbers.
special_columns(Event, title=Texts, summary=Texts, pos=Positions)


@dataclass(frozen=True)
class Judgment:
    """A key judgment as the analyst made it on ``date`` (a revision is a judgment of its own)."""

    id: str
    date: EDate
    statement: str
    #: The ICD 203 term as written (either row of the table; see briefer.tradecraft.terms).
    likelihood: str
    confidence: Confidence
    pos: Pos
    #: Ids of the events and sources it rests on.
    basis: tuple[str, ...] = ()
    #: The earlier judgment this one replaces.
    revises: str | None = None


@dataclass(frozen=True)
class Indicator:
    """A signpost the analyst watches; events name it under ``indicators:`` to observe it."""

    id: str
    title: str
    pos: Pos
    #: Free text grouping indicators (escalation, de-escalation, …).
    scenario: str | None = None
    #: How long an observation counts as recent, in seconds (None: the log's horizon).
    window: int | None = None


@dataclass(frozen=True)
class Feed:
    """A news feed the inbox fetches (SPEC §8: header key ``feeds:``)."""

    id: str
    url: str
    title: str | None = None


@dataclass(frozen=True)
class EventLog:
    """A whole validated log: header, metrics, sources, events (sorted), judgments, indicators."""

    path: str
    title: str
    timezone: str = "UTC"
    marking: str | None = None
    #: How far ahead the watch list looks, in seconds.
    horizon: int = 30 * 86400
    kinds: tuple[str, ...] = BUILTIN_KINDS
    metrics: Mapping[str, Metric] = field(default_factory=dict)
    sources: Mapping[str, Source] = field(default_factory=dict)
    #: Sorted by earliest bound, then precision (coarser first), then id.
    events: tuple[Event, ...] = ()
    #: Every file the log was read from, the main file first.
    files: tuple[str, ...] = ()
    #: Key judgments and their revisions, sorted by date, then id.
    judgments: tuple[Judgment, ...] = ()
    #: Indicators by id, in the order the log declares them.
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    #: The folder new captured events go to, relative to the main file (``capture:``).
    capture: str | None = None
    #: The main file's ``include:`` patterns, as written.
    includes: tuple[str, ...] = ()
    #: The feeds the inbox fetches (``feeds:``), in the order the log lists them.
    feeds: tuple[Feed, ...] = ()

    @cached_property
    def by_id(self) -> Mapping[str, Event]:
        """Events by id."""
        return {e.id: e for e in self.events}

    def __reduce__(self) -> tuple[object, ...]:
        # Its fields (not by_id, which is made again when asked for), the events as columns.
        state: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        state["events"] = Columns(Event, self.events)
        return _log_from, (state,)

    @property
    def tzinfo(self) -> tzinfo:
        """The log's time zone."""
        return get_timezone(self.timezone)


def _log_from(state: dict[str, object]) -> EventLog:
    """The log :meth:`EventLog.__reduce__` pickled (its events come as a list)."""
    events = state["events"]
    if not isinstance(events, list):
        raise TypeError("an event log's events must unpickle as a list")
    return EventLog(**{**state, "events": tuple(events)})  # type: ignore[arg-type]
