"""The browser's tradecraft (SPEC §7): grades in the detail pane, the J and I screens."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widgets import ListView, OptionList, Sparkline, Static

from briefer.tui import BrieferApp
from briefer.tui.indicators import SPARK, IndicatorItem, IndicatorsScreen
from briefer.tui.judgments import JudgmentsScreen
from briefer.tui.keys import help_lines
from tests.helpers import (
    MINIMAL,
    Clock,
    browse,
    current_id,
    focused,
    keys,
    log_file,
    shared_log,
    wait_for,
)

LOG = shared_log("tui-tradecraft")


def detail_sources(app: BrieferApp) -> str:
    return str(app.query_one("#detail-sources").render())


# --------------------------------------------------------------------------- #
# grades in the detail pane
# --------------------------------------------------------------------------- #


async def test_detail_pane_shows_grades_and_reliability_in_words(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, LOG)) as (app, pilot):
        assert app.timeline.move_to_id("banjska")
        await wait_for(
            pilot, lambda: app.detail.event is not None and app.detail.event.id == "banjska"
        )
        lines = detail_sources(app).splitlines()
        assert lines[0] == "[1 B2] Kosovo Police statement · usually reliable source, probably true"
        assert lines[1] == (
            "[2 E4] Channel post [bold]unverified[/bold]"
            " · unreliable source, doubtful (first claim)"
        )
        assert lines[2] == "[3] Printed report"  # ungraded: as before
        assert app.timeline.move_to_id("drill")  # a graded source, an ungraded citation
        await wait_for(
            pilot, lambda: app.detail.event is not None and app.detail.event.id == "drill"
        )
        assert detail_sources(app) == "[1 B] Kosovo Police statement · usually reliable source"


# --------------------------------------------------------------------------- #
# J: the key judgments
# --------------------------------------------------------------------------- #


def prompts(app: BrieferApp, selector: str) -> list[str]:
    """The texts of the options of the OptionList ``selector`` on the open screen."""
    listing = app.screen.query_one(selector, OptionList)
    return [str(listing.get_option_at_index(n).prompt) for n in range(listing.option_count)]


def shown_text(app: BrieferApp, selector: str) -> str:
    """What a Static shows, as plain text (a table laid out at the widget's width)."""
    widget = app.screen.query_one(selector, Static)
    content = widget.content
    if isinstance(content, str | Text):
        return str(content)
    buffer = io.StringIO()
    console = Console(width=max(widget.size.width, 20), file=buffer, color_system=None)
    console.print(content)
    out = buffer.getvalue()
    return "\n".join(line.rstrip() for line in out.splitlines())


def shown_id(screen: JudgmentsScreen) -> str | None:
    """The id of the judgment whose history the screen shows, if any."""
    return None if screen.shown is None else screen.shown.id


async def open_judgments(app: BrieferApp, pilot: Pilot[None]) -> JudgmentsScreen:
    await pilot.press("J")
    await wait_for(pilot, lambda: isinstance(app.screen, JudgmentsScreen))
    assert isinstance(app.screen, JudgmentsScreen)
    return app.screen


async def test_j_lists_the_judgments_current_at_the_clock(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, LOG)) as (app, pilot):
        screen = await open_judgments(app, pilot)
        assert [e.id for e in screen.entries] == ["talks", "kfor-stays", "violence-nov"]
        options = prompts(app, "#judgments-list")
        assert options[0] == (
            "Very unlikely (05–20 %) · high confidence · 1 Oct 2023\n"
            "Talks resume in Brussels [bold]before[/bold] the year ends"  # text, not markup
        )
        assert options[-1].startswith("Unlikely (20–45 %) · moderate confidence · 21 Nov 2023")
        assert not any("Very likely" in o for o in options)  # revised after the clock
        assert "as of 22 Nov 2023" in str(screen.query_one(Vertical).border_title)
        assert screen.focused is screen.judgment_list


