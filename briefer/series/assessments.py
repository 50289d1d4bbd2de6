"""How the analyst's assessment moved between two briefs: judgments and indicators.

A brief records, in the reports manifest, each current judgment as
``[lineage, id, likelihood, confidence]`` (the lineage is the first judgment
of its revision chain, so a revision is the same judgment moved, not a new
one) and each indicator as ``[id, observed]``. The next brief compares its
own with those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefer.tradecraft.sections import IndicatorLine, JudgmentLine
from briefer.tradecraft.terms import likelihood_of

__all__ = [
    "AssessmentChanges",
    "JudgmentRecord",
    "RevisedJudgment",
    "compare_assessments",
    "record_indicators",
    "record_judgments",
]

#: (lineage, id, likelihood as written, confidence)
JudgmentRecord = tuple[str, str, str, str]
_CONFIDENCE_RANK = {"low": 0, "moderate": 1, "high": 2}


def record_judgments(lines: Sequence[JudgmentLine]) -> tuple[JudgmentRecord, ...]:
    """What the manifest keeps of a brief's judgments."""
    return tuple((j.lineage, j.judgment.id, j.term, j.judgment.confidence.value) for j in lines)


def record_indicators(lines: Sequence[IndicatorLine]) -> tuple[tuple[str, bool], ...]:
    """What the manifest keeps of a brief's indicators: id and whether observed."""
    return tuple((i.state.indicator.id, i.state.observed) for i in lines)


@dataclass(frozen=True)
class RevisedJudgment:
    """A judgment whose likelihood or confidence moved since the previous brief."""

    id: str
    lineage: str
    statement: str
    #: ``likelihood raised from *unlikely* (report 3) to *roughly even chance*``, …
    moves: tuple[str, ...]


@dataclass(frozen=True)
class AssessmentChanges:
    """Judgments revised, new and withdrawn; indicators newly observed and lapsed."""

    revised: tuple[RevisedJudgment, ...] = ()
    #: (id, statement)
    new: tuple[tuple[str, str], ...] = ()
    #: (id, likelihood, confidence) as the previous brief had them.
    withdrawn: tuple[tuple[str, str, str], ...] = ()
    #: (id, title)
    observed: tuple[tuple[str, str], ...] = ()
    lapsed: tuple[tuple[str, str], ...] = ()

    @property
    def none(self) -> bool:
        return not (self.revised or self.new or self.withdrawn or self.observed or self.lapsed)


def _move(field: str, old: str, new: str, old_rank: int, new_rank: int, number: int) -> str:
    way = "raised" if new_rank > old_rank else "lowered"
    return f"{field} {way} from *{old}* (report {number}) to *{new}*"


def compare_assessments(
    previous_number: int,
    before_judgments: Sequence[JudgmentRecord] | None,
    before_indicators: Sequence[tuple[str, bool]] | None,
    judgments: Sequence[JudgmentLine],
    indicators: Sequence[IndicatorLine],
) -> AssessmentChanges:
    """The moves since the previous brief; a part it did not record (older briefer) is skipped."""
    revised: list[RevisedJudgment] = []
    new: list[tuple[str, str]] = []
    withdrawn: list[tuple[str, str, str]] = []
    if before_judgments is not None:
        old = {r[0]: r for r in before_judgments}
        for line in judgments:
            prev = old.pop(line.lineage, None)
            if prev is None:
                new.append((line.judgment.id, line.judgment.statement))
                continue
            moves = []
            old_term, old_conf = prev[2], prev[3]
            found = likelihood_of(old_term)
            if found is not None and found[0].rank != line.likelihood.rank:
                moves.append(
                    _move(
                        "likelihood",
                        old_term,
                        line.term,
                        found[0].rank,
                        line.likelihood.rank,
                        previous_number,
                    )
                )
            conf = line.judgment.confidence.value
            if old_conf in _CONFIDENCE_RANK and old_conf != conf:
                moves.append(
                    _move(
                        "confidence",
                        old_conf,
                        conf,
                        _CONFIDENCE_RANK[old_conf],
                        _CONFIDENCE_RANK[conf],
                        previous_number,
                    )
                )
            if moves:
                revised.append(
                    RevisedJudgment(
                        line.judgment.id, line.lineage, line.judgment.statement, tuple(moves)
                    )
                )
        withdrawn = [(r[1], r[2], r[3]) for r in old.values()]
    observed: list[tuple[str, str]] = []
    lapsed: list[tuple[str, str]] = []
    if before_indicators is not None:
        was = dict(before_indicators)
        for ind in indicators:
            iid = ind.state.indicator.id
            if iid not in was:
                continue
            if ind.state.observed and not was[iid]:
                observed.append((iid, ind.title))
            elif was[iid] and not ind.state.observed:
                lapsed.append((iid, ind.title))
    return AssessmentChanges(
        tuple(revised), tuple(new), tuple(withdrawn), tuple(observed), tuple(lapsed)
    )
