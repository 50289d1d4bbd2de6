"""A split log's preview read ahead of the rest: exactly the whole log's, from a few files."""

from __future__ import annotations

import datetime
import importlib.util
import io
import re
from pathlib import Path

import pytest

from briefer.filestamps import Stamps
from briefer.loader import Early, announced, fill_cache, load_log, parse
from briefer.model import EventLog
from briefer.nearby import days_of
from briefer.preview import UNKNOWN, Preview, preview_of
from briefer.results import LoadResult
from tests.helpers import REPO, count_walks, generate_log, load_valid, write

PARTS = 24
#: Moments to open at: before the log, in its middle, the clock of the browser's tests,
#: between two of its files' spans (a gap made below), and long after its end.
MOMENTS = {
    "before": datetime.datetime(1990, 6, 1, tzinfo=datetime.UTC).timestamp(),
    "middle": datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC).timestamp(),
    "recent": 1700640000.0,
    "after": datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC).timestamp(),
}


def _day(text: str) -> int:
    return datetime.date.fromisoformat(text).toordinal()


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (b"events:\n  - id: a\n    date: 2023-09-24\n", (_day("2023-09-23"), _day("2023-09-25"))),
        # a month or a year starts on its first day; times, ranges and quotes are read past
        (b"- date: 2023-11~\n- date: '2021'\n", (_day("2020-12-31"), _day("2023-11-02"))),
        (
            b'- {id: a, "date": 2023-09-24T10:00+02:00/2023-10}',
            (_day("2023-09-23"), _day("2023-09-25")),
        ),
        # prose mentioning a date only widens the span
        (
            b"- date: 2023-09-24\n  summary: the new date: 2001-01-01\n",
            (_day("2000-12-31"), _day("2023-09-25")),
        ),
        # an open start, a value on the next line, a month 13: anything goes
        (b"- date: ../2008\n", (-(10**9), 10**9)),
        (b"- date:\n    2008\n", (-(10**9), 10**9)),
        (b"- date: 2023-13-01\n", (-(10**9), 10**9)),
        (b"events: []\n", None),
    ],
)
def test_the_days_a_file_s_events_may_start_on_are_told_from_its_text(
    text: bytes, span: tuple[int, int] | None
) -> None:
    assert days_of(text) == span


def _split(folder: Path, events: int = 6000, parts: int = PARTS) -> Path:
    """A generated log split into ``parts`` included files in log order (by date)."""
    spec = importlib.util.spec_from_file_location("splitlog", REPO / "bench" / "splitlog.py")
    assert spec is not None
    assert spec.loader is not None
    splitlog = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(splitlog)
    text = generate_log(events, folder / "whole.yaml").read_text(encoding="utf-8")
    (folder / "whole.yaml").unlink()
    splitlog.write_split(text, parts, folder)
    return folder / "events.yaml"


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EventLog]:
    path = _split(tmp_path_factory.mktemp("nearby"))
    return path, load_valid(path)


def early_parse(path: Path, now: float) -> tuple[list[tuple[LoadResult, Preview, int]], list[str]]:
    """Parse ``path`` cold, as the browser's loader does; each preview given early (with the
    number of files parsed by then), and every file parsed."""
    given: list[tuple[LoadResult, Preview, int]] = []
    walks: list[str] = []

    def give(result: LoadResult, shown: Preview) -> None:
        given.append((result, shown, len(walks)))

    with pytest.MonkeyPatch.context() as mp:
        walks = count_walks(mp)
        parsed = parse(
            str(path),
            path.read_bytes(),
            parts=True,
            stamps=Stamps(str(path)),
            early=Early(give, now),
        )
    assert parsed.result.log is not None
    return given, walks


def same_as_whole(
    path: Path, now: float, log: EventLog | None = None
) -> tuple[LoadResult, Preview, int, list[str]]:
    """Parse ``path`` (whose log is ``log``) cold with a read-ahead for ``now``: the one
    preview given is the whole log's. It, its result, how many files were parsed when it
    was given, and every file parsed."""
    log = load_valid(path) if log is None else log
    given, walks = early_parse(path, now)
    expected = preview_of(log, now)
    assert expected is not None
    assert len(given) == 1
    result, shown, read = given[0]
    assert [e.id for e in shown.log.events] == [e.id for e in expected.log.events]
    assert (shown.first, shown.last) == (expected.first, expected.last)
    return result, shown, read, walks


@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_the_preview_read_ahead_is_the_whole_log_s_from_a_few_files(
    split: tuple[Path, EventLog], moment: str
) -> None:
    path, log = split
    result, shown, read, walks = same_as_whole(path, MOMENTS[moment], log)
    assert shown.total == UNKNOWN
    assert result.log is shown.log
    assert result.problems == ()
    assert shown.log.sources == log.sources
    # read from a few files, before the others; and no file is parsed twice
    assert 1 <= read <= PARTS // 3
    assert sorted(walks) == sorted(set(walks))
    assert len(walks) == PARTS


def test_a_moment_between_two_files_reads_the_files_on_each_side(tmp_path: Path) -> None:
    path = _split(tmp_path, events=6000, parts=12)
    files = sorted((tmp_path / "events.d").glob("*.yaml"))
    # leave a gap of 40 years between the sixth file and the seventh: move the rest on
    for later in files[6:]:
        lines = later.read_text(encoding="utf-8").splitlines(keepends=True)
        moved = [
            re.sub(r"\b\d{4}\b", lambda y: str(int(y[0]) + 40), line) if " date: " in line else line
            for line in lines
        ]
        later.write_text("".join(moved), encoding="utf-8")
    gap = datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC).timestamp()
    expected = preview_of(load_valid(path), gap)
    assert expected is not None
    assert expected.first is not None  # events on each side
    assert expected.last is not None
    assert same_as_whole(path, gap)[2] <= 4


