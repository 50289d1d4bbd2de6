"""The one table of query fields: how each is written, compiled and explained.

Parsing looks a field up here and nothing else; there is no default branch,
so a row without a compiler fails when this module is imported, not later as
a silent date comparison. ``briefer list --help`` is built from
:func:`help_lines`; the browser's help can use :func:`help_rows`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefer.dates import DateError, parse_date
from briefer.durations import check_instant, looks_like_duration, parse_duration
from briefer.errors import did_you_mean
from briefer.model import BUILTIN_KINDS, Confidence, Event
from briefer.query.terms import CompileContext, Predicate, QueryError, Term

__all__ = ["BY_NAME", "FIELDS", "QUERY_FIELDS", "Compiler", "QueryField", "help_lines", "help_rows"]
__all__ += ["reads_clock"]

#: ``compile(op, value, column, context)``: a predicate, or QueryError at ``column``.
Compiler = Callable[[str, str, int, CompileContext], Predicate]


@dataclass(frozen=True)
class QueryField:
    """One field of the query language, as in ``tag:X`` or ``sig>=4``."""

    name: str
    """What a term starts with, lower case."""
    operators: tuple[str, ...]
    """The operators it accepts after its name; the first is the one shown."""
    compile: Compiler
    """Turns a term's operator and value into a predicate over events."""
    example: str
    """The term as the help shows it, e.g. ``tag:X``."""
    help: str
    """What it matches; fields with the same help share one help row."""
    also: bool = False
    """Shown after the help ("also conf:X") instead of in the example column."""


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


