"""The browser's tradecraft (SPEC §7): grades in the detail pane, the J and I screens."""

from __future__ import annotations

from pathlib import Path

from briefer.tui import BrieferApp
from tests.helpers import browse, log_file, shared_log, wait_for

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
