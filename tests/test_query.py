"""The query language: parsing, positions of errors, and matching."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefer.dates import get_timezone
from briefer.model import EventLog, search_form
from briefer.query import FIELDS, QUERY_FIELDS, QueryError, help_lines, parse_query, refines
from briefer.query.fields import _checked
from tests.helpers import NOW, load_valid, write

LOG = """\
briefer: 1
title: Query test
timezone: Europe/Belgrade
kinds: [cyber]
sources:
  - {id: nato, title: NATO}
  - {id: press, title: Press}
events:
  - id: kfor-enters
    date: 1999-06-12
    title: KFOR enters Kosovo
    kind: deployment
    actors: [NATO, KFOR]
    location: {name: Pristina, region: Kosovo}
    tags: [kfor]
    sources: [nato]
    significance: 5
    confidence: high
  - id: banjska
    date: 2023-09-24T07:30
    title: Clash in Banjska
    kind: incident
    summary: Armed group and **Kosovo Police** exchange fire near the monastery.
    actors: [Kosovo Police, armed Serb group]
    location: Banjska
    tags: [North-Kosovo, violence]
    sources: [press, {id: nato, note: statement}]
    significance: 5
    confidence: moderate
  - id: plates
    date: 2023-12-01
    title: Plate deadline [Q2]
    kind: deadline
    tags: [plates]
    sources: [press]
    significance: 3
    confidence: low
  - id: hack
    date: 2024-01~
    title: Government sites defaced
    summary: The municipality of Zvečan's site too.
    kind: cyber
    sources: [press]
    significance: 2
