"""What a brief's Key judgments and Indicators sections say (SPEC §7), from a log at an instant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from briefer.citations import Citations, marks_text
from briefer.model import Event, EventLog, Judgment
from briefer.tradecraft.indicators import IndicatorState, indicator_states
from briefer.tradecraft.judgments import current_judgments, lineage
from briefer.tradecraft.terms import Likelihood, headline, likelihood_of

__all__ = ["BasisItem", "IndicatorLine", "JudgmentLine", "indicator_lines", "judgment_lines"]


@dataclass(frozen=True)
class BasisItem:
    """One entry of a judgment's basis: an event (title, date) or a source, with its citations."""

    id: str
    #: The event's title, or None for a source cited directly.
    title: str | None
    date: str | None
    marks: tuple[str, ...]

    @property
    def cite(self) -> str:
        return marks_text(self.marks)


@dataclass(frozen=True)
class JudgmentLine:
    """A current judgment as the brief states it."""

    judgment: Judgment
    #: The first judgment of its revision chain: its name across a series.
    lineage: str
    likelihood: Likelihood
    basis: tuple[BasisItem, ...]
    #: The date it was made (or last revised), as displayed.
    date: str
    #: True when it revises an earlier judgment.
    revised: bool

    @property
    def term(self) -> str:
        """The likelihood term as the log writes it."""
        return self.judgment.likelihood

    @property
    def range(self) -> str:
        return self.likelihood.range

    @property
    def headline(self) -> str:
        """``Unlikely (20–45 %)``."""
        return headline(self.term)

    @property
    def statement(self) -> str:
        """The statement, ending with a full stop (or the mark it ends with)."""
        text = self.judgment.statement
        return text if text.endswith((".", "!", "?")) else f"{text}."

    @property
    def confidence_sentence(self) -> str:
        return f"We have {self.judgment.confidence.value} confidence in this judgment."


def judgment_lines(
    log: EventLog, as_of: int, cites: Citations, tz: tzinfo
) -> tuple[JudgmentLine, ...]:
    """The judgments current at ``as_of``, their basis cited through ``cites``.

    In the order their first versions were made: a revision keeps its place
    in the list from one brief to the next.
    """
    by_id = {j.id: j for j in log.judgments}
    position = {j.id: i for i, j in enumerate(log.judgments)}
    current = sorted(
        current_judgments(log.judgments, as_of),
        key=lambda j: position[lineage(j, by_id)],
    )
    out = []
    for judgment in current:
        found = likelihood_of(judgment.likelihood)
        assert found is not None  # check refused any other term
        basis = tuple(_basis_item(log, ref, cites, tz) for ref in judgment.basis)
        out.append(
            JudgmentLine(
                judgment,
                lineage(judgment, by_id),
                found[0],
                tuple(b for b in basis if b is not None),
                judgment.date.display(tz),
                judgment.revises is not None,
            )
        )
    return tuple(out)


def _basis_item(log: EventLog, ref: str, cites: Citations, tz: tzinfo) -> BasisItem | None:
    event = log.by_id.get(ref)
    if event is not None:
        return BasisItem(ref, event.title, event.date.display(tz), cites.marks(event))
    mark = cites.mark_source(ref)
    if mark is None:
        return None
    return BasisItem(ref, None, None, (mark,))


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator as the brief shows it."""

    state: IndicatorState
    #: The last observation's date as displayed, with how long before as-of ("24 Sep 2023,
    #: 59 days ago"); None when never observed.
    last: str | None

    @property
    def title(self) -> str:
        return self.state.indicator.title

    @property
    def scenario(self) -> str | None:
        return self.state.indicator.scenario


def indicator_lines(
    log: EventLog,
    events: Sequence[Event],
    *,
    as_of: int,
    period_start: int,
    tz: tzinfo,
) -> tuple[IndicatorLine, ...]:
    """Every indicator's line, grouped by scenario (in the order scenarios first appear)."""
    states = indicator_states(
        log.indicators, events, as_of=as_of, period_start=period_start, horizon=log.horizon
    )
    order = {s: i for i, s in enumerate(dict.fromkeys(st.indicator.scenario for st in states))}
    lines = []
    for state in sorted(states, key=lambda st: order[st.indicator.scenario]):
        last = None
        if state.last is not None and state.last.date.earliest is not None:
            days = (
                datetime.fromtimestamp(as_of, tz).date()
                - datetime.fromtimestamp(state.last.date.earliest, tz).date()
            ).days
            ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
            last = f"{state.last.date.display(tz)} ({ago})"
        lines.append(IndicatorLine(state, last))
    return tuple(lines)
