"""``briefer check`` and ``briefer list``: validate the log, print its events."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from briefer.cli.base import Settings, cli, count
from briefer.cli.tables import aligned, terminal_width
from briefer.query.fields import help_lines
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.model import Event, EventLog

__all__ = ["check", "list_"]


@cli.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
def check(settings: Settings, strict: bool) -> None:
    """Validate the event log; silent when there is nothing to report.

    Prints every problem as FILE:LINE:COL: error|warning: message. Exits 1 on
    errors (or on warnings with --strict), else 0.
    """
    result = settings.load(need_log=False)
    for problem in result.problems:
        click.echo(printable(str(problem)), err=True)
    if result.errors or (strict and result.warnings):
        sys.exit(1)


# The query language's help comes from its table of fields, never from a copy here.
_LIST_HELP = "\n".join(
    [
        "Print the events matching QUERY (all when empty), oldest first.",
        "",
        "\b",
        "QUERY terms (all must match):",
        *(f"  {line}" for line in help_lines()),
    ]
)


@cli.command("list", help=_LIST_HELP, context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.pass_obj
def list_(settings: Settings, query: Sequence[str], fmt: str) -> None:
    """Print the events matching QUERY (its --help is ``_LIST_HELP``)."""
    from briefer.records import event_record

    log = settings.load_valid()
    q = settings.query(log, query)
    events = q.filter(log.events)
    if fmt == "json":
        json.dump([event_record(log, e) for e in events], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif fmt == "csv":
        from briefer.exchange.export import to_csv

        sys.stdout.write(to_csv(log, events))
    else:
        _write_table(log, events)


def _write_table(log: EventLog, events: Sequence[Event]) -> None:
    if not events:
        click.echo("No matching events.", err=True)
        return
    tz = log.tzinfo
    rows = [
        (e.date.display(tz), e.kind or "-", str(e.significance), e.id, printable(e.title))
        for e in events
    ]
    click.echo("\n".join(aligned(rows, terminal_width())))
    if sys.stdout.isatty():
        click.echo(count(len(events), "event"), err=True)
