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
from tests.helpers import NOW, REPO, TEST_DATA, load_valid, run_cli, write

DATA = TEST_DATA / "interchange"


@pytest.fixture(scope="module")
def shipped() -> EventLog:
    return load_valid(REPO / "events.yaml")


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
        " (the log's dates run 2..9998)",
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


# -- imports at the edges ---------------------------------------------------------------

ACLED_HEADER = "event_id_cnty,event_date,time_precision,event_type,actor1,location,source,notes"


def import_and_check(tmp_path: Path, kind: str, source: Path, *options: str) -> tuple[int, str]:
    """Import ``source``, then run the real ``briefer check`` on what was printed.

    A fragment is checked inside a minimal log that declares the metric an ACLED
    import reports. Returns the import's exit code and its stderr.
    """
    proc = run_cli("import", kind, str(source), *options)
    assert "Traceback" not in proc.stderr
    folder = tmp_path / f"{kind}{'-'.join(options)}"
    if "--fragment" in options:
        write(folder / "part.yaml", proc.stdout)
        write(
            folder / "events.yaml",
            "briefer: 1\ntitle: Main\nmetrics: {fatalities: {label: Fatalities}}\n"
            "include: [part.yaml]\n",
        )
    else:
        write(folder / "events.yaml", proc.stdout)
    check = run_cli("check", cwd=folder)
    assert check.returncode == 0, check.stderr
    assert "error" not in check.stderr, check.stderr
    return proc.returncode, proc.stderr


NASTY_ACLED = [
    "row 5 (NSTY4): fatalities 'nan' is not a whole number of people",
    "row 6 (NSTY5): fatalities 'inf' is not a whole number of people",
    "row 7 (NSTY6): fatalities '-3' is not a whole number of people",
    "row 8 (NSTY7): fatalities '2.5' is not a whole number of people",
    "row 9 (NSTY8): fatalities '1e400' is not a whole number of people",
    "row 10 (NSTY9): fatalities 'four' is not a whole number of people",
    "row 11 (NSTY10): event_date '31 February 2023': day must be 1..28 in Feb 2023",
    "row 12 (NSTY11): event_date '11/01/2023' is not a date such as"
    " 2023-11-01, 01 November 2023 or 1-Nov-23",
    "row 13 (NSTY12): event_date '1 Novembre 2023' is not a date such as"
    " 2023-11-01, 01 November 2023 or 1-Nov-23",
    "row 20 (NSTY17): event_id_cnty repeats row 19",
    "row 23 (NSTY20): event_date '' is not a date such as 2023-11-01, 01 November 2023 or 1-Nov-23",
]
NASTY_TIMELINE = [
    "item 10: not an object",
    "item 11 (no-start): start_date is missing",
    'item 12 (string-start): start_date must be an object such as {"year": 2023}',
    "item 13 (no-year): start_date has no year",
    "item 14 (roman): start_date.year 'MMXXIII' is not a whole number",
    "item 15 (bool-year): start_date.year 'True' is not a whole number",
    "item 16 (nan-year): start_date.year 'nan' is not a whole number",
    "item 17 (inf-year): start_date.year 'inf' is not a whole number",
    "item 18 (half-year): start_date.year '2023.5' is not a whole number",
    "item 19 (bce): start_date: year -500 cannot be expressed (the log's dates run 2..9998)",
    "item 20 (month-13): date '2023-13': month must be 1..12",
    "item 21 (feb-30): date '2023-02-30': day must be 1..28 in Feb 2023",
    "item 22 (hour-25): date '2023-02-03T25:00': hour must be 0..23",
    "item 23 (backwards): date '2023-03/2023-01': interval ends before it starts",
    "item 24 (far-end): end_date: year 99999 cannot be expressed (the log's dates run 2..9998)",
]


@pytest.mark.parametrize("fragment", [(), ("--fragment",)], ids=["log", "fragment"])
@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [("acled", "nasty.csv", NASTY_ACLED), ("timelinejs", "nasty.json", NASTY_TIMELINE)],
)
def test_nasty_items_never_reach_the_log(
    tmp_path: Path, kind: str, name: str, expected: list[str], fragment: tuple[str, ...]
) -> None:
    code, stderr = import_and_check(tmp_path, kind, DATA / name, *fragment)
    assert code == 1
    assert stderr.splitlines() == [f"{DATA / name}: {line}" for line in expected]


