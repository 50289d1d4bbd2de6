"""Query terms over SPEC §7 grades and indicators: grade, reliability, credibility, indicator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer.model import EventLog
from briefer.query import QueryError, help_lines, parse_log_query, parse_query
from tests.helpers import NOW, load_valid, run_cli, shared_log, write

# In tests/data/logs/tradecraft.yaml:
#   banjska-attack   ap-banjska B2, kfor-mission A1; observes armed-groups-north
#   kfor-reinforced  kfor-mission A2;                observes troops-near-boundary
#   buildup-claims   channel-rumour F5;              observes troops-near-boundary
#   statement        press-release, ungraded
#   patrol-shots     local-blog E3;                  observes armed-groups-north


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> EventLog:
    folder = tmp_path_factory.mktemp("tradecraft")
    return load_valid(write(folder / "events.yaml", shared_log("tradecraft")))


def ids(log: EventLog, text: str) -> list[str]:
    return [e.id for e in parse_log_query(text, log, now=NOW).filter(log.events)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # grade: one citation must match both halves
        ("grade:B2", ["banjska-attack"]),
        ("grade:b2", ["banjska-attack"]),
        ("grade:A1", ["banjska-attack"]),
        ("grade:B1", []),  # B and 1 are on different citations of banjska-attack
        ("grade:A2", ["kfor-reinforced"]),
        ("grade:A", ["banjska-attack", "kfor-reinforced"]),  # reliability only
        ("grade:2", ["banjska-attack", "kfor-reinforced"]),  # credibility only
        ("grade:F5", ["buildup-claims"]),
        ("-grade:A", ["buildup-claims", "statement", "patrol-shots"]),
        # reliability: A best, F (cannot be judged) counts as worst
        ("reliability:A", ["banjska-attack", "kfor-reinforced"]),
        ("reliability=b", ["banjska-attack"]),
        ("reliability<=B", ["banjska-attack", "kfor-reinforced"]),
        ("reliability:<=B", ["banjska-attack", "kfor-reinforced"]),
        ("reliability<B", ["banjska-attack", "kfor-reinforced"]),
        ("reliability>B", ["buildup-claims", "patrol-shots"]),
        ("reliability>=E", ["buildup-claims", "patrol-shots"]),
        ("reliability:>=E", ["buildup-claims", "patrol-shots"]),
        ("reliability:F", ["buildup-claims"]),
        ("-reliability<=B", ["buildup-claims", "statement", "patrol-shots"]),
        # credibility: 1 best
        ("credibility:1", ["banjska-attack"]),
        ("credibility<=2", ["banjska-attack", "kfor-reinforced"]),
        ("credibility:<=2", ["banjska-attack", "kfor-reinforced"]),
        ("credibility:<2", ["banjska-attack"]),
        ("credibility>2", ["buildup-claims", "patrol-shots"]),
        ("credibility:>=5", ["buildup-claims"]),
        ("credibility=6", []),
        # indicator:
        ("indicator:armed-groups-north", ["banjska-attack", "patrol-shots"]),
        ("indicator:TROOPS-NEAR-BOUNDARY", ["kfor-reinforced", "buildup-claims"]),
        ("-indicator:armed-groups-north", ["kfor-reinforced", "buildup-claims", "statement"]),
        # with other terms
        ("reliability<=B indicator:armed-groups-north", ["banjska-attack"]),
        ("credibility>=3 after:2023-11", ["patrol-shots"]),
    ],
)
def test_grade_and_indicator_terms_match(log: EventLog, query: str, expected: list[str]) -> None:
    assert ids(log, query) == expected


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        (
            "grade:G",
            1,
            "grade must be a reliability letter A..F and/or a credibility digit 1..6 "
            "(grade:B2, grade:B, grade:2), not 'G'",
        ),
        ("x grade:22", 3, "grade must be"),
        ("grade:2B", 1, "grade must be"),
        ("grade:B²", 1, "grade must be"),
        ("grade>=B2", 1, "'grade' takes ':' (e.g. grade:…), not '>='"),
        (
            "reliability:G",
            1,
            "reliability must be a letter A..F (A completely reliable … F cannot be judged), "
            "not 'G'",
        ),
        ("sig>=3 reliability<=AB", 8, "reliability must be a letter A..F"),
        ("reliability>=<=B", 1, "reliability must be a letter A..F"),
        ("reliability:<=", 1, "'reliability:<=' needs a value"),
        ("reliability:", 1, "'reliability:' needs a value"),
        (
            "credibility:7",
            1,
            "credibility must be a digit 1..6 (1 confirmed … 6 cannot be judged), not '7'",
        ),
        ("credibility<=٣", 1, "credibility must be a digit 1..6"),
        ("credibility:<<2", 1, "credibility must be a digit 1..6 (1 confirmed … 6 cannot"),
        ("-credibility:=", 1, "'credibility:=' needs a value"),
        (
            "tag:x indicator:armed-group",
            7,
            "unknown indicator 'armed-group' (did you mean 'armed-groups-north'?)",
        ),
    ],
)
def test_malformed_terms_point_at_the_term(
    log: EventLog, query: str, column: int, message: str
) -> None:
    with pytest.raises(QueryError) as info:
        parse_log_query(query, log, now=NOW)
    assert info.value.column == column
    assert info.value.message.startswith(message)


def test_an_indicator_in_a_log_without_indicators_says_so(tmp_path: Path) -> None:
    log = load_valid(write(tmp_path / "events.yaml", "briefer: 1\ntitle: T\nevents: []\n"))
    with pytest.raises(QueryError, match=r"unknown indicator 'x' \(the log has none\)"):
        parse_log_query("indicator:x", log)


def test_without_the_log_grades_nothing_has_a_reliability(log: EventLog) -> None:
    """parse_query alone knows no source grades nor indicator ids; credibility is on events."""
    q = parse_query("reliability<=F", now=NOW)
    assert q.filter(log.events) == []
    assert [e.id for e in parse_query("credibility:1", now=NOW).filter(log.events)] == [
        "banjska-attack"
    ]
    assert parse_query("indicator:anything", now=NOW).filter(log.events) == []
    graded = parse_query("grade:B", reliability={"ap-banjska": "B", "x": None}, indicators=())
    assert [e.id for e in graded.filter(log.events)] == ["banjska-attack"]


def test_the_help_explains_the_direction_of_the_scales() -> None:
    text = "\n".join(help_lines())
    assert "grade:B2" in text
    assert "A best: <=B is A or B" in text
    assert "1 best: <=2 is 1 or 2" in text
    assert "indicator:ID" in text
    assert max(len(line) for line in help_lines()) <= 76  # `list --help` indents by 4


# --------------------------------------------------------------------------- #
# through the real command line
# --------------------------------------------------------------------------- #


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return write(tmp_path / "events.yaml", shared_log("tradecraft"))


def test_list_grade_through_the_cli(log_path: Path) -> None:
    result = run_cli("--log", str(log_path), "list", "grade:B2", "--format", "json")
    assert result.returncode == 0, result.stderr
    [event] = json.loads(result.stdout)
    assert event["id"] == "banjska-attack"
    assert event["credibility"] == {"ap-banjska": 2, "kfor-mission": 1}
    assert event["indicators"] == ["armed-groups-north"]


def test_list_table_with_every_new_term(log_path: Path) -> None:
    result = run_cli("--log", str(log_path), "list", "reliability<=B", "credibility:<=2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[5] for line in lines] == ["banjska-attack", "kfor-reinforced"]
    result = run_cli("--log", str(log_path), "list", "indicator:troops-near-boundary")
    assert "buildup-claims" in result.stdout
    assert "banjska" not in result.stdout


def test_a_bad_term_is_exit_1_with_its_column(log_path: Path) -> None:
    result = run_cli("--log", str(log_path), "list", "sig>=3", "indicator:armed-grups-north")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "briefer: error: query 'sig>=3 indicator:armed-grups-north': column 8: "
        "unknown indicator 'armed-grups-north' (did you mean 'armed-groups-north'?)\n"
    )
    assert "Traceback" not in result.stderr


def test_render_filter_takes_the_new_terms(log_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    result = run_cli(
        *("--log", str(log_path), "render", "--as-of", "2023-11-30"),
        *("--filter", "reliability<=B", "--output", str(out)),
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Banjska" in text
    assert "Shots reported" not in text
    bad = run_cli("--log", str(log_path), "render", "--filter", "grade:Z9", "--output", str(out))
    assert bad.returncode == 1
    assert "--filter 'grade:Z9': column 1: grade must be" in bad.stderr


def test_list_help_shows_the_new_fields() -> None:
    result = run_cli("list", "--help")
    assert result.returncode == 0
    for example in ("grade:B2", "reliability<=B", "credibility<=2", "indicator:ID"):
        assert example in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_the_browser_filter_knows_the_logs_grades_and_indicators(log: EventLog) -> None:
    from briefer.tui.view import LogView

    view = LogView(log, NOW)
    outcome = view.apply("reliability<=B", now=NOW)
    assert outcome.error is None
    assert outcome.shown is not None
    assert [view.events[i].id for i in outcome.shown] == ["banjska-attack", "kfor-reinforced"]
    outcome = view.apply("indicator:armed-groups-nort", now=NOW)
    assert outcome.error is not None
    assert "did you mean 'armed-groups-north'" in str(outcome.error)
