"""What the key judgments (``J``) and indicators (``I``) screens show, computed without Textual.

Both follow the browser's clock: a judgment made after it, or an observation
after it, is not shown yet, as in an as-of brief (SPEC §7).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from briefer.dates import MONTHS
from briefer.model import Event, EventLog, Judgment, Source
from briefer.tradecraft.judgments import current_judgments, history
from briefer.tradecraft.sections import IndicatorLine, indicator_lines
from briefer.tradecraft.terms import Likelihood, headline, likelihood_of
from briefer.tui.view import bin_counts

__all__ = [
    "Board",
    "JudgmentEntry",
    "basis_of",
    "day_text",
    "indicator_board",
    "judgment_entries",
    "month_text",
    "observing",
    "revisions",
]


def day_text(now: float, tz: tzinfo) -> str:
    """``22 Nov 2023``: the day of the browser's clock."""
    day = datetime.fromtimestamp(now, tz)
    return f"{day.day} {month_text(now, tz)}"


def month_text(instant: float, tz: tzinfo) -> str:
    """``Nov 2023``, in fixed English whatever the locale."""
    day = datetime.fromtimestamp(instant, tz)
    return f"{MONTHS[day.month]} {day.year}"


@dataclass(frozen=True)
class JudgmentEntry:
    """A judgment as the screen lists it: its term with the range, its confidence, its date."""

    judgment: Judgment
    likelihood: Likelihood
    #: The date it was made, as displayed.
    date: str

    @property
    def id(self) -> str:
        return self.judgment.id

    @property
    def headline(self) -> str:
        """``Unlikely (20–45 %)``."""
        return headline(self.judgment.likelihood)

    @property
    def confidence(self) -> str:
        return f"{self.judgment.confidence.value} confidence"

    def change_from(self, earlier: JudgmentEntry) -> str:
        """``raised``, ``lowered`` or '' (same range): how this revision moved the likelihood."""
        if self.likelihood.rank > earlier.likelihood.rank:
            return "raised"
        if self.likelihood.rank < earlier.likelihood.rank:
            return "lowered"
        return ""


def _entry(log: EventLog, judgment: Judgment) -> JudgmentEntry:
    found = likelihood_of(judgment.likelihood)
    assert found is not None  # check refused any other term
    return JudgmentEntry(judgment, found[0], judgment.date.display(log.tzinfo))


def judgment_entries(log: EventLog, now: float) -> tuple[JudgmentEntry, ...]:
    """The judgments current at ``now`` (the latest revision of each made by then), in log order."""
    return tuple(_entry(log, j) for j in current_judgments(log.judgments, int(now)))


def revisions(log: EventLog, judgment: Judgment, now: float) -> tuple[JudgmentEntry, ...]:
    """``judgment`` and the ones it revises, oldest first (none made after ``now``)."""
    by_id = {j.id: j for j in log.judgments}
    return tuple(_entry(log, j) for j in history(judgment, by_id, int(now)))


def basis_of(
    log: EventLog, judgment: Judgment, event_of: Callable[[str], Event | None]
) -> tuple[list[Event], list[Source]]:
    """The events and the sources a judgment rests on, in the order it names them;
    ``event_of`` finds an event of ``log`` by id (``LogView.event``)."""
    events = [e for ref in judgment.basis if (e := event_of(ref)) is not None]
    sources = [log.sources[ref] for ref in judgment.basis if ref in log.sources]
    return events, sources


@dataclass(frozen=True)
class Board:
    """The indicators board: each indicator's line and its observations per slice of time."""

    lines: tuple[IndicatorLine, ...]
    #: One list of counts per line, every one over the same slices from ``first`` to ``last``.
    counts: tuple[list[int], ...]
    #: The span of the sparklines (None when nothing has been observed yet).
    first: int | None
    last: int


def observing(log: EventLog) -> list[Event]:
    """The events that observe an indicator, oldest first."""
    return [e for e in log.events if e.indicators]


def indicator_board(
    log: EventLog, now: float, bins: int, events: Sequence[Event] | None = None
) -> Board:
    """Every indicator as of ``now``, grouped by scenario, with ``bins`` counts of observations.

    ``events`` may be the log's events that observe an indicator (``observing``),
    found once rather than on every tick of the clock.

    The sparklines share one time axis, from the first observation of any
    indicator to ``now``, so that their shapes can be compared.
    """
    as_of = int(now)
    lines = indicator_lines(
        log,
        log.events if events is None else events,
        as_of=as_of,
        period_start=as_of - log.horizon,
        tz=log.tzinfo,
    )
    starts = [_starts(line.state.history) for line in lines]
    first = min((s[0] for s in starts if s), default=None)
    if first is None:
        return Board(lines, tuple([0] * bins for _ in lines), None, as_of)
    counts = tuple(bin_counts(s, first, as_of, bins) for s in starts)
    return Board(lines, counts, first, as_of)


def _starts(events: Sequence[Event]) -> list[int]:
    return sorted(e.date.earliest for e in events if e.date.earliest is not None)
