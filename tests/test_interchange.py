"""Interchange: exports checked against the loaded log and their formats; imports that check."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import icalendar
import pytest

from briefer.exchange.imports import html_to_markdown
from briefer.loader import load_log
from briefer.model import EventLog
from briefer.records import event_record
from tests.conftest import NOW, REPO, run_cli, write

DATA = Path(__file__).parent / "data" / "interchange"


@pytest.fixture(scope="module")
def shipped() -> EventLog:
    log = load_log(str(REPO / "events.yaml"), use_cache=False, now=NOW).log
    assert log is not None
    return log


def export(fmt: str, *query: str) -> str:
    proc = run_cli("export", "--format", fmt, *query)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_json_export_holds_every_field_of_every_event(shipped: EventLog) -> None:
    data = json.loads(export("json"))
    assert data["briefer_export"] == 1
    assert data["title"] == shipped.title
    assert data["marking"] == shipped.marking
    assert [e["id"] for e in data["events"]] == [e.id for e in shipped.events]
    for exported, event in zip(data["events"], shipped.events, strict=True):
        assert exported == json.loads(json.dumps(event_record(shipped, event)))
        # every model field is there
        for name in ("id", "title", "kind", "summary", "actors", "tags", "significance", "related"):
            assert name in exported
        assert exported["date"] == event.date.text
    assert {s["id"] for s in data["sources"]} == set(shipped.sources)
    assert set(data["metrics"]) == set(shipped.metrics)


def test_ics_parses_back_with_stable_uids_and_alarms(shipped: EventLog) -> None:
    text = export("ics")
    assert text == export("ics")  # same log, same file
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["prodid"]).startswith("-//briefer//")
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(shipped.events)
    by_uid = {str(e["uid"]): e for e in events}
    deadline = by_uid["plates-deadline-2023@kosovo-serbia-security-situation.briefer"]
    assert deadline.decoded("dtstart").isoformat() == "2023-12-01"
    assert deadline.decoded("dtend").isoformat() == "2023-12-02"
    assert [a["action"] for a in deadline.walk("VALARM")] == ["DISPLAY"]
    month = by_uid["kfor-reinforced-uk-romania@kosovo-serbia-security-situation.briefer"]
    assert month.decoded("dtstart").isoformat() == "2023-10-01"
    assert month.decoded("dtend").isoformat() == "2023-11-01"
    year_span = by_uid["kosovo-accuses-serbia@kosovo-serbia-security-situation.briefer"]
    assert year_span.decoded("dtend").isoformat() == "2023-12-01"
    assert not [e for e in events if e.walk("VALARM") and "deadline" not in str(e["uid"])]
    banjska = by_uid["banjska-attack@kosovo-serbia-security-situation.briefer"]
    assert "Sources:" in str(banjska["description"])


def test_timelinejs_follows_the_documented_format(shipped: EventLog) -> None:
    data = json.loads(export("timelinejs"))
    assert set(data) == {"title", "events"}
    assert data["title"]["text"]["headline"] == "Kosovo–Serbia security situation"
    slides = {s["unique_id"]: s for s in data["events"]}
    assert len(slides) == len(shipped.events)
    for slide in data["events"]:
        assert set(slide) <= {"unique_id", "start_date", "end_date", "text", "group"}
        assert set(slide["text"]) == {"headline", "text"}
        assert "year" in slide["start_date"]
    assert slides["banjska-attack"]["start_date"] == {"year": 2023, "month": 9, "day": 24}
    assert slides["kfor-reinforced-uk-romania"]["start_date"] == {
        "year": 2023,
        "month": 10,
        "display_date": "c. Oct 2023",
    }
    assert slides["unscr-1244"]["group"] == "legal"
    assert "end_date" in slides["kosovo-accuses-serbia"]


def test_timelinejs_escapes_html(tmp_path: Path) -> None:
    write(
        tmp_path / "events.yaml",
        "briefer: 1\ntitle: 'A <b>log</b>'\nsources: [{id: s, title: 'S <i>'}]\nevents:\n"
        "  - {id: x, date: 2023-01-01T10:30, title: '<script>x</script>', sources: [s],"
        " summary: '<img src=x> [y](javascript:z)'}\n",
    )
    proc = run_cli("export", "--format", "timelinejs", cwd=tmp_path)
    data = json.loads(proc.stdout)
    (slide,) = data["events"]
    assert slide["text"]["headline"] == "&lt;script&gt;x&lt;/script&gt;"
    assert "<img" not in slide["text"]["text"]
    assert "javascript:" not in slide["text"]["text"].replace("[y](javascript:z)", "")
    assert slide["start_date"] == {"year": 2023, "month": 1, "day": 1, "hour": 10, "minute": 30}
    assert data["title"]["text"]["headline"] == "A &lt;b&gt;log&lt;/b&gt;"


def test_csv_round_trips(shipped: EventLog) -> None:
    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert [r["id"] for r in rows] == [e.id for e in shipped.events]
    first = shipped.events[0]
    assert rows[0]["tags"] == ";".join(first.tags)
    assert rows[0]["sources"] == ";".join(c.source for c in first.sources)


def test_query_and_output_file(tmp_path: Path) -> None:
    target = tmp_path / "deadlines.ics"
    proc = run_cli("export", "--format", "ics", "-o", str(target), "kind:deadline")
    assert (proc.returncode, proc.stdout) == (0, "")
    assert len(icalendar.Calendar.from_ical(target.read_text()).walk("VEVENT")) == 1
    assert run_cli("export", "--format", "csv", "tga:x").returncode == 1
    assert run_cli("export", "--format", "xml").returncode == 2


def check_yaml(tmp_path: Path, text: str, *, strict: bool = True) -> None:
    path = write(tmp_path / "imported.yaml", text)
    result = load_log(str(path), use_cache=False, now=NOW)
    assert result.log is not None, [str(p) for p in result.problems]
    if strict:
        assert not result.problems, [str(p) for p in result.problems]


def test_import_acled(tmp_path: Path) -> None:
    proc = run_cli("import", "acled", str(DATA / "acled.csv"))
    assert proc.returncode == 1  # one row could not be converted; the rest still printed
    assert (
        proc.stderr
        == f"{DATA / 'acled.csv'}: row 4 (XKX1236): event_date '2023-13-40': month must be 1..12\n"
    )
    check_yaml(tmp_path, proc.stdout)
    log = load_log(str(tmp_path / "imported.yaml"), use_cache=False, now=NOW).log
    assert log is not None
    assert [e.id for e in log.events] == ["xkx1235", "xkx1234", "xkx1237"]
    banjska = log.by_id["xkx1234"]
    assert banjska.date.text == "2023-09-24"
    assert banjska.figures == {"fatalities": 4}
    assert banjska.location is not None
    assert (banjska.location.name, banjska.location.lat) == ("Banjska", 42.97)
    assert [c.source for c in banjska.sources] == ["koha-ditore", "reuters"]
    assert log.by_id["xkx1235"].date.approximate  # time_precision 2
    assert "KFOR: Kosovo Force" in log.by_id["xkx1235"].actors
    assert log.by_id["xkx1237"].kind == "political"


def test_import_timelinejs(tmp_path: Path) -> None:
    proc = run_cli("import", "timelinejs", str(DATA / "timeline.json"))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{DATA / 'timeline.json'}: item 4: start_date: year 20000 cannot be expressed"
        " (the log's dates run 1..9999)",
        f"{DATA / 'timeline.json'}: item 5: date '2023-13': month must be 1..12",
    ]
    check_yaml(tmp_path, proc.stdout)
    log = load_log(str(tmp_path / "imported.yaml"), use_cache=False, now=NOW).log
    assert log is not None
    assert log.title == "Kosovo & Serbia 2023"
    clash = log.by_id["banjska-attack"]
    assert clash.title == "Armed clash at Banjska"
    assert clash.kind == "incident"
    assert clash.date.text == "2023-09-24T07:30"
    assert "[the report](https://example.org/report)" in clash.summary
    assert "javascript" not in clash.summary
    assert clash.sources[0].note == "Photo: **Example** Agency"
    assert log.by_id["reinforcements-arrive-2023-11-2023-12"].date.approximate


def test_fragment_is_includable(tmp_path: Path) -> None:
    proc = run_cli("import", "acled", "--fragment", str(DATA / "acled.csv"))
    write(tmp_path / "events.d" / "acled.yaml", proc.stdout)
    write(
        tmp_path / "events.yaml",
        "briefer: 1\ntitle: Main\nmetrics: {fatalities: {label: Fatalities}}\n"
        "include: [events.d/*.yaml]\n",
    )
    result = load_log(str(tmp_path / "events.yaml"), use_cache=False, now=NOW)
    assert result.log is not None, [str(p) for p in result.problems]
    assert len(result.log.events) == 3


def test_export_then_import_timelinejs_round_trip(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(export("timelinejs"))
    proc = run_cli("import", "timelinejs", str(tmp_path / "t.json"))
    assert proc.returncode == 0, proc.stderr
    # TimelineJS has no 'related', so the passed deadline loses its follow-up: a warning only.
    check_yaml(tmp_path, proc.stdout, strict=False)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", "{not json", "bad.json:1:2: invalid JSON"),
        ("list.json", "[1, 2]", "not a TimelineJS file"),
        ("bad.csv", "a,b\n1,2\n", "bad.csv:1: not an ACLED export: missing column(s)"),
    ],
)
def test_bad_files_are_one_line_errors(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    write(tmp_path / name, content)
    kind = "timelinejs" if name.endswith(".json") else "acled"
    proc = run_cli("import", kind, name, cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert message in proc.stderr


def test_html_to_markdown() -> None:
    assert html_to_markdown("<p>a <b>b</b></p><p>c<br>d</p>") == "a **b**\n\nc d"
    assert html_to_markdown("x &amp; *y*") == "x & *y*"
    assert html_to_markdown('<a href="file:///etc">z</a>') == "z"
