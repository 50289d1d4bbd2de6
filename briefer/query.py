"""The filter language shared by ``briefer list``, ``render --filter`` and the TUI.

A query is a list of terms separated by spaces; an event matches when every
term does. Parse once with :func:`parse_query`, then call
:meth:`Query.matches` per event: each term is compiled to a small predicate
over precomputed fields, so filtering 100,000 events stays interactive.

==============  =========================================================
``word``        case-insensitive substring of title, summary, actors,
                place or tags (``"a phrase"`` likewise)
``tag:X``       a tag equal to X (case-insensitive); likewise ``kind:``,
                ``source:`` (a cited source id), ``conf:`` and ``id:``
``actor:X``     an actor containing X; ``place:X`` the place or region
``after:D``     starts on or after D (a date, or a duration back from now:
                ``7d``, ``2w``); ``before:D`` starts before D
``sig>=N``      significance compared with N (``>``, ``>=``, ``=``, ``<=``,
                ``<``; ``sig:N`` means ``sig=N``)
``-TERM``       negates any term
==============  =========================================================
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo

from briefer.dates import (
    DateError,
    check_instant,
    looks_like_duration,
    parse_date,
    parse_duration,
)
from briefer.errors import did_you_mean
from briefer.model import BUILTIN_KINDS, Confidence, Event

__all__ = ["FIELDS", "Query", "QueryError", "Term", "parse_query", "refines"]

#: Field names a term may start with.
FIELDS = ("tag", "kind", "actor", "place", "source", "after", "before", "sig", "conf", "id")

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


@dataclass(frozen=True)
class Query:
    """A parsed query: every term must match."""

    text: str
    terms: tuple[Term, ...]
    predicates: tuple[Predicate, ...]

    def matches(self, event: Event) -> bool:
        """True when the event satisfies every term."""
        return all(p(event) for p in self.predicates)

    def filter(self, events: Iterable[Event]) -> list[Event]:
        """The matching events, in the given order."""
        preds = self.predicates
        if not preds:
            return list(events)
        if len(preds) == 1:
            return [e for e in events if preds[0](e)]
        return [e for e in events if all(p(e) for p in preds)]

    def select(
        self,
        events: Sequence[Event],
        haystacks: Sequence[str],
        candidates: Sequence[int] | None = None,
    ) -> list[int]:
        """Indices (ascending) of the matching events among ``candidates`` (default: all).

        ``haystacks[i]`` must be ``events[i].haystack``: free-text terms then test
        a plain list of strings, several times faster than going through each
        event (the browser filters 100,000 events on every keystroke).
        """
        picked: Sequence[int] = range(len(events)) if candidates is None else candidates
        for term, pred in zip(self.terms, self.predicates, strict=True):
            if term.field is None and not term.negate:
                low = term.value.lower()
                if candidates is None and isinstance(picked, range):
                    picked = [i for i, h in enumerate(haystacks) if low in h]
                else:
                    picked = [i for i in picked if low in haystacks[i]]
            else:
                picked = [i for i in picked if pred(events[i])]
        return list(picked)

    def __bool__(self) -> bool:
        return bool(self.terms)


def refines(old: str, new: str) -> bool:
    """True when every event matching query ``new`` also matches query ``old``.

    Only the cheap, common case is recognised, so that the browser can filter
    the previous result instead of the whole log while someone types: ``new``
    is ``old`` with more text after it, which either continues ``old``'s last
    term (a plain word: a longer word matches fewer events) or adds new terms.
    """
    if not new.startswith(old):
        return False
    if not old.strip():
        return True
    rest = new[len(old) :]
    if old[-1].isspace() or not rest or rest[0].isspace():
        return True  # old's terms are untouched; new only adds terms
    try:
        before, after = list(_tokens(old)), list(_tokens(new))
    except QueryError:
        return False
    if not before or len(after) != len(before) or after[:-1] != before[:-1]:
        return False
    # The last word grew: it must still be a plain word ("sig" → "sig>=4" is not).
    column, negate, field, _op, value, quoted = after[-1]
    old_column, _neg, _field, _o, old_value, old_quoted = before[-1]
    return (
        column == old_column
        and field is None
        and _field is None
        and not negate
        and not _neg
        and not quoted
        and not old_quoted
        and value.startswith(old_value)
    )


_SIG_OPS: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
    ":": operator.eq,
}
_FIELD_RE = re.compile(r"([A-Za-z]+)(>=|<=|[:<>=])")


def _tokens(text: str) -> Iterator[tuple[int, bool, str | None, str, str, bool]]:
    """(column, negate, field, op, value, quoted) per term, or QueryError."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negate = text[i] == "-"
        if negate:
            i += 1
            if i >= n or text[i].isspace():
                raise QueryError("'-' must be followed by a term to exclude", start + 1)
        field, op = None, ""
        m = _FIELD_RE.match(text, i)
        if m is not None:
            field, op = m.group(1).lower(), m.group(2)
            i = m.end()
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError('unterminated quote: add the closing "', i + 1)
            value, quoted = text[i + 1 : end], True
            i = end + 1
            if i < n and not text[i].isspace():
                raise QueryError("put a space after the closing quote", i + 1)
        else:
            j = i
            while j < n and not text[j].isspace():
                if text[j] == '"':
                    raise QueryError(
                        'a quote must start a term or a value (e.g. actor:"Kosovo Police")', j + 1
                    )
                j += 1
            value, quoted = text[i:j], False
            i = j
        yield start + 1, negate, field, op, value, quoted