def _tag(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    low = value.lower()
    return _memo_on("tags", lambda tags: any(t.lower() == low for t in tags))


def _kind(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    low = value.lower()
    choices = ctx.kinds if ctx.kinds is not None else BUILTIN_KINDS
    if ctx.kinds is not None and low not in choices:
        raise QueryError(f"unknown kind '{value}'{did_you_mean(low, choices)}", column)
    return lambda e: e.kind is not None and e.kind.lower() == low


def _actor(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    low = value.lower()
    return _memo_on("actors", lambda actors: any(low in a.lower() for a in actors))


def _place(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    low = value.lower()
    return lambda e: e.location is not None and low in str(e.location).lower()


def _source(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    low = value.lower()
    return lambda e: any(c.source.lower() == low for c in e.sources)


def _after(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    bound = _instant(value, column, ctx)
    return lambda e: e.date.earliest is not None and e.date.earliest >= bound


def _before(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    bound = _instant(value, column, ctx)
    return lambda e: e.date.earliest is None or e.date.earliest < bound


_SIG_OPS: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
    ":": operator.eq,
}


def _sig(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    if not re.fullmatch(r"[1-5]", value):
        raise QueryError(f"significance must be 1..5, not '{value}'", column)
    n, cmp = int(value), _SIG_OPS[op]
    return lambda e: cmp(e.significance, n)


def _conf(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    low = value.lower()
    names = [c.value for c in Confidence]
    if low not in names:
        hint = did_you_mean(low, names) or " (high, moderate or low)"
        raise QueryError(f"unknown confidence '{value}'{hint}", column)
    return lambda e: e.confidence is not None and e.confidence.value == low


def _id(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    low = value.lower()
    return lambda e: e.id == low


def _indicator(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    low = value.lower()
    if ctx.indicators is not None and low not in ctx.indicators:
        hint = did_you_mean(low, ctx.indicators) if ctx.indicators else " (the log has none)"
        raise QueryError(f"unknown indicator '{value}'{hint}", column)
    return _memo_on("indicators", lambda ids: any(i.lower() == low for i in ids))


# Admiralty grades (SPEC §7): letters A (best) … F and digits 1 (best) … 6 compare in
# that order, so "reliability<=B" is A or B; F and 6 (cannot be judged) count as worst.
_LETTER_RE = re.compile(r"[A-Fa-f]")
_DIGIT_RE = re.compile(r"[1-6]")
_GRADE_RE = re.compile(r"([A-Fa-f]?)([1-6]?)")
_LEADING_OP_RE = re.compile(r"(>=|<=|[<>=])?(.*)", re.DOTALL)


def _graded(op: str, value: str, column: int, field: str) -> tuple[Callable[..., bool], str]:
    """The comparison and the grade of ``reliability<=B``, or of ``reliability:<=B``."""
    if op == ":":
        m = _LEADING_OP_RE.fullmatch(value)
        assert m is not None  # the pattern matches any text
        op, value = m.group(1) or ":", m.group(2)
        if not value:
            raise QueryError(f"'{field}:{op}' needs a value", column)
    return _SIG_OPS[op], value


def _reliability(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    cmp, value = _graded(op, value, column, "reliability")
    if not _LETTER_RE.fullmatch(value):
        raise QueryError(
            f"reliability must be a letter A..F (A completely reliable … F cannot be judged), "
            f"not '{value}'",
            column,
        )
    bound, grades = value.upper(), ctx.reliability
    return lambda e: any(
        (r := grades.get(c.source)) is not None and cmp(r, bound) for c in e.sources
    )


def _credibility(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    cmp, value = _graded(op, value, column, "credibility")
    if not _DIGIT_RE.fullmatch(value):
        raise QueryError(
            f"credibility must be a digit 1..6 (1 confirmed … 6 cannot be judged), not '{value}'",
            column,
        )
    bound = int(value)
    return lambda e: any(c.credibility is not None and cmp(c.credibility, bound) for c in e.sources)


def _grade(op: str, value: str, column: int, ctx: CompileContext) -> Predicate:
    m = _GRADE_RE.fullmatch(value)
    if m is None or not value:
        raise QueryError(
            f"grade must be a reliability letter A..F and/or a credibility digit 1..6 "
            f"(grade:B2, grade:B, grade:2), not '{value}'",
            column,
        )
    letter, digit = m.group(1).upper() or None, int(m.group(2)) if m.group(2) else None
    grades = ctx.reliability
    return lambda e: any(
        (letter is None or grades.get(c.source) == letter)
        and (digit is None or c.credibility == digit)
        for c in e.sources
    )


def reads_clock(term: Term) -> bool:
    """Whether what a term selects moves with the clock (``after:7d``, ``before:now``):
    :func:`_instant` reads ``now`` for it."""
    return term.field in ("after", "before") and (
        term.value == "now" or looks_like_duration(term.value)
    )


def _instant(value: str, column: int, ctx: CompileContext) -> int:
    """The start of a date, or ``now`` minus a duration (``7d``)."""
    if looks_like_duration(value):
        try:
            return check_instant(int(ctx.now) - parse_duration(value), f"'{value}' back from now")
        except DateError as exc:  # the message names the duration already
            raise QueryError(str(exc), column) from None
    if value == "now":
        return int(ctx.now)
    try:
        parsed = parse_date(value, ctx.tz)
    except DateError as exc:
        raise QueryError(f"date '{value}': {exc}", column) from None
    if parsed.earliest is None:
        raise QueryError(f"date '{value}' has no start", column)
    return parsed.earliest


_EXACT = "exact (case-insensitive)"
_DATES = "start on/after, before (or 7d, 2w back)"

#: Every field, in the order error messages list them.
QUERY_FIELDS: tuple[QueryField, ...] = (
    QueryField("tag", (":",), _tag, "tag:X", _EXACT),
    QueryField("kind", (":",), _kind, "kind:X", _EXACT),
    QueryField("actor", (":",), _actor, "actor:X", "substring"),
    QueryField("place", (":",), _place, "place:X", "substring"),
    QueryField("source", (":",), _source, "source:ID", _EXACT),
    QueryField("after", (":",), _after, "after:DATE", _DATES),
    QueryField("before", (":",), _before, "before:DATE", _DATES),
    QueryField("sig", tuple(_SIG_OPS), _sig, "sig>=N", "also sig>N sig=N sig<=N sig<N"),
    QueryField("conf", (":",), _conf, "conf:X", _EXACT, also=True),
    QueryField("id", (":",), _id, "id:X", _EXACT, also=True),
    QueryField("grade", (":",), _grade, "grade:B2", "a citation graded B2 (or just B, or just 2)"),
    QueryField(
        "reliability",
        tuple(_SIG_OPS),
        _reliability,
        "reliability<=B",
        "source reliability A..F, A best: <=B is A or B",
    ),
    QueryField(
        "credibility",
        tuple(_SIG_OPS),
        _credibility,
        "credibility<=2",
        "citation's credibility 1..6, 1 best: <=2 is 1 or 2",
    ),
    QueryField("indicator", (":",), _indicator, "indicator:ID", "an observation of that indicator"),
)


def _checked(fields: Sequence[QueryField]) -> dict[str, QueryField]:
    """``fields`` by name, or TypeError/ValueError for a row parsing could not use."""
    by_name: dict[str, QueryField] = {}
    for field in fields:
        if not callable(field.compile):
            raise TypeError(f"query field {field.name!r} has no compiler")
        # _SIG_OPS holds every operator the tokenizer reads.
        if not field.operators or not set(field.operators) <= set(_SIG_OPS):
            raise ValueError(f"query field {field.name!r}: bad operators {field.operators!r}")
        if field.name in by_name or not re.fullmatch(r"[a-z]+", field.name):
            raise ValueError(f"query field {field.name!r}: duplicate or not lower-case letters")
        by_name[field.name] = field
    return by_name


BY_NAME = _checked(QUERY_FIELDS)
#: Field names a term may start with.
FIELDS = tuple(BY_NAME)

_TEXT_ROW = ('word "a phrase"', "text in title, summary, actors, place, tags")
_NEGATE_ROW = ("-TERM", "negates a term")


def help_rows() -> list[tuple[str, str]]:
    """(terms, what they match) per help row: free text, the fields, negation."""
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for field in QUERY_FIELDS:
        shown, also = rows.setdefault(field.help, ([], []))
        (also if field.also else shown).append(field.example)
    middle = [
        (" ".join(shown), f"{text}; also {' '.join(also)}" if also else text)
        for text, (shown, also) in rows.items()
    ]
    return [_TEXT_ROW, *middle, _NEGATE_ROW]


def help_lines() -> list[str]:
    """:func:`help_rows` as aligned plain-text lines (as ``briefer list --help`` shows them)."""
    rows = help_rows()
    width = max(len(terms) for terms, _ in rows)
    return [f"{terms.ljust(width)}   {text}" for terms, text in rows]