def test_every_shipped_import_passes_check(tmp_path: Path) -> None:
    for kind, name in (("acled", "acled.csv"), ("timelinejs", "timeline.json")):
        for options in ((), ("--fragment",)):
            code, _ = import_and_check(tmp_path, kind, DATA / name, *options)
            assert code == 1  # each holds one item that cannot be expressed


def test_nasty_acled_rows_that_are_kept(tmp_path: Path) -> None:
    proc = run_cli("import", "acled", str(DATA / "nasty.csv"))
    check_yaml(tmp_path, proc.stdout, strict=False)
    log = load_log(str(tmp_path / "imported.yaml"), use_cache=False, now=NOW).log
    assert log is not None
    by_id = log.by_id
    # The Data Export Tool's and Excel's dates; POSIX's pivot for two-digit years.
    assert by_id["nsty1"].date.text == "2023-11-01"
    assert by_id["nsty2"].date.text == "2025-02-07"
    assert by_id["nsty3"].date.text == "1997-03-03~"
    assert by_id["nsty2"].figures == {"fatalities": 4}  # "4.0"
    assert by_id["nsty3"].figures == {}  # empty: not reported
    loc = by_id["nsty3"].location
    assert loc is not None
    assert (loc.lat, loc.lon) == (None, None)  # nan, inf
    # Ids that slug alike stay distinct; a source slugging to a taken id gets its own.
    assert {"nsty-16", "nsty-16-2"} <= set(by_id)
    assert [c.source for c in by_id["nsty13"].sources] == ["acled"]
    assert [c.source for c in by_id["nsty14"].sources] == ["acled-2"]
    assert log.sources["acled-2"].url == "https://acleddata.com/"
    assert [c.source for c in by_id["nsty21"].sources] == ["acled-2"]  # a short row
    # A leading "'" is the file's own text: kept, not taken for a spreadsheet's escape.
    assert by_id["nsty17"].summary == "'=cmd|' /C calc'!A0 (kept as written)"
    # Control characters are dropped; a cell's line separator stays inside the cell.
    assert by_id["nst-y18"].title == "Peaceful protest in Square"
    assert by_id["nst-y18"].actors == ("P\u2028Q",)
    assert "peaceful-protest-2023-11-07" in by_id  # no usable event_id_cnty


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2023-11-01", "2023-11-01"),
        ("01 November 2023", "2023-11-01"),
        ("1 november 2023", "2023-11-01"),
        ("7-Feb-25", "2025-02-07"),
        ("7-Feb-68", "2068-02-07"),
        ("7-Feb-69", "1969-02-07"),
        ("31-Dec-99", "1999-12-31"),
        ("1-Jan-00", "2000-01-01"),
        ("01 Sep 2023", "2023-09-01"),
    ],
)
def test_acled_date_forms(written: str, iso: str) -> None:
    from briefer.exchange.imports import acled_date

    assert acled_date(written) == iso


@pytest.mark.parametrize(
    "header",
    [
        # 2024 onwards: inter1/inter2 as text; older exports: data_id, iso3, ...
        "event_id_cnty,event_date,event_type,actor1,inter1,actor2,inter2,location,fatalities",
        "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,"
        "actor1,inter1,actor2,inter2,location,fatalities,iso3,unknown_column",
        "EVENT_ID_CNTY,EVENT_DATE,EVENT_TYPE,ACTOR1,INTER1,ACTOR2,INTER2,LOCATION,FATALITIES",
    ],
)
def test_acled_column_variants(tmp_path: Path, header: str) -> None:
    values = {
        "event_id_cnty": "KOS1",
        "event_date": "24 September 2023",
        "event_type": "Battles",
        "actor1": "Police",
        "actor2": "Gunmen",
        "inter1": "State forces" if "unknown" not in header else "1",
        "inter2": "Political militia" if "unknown" not in header else "3",
        "location": "Banjska",
        "fatalities": "4",
        "time_precision": "1",
    }
    row = [values.get(c.lower(), "x") for c in header.split(",")]
    source = write(tmp_path / "acled.csv", f"{header}\n{','.join(row)}\n")
    code, stderr = import_and_check(tmp_path, "acled", source)
    assert (code, stderr) == (0, "")
    proc = run_cli("import", "acled", str(source))
    assert "id: kos1\n  date: '2023-09-24'\n" in proc.stdout
    assert "fatalities: 4" in proc.stdout