def parse_query(
    text: str,
    *,
    tz: tzinfo = UTC,
    kinds: Iterable[str] | None = None,
    now: float | None = None,
) -> Query:
    """Parse ``text``; ``kinds`` (when given) lets ``kind:`` catch misspellings early."""
    known_kinds = tuple(kinds) if kinds is not None else None
    clock = time.time() if now is None else now
    terms: list[Term] = []
    preds: list[Predicate] = []
    for column, negate, field, op, value, quoted in _tokens(text):
        if field is not None and field not in FIELDS:
            hint = did_you_mean(field, FIELDS) or f" (fields: {', '.join(FIELDS)})"
            raise QueryError(f"unknown field '{field}'{hint}; quote text with a colon", column)
        if field is not None and field != "sig" and op != ":":
            raise QueryError(f"'{field}' takes ':' (e.g. {field}:…), not '{op}'", column)
        if field is not None and not value:
            raise QueryError(f"'{field}{op}' needs a value", column)
        if field is None and not value:
            if quoted:
                raise QueryError("empty quoted phrase", column)
            continue
        pred = _compile(field, op, value, column, tz, known_kinds, clock)
        if negate:
            pred = _negated(pred)
        terms.append(Term(field, op, value, negate, column))
        preds.append(pred)
    return Query(text, tuple(terms), tuple(preds))


def _negated(pred: Predicate) -> Predicate:
    return lambda e: not pred(e)


def _compile(
    field: str | None,
    op: str,
    value: str,
    column: int,
    tz: tzinfo,
    kinds: tuple[str, ...] | None,
    now: float,
) -> Predicate:
    low = value.lower()
    if field is None:
        return lambda e: low in e.haystack
    if field == "tag":
        return _memo_on("tags", lambda tags: any(t.lower() == low for t in tags))
    if field == "kind":
        choices = kinds if kinds is not None else BUILTIN_KINDS
        if kinds is not None and low not in choices:
            raise QueryError(f"unknown kind '{value}'{did_you_mean(low, choices)}", column)
        return lambda e: e.kind is not None and e.kind.lower() == low
    if field == "actor":
        return _memo_on("actors", lambda actors: any(low in a.lower() for a in actors))
    if field == "place":
        return lambda e: e.location is not None and low in str(e.location).lower()
    if field == "source":
        return lambda e: any(c.source.lower() == low for c in e.sources)
    if field == "id":
        return lambda e: e.id == low
    if field == "conf":
        names = [c.value for c in Confidence]
        if low not in names:
            hint = did_you_mean(low, names) or " (high, moderate or low)"
            raise QueryError(f"unknown confidence '{value}'{hint}", column)
        return lambda e: e.confidence is not None and e.confidence.value == low
    if field == "sig":
        if not re.fullmatch(r"[1-5]", value):
            raise QueryError(f"significance must be 1..5, not '{value}'", column)
        n, cmp = int(value), _SIG_OPS[op]
        return lambda e: cmp(e.significance, n)
    # after / before
    bound = _instant(value, column, tz, now)
    if field == "after":
        return lambda e: e.date.earliest is not None and e.date.earliest >= bound
    return lambda e: e.date.earliest is None or e.date.earliest < bound


def _memo_on(attr: str, test: Callable[[tuple[str, ...]], bool]) -> Predicate:
    """``test`` of an event's tuple of strings, remembered per distinct tuple.

    Logs repeat the same few tag and actor combinations; a dictionary lookup
    is much cheaper than lower-casing and comparing every string again.
    """
    seen: dict[tuple[str, ...], bool] = {}
    get = operator.attrgetter(attr)

    def pred(e: Event) -> bool:
        value: tuple[str, ...] = get(e)
        found = seen.get(value)
        if found is None:
            found = seen[value] = test(value)
        return found

    return pred


def _instant(value: str, column: int, tz: tzinfo, now: float) -> int:
    """The start of a date, or ``now`` minus a duration (``7d``)."""
    if looks_like_duration(value):
        try:
            return check_instant(int(now) - parse_duration(value), f"'{value}' back from now")
        except DateError as exc:  # the message names the duration already
            raise QueryError(str(exc), column) from None
    if value == "now":
        return int(now)
    try:
        parsed = parse_date(value, tz)
    except DateError as exc:
        raise QueryError(f"date '{value}': {exc}", column) from None
    if parsed.earliest is None:
        raise QueryError(f"date '{value}' has no start", column)
    return parsed.earliest
