"""The terminal browser, driven headless through Textual's Pilot with a fixed clock."""

from __future__ import annotations

import asyncio
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from briefer.tui import BrieferApp
from briefer.tui.problems import ProblemsPanel
from briefer.tui.view import LogView, Rows, bin_counts, countdown, watch_entries
from tests.helpers import (
    CLOCK,
    LOG,
    REPO,
    Clock,
    browse,
    current_id,
    focused,
    keys,
    line_text,
    load_valid,
    log_file,
    screen_rows,
    wait_for,
    write,
)

# --------------------------------------------------------------------------- #
# the screen
# --------------------------------------------------------------------------- #


async def test_opens_on_the_event_nearest_now_with_header_and_count(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, _pilot):
        assert app.view is not None
        assert len(app.view) == 6
        assert current_id(app) == "markup"  # 20 Nov, nearest to 22 Nov 09:00
        header = str(app.query_one("#header-title").render())
        assert "Browser test log" in header
        assert "UNCLASSIFIED // TEST" in str(app.query_one("#header-marking").render())
        assert "Wed 22 Nov 2023 09:00:00 CET" in str(app.query_one("#header-clock").render())
        assert "6 events" in str(app.query_one("#filter-status").render())
        rows = screen_rows(app)
        # year separators, then date, kind and significance per event
        assert rows[0].startswith("── 1999 ")
        assert "12 Jun 1999" in rows[1]
        assert "deployment" in rows[1]
        assert "KFOR enters Kosovo" in rows[1]
        assert any("24 Sep 2023 07:30 CEST" in r for r in rows)
        assert any("c. Oct 2023" in r for r in rows)


async def test_user_text_is_never_markup(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, _pilot):
        title = "Deadline [Q2] [bold]not bold[/bold] [link=file:///etc/passwd]x[/link]"
        assert any(title[:40] in r for r in screen_rows(app))
        assert title in str(app.query_one("#detail-title").render())
        rows, cursor = app.timeline.rows, app.timeline.cursor
        assert rows is not None
        assert cursor is not None
        strip = app.timeline.render_line(rows.row_of(cursor) - int(app.timeline.scroll_y))
        assert not any(seg.style and seg.style.link for seg in strip)


#: Text that still reaches the browser from a valid log and could mislead:
#: a right-to-left override and a line separator (YAML escapes).
HOSTILE = r"Reversed \u202eABC next\u2028line"
HOSTILE_SHOWN = r"Reversed \u202eABC next\u2028line"


async def test_misleading_characters_in_log_text_are_shown_escaped(tmp_path: Path) -> None:
    text = LOG.replace(
        'title: "Deadline [Q2] [bold]not bold[/bold] [link=file:///etc/passwd]x[/link]"',
        f'title: "{HOSTILE}"\n    summary: "First line\\n\\u202e second line"',
    ).replace("title: Browser test log", f'title: "Log {HOSTILE}"')
    async with browse(log_file(tmp_path, text)) as (app, pilot):
        app.timeline.move_to_id("markup")
        await wait_for(pilot, lambda: app.detail.event is app.timeline.current)
        assert any(HOSTILE_SHOWN[:20] in row for row in screen_rows(app))
        assert HOSTILE_SHOWN in str(app.query_one("#detail-title").render())
        assert f"Log {HOSTILE_SHOWN}" in str(app.query_one("#header-title").render())
        summary: Any = app.query_one("#detail-summary")
        assert summary.source == "First line\n\\u202e second line"


async def test_control_characters_make_the_log_invalid_not_the_screen(tmp_path: Path) -> None:
    # Terminal control sequences (retitle, clear screen) never reach the screen:
    # check refuses them, and the browser lists that problem instead.
    text = LOG.replace("title: Browser test log", r'title: "Log \e]0;PWNED\a \e[2J"')
    async with browse(log_file(tmp_path, text)) as (app, pilot):
        await wait_for(pilot, lambda: app.result is not None)
        problems = str(app.query_one("#problems-text").render())
        assert "title holds the control character U+001B" in problems
        assert "\x1b" not in problems


