"""The EDTF subset: parsing, bounds, precision, display — with properties over all dates."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefer.dates import (
    MAX_YEAR,
    MIN_YEAR,
    DateError,
    Precision,
    get_timezone,
    parse_date,
)
from briefer.durations import parse_duration
from briefer.wallclock import wall_clock_notes
from tests.helpers import MINIMAL, run_cli, write

BELGRADE = get_timezone("Europe/Belgrade")


def ts(*args: int, tz: object = BELGRADE) -> int:
    return int(datetime(*args, tzinfo=tz).timestamp())  # type: ignore[arg-type, misc]


@pytest.mark.parametrize(
    ("text", "precision", "shown"),
    [
        ("1999", Precision.YEAR, "1999"),
        ("2008-02", Precision.MONTH, "Feb 2008"),
        ("2008-02-17", Precision.DAY, "17 Feb 2008"),
        ("2023-11~", Precision.MONTH, "c. Nov 2023"),
        ("2023-11?", Precision.MONTH, "Nov 2023?"),
        ("2023-11%", Precision.MONTH, "c. Nov 2023?"),
        ("2023-09-24T07:30", Precision.MINUTE, "24 Sep 2023 07:30 CEST"),
        ("2023-12-24T07:30", Precision.MINUTE, "24 Dec 2023 07:30 CET"),
        ("2023-09-24T05:30Z", Precision.MINUTE, "24 Sep 2023 07:30 CEST"),
        ("2023-09-24T07:30:15+02:00", Precision.SECOND, "24 Sep 2023 07:30:15 CEST"),
        ("1999-06-12/..", Precision.DAY, "since 12 Jun 1999"),
        ("../2008", Precision.YEAR, "until 2008"),
        ("2023-01-05/2023-01-09", Precision.DAY, "5 Jan 2023 – 9 Jan 2023"),
    ],
)
def test_precision_and_display(text: str, precision: Precision, shown: str) -> None:
    d = parse_date(text, BELGRADE)
    assert d.precision is precision
    assert d.display(BELGRADE) == shown
    assert d.text == text


def test_bounds_follow_the_log_time_zone_and_dst() -> None:
    day = parse_date("2023-03-26", BELGRADE)  # clocks go forward: a 23-hour day
    assert day.earliest == ts(2023, 3, 26)
    assert day.latest == ts(2023, 3, 27)
    assert day.latest - day.earliest == 23 * 3600
    month = parse_date("2008-02", BELGRADE)
    assert (month.earliest, month.latest) == (ts(2008, 2, 1), ts(2008, 3, 1))
    year = parse_date("1999", get_timezone("UTC"))
    assert (year.earliest, year.latest) == (ts(1999, 1, 1, tz=UTC), ts(2000, 1, 1, tz=UTC))


def test_explicit_offset_wins_over_the_log_time_zone() -> None:
    a = parse_date("2023-09-24T07:30+02:00", get_timezone("America/New_York"))
    b = parse_date("2023-09-24T05:30Z", BELGRADE)
    assert a.earliest == b.earliest == ts(2023, 9, 24, 5, 30, tz=UTC)
    assert a.latest == a.earliest + 60


def test_open_intervals_have_open_bounds() -> None:
    assert parse_date("../2008", BELGRADE).earliest is None
    assert parse_date("2008/..", BELGRADE).latest is None
    assert parse_date("../2008", BELGRADE).sort_key[0] == float("-inf")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-13-01", "month must be 1..12"),
        ("2023-02-29", "day must be 1..28 in Feb 2023"),
        ("2024-02-30", "day must be 1..29 in Feb 2024"),
        ("99", "year must have four digits (0002..9998)"),
        ("0000", "year must be 2..9998"),
        ("0001", "year must be 2..9998"),
        ("9999-12-31", "year must be 2..9998"),
        ("2023/9999", "year must be 2..9998"),
        ("2023-9-01", "month must have two digits (e.g. 2008-02)"),
        ("2023-09-24 07:30", "separate date and time with 'T' (e.g. 2023-09-24T07:30)"),
        ("2023-09-24T07", "a time needs minutes (e.g. 2023-09-24T07:30)"),
        ("2023-09-24T24:00", "hour must be 0..23"),
        ("2023-09-24T23:60", "minute must be 0..59"),
        ("2023-09-24T10:00+15:00", "offset +15:00 is out of range (at most ±14:00)"),
        ("2023~-09", "a qualifier (~ ? %) may only stand at the end of the date"),
        ("2023/2022", "interval ends before it starts"),
        ("2023/", "write an open end of an interval as '..' (e.g. 2023-01/..)"),
        ("../..", "an interval needs at least one end"),
        ("2020/2021/2022", "an interval has exactly one '/'"),
        ("24.09.2023", "write dates as YYYY-MM-DD"),
        ("yesterday", "not a date"),
        ("", "empty date"),
    ],
)
def test_bad_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text, BELGRADE)
    assert str(info.value).startswith(message)


def test_unknown_time_zone() -> None:
    with pytest.raises(DateError, match="unknown time zone 'Europe/Belgrad'"):
        get_timezone("Europe/Belgrad")


@pytest.mark.parametrize("name", ["Europe", "9" * 300, "Europe/", "../zone.tab"])
def test_names_that_are_not_zones_are_unknown_zones(name: str) -> None:
    # Found by the fuzz test: the zone database is files, and these reach
    # a folder, a name too long for a file, or a path that is not a key.
    with pytest.raises(DateError, match="unknown time zone"):
        get_timezone(name)


@pytest.mark.parametrize(
    ("text", "seconds"), [("30d", 30 * 86400), ("2w", 14 * 86400), ("12h", 43200)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["0d", "30", "d", "-3d", "3 days"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(DateError):
        parse_duration(text)


# -- properties ---------------------------------------------------------------

zones = st.sampled_from(
    ["UTC", "Europe/Belgrade", "America/New_York", "Asia/Kolkata", "Pacific/Apia"]
)
days = st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31))
qualifiers = st.sampled_from(["", "~", "?", "%"])


@given(days, zones, qualifiers)
def test_day_bounds_are_local_midnights(d: date, zone: str, q: str) -> None:
    tz = get_timezone(zone)
    parsed = parse_date(f"{d.isoformat()}{q}", tz)
    assert parsed.precision is Precision.DAY
    assert parsed.earliest == int(datetime(d.year, d.month, d.day, tzinfo=tz).timestamp())
    nxt = d + timedelta(days=1)
    assert parsed.latest == int(datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz).timestamp())
    assert parsed.approximate == (q in "~%" and q != "")
    assert parsed.uncertain == (q in "?%" and q != "")


@given(days, zones)
def test_coarser_dates_contain_finer_ones(d: date, zone: str) -> None:
    tz = get_timezone(zone)
    day = parse_date(d.isoformat(), tz)
    month = parse_date(f"{d.year:04d}-{d.month:02d}", tz)
    year = parse_date(f"{d.year:04d}", tz)
    for outer, inner in ((month, day), (year, month)):
        assert outer.earliest is not None
        assert inner.earliest is not None
        assert outer.latest is not None
        assert inner.latest is not None
        assert outer.earliest <= inner.earliest < inner.latest <= outer.latest
    # ties sort coarser first
    if d.day == 1 and d.month == 1:
        assert year.sort_key < month.sort_key < day.sort_key


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_times_with_offsets_are_exact_instants(moment: datetime, offset: int) -> None:
    sign = "+" if offset >= 0 else "-"
    text = f"{moment:%Y-%m-%dT%H:%M}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    parsed = parse_date(text, BELGRADE)
    expected = moment.replace(second=0, microsecond=0) - timedelta(minutes=offset)
    assert parsed.earliest == int(expected.replace(tzinfo=UTC).timestamp())
    assert parsed.latest == parsed.earliest + 60


@given(st.integers(MIN_YEAR, MAX_YEAR), st.integers(1, 12), zones)
def test_months_span_exactly_their_days(year: int, month: int, zone: str) -> None:
    tz = get_timezone(zone)
    parsed = parse_date(f"{year:04d}-{month:02d}", tz)
    ndays = calendar.monthrange(year, month)[1]
    last = parse_date(f"{year:04d}-{month:02d}-{ndays:02d}", tz)
    assert parsed.latest == last.latest
    assert parsed.display(tz).endswith(str(year))


@given(st.text(max_size=30))
def test_parser_never_crashes(text: str) -> None:
    try:
        parsed = parse_date(text, BELGRADE)
    except DateError as exc:
        message = str(exc)
        assert message
    else:
        assert parsed.earliest is not None or parsed.latest is not None
        assert parsed.display(BELGRADE)


@given(days, days)
def test_intervals_span_their_ends(a: date, b: date) -> None:
    lo, hi = sorted((a, b))
    parsed = parse_date(f"{lo.isoformat()}/{hi.isoformat()}", BELGRADE)
    assert parsed.interval
    assert parsed.earliest == parse_date(lo.isoformat(), BELGRADE).earliest
    assert parsed.latest == parse_date(hi.isoformat(), BELGRADE).latest


EXTREMES = """\
briefer: 1
title: Ends of the calendar
timezone: {zone}
metrics:
  m: {{label: M}}