async def test_enter_shows_history_and_basis_and_a_basis_event_is_selected(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, LOG)) as (app, pilot):
        screen = await open_judgments(app, pilot)
        await pilot.press("end", "enter")
        assert shown_id(screen) == "violence-nov"
        history = shown_text(app, "#judgment-history").splitlines()
        assert [line.split("  ")[0].strip() for line in history] == [
            "25 Sep 2023",
            "21 Oct 2023",
            "21 Nov 2023",
        ]
        assert "Roughly even chance (45–55 %) · low confidence" in history[0]
        assert history[1].endswith("Likely (55–80 %) · moderate confidence · raised")
        assert history[2].endswith("Unlikely (20–45 %) · moderate confidence · lowered")
        assert "Very likely" not in shown_text(app, "#judgment-history")
        assert prompts(app, "#judgment-basis") == [
            "26 Sep 2023  Weapons caches found near the boundary",
            " 5 Oct 2023  KFOR reinforced near the boundary",
        ]
        assert shown_text(app, "#judgment-sources") == "KFOR press release — A, completely reliable"
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, JudgmentsScreen))
        await wait_for(pilot, lambda: current_id(app) == "reinforce")
        assert focused(app) == "timeline"


async def test_a_basis_event_hidden_by_the_filter_clears_it(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, LOG)) as (app, pilot):
        await pilot.press("slash", *keys("jarinje"), "enter")
        await wait_for(pilot, lambda: len(app.timeline.shown) == 1)
        await open_judgments(app, pilot)
        await pilot.press("end", "enter", "enter")  # the first basis event: caches
        await wait_for(pilot, lambda: current_id(app) == "caches")
        assert app.filter_text == ""
        assert app.filter_bar.input.value == ""


async def test_escape_goes_back_to_the_list_then_closes(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, LOG)) as (app, pilot):
        screen = await open_judgments(app, pilot)
        await pilot.press("enter")
        assert shown_id(screen) == "talks"
        await pilot.press("escape")
        assert shown_id(screen) is None
        assert screen.judgment_list.display
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, JudgmentsScreen))
        assert focused(app) == "timeline"


async def test_no_judgments_says_so(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, MINIMAL)) as (app, pilot):
        await open_judgments(app, pilot)
        assert shown_text(app, "#judgments-empty") == "No key judgments in this log."
        assert not app.screen.query_one("#judgments-list").display
        await pilot.press("enter", "escape")  # nothing to open; closes
        await wait_for(pilot, lambda: not isinstance(app.screen, JudgmentsScreen))


async def test_judgments_follow_the_clock_and_reloads(tmp_path: Path) -> None:
    clock = Clock()
    path = log_file(tmp_path, LOG)
    async with browse(path, clock=clock) as (app, pilot):
        screen = await open_judgments(app, pilot)
        clock.now += 20 * 86400  # 12 Dec: the December revision is made
        await wait_for(pilot, lambda: "violence-dec" in [e.id for e in screen.entries])
        assert any(o.startswith("Very likely (80–95 %)") for o in prompts(app, "#judgments-list"))
        await pilot.press("end", "enter")
        assert len(shown_text(app, "#judgment-history").splitlines()) == 4
        path.write_text(LOG.replace("likelihood: very likely", "likelihood: likely"))
        await pilot.press("R")
        await wait_for(pilot, lambda: "Likely (55–80 %)" in shown_text(app, "#judgment-title"))
        assert shown_id(screen) == "violence-dec"
        last = shown_text(app, "#judgment-history").splitlines()[-1]
        assert last == "11 Dec 2023  Likely (55–80 %) · high confidence · raised"


# --------------------------------------------------------------------------- #
# I: the indicators board
# --------------------------------------------------------------------------- #


async def open_indicators(app: BrieferApp, pilot: Pilot[None]) -> IndicatorsScreen:
    await pilot.press("I")
    await wait_for(pilot, lambda: isinstance(app.screen, IndicatorsScreen))
    assert isinstance(app.screen, IndicatorsScreen)
    await wait_for(pilot, lambda: len(app.screen.query(IndicatorItem)) == 3)
    return app.screen


