"""An indicator's state at an instant: observed or not, when last, how often, which way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from briefer.model import Event, Indicator

__all__ = ["IndicatorState", "indicator_state", "indicator_states", "observations"]


@dataclass(frozen=True)
class IndicatorState:
    """What a brief says of one indicator."""

    indicator: Indicator
    #: Observed within its window before the instant.
    observed: bool
    #: The latest observation made by the instant, if any.
    last: Event | None
    #: Observations in the period, and in the period of the same length before it.
    this_period: int
    before: int
    #: Every observation made by the instant, oldest first.
    history: tuple[Event, ...]

    @property
    def status(self) -> str:
        return "observed" if self.observed else "not observed"

    @property
    def trend(self) -> str:
        """``rising``, ``steady`` or ``falling``: this period's count against the one before."""
        if self.this_period > self.before:
            return "rising"
        if self.this_period < self.before:
            return "falling"
        return "steady"


def observations(events: Iterable[Event]) -> dict[str, list[Event]]:
    """Indicator id → the events observing it, in the order given (the log's, oldest first)."""
    out: dict[str, list[Event]] = {}
    for event in events:
        for iid in event.indicators:
            out.setdefault(iid, []).append(event)
    return out


def indicator_state(
    indicator: Indicator,
    observed_by: Sequence[Event],
    *,
    as_of: int,
    period_start: int,
    horizon: int,
) -> IndicatorState:
    """The state of ``indicator`` at ``as_of``, given the events that observe it (oldest first).

    An observation counts from its date's first instant; it is recent while any
    part of it lies within the window before ``as_of`` (an undated end: still running).
    """
    window = indicator.window if indicator.window is not None else horizon
    span = max(as_of - period_start, 0)
    seen = [e for e in observed_by if e.date.earliest is not None and e.date.earliest <= as_of]
    recent = any(e.date.latest is None or e.date.latest > as_of - window for e in seen)
    starts = [e.date.earliest or 0 for e in seen]
    this_period = sum(1 for s in starts if s >= period_start)
    before = sum(1 for s in starts if period_start - span <= s < period_start)
    last = max(seen, key=lambda e: (e.date.earliest or 0, e.id), default=None)
    return IndicatorState(indicator, recent, last, this_period, before, tuple(seen))


def indicator_states(
    indicators: Mapping[str, Indicator],
    events: Iterable[Event],
    *,
    as_of: int,
    period_start: int,
    horizon: int,
) -> tuple[IndicatorState, ...]:
    """Every indicator's state, in the log's order."""
    seen = observations(events)
    return tuple(
        indicator_state(
            ind, seen.get(iid, []), as_of=as_of, period_start=period_start, horizon=horizon
        )
        for iid, ind in indicators.items()
    )
