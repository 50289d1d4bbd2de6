"""SVG snapshots of the browser (pytest-textual-snapshot); update with --snapshot-update."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from briefer.tui import make_app
from tests.test_tui import LOG, Clock, wait_for

Snap = Any  # the plugin's snap_compare fixture


def app_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str = LOG) -> Any:
    monkeypatch.chdir(tmp_path)  # problems name "events.yaml", not a temporary path
    (tmp_path / "events.yaml").write_text(text, encoding="utf-8")
    return make_app("events.yaml", clock=Clock(), poll_interval=0)


async def loaded(pilot: Pilot[None]) -> None:
    app: Any = pilot.app
    await wait_for(pilot, lambda: app.result is not None)
    await pilot.pause(0.3)  # the detail pane and the density bar follow shortly


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
        await pilot.press("slash", *"kfor")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_malformed_filter(
    snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(tmp_path, monkeypatch)

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("slash", *"kind", "colon", *"inciden")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_help(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(tmp_path, monkeypatch)

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(100, 40), run_before=run_before)


def test_invalid_log(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = LOG.replace("kind: incident", "kind: incidnet").replace("2008-02-17", "2008-02-30")
    app = app_for(tmp_path, monkeypatch, text)
    assert snap_compare(app, terminal_size=(100, 30), run_before=loaded)
