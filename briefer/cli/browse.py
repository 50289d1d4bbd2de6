"""``briefer browse``: the terminal browser (the default command)."""

from __future__ import annotations

import sys

import click

from briefer.cli.base import BrowserCrashed, Settings, cli, when
from briefer.errors import InvalidInput

__all__ = ["BrowserCrashed", "browse"]


def _help() -> str:
    from briefer.tui.keys import help_lines  # the browser's one table of keys; no Textual

    keys = "\n".join(f"  {line}" for line in help_lines())
    return (
        "Browse, filter and search the log in the terminal (the default command).\n\n"
        f"\b\nKeys:\n{keys}"
    )


@cli.command(help=_help())
@click.option(
    "--as-of",
    "as_of_text",
    metavar="WHEN",
    help="Run the clock from this date-time (countdowns, t, and briefs rendered with r).",
)
@click.pass_obj
def browse(settings: Settings, as_of_text: str | None) -> None:
    import time

    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise InvalidInput("browse needs a terminal; use 'briefer list' in scripts")
    as_of = None
    if as_of_text is not None:
        from briefer.dates import get_timezone

        now = int(time.time())
        as_of = when(as_of_text, now=now, tz=get_timezone("UTC"), relative_to=now, end_of_day=False)
        if as_of_text.strip() != "now":
            as_of = _as_of_in_log_zone(settings, as_of_text, now)
    from briefer.tui import BrieferApp

    app = BrieferApp(settings.log_path, use_cache=settings.use_cache, as_of=as_of)
    app.run()
    if app.return_code:
        # Textual caught an exception, showed its traceback and stopped: that is a
        # bug, and scripts and shells must see it as one (exit 70), never as 0.
        raise BrowserCrashed("the browser stopped on an unexpected error (traceback above)")


def _as_of_in_log_zone(settings: Settings, text: str, now: int) -> int:
    """A WHEN read in the log's time zone (UTC when the log cannot be read)."""
    from briefer.dates import get_timezone

    result = settings.load()
    tz = result.log.tzinfo if result.log is not None else get_timezone("UTC")
    return when(text, now=now, tz=tz, relative_to=now, end_of_day=False)
