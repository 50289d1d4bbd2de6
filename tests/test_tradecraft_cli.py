"""The judgments and indicators commands and SPEC §7 in the exports, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from briefer.cli.tables import aligned, wrapped
from tests.helpers import MINIMAL, load_valid, run_cli, shared_log, write

# tests/data/logs/tradecraft.yaml, in short:
#   judgments  north-violence-sept 25 Sep 2023 (likely, low)
#              talks-resume        1 Oct 2023  (very unlikely, high)
#              north-violence      15 Oct 2023 (unlikely, moderate), revises north-violence-sept
#              north-violence-dec  1 Dec 2023  (roughly even chance), revises north-violence
#   indicators armed-groups-north  (escalation, 30d): banjska-attack 24 Sep, patrol-shots 20 Nov
#              troops-near-boundary (escalation, the 30d horizon): 29 Sep, 10 Oct


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return write(tmp_path / "events.yaml", shared_log("tradecraft"))


def cli(log_path: Path, *args: str) -> str:
    result = run_cli("--log", str(log_path), *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --------------------------------------------------------------------------- #
# briefer judgments
# --------------------------------------------------------------------------- #


def test_judgments_as_of_show_the_revision_current_then(log_path: Path) -> None:
    assert cli(log_path, "judgments", "--as-of", "2023-10-20") == (
        "talks-resume    1 Oct 2023   very unlikely (05–20 %)\n"
        "    Belgrade and Pristina resume EU-facilitated talks before the end of the year\n"
        "    Confidence: high. Basis: kfor-mission\n"
        "north-violence  15 Oct 2023  unlikely (20–45 %)\n"
        "    Armed violence in north Kosovo recurs before the plate deadline\n"
        "    Confidence: moderate. Basis: banjska-attack, kfor-reinforced\n"
    )


def test_judgments_history_lists_earlier_revisions_oldest_first(log_path: Path) -> None:
    out = cli(log_path, "judgments", "--as-of", "2023-12-24", "--history")
    assert out.endswith(
        "north-violence-dec  1 Dec 2023  roughly even chance (45–55 %)\n"
        "    Armed violence in north Kosovo recurs before the spring\n"
        "    Confidence: moderate. Basis: patrol-shots\n"
        "    Revises, oldest first:\n"
        "      north-violence-sept  25 Sep 2023  likely (55–80 %)\n"
        "          Armed violence in north Kosovo recurs within a month\n"
        "          Confidence: low. Basis: banjska-attack\n"
        "      north-violence       15 Oct 2023  unlikely (20–45 %)\n"
        "          Armed violence in north Kosovo recurs before the plate deadline\n"
        "          Confidence: moderate. Basis: banjska-attack, kfor-reinforced\n"
    )
    # a revision made after as-of never shows, not even in the history
    early = cli(log_path, "judgments", "--as-of", "2023-09-30", "--history")
    assert early.startswith("north-violence-sept  25 Sep 2023  likely (55–80 %)\n")
    assert "Revises" not in early
    assert "north-violence-dec" not in cli(log_path, "judgments", "--as-of", "2023-11-30")


def test_judgments_json(log_path: Path) -> None:
    data = json.loads(cli(log_path, "judgments", "--as-of", "2023-10-20", "--format", "json"))
    assert [j["id"] for j in data] == ["talks-resume", "north-violence"]
    assert data[1] == {
        "id": "north-violence",
        "date": "2023-10-15",
        "start": "2023-10-15T00:00:00+02:00",
        "statement": "Armed violence in north Kosovo recurs before the plate deadline",
        "likelihood": "unlikely",
        "likelihood_range": [20, 45],
        "confidence": "moderate",
        "basis": ["banjska-attack", "kfor-reinforced"],
        "revises": "north-violence-sept",
    }
    with_history = json.loads(
        cli(log_path, "judgments", "--as-of", "2023-12-24", "--history", "--format", "json")
    )
    assert [j["id"] for j in with_history] == ["talks-resume", "north-violence-dec"]
    assert with_history[0]["history"] == []
    assert [h["id"] for h in with_history[1]["history"]] == [
        "north-violence-sept",
        "north-violence",
    ]


def test_no_judgments_is_a_note_on_stderr(log_path: Path, tmp_path: Path) -> None:
    result = run_cli("--log", str(log_path), "judgments", "--as-of", "2023-09-01")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "No judgments as of Fri 1 Sep 2023 23:59 CEST.\n"
    plain = write(tmp_path / "plain" / "events.yaml", MINIMAL)
    assert json.loads(cli(plain, "judgments", "--format", "json")) == []
    assert json.loads(cli(plain, "indicators", "--format", "json")) == []


# --------------------------------------------------------------------------- #
# briefer indicators
# --------------------------------------------------------------------------- #


def test_indicators_table(log_path: Path) -> None:
    assert cli(log_path, "indicators", "--as-of", "2023-11-05") == (
        "  INDICATOR             STATUS        LAST SEEN    SEEN  WINDOW\n"
        "escalation\n"
        "  armed-groups-north    not observed  24 Sep 2023  1     30d\n"
        "      Armed groups active near the Kosovo–Serbia boundary\n"
        "  troops-near-boundary  observed      10 Oct 2023  2     30d\n"
        "      Serbian troops massing near the boundary\n"
    )


def test_indicators_json(log_path: Path) -> None:
    data = json.loads(cli(log_path, "indicators", "--as-of", "2023-11-25", "--format", "json"))
    assert data == [
        {
            "id": "armed-groups-north",
            "title": "Armed groups active near the Kosovo–Serbia boundary",
            "scenario": "escalation",
            "window_seconds": 30 * 86400,
            "window_effective_seconds": 30 * 86400,
            "status": "observed",
            "last": {
                "id": "patrol-shots",
                "date": "2023-11-20",
                "start": "2023-11-20T00:00:00+01:00",
            },
            "observations": 2,
        },
        {
            "id": "troops-near-boundary",
            "title": "Serbian troops massing near the boundary",
            "scenario": "escalation",
            "window_seconds": None,
            "window_effective_seconds": 30 * 86400,
            "status": "not observed",
            "last": {
                "id": "buildup-claims",
                "date": "2023-10-10",
                "start": "2023-10-10T00:00:00+02:00",
            },
            "observations": 2,
        },
    ]
    before = json.loads(cli(log_path, "indicators", "--as-of", "2023-09-01", "--format", "json"))
    assert [(i["status"], i["last"], i["observations"]) for i in before] == [
        ("not observed", None, 0),
        ("not observed", None, 0),
    ]


def test_indicators_without_scenarios_are_not_grouped(tmp_path: Path) -> None:
    text = MINIMAL.replace("    sources: [s1]\n", "    sources: [s1]\n    indicators: [i1]\n")
    text += "indicators:\n  - {id: i1, title: A title, window: 2w}\n"
    path = write(tmp_path / "events.yaml", text)
    assert cli(path, "indicators", "--as-of", "2023-09-30") == (
        "INDICATOR  STATUS    LAST SEEN    SEEN  WINDOW\n"
        "i1         observed  24 Sep 2023  1     2w\n"
        "    A title\n"
    )


# --------------------------------------------------------------------------- #
# errors, help, terminal widths
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("command", ["judgments", "indicators"])
def test_exit_codes(log_path: Path, tmp_path: Path, command: str) -> None:
    bad_when = run_cli("--log", str(log_path), command, "--as-of", "2023-13-01")
    assert bad_when.returncode == 2
    assert "--as-of" in bad_when.stderr
    bad_format = run_cli("--log", str(log_path), command, "--format", "csv")
    assert bad_format.returncode == 2
    broken = write(tmp_path / "broken.yaml", MINIMAL.replace("date: 2023-09-24", "date: x"))
    invalid = run_cli("--log", str(broken), command)
    assert invalid.returncode == 1
    assert "is invalid (1 error)" in invalid.stderr
    assert "Traceback" not in invalid.stderr + bad_when.stderr


def test_help_documents_the_json_shape() -> None:
    judgments = run_cli("judgments", "--help").stdout
    assert "likelihood_range" in judgments
    assert "--history" in judgments
    indicators = run_cli("indicators", "--help").stdout
    assert "window_effective_seconds" in indicators
    assert "judgments" in run_cli("--help").stdout


def test_lines_fit_a_terminal_of_80_columns(log_path: Path) -> None:
    from briefer.cli.tradecraft import _indicator_lines, _judgment_lines
    from briefer.tradecraft.indicators import indicator_states
    from briefer.tradecraft.judgments import current_judgments, history

    log = load_valid(log_path)
    as_of = 1703458800  # 25 Dec 2023
    by_id = {j.id: j for j in log.judgments}
    current = current_judgments(log.judgments, as_of)
    earlier = {j.id: list(history(j, by_id, as_of))[:-1] for j in current}
    lines = _judgment_lines(log, current, earlier, 60)
    assert max(len(line) for line in lines) <= 60
    assert "    Belgrade and Pristina resume EU-facilitated talks before" in lines
    states = indicator_states(
        log.indicators, log.events, as_of=as_of, period_start=as_of, horizon=log.horizon
    )
    assert max(len(line) for line in _indicator_lines(log, states, 80)) <= 80
    lines = _indicator_lines(log, states, 40)  # the rows cannot shrink; titles wrap
    assert lines[3:5] == ["      Armed groups active near the", "      Kosovo–Serbia boundary"]


def test_table_helpers() -> None:
    rows = [["a", "bb", "a title long enough to be cut"], ["ccc", "d", "short"]]
    assert aligned(rows, 0) == ["a    bb  a title long enough to be cut", "ccc  d   short"]
    assert aligned(rows, 30) == ["a    bb  a title long enough …", "ccc  d   short"]
    assert aligned(rows, 16) == aligned(rows, 0)  # too narrow to cut sensibly
    assert aligned([], 80) == []
    assert wrapped("one two three", 0, indent="  ") == ["  one two three"]
    assert wrapped("word " * 10, 30, indent="  ") == [
        "  word word word word word",
        "  " + "word " * 4 + "word",
    ]


# --------------------------------------------------------------------------- #
# exports
# --------------------------------------------------------------------------- #


def test_json_export_carries_grades_judgments_and_indicators(log_path: Path) -> None:
    data = json.loads(cli(log_path, "export", "--format", "json"))
    assert {s["id"]: s["reliability"] for s in data["sources"]} == {
        "kfor-mission": "A",
        "ap-banjska": "B",
        "channel-rumour": "F",
        "local-blog": "E",
        "press-release": None,
    }
    banjska = data["events"][0]
    assert banjska["credibility"] == {"ap-banjska": 2, "kfor-mission": 1}
    assert banjska["indicators"] == ["armed-groups-north"]
    assert [j["id"] for j in data["judgments"]] == [
        "north-violence-sept",
        "talks-resume",
        "north-violence",
        "north-violence-dec",
    ]
    assert data["judgments"][3] == {
        "id": "north-violence-dec",
        "date": "2023-12-01",
        "start": "2023-12-01T00:00:00+01:00",
        "statement": "Armed violence in north Kosovo recurs before the spring",
        "likelihood": "roughly even chance",
        "likelihood_range": [45, 55],
        "confidence": "moderate",
        "basis": ["patrol-shots"],
        "revises": "north-violence",
    }
    assert data["indicators"] == [
        {
            "id": "armed-groups-north",
            "title": "Armed groups active near the Kosovo–Serbia boundary",
            "scenario": "escalation",
            "window_seconds": 2592000,
        },
        {
            "id": "troops-near-boundary",
            "title": "Serbian troops massing near the boundary",
            "scenario": "escalation",
            "window_seconds": None,
        },
    ]
    # a query narrows the events, never the judgments or indicators
    narrow = json.loads(cli(log_path, "export", "--format", "json", "grade:B2"))
    assert [e["id"] for e in narrow["events"]] == ["banjska-attack"]
    assert len(narrow["judgments"]) == 4


def test_json_export_of_a_log_without_tradecraft_has_no_new_keys(tmp_path: Path) -> None:
    plain = write(tmp_path / "events.yaml", MINIMAL)
    data = json.loads(run_cli("--log", str(plain), "export", "--format", "json").stdout)
    assert "judgments" not in data
    assert "indicators" not in data
    assert all("reliability" not in s for s in data["sources"])


def test_ics_and_timelinejs_show_a_citations_grade(log_path: Path) -> None:
    cal = icalendar.Calendar.from_ical(cli(log_path, "export", "--format", "ics"))
    described = {
        str(e["uid"]).split("@")[0]: str(e.get("description", "")) for e in cal.walk("VEVENT")
    }
    assert described["banjska-attack"] == (
        "Sources:\n- Gunmen storm a village in northern Kosovo [B2]\n"
        "- Kosovo Force (KFOR): Mission [A1]"
    )
    assert described["statement"] == "Sources:\n- An ungraded press release"
    slides = json.loads(cli(log_path, "export", "--format", "timelinejs"))["events"]
    assert "<li>Kosovo Force (KFOR): Mission [A2]</li>" in slides[1]["text"]["text"]
    assert "<li>An ungraded press release</li>" in slides[3]["text"]["text"]


def test_csv_is_unchanged_by_grades(log_path: Path) -> None:
    header = cli(log_path, "export", "--format", "csv").splitlines()[0]
    assert "credibility" not in header
    assert "reliability" not in header
