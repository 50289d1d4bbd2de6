"""The tradecraft vocabulary: ICD 203 terms, the statement lint's words, Admiralty grades."""

from __future__ import annotations

import pytest

from briefer.tradecraft.grades import grade_code, grade_words, parse_grade
from briefer.tradecraft.terms import LIKELIHOODS, find_in_statement, likelihood_of


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
