"""A large log is parsed in another process: the browser paints first, stays responsive,
then reads the parsed log from the cache and browses the same log."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import BinaryIO

import pytest

from briefer.tui import BrieferApp
from tests.helpers import (
    LOG,
    PYTHON,
    REPO,
    Clock,
    browse,
    current_id,
    keys,
    log_file,
    screen_rows,
    wait_for,
    write,
)

#: A log with text beyond Latin-1.
ACCENTS = LOG.replace("Clash in Banjska", "Clash near Zvečan — Banjska")


def big_log(events: int) -> str:
    """A valid log of ``events`` events, one a day from 2000."""
    lines = ["briefer: 1", "title: Big log", "sources:", "  - {id: s, title: S}", "events:"]
    for n in range(events):
        year, day = 2000 + n // 300, n % 300
        lines += [
            f"  - id: e{n}",
            f"    date: {year}-{day // 28 + 1:02}-{day % 28 + 1:02}",
            f"    title: Event number {n} near Mitrovica",
            "    summary: |",
            f"      Summary of event {n}, with **Markdown**.",
            "    sources: [s]",
        ]
    return "\n".join(lines) + "\n"


def test_the_browser_paints_before_it_imports_the_log_s_modules() -> None:
    # Its first frame waits for what importing the app brings in; the loader, the model,
    # the readers, the query language and PyYAML come with the log, in the load's thread.
    code = "import sys, briefer.tui.app; print('\\n'.join(sys.modules))"
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    imported = set(done.stdout.split())
    log_modules = {"briefer.loader", "briefer.model", "briefer.reading", "briefer.query"}
    log_modules |= {"briefer.schema", "briefer.fastread", "briefer.cache", "yaml", "pendulum"}
    log_modules |= {"markdown_it", "textual.widgets._markdown"}  # with the first event shown
    assert imported & log_modules == set()


async def test_a_log_parsed_in_another_process_browses_the_same(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, ACCENTS), elsewhere=True) as (app, pilot):
        assert app.view is not None
        assert len(app.view) == 6
        assert current_id(app) == "markup"
        assert "6 events" in str(app.query_one("#filter-status").render())
        app.timeline.move_to_id("banjska")
        await pilot.press("enter")
        markdown = app.query_one("#detail-summary")
        assert "Kosovo Police" in markdown.source  # type: ignore[attr-defined]
        await pilot.press("escape")
        # words of the summary and beyond Latin-1 are found
        await pilot.press("slash", *keys("exchange fire"))
        assert [app.view.events[i].id for i in app.timeline.shown] == ["banjska"]
        await pilot.press("escape", "slash", *keys("zveč"))
        assert [app.view.events[i].id for i in app.timeline.shown] == ["banjska"]
        await pilot.press("escape", "slash", *keys("-zveč -kfor"))
        assert len(app.timeline.shown) == 3
        # the watch list came along
        assert [e.event.id for e in app.view.watch] == ["plates"]


async def test_the_browser_paints_first_and_answers_keys_while_a_log_loads(
    tmp_path: Path,
) -> None:
    path = log_file(tmp_path, big_log(3000))
    app = BrieferApp(str(path), clock=Clock(), poll_interval=0)
    app.spawn_from = 0
    stalls: list[float] = []

    async def tick() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            stalls.append(now - last - 0.005)
            last = now

    async with app.run_test(size=(100, 30)) as pilot:
        ticker = asyncio.create_task(tick())
        await wait_for(pilot, lambda: app.painted_at is not None)
        assert app.view is None
        assert screen_rows(app)[0].startswith("Loading")
        await pilot.press("slash")  # keys work meanwhile
        assert app.focused is not None
        assert app.focused.id == "filter-input"
        await wait_for(pilot, lambda: app.view is not None and not app.loading_total, timeout=60)
        ticker.cancel()
        assert len(app.timeline.shown) == 3000
        # Generous for a busy test machine; bench/tui.py measures the real figure.
        assert max(stalls) < 0.5


async def test_an_invalid_log_parsed_elsewhere_lists_its_problems(tmp_path: Path) -> None:
    path = log_file(tmp_path, LOG.replace("kind: incident", "kind: incidnet"))
    async with browse(path, elsewhere=True) as (app, _pilot):
        assert app.has_class("-no-log")
        text = str(app.query_one("#problems-text").render())
        assert ": error: event 'banjska': unknown kind 'incidnet'" in text


async def test_a_loader_that_fails_is_said_and_the_log_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "fake-python"
    fake.write_text("#!/bin/sh\necho 'the loader broke' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))
    notes: list[str] = []
    async with browse(log_file(tmp_path), elsewhere=True) as (app, _pilot):
        notes = [n.message for n in app._notifications]
        assert app.view is not None
        assert len(app.view) == 6
    assert any("The loader process failed: the loader broke" in n for n in notes)


async def test_a_log_parsed_elsewhere_reloads_when_edited(tmp_path: Path) -> None:
    path = log_file(tmp_path)
    async with browse(path, poll=0.05, elsewhere=True) as (app, pilot):
        app.timeline.move_to_id("banjska")
        path.write_text(LOG.replace("exchange fire", "exchange heavy fire"))
        await wait_for(pilot, lambda: app.view is not None and "heavy" in app.view.index.texts[2])
        await pilot.press("enter")
        markdown = app.query_one("#detail-summary")
        assert "exchange heavy fire" in markdown.source  # type: ignore[attr-defined]


def test_filters_narrow_from_recent_results_and_match_a_fresh_filter(tmp_path: Path) -> None:
    from briefer.query import parse_log_query
    from briefer.tui.view import LogView
    from tests.helpers import CLOCK, load_valid

    log = load_valid(log_file(tmp_path, ACCENTS))
    view = LogView(log, CLOCK)
    typed = "kind:deployment -zveč kfor"
    for n in range(1, len(typed) + 1):  # every prefix, as typed; some are errors
        text = typed[:n]
        outcome = view.apply(text, now=CLOCK)
        if outcome.shown is None:
            continue
        query = parse_log_query(text, log, now=CLOCK)
        expected = [i for i, e in enumerate(log.events) if query.matches(e)]
        assert list(outcome.shown) == expected, text


@pytest.mark.parametrize("opening", ["today", "years before", "cold"])
async def test_a_large_log_shows_its_preview_until_the_whole_log_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opening: str
) -> None:
    from briefer import cache
    from briefer.loader import load_log

    path = log_file(tmp_path, big_log(3000))  # 2000-2009: the browser opens after its end
    if opening != "cold":  # else the loader process fills the cache, preview and all
        assert load_log(str(path)).log is not None
    # The whole log's part waits until the test has looked at the preview. Cold, the
    # preview comes from the loader process before it writes the cache, and the entry's
    # own preview is skipped: the first part read from the cache is the whole log.
    body = 1 if opening == "cold" else 2
    gate = threading.Event()
    parts: list[int] = []
    load_part = cache._load_part

    def held(f: BinaryIO) -> object:
        parts.append(1)
        if len(parts) == body:
            gate.wait(60)
        return load_part(f)

    monkeypatch.setattr(cache, "_load_part", held)
    # Opening on 30 Jun 2001, years before the preview's events (2007-2009): no preview.
    clock = Clock(978307200 + 180 * 86400) if opening == "years before" else Clock()
    app = BrieferApp(str(path), clock=clock, poll_interval=0)
    app.spawn_from = 0
    async with app.run_test(size=(100, 30)) as pilot:
        try:
            await wait_for(pilot, lambda: len(parts) == body, timeout=60)
            if opening != "years before":
                await wait_for(pilot, lambda: app.view is not None)
                assert app.loading_total == 3000
                assert app.view is not None
                assert 0 < len(app.view) < 3000
                assert current_id(app) == "e2999"  # today's place: the newest event
                status = str(app.query_one("#filter-status").render())
                assert "of 3,000 events, reading the rest" in status
                # what needs every event waits for them
                for key in ("r", "n", "J"):
                    app.clear_notifications()
                    await pilot.press(key)
                    notes = [n.message for n in app._notifications]
                    assert notes == ["Still reading the whole log; try again in a moment."]
                assert isinstance(app.screen, type(app.screen_stack[0]))
            else:
                await pilot.pause(0.3)
                assert app.view is None
        finally:
            gate.set()
        await wait_for(pilot, lambda: app.view is not None and not app.loading_total)
        assert app.view is not None
        assert len(app.view) == 3000
        # big_log's 1 Jul 2001 (the 169th day of its 2001) is the nearest to 30 Jun 2001
        expected = "e468" if opening == "years before" else "e2999"
        assert current_id(app) == expected
        assert "3,000 events" in str(app.query_one("#filter-status").render())


def split_log(
    folder: Path, per_year: int = 700, years: int = 11, broken: int | None = None
) -> Path:
    """A log of ``per_year`` events a year from 2000, one included file a year; the
    ``broken`` year's first event has no title."""
    write(
        folder / "events.yaml",
        "briefer: 1\ntitle: Split log\ninclude: [events.d/*.yaml]\n"
        "sources:\n  - {id: s, title: S}\nevents: []\n",
    )
    for year in range(2000, 2000 + years):
        lines = ["events:"]
        for n in range(per_year):
            month, day = n * 12 // per_year + 1, n % 28 + 1
            title = "" if year == broken and n == 0 else f"Event {n} of {year} near Mitrovica"
            lines += [
                f"  - id: e{year}-{n}",
                f"    date: {year}-{month:02}-{day:02}",
                f"    title: {title}",
                "    summary: |",
                f"      Summary of event {n} of {year}, with **Markdown**, and more words.",
                "    sources: [s]",
            ]
        write(folder / "events.d" / f"{year}.yaml", "\n".join(lines) + "\n")
    return folder / "events.yaml"