"""


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> EventLog:
    return load_valid(write(tmp_path_factory.mktemp("q") / "events.yaml", LOG))


def ids(log: EventLog, text: str) -> list[str]:
    q = parse_query(text, tz=log.tzinfo, kinds=log.kinds, now=NOW)
    return [e.id for e in q.filter(log.events)]


MATCHING: list[tuple[str, list[str]]] = [
    ("", ["kfor-enters", "banjska", "plates", "hack"]),
    ("kosovo", ["kfor-enters", "banjska"]),
    ("KOSOVO police", ["banjska"]),
    ('"kosovo police"', ["banjska"]),
    ('"police kosovo"', []),
    ("monastery", ["banjska"]),
    # beyond Latin-1: any case, no folding of the diacritic
    ("ZVEČAN", ["hack"]),
    ("zveč", ["hack"]),
    ("zvecan", []),
    ("[q2]", ["plates"]),
    ("tag:north-kosovo", ["banjska"]),
    ("tag:NORTH-KOSOVO", ["banjska"]),
    ("tag:north", []),
    ("kind:deadline", ["plates"]),
    ("kind:cyber", ["hack"]),
    ("-kind:deadline -kind:cyber", ["kfor-enters", "banjska"]),
    ("actor:police", ["banjska"]),
    ('actor:"Kosovo Police"', ["banjska"]),
    ("place:kosovo", ["kfor-enters"]),
    ("place:banj", ["banjska"]),
    ("source:nato", ["kfor-enters", "banjska"]),
    ("source:NATO -source:press", ["kfor-enters"]),
    ("sig>=5", ["kfor-enters", "banjska"]),
    ("sig>4", ["kfor-enters", "banjska"]),
    ("sig<3", ["hack"]),
    ("sig<=3", ["plates", "hack"]),
    ("sig=3", ["plates"]),
    ("sig:3", ["plates"]),
    ("conf:moderate", ["banjska"]),
    ("-conf:high", ["banjska", "plates", "hack"]),
    ("id:plates", ["plates"]),
    ("after:2023", ["banjska", "plates", "hack"]),
    ("after:2023-09-24", ["banjska", "plates", "hack"]),
    ("after:2023-09-25", ["plates", "hack"]),
    ("before:2023-09-24", ["kfor-enters"]),
    ("after:2023-09 before:2023-12", ["banjska"]),
    ("after:2024-01", ["hack"]),
    ("after:1000w", ["banjska", "plates", "hack"]),
    ("kosovo -violence", ["kfor-enters"]),
]


@pytest.mark.parametrize(("query", "expected"), MATCHING)
def test_matching(log: EventLog, query: str, expected: list[str]) -> None:
    assert ids(log, query) == expected


NOT_ASCII_DIGITS = "(expected e.g. 30d, 2w, 1m); write the number with the digits 0-9"


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ("tga:kfor", 1, "unknown field 'tga' (did you mean 'tag'?); quote text with a colon"),
        (
            "kosovo  plce:x",
            9,
            "unknown field 'plce' (did you mean 'place'?); quote text with a colon",
        ),
        ("kind:incdent", 1, "unknown kind 'incdent' (did you mean 'incident'?)"),
        ("sig>=9", 1, "significance must be 1..5, not '9'"),
        ("sig>=", 1, "'sig>=' needs a value"),
        ("tag:", 1, "'tag:' needs a value"),
        ("tag>x", 1, "'tag' takes ':' (e.g. tag:…), not '>'"),
        ('a "unclosed', 3, 'unterminated quote: add the closing "'),
        ('actor:"x"y', 10, "put a space after the closing quote"),
        ('ab"c', 3, 'a quote must start a term or a value (e.g. actor:"Kosovo Police")'),
        ("x - y", 3, "'-' must be followed by a term to exclude"),
        ("after:2023-13", 1, "date '2023-13': month must be 1..12"),
        ("conf:sure", 1, "unknown confidence 'sure' (high, moderate or low)"),
        ('""', 1, "empty quoted phrase"),
        ("x after:0d", 3, "a duration must be positive, not '0d'"),
        ("before:00h", 1, "a duration must be positive, not '00h'"),
        # digits of other scripts: str.isdigit() says yes, int() and the regex say no
        (
            "after:²d",
            1,
            f"not a duration: '²d' {NOT_ASCII_DIGITS}",
        ),
        (
            "after:٣w",
            1,
            f"not a duration: '٣w' {NOT_ASCII_DIGITS}",
        ),
        (
            "after:７d",
            1,
            f"not a duration: '７d' {NOT_ASCII_DIGITS}",
        ),
        ("after:99999999999d", 1, "duration '99999999999d' is too long (at most 1000y)"),
        ("after:0001", 1, "date '0001': year must be 2..9998"),
        ("before:9999-12-31", 1, "date '9999-12-31': year must be 2..9998"),
    ],
)
def test_malformed_queries_point_at_the_term(
    log: EventLog, query: str, column: int, message: str
) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query, tz=log.tzinfo, kinds=log.kinds, now=NOW)
    assert info.value.column == column
    assert info.value.message == message
    assert str(info.value) == f"column {column}: {message}"


# Characters that reach the parser's corners: field names, operators, quotes,
# negation, digits of several scripts, duration units and date punctuation.
_QUERY_PIECES = st.sampled_from(
    [
        *'after:before:sig>=<kind:tag:conf:id:-" 0123456789dhwmyT~?%/.Z+',
        *("²", "٣", "７", "now", "..", "grade:", "reliability", "credibility:", "indicator:"),
        *("B", "f", "ß"),
    ]
)


#: ``after:`` or ``before:`` with digits of any script (including 0) and a duration unit.
_DURATION_TERMS = st.builds(
    "{}:{}{}".format,
    st.sampled_from(["after", "before", "-after"]),
    st.one_of(
        st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=12),
        st.integers(0, 10_000).map(lambda n: "9" * n),
    ),
    st.sampled_from("hdwmy"),
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30), st.lists(_QUERY_PIECES, max_size=20).map("".join), _DURATION_TERMS
    )
)
def test_any_text_is_a_query_or_a_query_error(text: str) -> None:
    for kinds in (None, ("incident", "deadline")):
        try:
            parse_query(text, tz=get_timezone("Europe/Belgrade"), kinds=kinds, now=NOW)
        except QueryError as exc:
            error: QueryError | None = exc
        else:
            error = None
        assert error is None or (1 <= error.column <= len(text) and error.message)


def test_a_duration_of_thousands_of_digits_is_too_long() -> None:
    # int() itself refuses more than 4,300 digits, with a ValueError of its own
    with pytest.raises(QueryError) as info:
        parse_query("after:" + "9" * 5000 + "d", now=NOW)
    assert (
        str(info.value) == "column 1: duration '99999999999999999999…' is too long (at most 1000y)"
    )


def test_unknown_kinds_pass_without_a_kind_list() -> None:
    q = parse_query("kind:whatever", tz=get_timezone("UTC"))
    assert len(q.terms) == 1


def test_terms_record_what_was_parsed() -> None:
    q = parse_query('-actor:"Kosovo Police" sig>=4 word', now=NOW)
    assert [(t.field, t.op, t.value, t.negate, t.column) for t in q.terms] == [
        ("actor", ":", "Kosovo Police", True, 1),
        ("sig", ">=", "4", False, 24),
        (None, "", "word", False, 31),
    ]
    assert q
    assert not parse_query("   ")


#: Letters of one, two, three and four UTF-8 bytes, and a lone surrogate (a YAML escape can
#: make one): the search form must find each needle exactly where the text holds it.
_LETTERS = st.sampled_from(list("aAzZ \nčČšŽđЖж中\U0001f600\ud800éÉ"))


@given(st.text(_LETTERS, max_size=12), st.text(_LETTERS, max_size=4))
@settings(max_examples=400, deadline=None)
def test_search_form_finds_a_needle_where_the_text_holds_it(text: str, needle: str) -> None:
    assert (search_form(needle) in search_form(text)) == (needle.lower() in text.lower())


def test_search_form_keeps_a_letter_beyond_latin1_to_one_byte_a_character() -> None:
    text = "Zvečan " * 20
    form = search_form(text)
    assert not form.isascii()
    assert max(map(ord, form)) < 256  # stored one byte a letter
    assert search_form("ZVEČ") in form
    assert search_form("zvec") not in form


def test_select_agrees_with_filter_on_every_matching_case(log: EventLog) -> None:
    hay = [e.haystack for e in log.events]
    for query, _expected in MATCHING:
        q = parse_query(query, tz=log.tzinfo, kinds=log.kinds, now=NOW)
        picked = q.select(log.events, hay)
        assert [log.events[i] for i in picked] == q.filter(log.events), query
        # narrowing an earlier result gives the same answer
        assert q.select(log.events, hay, candidates=list(range(len(log.events)))) == picked
        assert q.select(log.events, hay, candidates=picked[1:]) == picked[1:]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "kos", True),
        ("kos", "koso", True),
        ("kos", "kos sig>=4", True),
        ("kos ", "kos -tag:x", True),
        ("tag:north", "tag:north-kosovo", False),  # a different tag, not a narrower one
        ("before:2020", "before:2020-06", False),  # a later bound matches more
        ("-kos", "-koso", False),  # excluding a longer word excludes less
        ('"kos', '"koso', False),
        ("kos", 'kos"', False),
        ("kosovo", "koso", False),
        ("kos", "xkos", False),
        ("kfor sig", "kfor sig>=4", False),  # the word became a field term
        ("kfor -", "kfor -x", False),
        ("kfor kos", "kfor koso", True),
    ],
)
def test_refines_only_when_new_matches_a_subset(old: str, new: str, expected: bool) -> None:
    assert refines(old, new) is expected


# One sample value per field, so every row of the table is compiled and run.
SAMPLES = {
    "tag": "tag:x",
    "kind": "kind:cyber",
    "actor": "actor:x",
    "place": "place:x",
    "source": "source:x",
    "after": "after:2023-09",
    "before": "before:2024",
    "sig": "sig>=3",
    "conf": "conf:high",
    "id": "id:x",
    "grade": "grade:B2",
    "reliability": "reliability<=B",
    "credibility": "credibility:<=2",
    "indicator": "indicator:x",
}


def test_every_field_has_a_compiler_and_compiles(log: EventLog) -> None:
    assert set(SAMPLES) == set(FIELDS) == {f.name for f in QUERY_FIELDS}
    for field in QUERY_FIELDS:
        assert callable(field.compile), field.name
        assert field.operators
        assert field.example.startswith(field.name)
        query = parse_query(SAMPLES[field.name], tz=log.tzinfo, kinds=log.kinds, now=NOW)
        assert query.terms[0].field == field.name
        query.filter(log.events)  # runs the compiled predicate


def test_a_field_without_a_compiler_fails_the_table_check() -> None:
    broken = replace(QUERY_FIELDS[0], name="new", compile=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'new' has no compiler"):
        _checked([*QUERY_FIELDS, broken])
    with pytest.raises(ValueError, match="duplicate"):
        _checked([*QUERY_FIELDS, QUERY_FIELDS[0]])


def test_help_lines_show_every_field() -> None:
    text = "\n".join(help_lines())
    for field in QUERY_FIELDS:
        assert field.example in text
