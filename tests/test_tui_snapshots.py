"""SVG snapshots of the browser (pytest-textual-snapshot); update with --snapshot-update."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Sparkline

from briefer.tui import BrieferApp
from briefer.tui.density import DensityBar
from briefer.tui.help import HelpScreen
from briefer.tui.indicators import IndicatorItem, IndicatorsScreen
from briefer.tui.judgments import JudgmentsScreen
from tests.helpers import LOG, Clock, log_file, shared_log, wait_for

Snap = Any  # the plugin's snap_compare fixture


def app_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str = LOG) -> Any:
    monkeypatch.chdir(tmp_path)  # problems name "events.yaml", not a temporary path
    log_file(tmp_path, text)
    return BrieferApp("events.yaml", clock=Clock(), poll_interval=0)


def settled(app: Any) -> bool:
    """The screen shows the current state: the filter, the detail pane and the density bar.

    The detail pane and the density bar follow the timeline on short timers;
    waiting for what they show (rather than pausing) keeps the screenshots
    the same on a busy machine.
    """
    if app.result is None:
        return False
    if app.view is None:
        return True  # an invalid log: only the problems are shown
    if app.filter_text != app.filter_bar.input.value:
        return False
    dated = sum(1 for i in app.timeline.shown if app.view.years[i])
    drawn = sum(app.query_one(DensityBar).query_one(Sparkline).data or [])
    return app.detail.event is app.timeline.current and drawn == dated


async def loaded(pilot: Pilot[None]) -> None:
    app: Any = pilot.app
    await wait_for(pilot, lambda: app.result is not None)
    # A blinking cursor made test_filter pass or fail by the screenshot's timing
    # (0.5 s blink against a fixed pause): keep it steadily on.
    app.filter_bar.input.cursor_blink = False
    await wait_for(pilot, lambda: settled(app))


async def typed(pilot: Pilot[None], *keys: str) -> None:
    """Press ``keys``, then wait until the screen has caught up with them."""
    await pilot.press(*keys)
    await wait_for(pilot, lambda: settled(pilot.app))


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_main_screen(
    snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    app = app_for(tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=size, run_before=loaded)


def test_filter(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(tmp_path, monkeypatch)

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await typed(pilot, "slash", *"kfor")

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_malformed_filter(
    snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(tmp_path, monkeypatch)

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await typed(pilot, "slash", *"kind", "colon", *"inciden")

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_help(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(tmp_path, monkeypatch)

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))

    assert snap_compare(app, terminal_size=(100, 40), run_before=run_before)


def test_invalid_log(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = LOG.replace("kind: incident", "kind: incidnet").replace("2008-02-17", "2008-02-30")
    app = app_for(tmp_path, monkeypatch, text)
    assert snap_compare(app, terminal_size=(100, 30), run_before=loaded)


TRADECRAFT = shared_log("tui-tradecraft")


async def tradecraft_screen(pilot: Pilot[None], key: str, *more: str) -> None:
    """Open the judgments (``J``) or the indicators (``I``), then press ``more``."""
    await loaded(pilot)
    await pilot.press(key)
    screen = JudgmentsScreen if key == "J" else IndicatorsScreen
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen))
    if screen is IndicatorsScreen:
        await wait_for(pilot, lambda: len(pilot.app.screen.query(IndicatorItem)) == 3)
    await pilot.press(*more)
    await pilot.pause(0.1)


def test_judgments(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(tmp_path, monkeypatch, TRADECRAFT)

    async def run_before(pilot: Pilot[None]) -> None:
        await tradecraft_screen(pilot, "J")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_judgment_history(
    snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(tmp_path, monkeypatch, TRADECRAFT)

    async def run_before(pilot: Pilot[None]) -> None:
        await tradecraft_screen(pilot, "J", "end", "enter")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_indicators(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(tmp_path, monkeypatch, TRADECRAFT)

    async def run_before(pilot: Pilot[None]) -> None:
        await tradecraft_screen(pilot, "I")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
