"""Tradecraft: ICD 203 terms, the statement lint's words, Admiralty grades, revision
chains and indicator states."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.model import EventLog
from briefer.tradecraft.grades import grade_code, grade_words, parse_grade
from briefer.tradecraft.indicators import indicator_states
from briefer.tradecraft.judgments import current_judgments, history, lineage
from briefer.tradecraft.terms import LIKELIHOODS, find_in_statement, likelihood_of
from tests.helpers import load_valid, write


@pytest.mark.parametrize(
    ("term", "rank", "row"),
    [
        ("almost no chance", 0, 0),
        ("remote", 0, 1),
        ("Very  Unlikely", 1, 0),
        ("improbably", 2, 1),
        ("roughly even odds", 3, 1),
        ("likely", 4, 0),
        ("probably", 4, 1),
        ("highly probable", 5, 1),
        ("almost certainly", 6, 0),
        ("nearly certain", 6, 1),
    ],
)
def test_both_rows_of_the_table(term: str, rank: int, row: int) -> None:
    found = likelihood_of(term)
    assert found is not None
    assert (found[0].rank, found[1]) == (rank, row)


def test_ranges_follow_the_table() -> None:
    assert [lk.range for lk in LIKELIHOODS] == [
        "01–05 %", "05–20 %", "20–45 %", "45–55 %", "55–80 %", "80–95 %", "95–99 %",
    ]  # fmt: skip
    assert likelihood_of("possible") is None
    assert likelihood_of("30 %") is None


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("Violence will probably recur.", [("likelihood", "probably")]),
        ("It is very unlikely to spread.", [("likelihood", "very unlikely")]),
        ("Talks are unlikely; we are confident of it.", [
            ("likelihood", "unlikely"), ("confidence", "we are confident"),
        ]),
        ("We judge with high confidence that KFOR stays.", [
            ("confidence", "with high confidence"),
        ]),
        ("A moderate-confidence call: the risk is remote.", [
            ("confidence", "moderate-confidence"), ("likelihood", "is remote"),
        ]),
        ("An almost\n  certain outcome.", [("likelihood", "almost certain")]),
        # Words that only look like the vocabulary.
        ("Patrols reach a remote village near the boundary.", []),
        ("Confidence-building measures resume in the north.", []),
        ("The likelihood of talks depends on Belgrade.", []),
        ("Unlikelyhood is not a word; likelier is not a term.", []),
    ],
)  # fmt: skip
def test_the_statement_lint_finds_likelihood_and_confidence_words(
    statement: str, found: list[tuple[str, str]]
) -> None:
    assert [(f.kind, f.words) for f in find_in_statement(statement)] == found


def test_grades() -> None:
    assert grade_code("B", 2) == "B2"
    assert grade_code("B", None) == "B"
    assert grade_code(None, 3) == "3"
    assert grade_code(None, None) == ""
    assert grade_words("B", 2) == "usually reliable source, probably true"
    assert parse_grade("b2") == ("B", 2)
    assert parse_grade("F") == ("F", None)
    assert parse_grade("6") == (None, 6)
    for bad in ("G", "B7", "B22", "", "x"):
        assert parse_grade(bad) is None


def _log(text: str, tmp_path: Path) -> EventLog:
    return load_valid(write(tmp_path / "events.yaml", text))


CHAIN = """\
briefer: 1
title: Chain
timezone: UTC
sources: [{id: s1, title: S}]
indicators:
  - {id: ongoing, title: An open-ended deployment, window: 7d}
  - {id: short, title: A one-day clash, window: 7d}
events:
  - {id: deployed, date: 2023-01-01/.., title: Deployed, sources: [s1], indicators: [ongoing]}
  - {id: clash, date: 2023-03-01, title: Clash, sources: [s1], indicators: [short]}
judgments:
  - {id: a, date: 2023-01-10, statement: S, likelihood: unlikely, confidence: low, basis: [s1]}
  - {id: b, date: 2023-02-10, statement: S, likelihood: likely, confidence: low, basis: [s1],
     revises: a}
  - {id: c, date: 2023-03-10, statement: S, likelihood: very likely, confidence: high,
     basis: [s1], revises: b}
"""


def test_current_judgments_and_history_stop_at_as_of(tmp_path: Path) -> None:
    log = _log(CHAIN, tmp_path)
    by_id = {j.id: j for j in log.judgments}
    feb20 = 1676851200  # 2023-02-20T00:00Z
    assert [j.id for j in current_judgments(log.judgments, feb20)] == ["b"]
    assert [j.id for j in history(by_id["c"], by_id)] == ["a", "b", "c"]
    assert [j.id for j in history(by_id["c"], by_id, feb20)] == ["a", "b"]
    assert lineage(by_id["c"], by_id) == "a"
    assert current_judgments(log.judgments, 1672531200) == ()  # 2023-01-01: none made yet


def test_an_open_ended_observation_stays_recent_and_a_day_lapses(tmp_path: Path) -> None:
    log = _log(CHAIN, tmp_path)
    mar10 = 1678406400  # 2023-03-10T00:00Z: the clash's day ended 8 days before
    states = {
        s.indicator.id: s
        for s in indicator_states(
            log.indicators, log.events, as_of=mar10, period_start=mar10 - 86400 * 30,
            horizon=log.horizon,
        )
    }  # fmt: skip
    assert states["ongoing"].observed
    assert not states["short"].observed
    assert (states["short"].this_period, states["short"].before) == (1, 0)
    assert states["short"].trend == "rising"
    assert states["ongoing"].last is not None
    assert states["ongoing"].last.id == "deployed"