sources:
  - {{id: s1, title: S, published: '0002'}}
events:
  - {{id: first-year, date: '0002', title: A, sources: [s1], figures: {{m: 1}}}}
  - {{id: first-day-east, date: '0002-01-01T00:00+14:00', title: B, sources: [s1]}}
  - {{id: last-day, date: 9998-12-31, title: C, kind: deadline, sources: [s1], figures: {{m: 2}}}}
  - {{id: last-minute-west, date: '9998-12-31T23:59-14:00', title: D, sources: [s1]}}
  - {{id: all-time, date: '0002/9998', title: E, sources: [s1], related: [last-day]}}
  - {{id: open, date: '../9998~', title: F, kind: scheduled, sources: [s1]}}
"""

#: The zones furthest from UTC, including local mean times of the early years.
EXTREME_ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "America/Sitka", "Asia/Manila"]


@pytest.mark.slow
@pytest.mark.parametrize("zone", EXTREME_ZONES)
def test_dates_check_accepts_work_everywhere(tmp_path: Path, zone: str) -> None:
    """The first and last years a log may use pass check and every output, in any zone."""
    write(tmp_path / "events.yaml", EXTREMES.format(zone=zone))
    assert run_cli("check", "--strict", cwd=tmp_path).stderr == ""
    for args in (
        ("list",),
        ("list", "--format", "json", "after:0002", "before:9998-12-31T23:59"),
        *(("export", "--format", fmt) for fmt in ("ics", "json", "timelinejs", "csv")),
        ("render", "--as-of", "9998-12-31", "--since", "0002", "-o", "a/"),
        ("render", "--as-of", "0002-01-01", "--since", "1d", "-o", "b/"),
    ):
        proc = run_cli(*args, cwd=tmp_path)
        assert (proc.returncode, proc.stderr) == (0, ""), args


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--as-of", "0001-01-01"),
            "Invalid value for --as-of: '0001-01-01': year must be 2..9998",
        ),
        (("--since", "0001"), "Invalid value for --since: '0001': year must be 2..9998"),
        (
            ("--as-of", "99999999999d"),
            "Invalid value for --as-of: duration '99999999999d' is too long (at most 1000y)",
        ),
        (
            ("--as-of", "0100-01-01", "--since", "999y"),
            "Invalid value for --since: '999y' back falls outside the years 2..9998",
        ),
    ],
)
def test_when_outside_the_calendar_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    write(tmp_path / "events.yaml", MINIMAL)
    proc = run_cli("render", *args, cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"briefer: error: {message} (see 'briefer render --help')\n"


@pytest.mark.parametrize(
    ("zone", "text", "notes"),
    [
        (
            "America/Santiago",
            "2023-09-03T00:30",
            [
                "2023-09-03T00:30 does not exist in America/Santiago (clocks went forward); "
                "read as 01:30 -03"
            ],
        ),
        (
            "America/New_York",
            "2023-11-05T01:30:05~",
            [
                "2023-11-05T01:30:05 is ambiguous in America/New_York (clocks went back); "
                "read as the first, 01:30:05 EDT (-04:00); write the offset to choose"
            ],
        ),
        ("Europe/Belgrade", "2023-10-29T02:30+01:00", []),  # the offset chose
        ("Europe/Belgrade", "2023-10-29", []),  # a whole day has no wall-clock time
        ("UTC", "2023-03-26T02:30", []),
    ],
)
def test_wall_clock_notes_name_the_instant_used(zone: str, text: str, notes: list[str]) -> None:
    tz = get_timezone(zone)
    assert wall_clock_notes(parse_date(text, tz), tz) == notes
