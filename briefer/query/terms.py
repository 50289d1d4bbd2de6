"""The values a parsed query is made of: terms, predicates, the parse error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo

from briefer.model import Event, search_form

__all__ = ["CompileContext", "Predicate", "QueryError", "Term"]

Predicate = Callable[[Event], bool]


class QueryError(ValueError):
    """A malformed query; ``column`` is 1-based, pointing at the bad term."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}"


@dataclass(frozen=True)
class Term:
    """One parsed term: ``field`` is None for free text."""

    field: str | None
    op: str
    value: str
    negate: bool
    column: int

    @property
    def needle(self) -> str:
        """The value as a free-text term looks for it in ``Event.haystack``."""
        return search_form(self.value)


@dataclass(frozen=True)
class CompileContext:
    """What a field's compiler may need besides the term itself."""

    tz: tzinfo
    """The log's time zone: naive dates in ``after:`` and ``before:`` are read in it."""
    kinds: tuple[str, ...] | None
    """The log's kinds, so that ``kind:`` catches misspellings (None: not checked)."""
    now: float
    """The clock durations count back from (``after:7d``)."""
    reliability: Mapping[str, str] = field(default_factory=dict)
    """Source id → its reliability letter (graded sources only), for ``grade:`` and
    ``reliability:``; a citation of a source missing here has no reliability."""
    indicators: tuple[str, ...] | None = None
    """The log's indicator ids, so that ``indicator:`` catches misspellings (None: not checked)."""