@pytest.mark.parametrize("broken", [False, True])
async def test_a_cold_split_log_shows_the_events_read_ahead_until_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: bool
) -> None:
    from briefer import cache

    # the loader process reads ahead the files around today (2010, the last: the log
    # ends before today) and sends that preview before it reads the other ten
    path = split_log(tmp_path, broken=2001 if broken else None)
    gate = threading.Event()
    parts: list[int] = []
    load_part = cache._load_part

    def held(f: BinaryIO) -> object:
        parts.append(1)
        gate.wait(60)
        return load_part(f)

    monkeypatch.setattr(cache, "_load_part", held)
    app = BrieferApp(str(path), clock=Clock(), poll_interval=0)
    async with app.run_test(size=(100, 30)) as pilot:
        try:
            await wait_for(pilot, lambda: app.view is not None, timeout=60)
            assert app.loading_total == -1  # how many events in all: not known yet
            assert app.view is not None
            assert len(app.view) == 500  # the log's last 500 events: all in 2010
            assert current_id(app) == "e2010-699"  # today's place: the newest event
            status = str(app.query_one("#filter-status").render())
            assert status == "500 events so far, reading the rest…"
            assert str(app.query_one("#header-clock").render()) == "Wed 22 Nov 2023 08:00:00 UTC"
            await pilot.press("n")
            notes = [n.message for n in app._notifications]
            assert notes == ["Still reading the whole log; try again in a moment."]
        finally:
            gate.set()
        if broken:  # the preview goes: the log is not one
            gone = lambda: app.has_class("-no-log") and app.view is None  # noqa: E731
            await wait_for(pilot, gone, timeout=60)
            assert app.loading_total == 0
            problems = str(app.query_one("#problems-text").render())
            assert "2001.yaml:4:" in problems
            assert "e2001-0" in problems
            assert "still showing" not in " ".join(n.message for n in app._notifications)
            return
        await wait_for(pilot, lambda: app.view is not None and not app.loading_total, timeout=60)
        assert app.view is not None
        assert len(app.view) == 7700
        assert current_id(app) == "e2010-699"
        assert "7,700 events" in str(app.query_one("#filter-status").render())


