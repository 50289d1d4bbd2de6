"""A filter over a large log shows the matches around the cursor first (``LogView.peek``).

The browser peeks when the filter would test many events: these tests lower
that threshold so that a generated log of a few thousand events peeks too.
"""

from __future__ import annotations

import bisect
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment

from briefer.model import EventLog
from briefer.tui import search as search_module
from briefer.tui import timeline as timeline_module
from briefer.tui import view as view_module
from briefer.tui.timeline import Timeline
from briefer.tui.view import FilterOutcome, LogView
from tests.helpers import NOW, browse, generate_log, keys, load_valid, wait_for

QUERIES = [
    "m",
    "mi",
    "kfor",
    "kfor troops",
    "-police",
    "-kfor -police",
    "kind:incident",
    "-kind:incident mitrovica",
    "sig>=4 nato",
    "after:2020 n",
    "tag:courts",
    "no such words anywhere",
]


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated log of 3,000 events, shared by this module's tests (none edits it): the
    browser's load of it is cold once (a few seconds on a busy machine), then cached."""
    return generate_log(3000, tmp_path_factory.mktemp("peek") / "events.yaml")


@pytest.fixture(scope="module")
def log(log_path: Path) -> EventLog:
    return load_valid(log_path)


@pytest.fixture
def peeking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Peek at any filter, never give up, and wait for the peek's frame (a busy machine
    can take longer than the browser waits: it then counts every match before)."""
    monkeypatch.setattr(view_module, "PEEK_FROM", 0)
    monkeypatch.setattr(view_module, "PEEK_BUDGET", 10**9)
    monkeypatch.setattr(view_module, "PEEK_SHARE", 1.0)
    monkeypatch.setattr(timeline_module, "PEEK_WAITS", 2000)


def around(shown: Sequence[int], at: int, before: int, after: int) -> list[int]:
    """What a peek must give: the slice of the whole result around index ``at``."""
    p = bisect.bisect_left(shown, at)
    return list(shown[max(0, p - before) : p]) + list(shown[p : p + after])


@pytest.mark.usefixtures("peeking")
@pytest.mark.parametrize("text", QUERIES)
def test_a_peek_is_the_whole_filter_around_the_event(log: EventLog, text: str) -> None:
    view = LogView(log, NOW)
    whole = view.apply(text, now=NOW).shown
    assert whole is not None
    n = len(log.events)
    for at in (0, 1, 17, n // 2, n - 1, n):
        for before, after in ((5, 5), (40, 3), (0, 60)):
            fresh = LogView(log, NOW)  # nothing recent to narrow it
            for seen in (fresh, view):  # and after the whole result, from it
                peek = seen.peek(text, at, before, after, now=NOW)
                assert peek is not None
                assert peek.near == around(whole, at, before, after), (at, before, after)


@pytest.mark.usefixtures("peeking")
def test_a_peek_narrows_a_recent_result_as_the_filter_does(log: EventLog) -> None:
    view = LogView(log, NOW)
    view.apply("k", now=NOW)
    view.apply("kf", now=NOW)
    whole = LogView(log, NOW).apply("kfor", now=NOW).shown
    assert whole is not None
    peek = view.peek("kfor", 1500, 20, 20, now=NOW)
    assert peek is not None
    assert peek.near == around(whole, 1500, 20, 20)


def test_no_peek_when_the_whole_filter_is_as_quick(
    log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = LogView(log, NOW)
    # Fewer events to test than the threshold: the whole filter is quick.
    assert view.peek("m", 100, 10, 10, now=NOW) is None
    monkeypatch.setattr(view_module, "PEEK_FROM", 0)
    assert view.peek("m", 100, 10, 10, now=NOW) is not None
    # Not a query, or nothing at all to filter by: the whole filter says what it is.
    assert view.peek("sig>>4", 100, 10, 10, now=NOW) is None
    assert view.peek("  ", 100, 10, 10, now=NOW) is None
    # A selective query finds too few matches in the budget: filtering it all is as quick.
    monkeypatch.setattr(view_module, "PEEK_BUDGET", 50)
    assert view.peek("no such words anywhere", 100, 10, 10, now=NOW) is None
    assert view.peek("m", 100, 10, 10, now=NOW) is not None
    # Nor beyond a share of the events it could test.
    monkeypatch.setattr(view_module, "PEEK_BUDGET", 10**9)
    monkeypatch.setattr(view_module, "PEEK_SHARE", 10 / len(log.events))
    assert view.peek("m", 100, 10, 10, now=NOW) is None
    assert view.peek("m", 100, 4, 4, now=NOW) is not None


def _rows(timeline: Timeline) -> list[str]:
    """The timeline's rows as drawn, without the scroll bar's cell."""
    height = timeline.scrollable_content_region.height
    lines = []
    for y in range(height):
        segments: list[Segment] = list(timeline.render_line(y))
        lines.append("".join(s.text for s in segments)[: timeline.size.width - 1])
    return lines


@pytest.fixture
def shows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, list[str], str | None]]:
    """Each time the timeline is shown: whether it was a peek, its rows, the cursor's event."""
    seen: list[tuple[bool, list[str], str | None]] = []
    show = Timeline.show

    def recording(self: Timeline, *args: Any, **options: Any) -> None:
        show(self, *args, **options)
        current = self.current
        seen.append((self.partial, _rows(self), None if current is None else current.id))

    monkeypatch.setattr(Timeline, "show", recording)
    return seen