def test_a_file_with_an_open_start_is_read_ahead_and_counted(tmp_path: Path) -> None:
    path = _split(tmp_path)
    first = sorted((tmp_path / "events.d").glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    # its first event now runs from an open start to 2023: it sorts first, whatever today is
    at = text.index("    date: ")
    end = text.index("\n", at)
    first.write_text(text[:at] + "    date: ../2023-11-20" + text[end:], encoding="utf-8")
    # the unbounded file, and those around the moment
    assert same_as_whole(path, MOMENTS["recent"])[2] <= PARTS // 3 + 1


def test_files_that_each_span_the_whole_log_are_not_read_ahead(tmp_path: Path) -> None:
    path = _split(tmp_path)
    # deal the events out round-robin: every file now spans 1999-2026
    folder = tmp_path / "events.d"
    items: list[str] = []
    for f in sorted(folder.glob("*.yaml")):
        body = f.read_text(encoding="utf-8").removeprefix("events:\n")
        items += ["  - id: " + chunk for chunk in body.split("  - id: ")[1:]]
        f.unlink()
    for n in range(4):
        write(folder / f"theme-{n}.yaml", "events:\n" + "".join(items[n::4]))
    given, walks = early_parse(path, MOMENTS["recent"])
    assert given == []
    assert len(walks) == 4


def test_the_loader_announces_the_read_ahead_preview_once(
    split: tuple[Path, EventLog], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, log = split
    walks = count_walks(monkeypatch)
    out = io.BytesIO()
    fill_cache(str(path), announce=out)
    length, _, rest = out.getvalue().partition(b"\n")
    payload = rest[: int(length)]
    assert rest[int(length) :] == b""  # one preview: the whole log's is not sent as well
    found = announced(payload)
    assert found is not None
    _part, shown = found
    assert shown.total == UNKNOWN
    assert 0 < len(shown.log.events) < len(log.events)
    assert sorted(walks) == sorted(set(walks))  # every file parsed once
    # the cache holds the whole log, and its own preview counts every event
    from briefer import cache

    seen: list[Preview] = []
    cached = cache.lookup(
        str(path),
        str(path),
        cache.key(path.read_bytes()),
        need_log=True,
        preview=lambda _result, p: seen.append(p),
    )
    assert cached is not None
    assert cached.log == load_log(str(path), use_cache=False).log
    assert [p.total for p in seen] in ([], [len(log.events)])


def test_a_small_split_log_is_not_read_ahead(tmp_path: Path) -> None:
    path = _split(tmp_path, events=600, parts=6)
    given, walks = early_parse(path, MOMENTS["recent"])
    assert given == []
    assert len(walks) == 6


@pytest.fixture(scope="module")
def single(generated_log: Path) -> tuple[Path, EventLog]:
    return generated_log, load_valid(generated_log)


@pytest.mark.parametrize("forked", [False, True])
@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_a_single_file_s_preview_is_read_ahead_from_a_few_runs_of_its_events(
    single: tuple[Path, EventLog], moment: str, forked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefer.fastread import parallel

    path, log = single
    if forked:  # the runs read ahead while another process reads the second half
        monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    runs: list[tuple[int, int]] = []
    read_run = parallel.read_run

    def counted(*args: object) -> object:
        runs.append(args[3])  # type: ignore[arg-type]
        return read_run(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "read_run", counted)
    given: list[tuple[Preview, int]] = []
    now = MOMENTS[moment]
    parsed = parse(
        str(path),
        path.read_bytes(),
        parts=True,
        stamps=Stamps(str(path)),
        early=Early(lambda _result, shown: given.append((shown, len(runs))), now),
    )
    assert parsed.result.log == log
    expected = preview_of(log, now)
    assert expected is not None
    assert len(given) == 1
    shown, read = given[0]
    assert [e.id for e in shown.log.events] == [e.id for e in expected.log.events]
    assert (shown.first, shown.last) == (expected.first, expected.last)
    assert shown.total == UNKNOWN
    size = len(path.read_bytes())
    assert sum(b - a for a, b in runs[:read]) <= size // 3  # a few runs of the list


def test_a_single_file_with_includes_is_read_ahead_by_its_files_only(tmp_path: Path) -> None:
    path = _split(tmp_path)
    # the main file keeps events of its own, from every year
    main = path.read_text(encoding="utf-8").replace("events: []\n", "events:\n")
    first = sorted((tmp_path / "events.d").glob("*.yaml"))[0]
    body = first.read_text(encoding="utf-8").removeprefix("events:\n")
    first.unlink()
    path.write_text(main + body, encoding="utf-8")
    assert same_as_whole(path, MOMENTS["recent"])[2] <= PARTS // 3


def test_an_error_in_a_file_read_ahead_gives_no_preview_and_its_own_message(
    tmp_path: Path,
) -> None:
    path = _split(tmp_path)
    last = sorted((tmp_path / "events.d").glob("*.yaml"))[-1]
    text = last.read_text(encoding="utf-8")
    at = text.index("    title: ")
    last.write_text(text[:at] + "    title: [not, a, title]" + text[text.index("\n", at) :])
    line = text[:at].count("\n") + 1
    given: list[Preview] = []
    parsed = parse(
        str(path),
        path.read_bytes(),
        parts=True,
        stamps=Stamps(str(path)),
        early=Early(lambda _result, shown: given.append(shown), MOMENTS["after"]),
    )
    assert given == []
    assert parsed.result.log is None
    # the reference reader's words and position, as without the read-ahead
    (problem,) = parsed.result.problems
    assert str(problem).startswith(f"{last}:{line}:12: error: event '")
    assert str(problem).endswith("': title must be text, not a list")
