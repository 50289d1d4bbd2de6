"""Reloading a log kept in memory: only the changed included files are parsed, the result is
the one a fresh load gives, and the browser shows an edit without another process."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest

from briefer.loader import LoadResult, load_log
from briefer.model import EventLog
from briefer.reload import cached_log, reload_elsewhere, reload_log, settle
from briefer.tui.loading import fill_cache
from tests.helpers import REPO, browse, count_grown, count_walks, generate_log, wait_for


@pytest.fixture(scope="module")
def split_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated log of 800 events split into a main file and 4 included files."""
    spec = importlib.util.spec_from_file_location("splitlog", REPO / "bench" / "splitlog.py")
    assert spec is not None
    assert spec.loader is not None
    splitlog = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(splitlog)
    folder = tmp_path_factory.mktemp("split")
    text = generate_log(800, folder / "whole.yaml").read_text(encoding="utf-8")
    (folder / "whole.yaml").unlink()
    splitlog.write_split(text, 4, folder)
    return folder


@pytest.fixture
def split_log(split_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the split log to edit, in the working directory."""
    folder = tmp_path / "log"
    shutil.copytree(split_folder, folder)
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The included files parsed (by name as shown), in order."""
    return count_walks(monkeypatch)


def append_event(path: Path, event_id: str, source: str, date: str = "2024-01-01") -> None:
    text = path.read_text(encoding="utf-8")
    addition = f"  - id: {event_id}\n    date: {date}\n    title: Added {event_id}\n"
    path.write_text(text + addition + f"    sources: [{source}]\n", encoding="utf-8")


def first_load() -> tuple[LoadResult, EventLog, tuple[tuple[str, str], ...]]:
    """The split log loaded (filling the cache): the result, its log, and the (path, digest)
    of each included file it was read from."""
    includes: list[tuple[str, str]] = []
    first = load_log("events.yaml", includes=includes)
    assert first.log is not None
    return first, first.log, tuple(includes)


@pytest.mark.parametrize("edit", ["append", "rewrite"])
def test_a_reload_parses_only_the_changed_file_and_matches_a_fresh_load(
    split_log: Path, walked: list[str], monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    grown = count_grown(monkeypatch)
    _first, log, includes = first_load()
    assert len(includes) == 4
    assert len(walked) == 4
    walked.clear()

    source = next(iter(log.sources))
    changed = split_log / "events.d" / "part-002.yaml"
    if edit == "rewrite":  # an edit before the end: the file is read whole
        text = changed.read_text(encoding="utf-8")
        changed.write_text(text.replace("title: ", "title: Now ", 1), encoding="utf-8")
    append_event(changed, "appended", source)
    again = reload_log("events.yaml", log, includes)
    if edit == "append":  # only the new item is read
        assert (walked, grown) == ([], ["events.d/part-002.yaml"])
    else:
        assert (walked, grown) == (["events.d/part-002.yaml"], [])
    assert again.result == load_log("events.yaml", use_cache=False)
    assert again.result.log is not None
    assert "appended" in again.result.log.by_id
    # The events of the other files are the very objects shown before: nothing re-read.
    old = log.by_id
    kept = [e for e in again.result.log.events if e.pos.file != "events.d/part-002.yaml"]
    assert kept
    assert all(e is old[e.id] for e in kept)
    assert again.includes[2][1] != includes[2][1]
    assert again.includes[:2] == includes[:2]

    # Nothing changed since: nothing parsed, the same result.
    walked.clear()
    assert reload_log("events.yaml", again.result.log, again.includes).result == again.result
    assert walked == []
    # A check after the reload reads the problems from the cache, parsing nothing.
    assert load_log("events.yaml", need_log=False).problems == again.result.problems
    assert walked == []


def test_a_reload_counts_unchanged_files_as_kept_before_parsing_any(
    split_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parallel prefill (which forks for a large log) is offered only the changed file."""
    from briefer import filecache, prefill

    _first, log, includes = first_load()
    missing: list[str] = []
    real = prefill.prefill

    def spy(
        tz_name: str, kinds: set[str], wanted: list[prefill.Wanted], read: object, first: object
    ) -> int:
        for _path, shown, _data, digest in wanted:
            if not digest or not filecache.kept(filecache.part_key(shown, digest, tz_name, kinds)):
                missing.append(shown)
        return real(tz_name, kinds, wanted, read, first)  # type: ignore[arg-type]

    monkeypatch.setattr(prefill, "prefill", spy)
    source = next(iter(log.sources))
    append_event(split_log / "events.d" / "part-003.yaml", "appended", source)
    again = reload_log("events.yaml", log, includes)
    assert again.result.log is not None
    assert missing == ["events.d/part-003.yaml"]


def test_a_reload_reports_an_invalid_edit_as_a_fresh_load_does(
    split_log: Path, walked: list[str]
) -> None:
    _first, log, includes = first_load()
    append_event(split_log / "events.d" / "part-001.yaml", "broken", "no-such-source")
    again = reload_log("events.yaml", log, includes)
    assert again.result.log is None
    assert again.result == load_log("events.yaml", use_cache=False)
    assert any("unknown source 'no-such-source'" in p.message for p in again.result.errors)


def test_the_cache_alone_answers_when_current_and_else_says_so(
    split_log: Path, walked: list[str]
) -> None:
    assert cached_log("events.yaml") is None  # never loaded: nothing to read, nothing parsed
    assert walked == []
    first, log, includes = first_load()
    found = cached_log("events.yaml")
    assert found is not None
    assert found.result == first
    assert found.includes == includes
    append_event(split_log / "events.d" / "part-000.yaml", "later", next(iter(log.sources)))
    assert cached_log("events.yaml") is None


async def test_the_browser_reads_an_edit_of_one_included_file_in_place(
    split_log: Path, walked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    grown = count_grown(monkeypatch)
    spawned: list[tuple[str, bool]] = []

    async def counting(path: str, *, background: bool = False, preview: Any = None) -> str | None:
        spawned.append((path, background))
        return await fill_cache(path, background=background, preview=preview)

    monkeypatch.setattr("briefer.tui.app.fill_cache", counting)
    path = split_log / "events.yaml"
    async with browse(path, poll=0.05) as (app, pilot):
        assert app.view is not None
        assert spawned == [(str(path), False)]  # the first load parses in another process
        shown = len(app.view)
        source = next(iter(app.view.log.sources))
        append_event(split_log / "events.d" / "part-003.yaml", "added-here", source, "2026-06-01")
        await wait_for(pilot, lambda: app.view is not None and "added-here" in app.view.index_by_id)
        assert walked == []  # an append: only the new item is read
        assert grown == ["events.d/part-003.yaml"]
        # Then, not waited for, a process that writes the whole log's entry for the next start.
        await wait_for(pilot, lambda: len(spawned) == 2)
        assert spawned == [(str(path), False), (str(path), True)]
        assert len(app.view) == shown + 1
        app.select_event("added-here")
        await pilot.pause()
        assert app.timeline.current is not None
        assert app.timeline.current.title == "Added added-here"
        # Not left running past the test: its pipes would be closed by the collector after
        # this test's event loop, with a warning on whichever test comes next.
        await wait_for(pilot, lambda: not any(w.group == "fill" for w in app.workers), timeout=60)


async def test_the_browser_has_an_edit_of_a_large_log_read_by_another_process(
    split_log: Path, walked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefer.reload

    served: list[str] = []
    real = briefer.reload.reload_elsewhere

    def counting(path: str, *args: Any, **kwargs: Any) -> Any:
        served.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(briefer.reload, "reload_elsewhere", counting)
    async with browse(split_log / "events.yaml", poll=0.05, elsewhere=True) as (app, pilot):
        assert app.view is not None
        before = app.view.log.by_id
        source = next(iter(app.view.log.sources))
        append_event(split_log / "events.d" / "part-001.yaml", "there", source, "2026-06-01")
        await wait_for(pilot, lambda: app.view is not None and "there" in app.view.index_by_id)
        assert served == [str(split_log / "events.yaml")]
        assert walked == []  # nothing parsed in this process
        assert app.result == load_log("events.yaml", use_cache=False)
        kept = [e for e in app.view.log.events if e.pos.file == "events.d/part-000.yaml"]
        assert kept
        assert all(e is before[e.id] for e in kept)
        await wait_for(pilot, lambda: not any(w.group == "fill" for w in app.workers), timeout=60)


async def test_the_views_an_edit_replaced_are_let_go(
    split_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import weakref

    from briefer.tui import view as views_module

    made: list[weakref.ref[Any]] = []
    real = views_module.LogView.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(views_module.LogView, "__init__", counting)
    async with browse(split_log / "events.yaml", poll=0.05) as (app, pilot):
        assert app.view is not None
        source = next(iter(app.view.log.sources))
        for name in ("gone-1", "gone-2", "gone-3"):
            append_event(split_log / "events.d" / "part-001.yaml", name, source)

            def shown(name: str = name) -> bool:
                return app.view is not None and name in app.view.index_by_id

            await wait_for(pilot, shown)
            await wait_for(pilot, lambda: not any(w.group == "index" for w in app.workers))
        await wait_for(pilot, lambda: not any(w.group == "fill" for w in app.workers), timeout=60)
        gc.collect()
        alive = [ref() for ref in made if ref() is not None]
        assert alive == [app.view]  # each view a reload replaced is gone


async def test_a_warm_browser_start_reads_the_cache_without_another_process(
    split_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_log("events.yaml")  # fills the cache, as an earlier session would
    spawned: list[str] = []

    async def counting(path: str, *, background: bool = False, preview: Any = None) -> str | None:
        spawned.append(path)
        return None

    monkeypatch.setattr("briefer.tui.app.fill_cache", counting)
    async with browse(split_log / "events.yaml") as (app, _pilot):
        assert app.view is not None
        assert len(app.view) == 800
    assert spawned == []


async def test_after_an_edit_read_in_place_the_next_start_finds_the_whole_log_cached(
    split_log: Path,
) -> None:
    path = split_log / "events.yaml"
    async with browse(path, poll=0.05) as (app, pilot):
        assert app.view is not None
        source = next(iter(app.view.log.sources))
        append_event(split_log / "events.d" / "part-001.yaml", "added-then", source)
        await wait_for(pilot, lambda: app.view is not None and "added-then" in app.view.index_by_id)
        await wait_for(pilot, lambda: not any(w.group == "fill" for w in app.workers), timeout=60)
        shown = app.view.log
    found = cached_log("events.yaml")
    assert found is not None
    assert found.result.log == shown


def test_events_read_under_another_time_zone_are_not_taken_back(
    split_log: Path, walked: list[str]
) -> None:
    """A → B → A: the events in memory were read under B; A's cached parts do not take them."""
    main = split_log / "events.yaml"
    text = main.read_text(encoding="utf-8")
    assert "timezone: Europe/Belgrade" in text
    first, log, includes = first_load()
    main.write_text(text.replace("timezone: Europe/Belgrade", "timezone: Asia/Tokyo"))
    walked.clear()
    other = reload_log("events.yaml", log, includes)
    assert len(walked) == 4  # every file read again under the new zone
    assert other.result == load_log("events.yaml", use_cache=False)
    assert other.result.log is not None
    main.write_text(text)
    back = reload_log("events.yaml", other.result.log, other.includes)
    assert back.result == load_log("events.yaml", use_cache=False)
    assert back.result == first


@pytest.mark.parametrize(
    "edit",
    [
        "append",
        "append again",
        "rewrite",
        "invalid",
        "new file",
        "file gone",
        "time zone",
        "nothing",
    ],
)
def test_a_reload_read_by_another_process_matches_a_fresh_load(
    split_log: Path, edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefer.reload

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("read in this process")

    monkeypatch.setattr(briefer.reload, "reload_log", not_here)
    parts = split_log / "events.d"
    main = split_log / "events.yaml"
    grown = parts / "part-002.yaml"
    if edit == "append again":  # made, read (its part kept), undone: then made again below
        before = grown.read_text(encoding="utf-8")
        append_event(grown, "appended", next(iter(first_load()[1].sources)))
        assert load_log("events.yaml").log is not None
        grown.write_text(before, encoding="utf-8")
    first, log, includes = first_load()
    source = next(iter(log.sources))
    if edit.startswith("append"):  # the other process reads only the new item, keeps the part
        append_event(grown, "appended", source)
    elif edit == "rewrite":
        text = (parts / "part-002.yaml").read_text(encoding="utf-8")
        (parts / "part-002.yaml").write_text(text.replace("title: ", "title: Now ", 1))
    elif edit == "invalid":
        append_event(parts / "part-001.yaml", "broken", "no-such-source")
    elif edit == "new file":
        (parts / "part-004.yaml").write_text("events:\n", encoding="utf-8")
        append_event(parts / "part-004.yaml", "in-a-new-file", source)
    elif edit == "file gone":
        (parts / "part-003.yaml").unlink()
    elif edit == "time zone":
        text = main.read_text(encoding="utf-8")
        main.write_text(text.replace("timezone: Europe/Belgrade", "timezone: Asia/Tokyo"))
    again = reload_elsewhere("events.yaml", log, includes)
    settle()  # its process writes the cache after it answered
    assert not briefer.reload._writing
    fresh = load_log("events.yaml", use_cache=False)
    assert again.result == fresh
    if edit == "invalid":
        assert again.result.log is None
        return
    assert again.result.log is not None
    if edit == "nothing":
        assert again.result == first
    # What it left in the cache gives the same log to the next load.
    assert load_log("events.yaml") == fresh
    # The events of files that did not change are the very objects held before.
    old = log.by_id
    same = [e for e in again.result.log.events if e.pos.file == "events.d/part-000.yaml"]
    assert same
    assert all((e is old[e.id]) == (edit != "time zone") for e in same)
    if edit.startswith("append"):  # and those of a file that only grew: the new event alone came
        mine = [e for e in again.result.log.events if e.pos.file == "events.d/part-002.yaml"]
        assert [e.id for e in mine if e.id not in old] == ["appended"]
        assert all(e is old[e.id] for e in mine if e.id != "appended")
    # And in place, from what it gave: the same again.
    assert reload_log("events.yaml", again.result.log, again.includes).result == fresh


def test_a_reload_whose_other_process_fails_is_read_here(
    split_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefer.reload

    _first, log, includes = first_load()
    append_event(split_log / "events.d" / "part-002.yaml", "appended", next(iter(log.sources)))
    monkeypatch.setattr(briefer.reload, "_SERVE", "raise SystemExit(3)")
    again = reload_elsewhere("events.yaml", log, includes)
    assert again.result == load_log("events.yaml", use_cache=False)


def test_events_in_order_merge_into_the_log_order(split_log: Path) -> None:
    from briefer.reload import _merged

    log = load_log("events.yaml").log
    assert log is not None
    events = list(log.events)
    for fresh_of in (
        lambda i: i % 3 == 0,  # spread over the whole log
        lambda i: 100 <= i < 140,  # one stretch in the middle
        lambda i: i < 10,  # before everything else
        lambda i: i >= len(events) - 10,  # after
        lambda i: False,
        lambda i: True,
    ):
        fresh = [e for i, e in enumerate(events) if fresh_of(i)]
        kept = [e for i, e in enumerate(events) if not fresh_of(i)]
        assert _merged(kept, fresh) == events