@pytest.mark.usefixtures("peeking")
async def test_the_rows_drawn_from_a_peek_are_those_drawn_once_all_is_counted(
    log_path: Path, shows: list[tuple[bool, list[str], str | None]]
) -> None:
    path = log_path
    async with browse(path) as (app, pilot):
        await pilot.press("slash")
        view = app.view
        assert view is not None
        peeked = 0
        for query in ("mi", "-police kfor"):
            for n, key in enumerate(keys(query), start=1):
                shows.clear()
                await pilot.press(key)
                await wait_for(pilot, lambda: not app.timeline.partial)
                whole = view.apply(query[:n], now=app.now()).shown
                if whole is None:  # "-" alone is no query yet: its error is shown
                    assert shows == []
                    continue
                # One peek, then every match: the same rows where they were, and the
                # same event under the cursor; only the count and the bar follow.
                assert [partial for partial, _, _ in shows] == [True, False]
                assert shows[0][1:] == shows[1][1:]
                status = str(app.filter_bar.query_one("#filter-status").render())
                assert status.startswith(f"{len(whole):,} of 3,000")
                peeked += 1
            await pilot.press("ctrl+u")
        assert peeked == len("mi") + len("-police kfor") - 1


@pytest.mark.usefixtures("peeking")
async def test_a_move_made_while_only_a_peek_is_shown_counts_every_match(log_path: Path) -> None:
    path = log_path
    async with browse(path) as (app, pilot):
        whole = app.view.apply("m", now=app.now()).shown  # type: ignore[union-attr]
        assert whole is not None
        for action, expected in (("action_last", whole[-1]), ("action_first", whole[0])):
            app.set_filter("")
            app.set_filter("m")
            timeline = app.timeline
            partial = [timeline.partial]  # the rest comes after the next frame
            getattr(timeline, action)()
            partial.append(timeline.partial)
            assert partial == [True, False]
            assert timeline.rows is not None
            assert len(timeline.rows.shown) == len(whole)
            assert timeline.current is app.view.events[expected]  # type: ignore[union-attr]
        await pilot.pause()


@pytest.mark.usefixtures("peeking")
async def test_the_matches_around_the_cursor_are_drawn_before_all_are_counted(
    log_path: Path,
) -> None:
    path = log_path
    async with browse(path) as (app, pilot):
        frames: list[tuple[str, bool]] = []
        display = app._display

        def recorded(screen: Any, update: Any) -> None:
            display(screen, update)
            if update is not None:
                frames.append((app.filter_text, app.timeline.partial))

        app._display = recorded  # type: ignore[method-assign, assignment]
        await pilot.press("slash")
        for n, key in enumerate(keys("kfor police"), start=1):
            await pilot.press(key)
            await wait_for(pilot, lambda: not app.timeline.partial)
            await pilot.pause()
            text = "kfor police"[:n]
            drawn = [partial for shown, partial in frames if shown == text]
            assert drawn[:1] == [True], text  # the peek's frame first
            assert drawn[-1] is False, text  # then every match


async def test_a_peek_shown_again_is_settled_by_its_own_wait_alone(tmp_path: Path) -> None:
    path = generate_log(300, tmp_path / "events.yaml")
    async with browse(path) as (app, pilot):
        # the load's own timers (the density bar's reads what is shown, settling any peek)
        await pilot.pause(0.3)
        timeline, view = app.timeline, app.view
        assert view is not None
        completed: list[str] = []
        timeline.show(view, [0, 1, 2], complete=lambda: completed.append("first"))
        timeline.settle_once_drawn()  # the first peek waits to be drawn
        timeline.show(view, [3, 4, 5], complete=lambda: completed.append("second"))
        timeline._peek_drawn = False  # not drawn yet (the screen may not have caught up)
        await pilot.pause(0.02)
        assert completed == []  # the first peek's wait ends without settling the second
        timeline.settle_once_drawn()
        await wait_for(pilot, lambda: completed == ["second"])