def board_rows(screen: IndicatorsScreen) -> dict[str, tuple[str, str, str, list[float]]]:
    """Indicator id → its title line, facts line, count and sparkline data as shown."""
    rows = {}
    for item in screen.query(IndicatorItem):
        title, facts, count = (str(s.render()) for s in item.query(Static))
        rows[item.indicator_id] = (title, facts, count, list(item.query_one(Sparkline).data or []))
    return rows


async def test_i_shows_status_last_observation_and_sparklines(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, LOG)) as (app, pilot):
        screen = await open_indicators(app, pilot)
        rows = board_rows(screen)
        assert list(rows) == ["armed-groups", "arms-caches", "troops-boundary"]
        title, facts, count, spark = rows["armed-groups"]
        assert title == "● Armed groups active near the Kosovo–Serbia boundary"
        assert facts == "  observed · last 10 Nov 2023 (12 days ago)"
        assert count == "3 observations, falling"  # 10 Dec is after the clock
        assert len(spark) == SPARK
        assert sum(spark) == 3
        assert spark[0] == 1  # the axis starts at the first observation of any indicator
        title, facts, _count, spark = rows["arms-caches"]
        assert title == "○ New weapons caches found [red]north[/red]"  # text, not markup
        assert facts == "  not observed · last 26 Sep 2023 (57 days ago)"  # its window is 14d
        assert sum(spark) == 2
        headings = [str(s.render()) for s in screen.query(".indicator-scenario Static")]
        assert headings == ["escalation", "de-escalation"]
        assert str(screen.query_one("#indicators-span", Static).render()).strip() == (
            "Sep 2023 – Nov 2023"
        )


async def test_enter_filters_the_timeline_to_the_indicator(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, LOG)) as (app, pilot):
        await open_indicators(app, pilot)
        await pilot.press("down", "enter")  # the headings are skipped: arms-caches
        await wait_for(pilot, lambda: not isinstance(app.screen, IndicatorsScreen))
        assert app.filter_text == "indicator:arms-caches"
        assert app.filter_bar.input.value == "indicator:arms-caches"
        shown = [app.view.events[i].id for i in app.timeline.shown]  # type: ignore[union-attr]
        assert shown == ["banjska", "caches"]
        assert focused(app) == "timeline"


async def test_indicators_follow_the_clock_and_reloads(tmp_path: Path) -> None:
    clock = Clock()
    path = log_file(tmp_path, LOG)
    async with browse(path, clock=clock) as (app, pilot):
        screen = await open_indicators(app, pilot)
        clock.now += 40 * 86400  # 1 Jan 2024: troops last seen 15 Nov, out of the 30 days
        await wait_for(pilot, lambda: board_rows(screen)["troops-boundary"][1].startswith("  not"))
        assert board_rows(screen)["armed-groups"][2] == "4 observations, steady"
        path.write_text(LOG.replace("Troops massed at the boundary", "Troops massed again"))
        await pilot.press("R")
        await wait_for(pilot, lambda: "again" in board_rows(screen)["troops-boundary"][0])
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, IndicatorsScreen))


async def test_no_indicators_says_so_and_j_and_i_switch_screens(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, MINIMAL)) as (app, pilot):
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, IndicatorsScreen))
        assert shown_text(app, "#indicators-empty") == "No indicators in this log."
        assert not app.screen.query_one(ListView).display
        await pilot.press("J")  # over the board, J opens the judgments instead
        await wait_for(pilot, lambda: isinstance(app.screen, JudgmentsScreen))
        assert len(app.screen_stack) == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)


async def test_j_and_i_are_in_the_palette_and_the_help(tmp_path: Path) -> None:
    async with browse(log_file(tmp_path, LOG)) as (app, _pilot):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Key judgments", "Indicators"} <= set(titles)
    lines = help_lines()
    assert any(line.startswith("J ") and "key judgments" in line for line in lines)
    assert any(line.startswith("I ") and "indicators" in line for line in lines)