def test_drop_invalid_is_the_last_guard() -> None:
    from briefer.exchange.imports import ImportResult, drop_invalid, to_yaml

    result = ImportResult(title="T", sources=[{"id": "s", "title": "S"}])
    result.metrics["n"] = {"label": "N"}
    good = {"id": "good", "date": "2023", "title": "Good", "sources": ["s"]}
    bad = {"id": "bad", "date": "2023", "title": "Bad", "sources": ["s"], "figures": {"n": 1e400}}
    worse = {"id": "worse", "date": "2023", "title": "W", "sources": ["s"], "related": ["nope"]}
    result.add(bad, 2, "f.csv: row 2 (BAD)")
    result.add(good, 3, "f.csv: row 3 (GOOD)")
    result.add(worse, 4, "f.csv: row 4 (WORSE)")
    drop_invalid(result)
    assert [e["id"] for e in result.events] == ["good"]
    assert result.skipped == [
        "f.csv: row 2 (BAD): figure 'n' must be a number, not '.inf'",
        "f.csv: row 4 (WORSE): unknown event 'nope'",
    ]
    assert "bad" not in to_yaml(result, fragment=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "not a TimelineJS file: a JSON list, not an object with an 'events' list"),
        ('"text"', "not a TimelineJS file: JSON str, not an object with an 'events' list"),
        ('{"title": {}}', "not a TimelineJS file: no 'events' list"),
        ('{"events": {}}', "not a TimelineJS file: no 'events' list"),
        (
            '{"timeline": {"slides": []}}',
            "not a TimelineJS file: no 'events' list (it has 'slides': TimelineJS3 reads 'events')",
        ),
        (
            '{"timeline": {"headline": "x", "type": "default", "date": []}}',
            "not a TimelineJS file: no 'events' list"
            " (a TimelineJS 2 file, with a 'date' list: only TimelineJS3 is read)",
        ),
        ('{"events": [\n  {"a": 1},\n  oops]}', "3:3: invalid JSON: Expecting value"),
        ("[" * 100_000 + "]" * 100_000, "not a TimelineJS file: JSON nested too deeply"),
        ('{"events": [{"start_date": {"year": ' + "9" * 5000 + "}}]}", "invalid JSON: Exceeds"),
        ("\udcff", "cannot read: not UTF-8 text (invalid start byte)"),
    ],
    ids=["list", "string", "no-events", "events-object", "slides", "timelinejs2", "syntax",
         "deep", "huge-int", "not-utf8"],
)  # fmt: skip
def test_what_is_not_a_timelinejs_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    proc = run_cli("import", "timelinejs", "t.json", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith(f"briefer: error: t.json{'' if message[0].isdigit() else ':'}")
    assert message in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_wrapped_timelinejs_file(tmp_path: Path) -> None:
    inner = {"events": [{"start_date": {"year": 2023}, "text": {"headline": "Wrapped"}}]}
    for data in (inner, {"timeline": inner}):
        (tmp_path / "t.json").write_text(json.dumps(data))
        proc = run_cli("import", "timelinejs", "t.json", cwd=tmp_path)
        assert (proc.returncode, proc.stderr) == (0, "")
        assert "title: Wrapped" in proc.stdout


def test_huge_timelinejs_file_is_refused_unread(tmp_path: Path) -> None:
    from briefer.exchange.imports import TIMELINE_MAX_BYTES

    path = tmp_path / "big.json"
    with path.open("wb") as f:
        f.truncate(TIMELINE_MAX_BYTES + 1)  # sparse: nothing written to disk
    proc = run_cli("import", "timelinejs", "big.json", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        "briefer: error: big.json: larger than 64 MiB: not read as a TimelineJS file\n"
    )


# -- CSV cells that a spreadsheet would run ---------------------------------------------

FORMULAS_LOG = """\
briefer: 1
title: Formulas
metrics: {delta: {label: Change}}
sources: [{id: s, title: S}]
events:
  - {id: eq, date: 2023-01-01, title: '=HYPERLINK("http://x","y")', sources: [s],
     summary: '+1+1', actors: ['@SUM(A1)', '-2+3'], figures: {delta: -3},
     location: {name: '-Town', lat: -0.5, lon: -12.25}}
  - {id: tab, date: 2023-01-02, title: "\\t=1", summary: "@2", sources: [s],
     tags: [minus], figures: {delta: -0.5}}
  - {id: plain, date: 2023-01-03, title: 'A = B, -x', sources: [s], summary: "'=already"}
"""


@pytest.mark.parametrize("command", ["list", "export"])
def test_csv_cells_never_run_as_formulas(tmp_path: Path, command: str) -> None:
    write(tmp_path / "events.yaml", FORMULAS_LOG)
    proc = run_cli(command, "--format", "csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(proc.stdout, newline=""))}
    eq, tab, plain = rows["eq"], rows["tab"], rows["plain"]
    assert eq["title"] == '\'=HYPERLINK("http://x","y")'
    assert eq["summary"] == "'+1+1"
    assert eq["actors"] == "'@SUM(A1);-2+3"  # one cell: only its start matters
    assert eq["location"] == "'-Town"
    # Plain numbers stay numbers.
    assert (eq["lat"], eq["lon"]) == ("-0.5", "-12.25")
    assert eq["figures"] == "delta=-3"
    assert tab["title"] == "'\t=1"
    assert tab["summary"] == "'@2"  # (a CR cannot reach the CSV: check refuses it in text)
    assert tab["figures"] == "delta=-0.5"
    assert plain["title"] == "A = B, -x"
    assert plain["summary"] == "'=already"  # a leading ' of the log's own is not doubled
    for row in rows.values():
        for cell in row.values():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell.replace(".", "").lstrip("-").isdigit()


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("-3", "-3"),
        ("-0.5", "-0.5"),
        ("-1e-05", "-1e-05"),
        ("-.5", "-.5"),
        ("-", "'-"),
        ("-3+4", "'-3+4"),
        ("-inf", "'-inf"),
        ("+3", "'+3"),
        ("3", "3"),
        ("\r=2", "'\r=2"),
        ("\t=1", "'\t=1"),
        ("@x", "'@x"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(cell: str, safe: str) -> None:
    from briefer.exchange.export import spreadsheet_safe

    assert spreadsheet_safe(cell) == safe


def test_ids_that_slug_alike_stay_distinct() -> None:
    from briefer.exchange.imports import _Ids

    ids = _Ids()
    assert [ids.new(b) for b in ("a", "a", "a-2", "a", "", "")] == [
        "a", "a-2", "a-2-2", "a-3", "item", "item-2",
    ]  # fmt: skip
    many = _Ids()
    assert [many.new("x") for _ in range(20_000)][-1] == "x-20000"  # not quadratic


def test_fragment_takes_no_id_the_log_uses(tmp_path: Path) -> None:
    write(
        tmp_path / "events.yaml",
        "briefer: 1\ntitle: Main\nmetrics: {fatalities: {label: Fatalities}}\n"
        "sources: [{id: reuters, title: Reuters wire}]\n"
        "events:\n  - {id: xkx1, date: 2023-09-24, title: Banjska, sources: [reuters]}\n"
        "include: [events.d/*.yaml]\n",
    )
    write(tmp_path / "events.d" / "old.yaml", "sources: [{id: koha-ditore, title: Koha}]\n")
    # The file about to be written, already emptied by the shell's '>'.
    write(tmp_path / "events.d" / "acled.yaml", "")
    source = write(
        tmp_path / "acled.csv",
        f"{ACLED_HEADER},fatalities\n"
        "XKX1,2023-09-24,1,Battles,Police,Banjska,Reuters,already in the log,4\n"
        "XKX2,2023-09-25,1,Battles,Police,Zvecan,Koha Ditore; Reuters,new,0\n",
    )
    proc = run_cli("import", "acled", "--fragment", "acled.csv", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == "acled.csv: row 2 (XKX1): event 'xkx1' is already in the log\n"
    write(tmp_path / "events.d" / "acled.yaml", proc.stdout)
    check = run_cli("check", cwd=tmp_path)
    assert "error" not in check.stderr, check.stderr
    log = load_log(str(tmp_path / "events.yaml"), use_cache=False, now=NOW).log
    assert log is not None
    assert [c.source for c in log.by_id["xkx2"].sources] == ["koha-ditore-2", "reuters-2"]
    assert log.sources["reuters"].title == "Reuters wire"  # the log's own, untouched
    # Without --fragment the output is a log of its own: nothing to avoid.
    alone = run_cli("import", "acled", str(source), cwd=tmp_path)
    assert (alone.returncode, alone.stderr) == (0, "")
    assert "- id: xkx1\n" in alone.stdout


def test_nasty_timelinejs_items_that_are_kept(tmp_path: Path) -> None:
    proc = run_cli("import", "timelinejs", str(DATA / "nasty.json"))
    check_yaml(tmp_path, proc.stdout, strict=False)
    log = load_log(str(tmp_path / "imported.yaml"), use_cache=False, now=NOW).log
    assert log is not None
    by_id = log.by_id
    assert log.title == "Nasty timeline"  # under a "timeline" key
    assert by_id["strings"].date.text == "2023-09-24"
    assert (by_id["float-year"].date.text, by_id["float-year"].kind) == ("2023-10", "deadline")
    assert by_id["circa"].date.text == "1990~"  # the slide's own display_date
    assert by_id["same-end"].date.text == "2023-01"  # an end equal to the start is dropped
    assert {"dup", "dup-2", "7", "a-b"} <= set(by_id)
    assert by_id["7"].title == "Untitled"
    assert "javascript" not in (by_id["a-b"].summary or "")
    assert by_id["credit"].sources[0].note == "Photo: **Agency**"
    # Lone surrogates (not encodable) and control characters are dropped.
    assert by_id["controls"].title == "Lone surrogate, NUL, ESC"
    assert by_id["controls"].summary == "ab"


def test_acled_saved_by_a_spreadsheet(tmp_path: Path) -> None:
    # Excel where ',' is the decimal comma: ';' between cells, dates as 7-Feb-25.
    semicolons = write(
        tmp_path / "semi.csv",
        "event_id_cnty;event_date;event_type;actor1;location;latitude;fatalities\n"
        'KOS1;7-Feb-25;Battles;Police;"Banjska; north";42.97;1\n',
    )
    code, stderr = import_and_check(tmp_path, "acled", semicolons)
    assert (code, stderr) == (0, "")
    proc = run_cli("import", "acled", str(semicolons))
    assert "date: '2025-02-07'" in proc.stdout
    assert "name: Banjska; north" in proc.stdout
    tabs = write(
        tmp_path / "tabs.csv",
        ACLED_HEADER.replace(",", "\t") + "\nK2\t2023-01-01\t1\tRiots\tR\tX\tS\tn\n",
    )
    assert run_cli("import", "acled", str(tabs)).returncode == 0
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"{ACLED_HEADER}\nK3,2023-01-01,1,Riots,R,Priština,S,n\n".encode("cp1252"))
    proc = run_cli("import", "acled", str(latin))
    byte = len(f"{ACLED_HEADER}\nK3,2023-01-01,1,Riots,R,Pri") + 1  # the 'š'
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        f"briefer: error: {latin}: cannot read: not UTF-8 text (byte {byte});"
        " a spreadsheet can save it as 'CSV UTF-8'\n"
    )


def test_import_refuses_a_pipe_without_reading_it(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "feed.csv"
    os.mkfifo(fifo)
    # Opening a FIFO with no writer blocks forever; the timeout turns a regression into a failure.
    result = run_cli("import", "acled", str(fifo), cwd=tmp_path, timeout=30)
    assert result.returncode == 1
    assert result.stderr == f"briefer: error: {fifo}: not a regular file\n"