@pytest.mark.parametrize(
    "written",
    [
        b"",  # a cached or small log: the loader writes nothing
        b"garbage\n",
        b"12\nshort",  # cut short: the loader died while writing
        b"9" * 70_000 + b"\n",  # beyond the stream's line limit
        b"999999999999\n",  # more than any preview
    ],
)
async def test_a_loader_that_announces_no_preview_gives_none(written: bytes) -> None:
    from briefer.tui.loading import _announced

    stream = asyncio.StreamReader()
    stream.feed_data(written)
    stream.feed_eof()
    assert await _announced(stream) is None


def test_an_announced_preview_is_shown_only_where_it_covers_now(tmp_path: Path) -> None:
    import io

    from briefer.loader import fill_cache
    from briefer.tui.loading import preview_from

    path = log_file(tmp_path, big_log(3000))  # 2000-2009
    out = io.BytesIO()
    fill_cache(str(path), announce=out)
    payload = out.getvalue().partition(b"\n")[2]
    found = preview_from(payload, str(path), now=Clock())  # after the log's end: its last days
    assert found is not None
    loaded, total = found
    assert total == 3000
    assert loaded.view is not None
    assert loaded.view.log.events[-1].id == "e2999"
    assert loaded.signature == ()  # never taken for the last load
    # Opening on 30 Jun 2001, years before the preview's events: none.
    assert preview_from(payload, str(path), now=Clock(978307200 + 180 * 86400)) is None
    assert preview_from(b"not a preview", str(path), now=Clock()) is None
