"""The click group, the settings every command reads, and helpers they share."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import click

from briefer import __version__
from briefer.errors import InvalidInput
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.loader import LoadResult
    from briefer.model import EventLog
    from briefer.query import Query

__all__ = ["FORMAT_OPTION", "BrowserCrashed", "Settings", "cli", "count", "lock_wait_option"]
__all__ += ["when"]


class BrowserCrashed(RuntimeError):
    """An exception inside the browser ended it; Textual has shown the traceback."""


class LazyGroup(click.Group):
    """A group whose commands' modules are imported when a command is asked for.

    ``lazy`` maps each command's name to the module that registers it on the group
    (:mod:`briefer.cli` fills it): ``briefer check`` imports ``briefer.cli.log``
    alone, not the modules of ``render``, ``export`` or ``inbox``; ``--help``, which
    lists them all, imports them all.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(self.lazy[cmd_name])  # registers the command
        return super().get_command(ctx, cmd_name)


#: ``--format table|json`` of the commands that list things.
FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)


def lock_wait_option(holder: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--lock-wait SECONDS`` of the commands that write into reports/ (``holder``: who
    may hold it)."""
    return click.option(
        "--lock-wait",
        type=click.FloatRange(min=0),
        default=60,
        show_default=True,
        metavar="SECONDS",
        help=f"How long to wait for {holder} holding reports/ before exiting 4.",
    )


class Settings:
    """Options of the command group that every command reads."""

    def __init__(self, log_path: str, use_cache: bool) -> None:
        self.log_path = log_path
        self.use_cache = use_cache

    def load(self, *, need_log: bool = True) -> LoadResult:
        from briefer.loader import load_log

        return load_log(self.log_path, use_cache=self.use_cache, need_log=need_log)

    def query(self, log: EventLog, terms: Sequence[str]) -> Query:
        """QUERY arguments parsed against ``log``, or InvalidInput naming the bad term."""
        from briefer.query import QueryError, parse_log_query

        text = " ".join(terms)
        try:
            return parse_log_query(text, log)
        except QueryError as exc:
            raise InvalidInput(f"query {text!r}: {exc}") from None

    def load_valid(self, *, events: bool = True) -> EventLog:
        """The log, or InvalidInput after printing every error (warnings stay quiet here).

        Without ``events`` the log comes without them, read as cheaply as a check
        (:func:`briefer.loader.load_index`): for what needs only its other sections.
        """
        from briefer.loader import load_index

        result = self.load() if events else load_index(self.log_path, use_cache=self.use_cache)[0]
        if result.log is None:
            for problem in result.errors:
                click.echo(printable(str(problem)), err=True)
            raise InvalidInput(
                f"{self.log_path} is invalid ({count(len(result.errors), 'error')}); "
                "run 'briefer check' after fixing"
            )
        return result.log


def count(n: int, noun: str) -> str:
    """``1 event``, ``2 events``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def when(
    value: str,
    *,
    now: int,
    tz: tzinfo,
    relative_to: int,
    end_of_day: bool,
    option: str = "--as-of",
) -> int:
    """:func:`briefer.durations.parse_when`, its errors a usage error of ``option``."""
    from briefer.dates import DateError
    from briefer.durations import parse_when

    try:
        return parse_when(value, now=now, tz=tz, relative_to=relative_to, end_of_day=end_of_day)
    except DateError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    invoke_without_command=True,
)
@click.option(
    "--log",
    "log_path",
    envvar="BRIEFER_LOG",
    default="events.yaml",
    show_default=True,
    metavar="PATH",
    help="The event log (also $BRIEFER_LOG).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Parse the log (and compile templates) afresh, bypassing the cache.",
)
@click.option("--debug", is_flag=True, help="Show a Python traceback for unexpected errors.")
@click.version_option(__version__, "--version", prog_name="briefer")
@click.pass_context
def cli(ctx: click.Context, log_path: str, no_cache: bool, debug: bool) -> None:
    """Keep a curated timeline of an unfolding situation and turn it into situation briefs.

    The log is ./events.yaml unless --log or $BRIEFER_LOG says otherwise.
    """
    ctx.obj = Settings(log_path, use_cache=not no_cache)
    ctx.meta["debug"] = debug
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            # Looked up by name: the browse module registers itself on this group.
            browse = cli.get_command(ctx, "browse")
            assert browse is not None
            ctx.invoke(browse)
        else:
            # No terminal to draw on (a pipe, cron): the help is the useful answer.
            click.echo(ctx.get_help())