async def test_notifications_are_text_not_markup(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        app.notify("Opening https://example.org/[b]x[/b]\x1b[2J", title="[red]T[/red]")
        await pilot.pause()
        (note,) = list(app._notifications)
        assert note.message == "Opening https://example.org/[b]x[/b]\\x1b[2J"
        assert note.title == "[red]T[/red]"
        assert note.markup is False


async def test_the_summary_widget_comes_with_the_first_event_shown(tmp_path: Path) -> None:
    from textual.app import App, ComposeResult

    from briefer.tui.detail import DetailPane
    from briefer.tui.view import LogView

    class PaneApp(App[None]):
        def compose(self) -> ComposeResult:
            yield DetailPane()

    view = LogView(load_valid(log_file(tmp_path)), CLOCK)
    first, second = view.event("banjska"), view.event("kfor-enters")
    assert first is not None
    assert second is not None
    app = PaneApp()
    async with app.run_test() as pilot:
        pane = app.query_one(DetailPane)
        await pilot.pause()
        assert not pane.query("#detail-summary")  # nothing shown yet: no Markdown widget
        # two events in a row, before the widget the first one mounted is even ready
        pane.show_event(view.log, first, view.event)
        pane.show_event(view.log, second, view.event)
        await wait_for(pilot, lambda: bool(pane.query("#detail-summary")))
        await pilot.pause()
        (summary,) = pane.query("#detail-summary")
        assert summary.source == second.summary  # type: ignore[attr-defined]
        assert summary.display is bool(second.summary)
        pane.show_event(view.log, first, view.event)
        await pilot.pause()
        assert summary.display
        assert "Kosovo Police" in summary.source  # type: ignore[attr-defined]
        pane.show_event(view.log, None, view.event)
        assert not summary.display


async def test_detail_pane_shows_summary_facts_related_and_sources(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        app.timeline.move_to_id("banjska")
        await pilot.press("enter")
        assert focused(app) == "detail"
        facts = str(app.query_one("#detail-facts").render())
        assert "24 Sep 2023 07:30 CEST" in facts
        assert "incident" in facts
        assert "confidence moderate" in facts
        assert "Kosovo Police" in facts
        markdown = app.query_one("#detail-summary")
        assert "Kosovo Police" in markdown.source  # type: ignore[attr-defined]
        sources = str(app.query_one("#detail-sources").render())
        assert "[1] Printed report" in sources
        assert "[2] NATO press release" in sources
        assert "https://www.nato.int/kfor" in sources
        related = app.query_one("#detail-related", OptionList)
        assert related.option_count == 1
        await pilot.press("escape")
        assert focused(app) == "timeline"

        # figures, place and tags of another event
        app.timeline.move_to_id("reinforce")
        await pilot.press("enter")
        assert "KFOR troops: 4,500 troops" in str(app.query_one("#detail-facts").render())
        assert "(2023-10~)" in str(app.query_one("#detail-facts").render())


async def test_related_events_can_be_jumped_to_even_when_filtered_out(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        await pilot.press("slash", *keys("clash"), "enter")
        assert [app.view.events[i].id for i in app.timeline.shown] == ["banjska"]  # type: ignore[union-attr]
        await pilot.press("enter")
        related = app.query_one("#detail-related", OptionList)
        related.focus()
        related.highlighted = 0
        await pilot.press("enter")
        await pilot.pause(0.05)
        assert current_id(app) == "reinforce"
        assert app.filter_text == ""  # cleared to show it


# --------------------------------------------------------------------------- #
# keys
# --------------------------------------------------------------------------- #


async def test_movement_keys(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        await pilot.press("g")
        assert current_id(app) == "kfor-enters"
        await pilot.press("j")
        assert current_id(app) == "independence"
        await pilot.press("down", "down")
        assert current_id(app) == "reinforce"
        await pilot.press("k", "up")
        assert current_id(app) == "independence"
        await pilot.press("G")
        assert current_id(app) == "plates"
        await pilot.press("down")  # stays on the last
        assert current_id(app) == "plates"
        await pilot.press("pageup")
        assert current_id(app) == "kfor-enters"
        await pilot.press("pagedown")
        assert current_id(app) == "plates"
        await pilot.press("t")
        assert current_id(app) == "markup"


async def test_event_nearest_now_is_on_screen_on_a_small_terminal(tmp_path: Path) -> None:
    # The shipped log at 80x24: the timeline has about nine rows, and the event
    # nearest the clock is the last one. It used to stay below the fold.
    clock = Clock(int(datetime(2023, 11, 22, 8, tzinfo=UTC).timestamp()))
    async with browse(REPO / "events.yaml", clock=clock, size=(80, 24)) as (app, pilot):
        timeline = app.timeline
        await wait_for(pilot, lambda: timeline.current is not None)
        assert timeline.current is not None
        assert timeline.current.id == "stoltenberg-permanent-increase"
        height = timeline.scrollable_content_region.height
        row = timeline.rows.row_of(timeline.cursor)  # type: ignore[union-attr, arg-type]
        await wait_for(pilot, lambda: int(timeline.scroll_y) <= row < timeline.scroll_y + height)


async def test_cursor_follows_in_a_long_log_and_t_finds_today(tmp_path: Path) -> None:
    events = "".join(
        f"  - {{id: e{n:04}, date: {1990 + n // 365}-{n % 12 + 1:02}-{n % 28 + 1:02}, "
        f"title: Event {n}, sources: [s]}}\n"
        for n in range(2000)
    )
    text = f"briefer: 1\ntitle: Long\nsources:\n  - {{id: s, title: S}}\nevents:\n{events}"
    async with browse(write(tmp_path / "long.yaml", text), size=(100, 30)) as (app, pilot):
        timeline = app.timeline
        assert timeline.current is not None
        height = timeline.scrollable_content_region.height

        def cursor_on_screen() -> bool:
            row = timeline.rows.row_of(timeline.cursor)  # type: ignore[union-attr, arg-type]
            return int(timeline.scroll_y) <= row < int(timeline.scroll_y) + height

        # Scrolling settles after the key is handled: wait for it rather than
        # reading the position at once (that raced on a loaded machine).
        await wait_for(pilot, cursor_on_screen)  # the event nearest now is on screen
        await pilot.press("G")
        assert timeline.cursor == len(timeline.shown) - 1
        await wait_for(pilot, cursor_on_screen)
        await pilot.press("g")
        await wait_for(pilot, lambda: int(timeline.scroll_y) == 0 and cursor_on_screen())


async def test_the_timeline_draws_its_own_scroll_bar_and_it_can_be_dragged(
    tmp_path: Path,
) -> None:
    events = "".join(
        f"  - {{id: e{n:04}, date: 2000-01-01, title: Event {n}, sources: [s]}}\n"
        for n in range(400)
    )
    text = f"briefer: 1\ntitle: Long\nsources:\n  - {{id: s, title: S}}\nevents:\n{events}"
    async with browse(write(tmp_path / "long.yaml", text), size=(100, 30)) as (app, pilot):
        timeline = app.timeline
        await pilot.press("g")
        await wait_for(pilot, lambda: int(timeline.scroll_y) == 0)
        width = timeline.scrollable_content_region.width
        height = timeline.scrollable_content_region.height

        def bar() -> list[str]:
            """Each screen row's last cell: thumb (T) or track (.)."""
            thumb = timeline.get_component_rich_style("timeline--thumb")
            cells = [list(timeline.render_line(y))[-1] for y in range(height)]
            assert all(cell.text == " " for cell in cells)
            return ["T" if cell.style == thumb else "." for cell in cells]

        rows = len(timeline.rows)  # type: ignore[arg-type]
        assert rows == 401  # a year's separator, then the events
        thumb = max(1, height * height // rows)  # the thumb's share of the bar is the screen's
        assert bar() == ["T"] * thumb + ["."] * (height - thumb)
        assert timeline.render_line(0).cell_length == width  # the bar is inside the width
        # A press on the bar and a drag to its bottom scroll to the end; the cursor stays.
        cursor = timeline.cursor
        start = timeline.region.offset
        await pilot.mouse_down(timeline, offset=(width - 1, 0))
        await pilot.pause()
        bottom = (start.x + width - 1, start.y + height - 1)
        await pilot.hover(offset=bottom)
        await pilot.mouse_up(offset=bottom)
        await wait_for(pilot, lambda: int(timeline.scroll_y) == rows - height)
        assert timeline.cursor == cursor
        assert bar() == ["."] * (height - thumb) + ["T"] * thumb
        # A click on the bar scrolls there and moves no cursor; a click on a row does.
        await pilot.click(timeline, offset=(width - 1, 3))
        top = round(3 / (height - 1) * (rows - height))
        await wait_for(pilot, lambda: int(timeline.scroll_y) == top)
        assert timeline.cursor == cursor
        await pilot.click(timeline, offset=(10, 3))
        await wait_for(pilot, lambda: timeline.cursor == top + 3 - 1)  # below the year's row
        # Textual's own bar is only hidden: the wheel still scrolls the rows.
        assert timeline.allow_vertical_scroll


async def test_filter_bar_counts_reports_errors_and_escape_clears(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        await pilot.press("slash")
        assert focused(app) == "filter-input"
        await pilot.press(*keys("kfor"))
        assert "2 of 6 events" in str(app.query_one("#filter-status").render())
        await pilot.press("space", *keys("sig>=5"))
        assert [app.view.events[i].id for i in app.timeline.shown] == ["kfor-enters"]  # type: ignore[union-attr]
        # a malformed query: a clear message, the last good result stays
        app.filter_bar.input.value = "kfor sig>=5 kind:inciden"
        await pilot.pause()
        status = app.query_one("#filter-status")
        assert status.has_class("-error")
        assert "column 13: unknown kind 'inciden'" in str(status.render())
        assert "did you mean 'incident'" in str(status.render())
        assert len(app.timeline.shown) == 1
        await pilot.press("escape")
        assert focused(app) == "timeline"
        assert app.filter_bar.input.value == ""
        assert "6 events" in str(app.query_one("#filter-status").render())
        # enter keeps the filter and returns to the timeline
        await pilot.press("slash", *keys("kind:deadline"), "enter")
        assert focused(app) == "timeline"
        assert current_id(app) == "plates"
        await pilot.press("slash", *keys("nothing-like-this"), "enter")
        assert "No events match" in line_text(app, 0)


async def test_a_typed_character_is_drawn_with_its_results(tmp_path: Path) -> None:
    # The filter follows the input as the key is handled. Through the input's Changed
    # message, handled later, a frame could show the character over the old results.
    async with browse(log_file(tmp_path)) as (app, pilot):
        frames: list[tuple[str, str]] = []
        display = app._display

        def recorded(screen: Any, update: Any) -> None:
            display(screen, update)
            if update is not None:
                frames.append((app.filter_bar.input.value, app.filter_text))

        app._display = recorded  # type: ignore[method-assign, assignment]
        await pilot.press("slash")
        for _ in range(2):
            for key in keys("kfor sig>=4"):
                await pilot.press(key)
                await pilot.pause(0.03)  # an idle screen draws the next change at once
            await pilot.press("ctrl+u")
        assert len({typed for typed, _ in frames}) > 10
        assert [f for f in frames if f[0] != f[1]] == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("kfor after:0d", "column 6: a duration must be positive, not '0d'"),
        ("before:00h", "column 1: a duration must be positive, not '00h'"),
        ("after:²d", "column 1: not a duration: '²d'"),
        ("after:٣w", "column 1: not a duration: '٣w'"),
        ("after:７d", "column 1: not a duration: '７d'"),
    ],
)
async def test_bad_durations_are_filter_errors_not_crashes(
    tmp_path: Path, typed: str, message: str
) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        await pilot.press("slash", *keys(typed))  # typed key by key: every prefix is parsed too
        await pilot.pause()
        assert app.is_running
        status = app.query_one("#filter-status")
        assert status.has_class("-error")
        assert message in str(status.render())


async def test_selection_survives_a_filter_that_hides_it_for_a_while(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        app.timeline.move_to_id("reinforce")
        await pilot.pause()
        await pilot.press("slash", *keys("zzz"))
        assert app.timeline.current is None
        await pilot.press("backspace", "backspace", "backspace")
        assert current_id(app) == "reinforce"
        await pilot.press(*keys("kfor"))  # still matches: stays
        assert current_id(app) == "reinforce"


async def test_space_marks_and_moves_on(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        await pilot.press("g", "space")
        assert app.marked == {"kfor-enters"}
        assert current_id(app) == "independence"
        assert "1 marked" in str(app.query_one("#filter-status").render())
        assert line_text(app, 1).startswith("● ")
        await pilot.press("k", "space")
        assert app.marked == set()
        assert line_text(app, 1).startswith("  ")  # drawn again, unmarked


async def test_rows_are_drawn_again_in_another_theme(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        await pilot.press("g")  # the cursor on row 1 (under 1999's); row 8 is the deadline's
        assert current_id(app) == "kfor-enters"
        assert "Plate deadline" in line_text(app, 8)  # a kind drawn in the theme's own ink

        def styles() -> list[object]:
            return [segment.style for segment in app.timeline.render_line(8)]

        dark = styles()
        app.theme = "textual-light"
        await pilot.pause()
        assert styles() != dark
        app.theme = "textual-dark"
        await pilot.pause()
        assert styles() == dark


async def test_help_screen_opens_and_closes(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert type(app.screen).__name__ == "Screen"


async def test_command_palette_offers_the_same_actions(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        for title in (
            "Filter",
            "Jump to today",
            "Mark / unmark event",
            "Render brief",
            "Edit event",
            "Open source",
            "Reload log",
            "Help",
            "Clear marks",
        ):
            assert title in titles
        await pilot.press("g")
        titles["Mark / unmark event"].callback()
        await pilot.pause()
        assert app.marked == {"kfor-enters"}
        titles["Clear marks"].callback()
        assert app.marked == set()
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press(*keys("jump to today"))
        # The palette searches its providers in the background: wait for the match.
        await wait_for(pilot, lambda: app.screen.query_one(OptionList).option_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: current_id(app) == "markup")


async def test_o_opens_the_first_source_url(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        opened: list[str] = []

        def open_url(url: str, *, new_tab: bool = True) -> None:
            opened.append(url)

        app.open_url = open_url  # type: ignore[method-assign]
        app.timeline.move_to_id("banjska")  # paper (no URL) first, then nato
        await pilot.press("o")
        assert opened == ["https://www.nato.int/kfor"]
        app.timeline.move_to_id("independence")
        await pilot.press("o")
        assert opened == ["https://www.nato.int/kfor"]  # nothing to open: a notice instead


async def test_an_exception_in_an_action_ends_the_app_with_a_nonzero_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(self: BrieferApp) -> None:
        raise RuntimeError("a bug planted by the test")

    monkeypatch.setattr(BrieferApp, "action_help", boom)
    app = BrieferApp(str(log_file(tmp_path)), clock=Clock(), poll_interval=0)

    async def press_help() -> None:
        async with app.run_test() as pilot:
            await wait_for(pilot, lambda: app.result is not None)
            await pilot.press("question_mark")
            await pilot.pause()

    with pytest.raises(RuntimeError, match="a bug planted"):  # Pilot re-raises it
        await press_help()
    # briefer.cli.browse turns this into exit 70 (tests/test_cli.py runs it for real)
    assert app.return_code == 1


async def test_q_quits(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0 or not app.is_running


# --------------------------------------------------------------------------- #
# time
# --------------------------------------------------------------------------- #


async def test_watch_list_counts_down_as_the_clock_ticks(tmp_path: Path) -> None:
    clock = Clock()
    async with browse(log_file(tmp_path), clock=clock) as (app, pilot):
        watch = str(app.query_one("#watch").render())
        # 1 Dec 00:00 CET is 8 days 15 hours after 22 Nov 09:00 CET
        assert "in 8d 15:00:00" in watch
        assert "Plate deadline" in watch
        clock.now += 5
        await pilot.pause(1.2)
        assert "in 8d 14:59:55" in str(app.query_one("#watch").render())
        assert "09:00:05" in str(app.query_one("#header-clock").render())


# --------------------------------------------------------------------------- #
# render, edit, reload
# --------------------------------------------------------------------------- #


async def test_r_renders_marked_events_in_another_process(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path)) as (app, pilot):
        app.timeline.move_to_id("banjska")
        await pilot.press("space")
        notes: list[str] = []
        original = app.notify

        def notify(message: str, **kw: object) -> None:
            notes.append(f"{kw.get('title', '')}: {message}")
            original(message, **kw)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign]
        started = asyncio.get_running_loop().time()
        await pilot.press("r")
        # the UI answers while the brief renders
        assert asyncio.get_running_loop().time() - started < 1
        await pilot.press("down")
        await wait_for(pilot, lambda: any("Brief written" in n for n in notes), timeout=60)
        written = next(n for n in notes if "Brief written" in n)
        assert ".md" in written
        assert ".pdf" in written
        brief = next((tmp_path / "reports").glob("*.md")).read_text()
        assert "Clash in Banjska" in brief
        assert "KFOR enters Kosovo" not in brief


async def test_e_edits_the_event_at_its_line_and_reloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = log_file(tmp_path)
    calls = tmp_path / "editor-calls.txt"
    editor = tmp_path / "fake-editor"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"open({str(calls)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "line, name = int(sys.argv[1][1:]), sys.argv[2]\n"
        "lines = open(name).read().splitlines(True)\n"
        "for n in range(line - 1, line + 3):\n"
        "    lines[n] = lines[n].replace('Clash in Banjska', 'Clash in Banjska (edited)')\n"
        "open(name, 'w').write(''.join(lines))\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    async with browse(path) as (app, pilot):
        app.timeline.move_to_id("banjska")
        line = app.timeline.current.pos.line  # type: ignore[union-attr]
        await pilot.press("e")
        await wait_for(pilot, lambda: "edited" in (app.timeline.current or app).title)
        assert calls.read_text().split() == [f"+{line}", str(app.timeline.current.pos.file)]  # type: ignore[union-attr]
        assert current_id(app) == "banjska"


async def test_log_reloads_by_itself_keeping_selection_and_filter(tmp_path: Path) -> None:
    path = log_file(tmp_path)
    async with browse(path, poll=0.05) as (app, pilot):
        await pilot.press("slash", *keys("kfor"), "enter")
        app.timeline.move_to_id("reinforce")
        path.write_text(LOG.replace("KFOR reinforced to 4,500", "KFOR reinforced to 4,600"))
        await wait_for(pilot, lambda: "4,600" in app.timeline.current.title)  # type: ignore[union-attr]
        assert current_id(app) == "reinforce"
        assert app.filter_text == "kfor"
        assert len(app.timeline.shown) == 2


async def test_invalid_log_at_start_lists_problems_without_crashing(tmp_path: Path) -> None:
    path = log_file(tmp_path, LOG.replace("kind: incident", "kind: incidnet"))
    async with browse(path) as (app, pilot):
        assert app.has_class("-no-log")
        panel = app.query_one(ProblemsPanel)
        assert panel.display
        text = str(app.query_one("#problems-text").render())
        assert "events.yaml:" in text
        assert ": error: event 'banjska': unknown kind 'incidnet'" in text
        await pilot.press("down", "slash", "t", "space", "o")  # nothing to act on; no crash
        assert app.is_running


async def test_invalid_edit_keeps_the_last_good_log(tmp_path: Path) -> None:
    path = log_file(tmp_path)
    async with browse(path, poll=0.05) as (app, pilot):
        path.write_text(LOG.replace("date: 2008-02-17", "date: 2008-02-30"))
        await wait_for(pilot, lambda: app.query_one(ProblemsPanel).display)
        assert not app.has_class("-no-log")
        assert len(app.timeline.shown) == 6  # still browsable
        assert "2008-02-30" in str(app.query_one("#problems-text").render())
        await pilot.press("g", "j")
        assert current_id(app) == "independence"
        path.write_text(LOG)
        await wait_for(pilot, lambda: not app.query_one(ProblemsPanel).display)


# --------------------------------------------------------------------------- #
# the pieces without Textual
# --------------------------------------------------------------------------- #


def test_rows_put_a_separator_before_each_year(tmp_path: Path) -> None:
    log = load_valid(log_file(tmp_path))
    view = LogView(log, CLOCK)
    rows = Rows(view, [0, 2, 3, 5])  # 1999, 2023, 2023, 2023
    assert len(rows) == 6
    assert [rows.at(r) for r in range(6)] == [
        (None, 1999),
        (0, None),
        (None, 2023),
        (1, None),
        (2, None),
        (3, None),
    ]
    assert [rows.row_of(p) for p in range(4)] == [1, 3, 4, 5]
    assert view.nearest([0, 1, 2], CLOCK) == 2
    assert view.nearest([0, 1], CLOCK) == 1
    assert view.nearest([], CLOCK) is None
    counts, first, last = view.density(list(range(6)), 5)
    assert sum(counts) == 6
    assert (first, last) == (1999, 2023)


def test_density_counts_the_shown_events_per_time_bin(tmp_path: Path) -> None:
    events = "".join(
        f"  - {{id: e{n:04}, date: {2000 + n % 23}-{n % 12 + 1:02}-{n % 28 + 1:02}, "
        f"title: Event {n}, sources: [s]}}\n"
        for n in range(700)
    )
    events += "  - {id: open-a, date: ../2001, title: Open, sources: [s]}\n"
    events += "  - {id: open-b, date: ../2010-05, title: Open too, sources: [s]}\n"
    text = f"briefer: 1\ntitle: Bins\nsources:\n  - {{id: s, title: S}}\nevents:\n{events}"
    view = LogView(load_valid(write(tmp_path / "bins.yaml", text)), CLOCK)
    n = len(view)
    assert view.starts[0] < view.starts[2]  # the open starts sort first

    def expected(shown: list[int], bins: int) -> tuple[list[int], int | None, int | None]:
        """The definition: bin each dated shown event's start over their span."""
        dated = [view.starts[i] for i in shown if view.years[i]]
        if not dated or bins <= 0:
            return [], None, None
        counts = bin_counts(dated, dated[0], dated[-1], bins)
        return counts, view.years[shown[-1]], next(view.years[i] for i in shown if view.years[i])

    subsets = [list(range(n)), list(range(0, n, 7)), [0, 1], [0, 1, 5], [5], list(range(300, 320))]
    for shown in subsets:
        for bins in (0, 1, 3, 40, 200):
            counts, first, last = view.density(shown, bins)
            want, last_year, first_year = expected(shown, bins)
            assert (counts, first, last) == (want, first_year, last_year), (shown[:3], bins)
    assert view.density(range(n), 40) == view.density(list(range(n)), 40)


def test_countdowns_and_watch_entries(tmp_path: Path) -> None:
    log = load_valid(log_file(tmp_path))
    plates = log.by_id["plates"]
    assert countdown(plates, CLOCK) == "in 8d 15:00:00"
    assert countdown(plates, plates.date.earliest + 60) == "now"  # type: ignore[operator]
    assert countdown(plates, plates.date.latest + 2 * 86400) == "passed 2d ago"  # type: ignore[operator]
    assert [w.event.id for w in watch_entries(log, CLOCK)] == ["plates"]
    later = plates.date.latest + 86400  # type: ignore[operator]
    assert [(w.event.id, w.passed) for w in watch_entries(log, later)] == [("plates", True)]
    assert watch_entries(log, later + 400 * 86400) == []


@pytest.mark.parametrize("width", [80, 160])
async def test_layout_fits_small_and_wide_terminals(tmp_path: Path, width: int) -> None:
    size = (width, 24 if width == 80 else 45)
    async with browse(log_file(tmp_path), size=size) as (app, _pilot):
        assert app.has_class("-narrow") is (width == 80)
        for widget_id in ("#timeline", "#detail", "#watch", "#filter", "#density", "#header"):
            region = app.query_one(widget_id).region
            assert region.width > 0
            assert region.height > 0, widget_id
            assert region.right <= width
