"""Fuzzing ``check`` and the query parser: bad input is a problem or a QueryError, never a crash.

Each test runs a small, fixed number of examples so the suite stays fast and
repeatable (``derandomize``). For a long hunt, raise the budget from the shell:

    BRIEFER_FUZZ_EXAMPLES=20000 .venv/bin/pytest tests/test_fuzz.py -q

A log the validator accepts must also work everywhere a user takes it next:
``list --format json``, every export, and the brief's Markdown. That is where
"check passes, then render crashes" bugs live, so each valid mutant is pushed
through all of them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefer.brief import build_brief
from briefer.exchange.export import export
from briefer.loader import parse
from briefer.model import EventLog
from briefer.query import QueryError, parse_log_query
from briefer.records import event_record
from briefer.render.templating import make_environment, render_template
from briefer.terminal import printable
from tests.helpers import NOW, REPO

SHIPPED = (REPO / "events.yaml").read_text(encoding="utf-8")
LINES = SHIPPED.splitlines(keepends=True)


def _shipped_log() -> EventLog:
    log = parse(str(REPO / "events.yaml"), SHIPPED.encode(), "events.yaml").result.log
    assert log is not None
    return log


SHIPPED_LOG = _shipped_log()
EXAMPLES = int(os.environ.get("BRIEFER_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 200,  # the suite's budget is the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Characters that matter to YAML, to the log's own formats (dates, slugs,
# URLs, Markdown) and to terminals, plus digits from other scripts.
SPECIAL = [
    *":-[]{}&*!|>'\"#%@`,?~/.\\ \t\n+=",
    "\x00",
    "\x1b",
    "\u202e",
    "\ufeff",
    "²",
    "٣",
    "９",
    "é",
    "你",
    "9999",
    "0001",
    "T02:30",
    "1e400",
    "..",
    "~",
    "http://",
    "javascript:",
    "```",
    "[1]: https://x.example/",
]
#: Whole values a field might hold, for the edit that replaces a line's value.
VALUES = [
    "'9999'",
    "9999-12-31",
    "0001",
    "0001-01-01T00:00+01:00",
    "2023-03-26T02:30",
    "2023-10-29T02:30",
    "2023-02-29",
    "2023-09-24/..",
    "../2023-09-24",
    "1e400",
    "-0",
    "9" * 300,
    ".nan",
    '"https://example.com/a b"',
    '"\\e]0;x\\a"',
    "[]",
    "{}",
    "~",
    "Europe/Belgrade",
    "Etc/GMT-14",
    "Pacific/Kiritimati",
]
FRAGMENTS = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=6),
    st.integers(-(10**30), 10**30).map(str),
)


Edit = tuple[str, int, int, int, str, int, str]
EDIT = st.tuples(
    st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "cut", "value"]),
    st.integers(0, len(LINES) - 1),
    st.integers(0, len(LINES) - 1),
    st.integers(0, 120),
    FRAGMENTS,
    st.integers(0, 8),
    st.sampled_from(VALUES),
)
#: Lines holding a scalar value worth replacing wholesale (dates, figures, URLs, zones…).
VALUE_LINES = [
    n
    for n, line in enumerate(LINES)
    if re.match(r"\s*(- )?(date|published|url|timezone|horizon|significance|figures|title):", line)
]
#: A few edits (operation, line, other line, column, text, length, value): small to print.
EDITS = st.lists(EDIT, min_size=1, max_size=4)


def mutate(edits: list[Edit]) -> str:
    """The shipped log with line- or character-level ``edits`` applied in order."""
    lines = list(LINES)
    for op, i, j, at, piece, length, value in edits:
        if op == "value":
            i = VALUE_LINES[i % len(VALUE_LINES)]
        i, j = i % len(lines), j % len(lines)
        line = lines[i]
        at = min(at, len(line))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut":
            lines = lines[: i + 1]
        elif op == "value":
            key, colon, _ = line.partition(": ")
            if colon:
                if key.strip().endswith("figures"):
                    value = "{kfor_troops: " + value + "}"
                lines[i] = f"{key}: {value}\n"
        else:
            end = at + (length if op == "replace" else 0)
            lines[i] = line[:at] + piece + line[end:]
        lines = lines or [""]
    return "".join(lines)


def _use_everywhere(log: EventLog, tmp_path: Path) -> None:
    """What a user does next with a log that ``check`` accepted."""
    for event in log.events:
        json.dumps(event_record(log, event))  # list --format json
    for fmt in ("json", "csv", "ics", "timelinejs"):
        export(log, log.events, fmt)
    for event in log.events:
        event.date.display(log.tzinfo)
    brief = build_brief(
        log,
        as_of=NOW,
        period_start=NOW - 400 * 365 * 86400,
        input_hash="0" * 12,
        generator="briefer test",
    )
    render_template(make_environment(()), "brief.md.j2", brief=brief)


@FUZZ
@given(edits=EDITS)
def test_check_never_crashes_on_a_mutated_log(
    edits: list[Edit], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "events.yaml"
    data = mutate(edits).encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    result = parse(str(path), data, "events.yaml").result
    for problem in result.problems:
        # As `check` prints it: one line, whatever the log's text held.
        line = printable(str(problem))
        assert "\n" not in line, line
        assert problem.pos.line >= 0
        assert problem.pos.col >= 0
        assert problem.severity in ("error", "warning")
    if result.log is not None:
        assert not result.errors
        _use_everywhere(result.log, folder)


FIELD_NAMES = [
    *("tag", "kind", "actor", "place", "source", "after", "before", "sig", "conf", "id"),
    *("grade", "reliability", "credibility", "indicator"),
]
QUERY_VALUES = [
    *("0d", "00h", "²d", "٣w", "９d", "1d", "7d", "2w", "1m", "99999999999d", "-1d", "1.5d"),
    *("9999", "0001", "0001-01-01", "9999-12-31T23:59", "2023-13-01", "2023-03-26T02:30", "now"),
    *("2023", "2023-09-24/..", "4", "10", "-1", "x", "", '"', '"a b"', "incident", "inciden"),
    *("B2", "b", "F6", "2", "<=B", ">=3", "=", "²", "A²", "nosuch-indicator"),
]
TERM = st.tuples(
    st.sampled_from(["", "-"]),
    st.sampled_from(["", *FIELD_NAMES, "nosuch"]),
    st.sampled_from([":", ">=", "<=", "=", ">", "<"]),
    st.one_of(st.sampled_from(QUERY_VALUES), st.text(max_size=5)),
).map(lambda t: t[0] + (t[1] + t[2] if t[1] else "") + t[3])
QUERIES = st.one_of(st.text(max_size=40), st.lists(TERM, max_size=5).map(" ".join))


@FUZZ
@given(text=QUERIES)
def test_query_parser_never_crashes(text: str) -> None:
    try:
        query = parse_log_query(text, SHIPPED_LOG, now=NOW)
    except QueryError as exc:
        error: QueryError | None = exc
    else:
        error = None
        assert query.text == text
        query.filter(SHIPPED_LOG.events)  # matching must not crash either
    if error is not None:
        assert 1 <= error.column <= len(text) + 1, (text, error.column)
        assert "\n" not in str(error)