@pytest.mark.usefixtures("peeking")
async def test_a_peek_followed_by_a_wrong_query_leaves_every_match_shown(log_path: Path) -> None:
    # The last good result stays while a query is wrong: all of it, not the peek.
    path = log_path
    async with browse(path) as (app, pilot):
        view = app.view
        assert view is not None
        whole = view.apply("mi", now=app.now()).shown
        assert whole is not None
        app.set_filter("mi")
        partial = [app.timeline.partial]
        app.set_filter("mi sig>>4")  # an error, before the peek's frame
        await wait_for(pilot, lambda: not app.timeline.partial)
        partial.append(app.timeline.partial)
        assert partial == [True, False]
        assert app.timeline.rows is not None
        assert list(app.timeline.rows.shown) == list(whole)
        status = app.filter_bar.query_one("#filter-status")
        assert status.has_class("-error")
        assert "column" in str(status.render())


@pytest.mark.parametrize("text", QUERIES)
def test_a_filter_found_in_steps_is_the_filter_found_at_once(
    log: EventLog, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "STEP", 250)
    expected = LogView(log, NOW).apply(text, now=NOW)
    for narrowed in (False, True):
        view = LogView(log, NOW)
        if narrowed:  # from a recent result it refines, as typing on does
            view.apply(text[:1], now=NOW)
        steps = view.applying(text, now=NOW)
        paused = 0
        while True:
            try:
                next(steps)
            except StopIteration as done:
                outcome = done.value
                break
            paused += 1
        assert outcome.shown is not None
        assert expected.shown is not None
        assert list(outcome.shown) == list(expected.shown)
        assert paused >= (0 if narrowed else len(log.events) // 250)


@pytest.fixture
def going(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Finding every match of a filter pauses until the test sets ``going[0]`` (a million
    pauses at most)."""
    go = [False]
    applying = LogView.applying

    def held(self: LogView, text: str, *, now: float) -> Generator[None, None, FilterOutcome]:
        for _ in range(10**6):
            if go[0]:
                break
            yield
        return (yield from applying(self, text, now=now))

    monkeypatch.setattr(LogView, "applying", held)
    return go


@pytest.mark.usefixtures("peeking")
async def test_every_match_is_found_between_frames_and_a_newer_filter_wins(
    log_path: Path, going: list[bool], shows: list[tuple[bool, list[str], str | None]]
) -> None:
    path = log_path
    async with browse(path) as (app, pilot):
        shows.clear()  # the log's own
        await pilot.press("slash", "k")
        await wait_for(pilot, lambda: app.timeline.partial)
        await pilot.pause(0.05)
        # Still counting, and the screen takes keys meanwhile: the newer filter is shown.
        assert app.timeline.partial
        await pilot.press("f")
        assert app.filter_text == "kf"
        assert app.timeline.partial
        going[0] = True
        await wait_for(pilot, lambda: not app.timeline.partial)
        view = app.view
        assert view is not None
        whole = view.apply("kf", now=app.now()).shown
        assert whole is not None
        assert app.timeline.rows is not None
        assert list(app.timeline.rows.shown) == list(whole)
        # The older filter's matches were never shown.
        assert len([rows for partial, rows, _ in shows if not partial]) == 1


@pytest.mark.usefixtures("peeking")
@pytest.mark.parametrize("text", ["kfor troops", "tag:courts", "no such words anywhere"])
async def test_a_filter_too_selective_to_peek_at_keeps_the_rows_while_it_is_counted(
    text: str,
    log_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    going: list[bool],
    shows: list[tuple[bool, list[str], str | None]],
) -> None:
    monkeypatch.setattr(view_module, "PEEK_BUDGET", 10)  # gives up at once
    path = log_path
    async with browse(path) as (app, pilot):
        await pilot.pause(0.3)  # the load's own timers (the density bar's settles any wait)
        timeline = app.timeline
        assert timeline.rows is not None
        before = list(timeline.rows.shown)
        shows.clear()
        app.set_filter(text)
        await pilot.pause(0.05)
        assert timeline.partial
        assert list(timeline.rows.shown) == before  # the rows stay, counting
        assert shows == []
        assert str(app.filter_bar.query_one("#filter-status").render()).startswith("…")
        going[0] = True
        await wait_for(pilot, lambda: not timeline.partial)
        view = app.view
        assert view is not None
        whole = view.apply(text, now=app.now()).shown
        assert whole is not None
        assert list(timeline.rows.shown) == list(whole)
        assert str(app.filter_bar.query_one("#filter-status").render()).startswith(
            f"{len(whole):,} of 3,000"
        )
