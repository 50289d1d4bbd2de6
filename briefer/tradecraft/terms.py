"""ICD 203's expressions of likelihood and the vocabulary of analytic confidence.

ICD 203 (Analytic Standards, 2015) gives two interchangeable rows of terms for
seven ranges of probability. A log uses one row; a judgment names its term in
``likelihood:`` and its confidence in ``confidence:``, never inside the
statement, so that the two are always read as separate sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "LIKELIHOODS",
    "Finding",
    "Likelihood",
    "find_in_statement",
    "headline",
    "likelihood_of",
    "term_names",
]


@dataclass(frozen=True)
class Likelihood:
    """One of ICD 203's seven ranges, with the spellings of its term in each row."""

    #: 0 (almost no chance) … 6 (almost certain): comparing ranks says raised or lowered.
    rank: int
    #: The spellings of the first row ("likely") and of the second ("probable").
    rows: tuple[tuple[str, ...], tuple[str, ...]]
    low: int
    high: int

    @property
    def name(self) -> str:
        """The first row's term: how the range is named when a log does not say."""
        return self.rows[0][0]

    @property
    def range(self) -> str:
        """``20–45 %``."""
        return f"{self.low:02d}–{self.high:02d} %"


#: The table of SPEC §7, lowest range first.
LIKELIHOODS: tuple[Likelihood, ...] = (
    Likelihood(0, (("almost no chance",), ("remote",)), 1, 5),
    Likelihood(1, (("very unlikely",), ("highly improbable",)), 5, 20),
    Likelihood(2, (("unlikely",), ("improbable", "improbably")), 20, 45),
    Likelihood(3, (("roughly even chance",), ("roughly even odds",)), 45, 55),
    Likelihood(4, (("likely",), ("probable", "probably")), 55, 80),
    Likelihood(5, (("very likely",), ("highly probable",)), 80, 95),
    Likelihood(6, (("almost certain", "almost certainly"), ("nearly certain",)), 95, 99),
)

_BY_TERM: dict[str, tuple[Likelihood, int]] = {
    spelling: (likelihood, row)
    for likelihood in LIKELIHOODS
    for row, spellings in enumerate(likelihood.rows)
    for spelling in spellings
}


def likelihood_of(term: str) -> tuple[Likelihood, int] | None:
    """The range a term names and its row (0 or 1); None for a term not in the table."""
    return _BY_TERM.get(" ".join(term.lower().split()))


def headline(term: str) -> str:
    """``Unlikely (20–45 %)``: a term as written, capitalised, with its range."""
    found = likelihood_of(term)
    shown = f"{term[:1].upper()}{term[1:]}"
    return shown if found is None else f"{shown} ({found[0].range})"


def term_names() -> tuple[str, ...]:
    """Every accepted spelling, for suggestions."""
    return tuple(_BY_TERM)


def _words(*phrases: str) -> str:
    """Alternatives of phrases whose words may be separated by any whitespace (folded lines)."""
    return "|".join(r"\s+".join(p.split()) for p in phrases)


# Longest first, so that "very unlikely" is one finding rather than "unlikely".
_LIKELIHOOD_WORDS = _words(
    "almost no chance",
    "very unlikely",
    "highly improbable",
    "roughly even chance",
    "roughly even odds",
    "even chance",
    "even odds",
    "fifty-fifty",
    "very likely",
    "highly probable",
    "almost certainly",
    "almost certain",
    "nearly certainly",
    "nearly certain",
    "unlikely",
    "improbable",
    "improbably",
    "likely",
    "probable",
    "probably",
    "remote chance",
    "remote possibility",
    "remote prospect",
)
# "Remote" is a likelihood only as a predicate ("the risk is remote"), not a remote village.
_REMOTE = r"(?:is|are|remains?|stays?)\s+remote"
_CONFIDENCE_WORDS = (
    r"(?:high|moderate|medium|low)(?:\s+|-)confidence"
    r"|(?:we|i)\s+(?:are|am)\s+(?:\w+\s+)?confident"
    r"|with\s+(?:\w+\s+)?confidence"
    r"|confident(?:ly)?\s+that"
)
_FINDER = re.compile(
    rf"\b(?:(?P<likelihood>{_LIKELIHOOD_WORDS}|{_REMOTE})|(?P<confidence>{_CONFIDENCE_WORDS}))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """Words of a statement that express likelihood or confidence."""

    #: "likelihood" or "confidence".
    kind: str
    #: The words as written, whitespace collapsed.
    words: str
    #: Offset of the words in the text searched.
    start: int


def find_in_statement(text: str) -> list[Finding]:
    """Every likelihood or confidence expression in ``text``, in order."""
    out = []
    for match in _FINDER.finditer(text):
        kind = "likelihood" if match.group("likelihood") else "confidence"
        out.append(Finding(kind, " ".join(match.group().split()), match.start()))
    return out
