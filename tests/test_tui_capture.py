"""The browser's capture keys (SPEC §8): ``n`` a new event, ``i`` the inbox, through $EDITOR."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feedserver import FeedServer, feed_server
from tests.helpers import LOG, PYTHON, browse, current_id, load_valid, log_file, wait_for

CAPTURE = "capture: events.d/\ninclude: [events.d/*.yaml]\n"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR is a script; the test writes what it does into ``editor.body`` (Python that
    sees ``text`` and changes it). What it was given is kept in ``editor.seen``."""
    script = tmp_path / "editor.py"
    script.write_text(
        f"#!{PYTHON}\nimport sys\npath = sys.argv[-1]\ntext = open(path).read()\n"
        f"open({str(tmp_path / 'editor.seen')!r}, 'w').write(text)\n"
        f"exec(open({str(tmp_path / 'editor.body')!r}).read())\n"
        "open(path, 'w').write(text)\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    return tmp_path / "editor.body"


def notes(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


async def test_n_writes_a_new_event_and_selects_it(tmp_path: Path, editor: Path) -> None:
    path = log_file(tmp_path, LOG.replace("sources:\n", CAPTURE + "sources:\n", 1))
    editor.write_text(
        "text = text.replace('title:\\n', 'title: Written in the browser\\n')\n"
        "text = text.replace('sources: []', 'sources: [nato]')\n",
        encoding="utf-8",
    )
    async with browse(path) as (app, pilot):
        app.timeline.move_to_id("banjska")
        selected = app.timeline.current
        assert selected is not None
        await pilot.press("n")
        await wait_for(pilot, lambda: (current_id(app) or "").endswith("written-in-the-browser"))
        seen = (tmp_path / "editor.seen").read_text(encoding="utf-8")
        assert f"date: {selected.date.text}" in seen or f"date: '{selected.date.text}'" in seen
        assert f"kind: {selected.kind}" in seen
        new_id = current_id(app)
        assert any(f"{new_id} in " in n and f"events.d/{new_id}.yaml" in n for n in notes(app))
    assert new_id in load_valid(path).by_id
    assert path.read_text(encoding="utf-8") == LOG.replace("sources:\n", CAPTURE + "sources:\n", 1)


async def test_n_with_an_invalid_entry_keeps_the_draft(tmp_path: Path, editor: Path) -> None:
    path = log_file(tmp_path, LOG.replace("sources:\n", CAPTURE + "sources:\n", 1))
    editor.write_text("text = text.replace('title:\\n', 'title: No source\\n')\n", encoding="utf-8")
    async with browse(path) as (app, pilot):
        await pilot.press("n")
        await wait_for(pilot, lambda: any("draft is kept" in n for n in notes(app)))
        assert any("cites no source" in n for n in notes(app))
    assert not list((tmp_path / "events.d").glob("*.yaml"))
    assert len(list((tmp_path / "events.d" / ".drafts").glob("*.yaml"))) == 1


async def test_n_without_a_capture_folder_says_so(tmp_path: Path) -> None:
    path = log_file(tmp_path)
    async with browse(path) as (app, pilot):
        await pilot.press("n")
        await wait_for(pilot, lambda: any("names no capture folder" in n for n in notes(app)))


async def test_inbox_fetches_in_the_background_and_accepts_through_the_editor(
    tmp_path: Path, editor: Path, server: FeedServer
) -> None:
    from textual.widgets import OptionList

    from briefer.tui.inbox import InboxScreen

    feeds = f"feeds:\n  - {{id: wire, url: '{server.url('/rss.xml')}'}}\n"
    text = LOG.replace("sources:\n", CAPTURE + feeds + "sources:\n", 1)
    # One item's link is already a source of the log.
    text = text.replace("https://www.nato.int/kfor", server.url("/news/talks"))
    path = log_file(tmp_path, text)
    editor.write_text("", encoding="utf-8")  # accept the item as it comes
    async with browse(path) as (app, pilot):
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InboxScreen))
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        assert screen.items == []
        await pilot.press("f")
        await wait_for(pilot, lambda: any("3 new items from 1 feeds" in n for n in notes(app)))
        assert [i.title for i in screen.items][:2] == [
            "KFOR increases patrols near Jarinje",
            "Talks resume in Brussels",
        ]
        options = screen.query_one(OptionList)
        lines = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert "in log" in lines[1]
        assert "in log" not in lines[0]
        await pilot.press("enter")
        preview = str(screen.query_one("#inbox-preview").render())
        assert "Patrols were increased." in preview
        await pilot.press("down", "down", "d")
        assert [i.title for i in screen.items] == [
            "KFOR increases patrols near Jarinje",
            "Talks resume in Brussels",
        ]
        await pilot.press("up", "up", "a")
        new_id = "2023-11-22-kfor-increases-patrols-near-jarinje"
        await wait_for(pilot, lambda: current_id(app) == new_id)
        await wait_for(
            pilot, lambda: [i.title for i in screen.items] == ["Talks resume in Brussels"]
        )
        assert "# Patrols were increased." in (tmp_path / "editor.seen").read_text(encoding="utf-8")
        await pilot.press("escape")
        assert not isinstance(app.screen, InboxScreen)
    event = load_valid(path).by_id[new_id]
    assert event.sources[0].source == "balkan-wire-2023-11-22"
