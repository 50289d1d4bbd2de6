"""The command line: the only place that prints results and chooses exit codes.

Heavy modules (Textual, WeasyPrint, even pendulum) are imported inside the
commands that need them, so ``briefer check`` starts in well under a second.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from briefer import __version__
from briefer.errors import InvalidInput

if TYPE_CHECKING:
    from briefer.loader import LoadResult
    from briefer.model import Event, EventLog

__all__ = ["cli", "main"]


class Settings:
    """Options of the command group that every command reads."""

    def __init__(self, log_path: str, use_cache: bool) -> None:
        self.log_path = log_path
        self.use_cache = use_cache

    def load(self, *, need_log: bool = True) -> LoadResult:
        from briefer.loader import load_log

        return load_log(self.log_path, use_cache=self.use_cache, need_log=need_log)

    def load_valid(self) -> EventLog:
        """The log, or InvalidInput after printing every error (warnings stay quiet here)."""
        result = self.load()
        if result.log is None:
            for problem in result.errors:
                click.echo(str(problem), err=True)
            raise InvalidInput(
                f"{self.log_path} is invalid ({_count(len(result.errors), 'error')}); "
                "run 'briefer check' after fixing"
            )
        return result.log


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@click.group(
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
    "--no-cache", is_flag=True, help="Parse the log afresh, bypassing the parsed-log cache."
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
        # The timeline browser is the default command once it exists; until then
        # the help is the most useful thing to show.
        click.echo(ctx.get_help())


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
        click.echo(str(problem), err=True)
    if result.errors or (strict and result.warnings):
        sys.exit(1)


@cli.command("list", context_settings={"ignore_unknown_options": True})
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
    """Print the events matching QUERY (all when empty), oldest first.

    \b
    QUERY terms (all must match):
      word "a phrase"          text in title, summary, actors, place, tags
      tag:X kind:X source:ID   exact (case-insensitive); also conf:X id:X
      actor:X place:X          substring
      after:DATE before:DATE   start on/after, before (or 7d, 2w back)
      sig>=N                   also sig>N sig=N sig<=N sig<N
      -TERM                    negates a term
    """
    from briefer.query import QueryError, parse_query

    log = settings.load_valid()
    text = " ".join(query)
    try:
        q = parse_query(text, tz=log.tzinfo, kinds=log.kinds)
    except QueryError as exc:
        raise InvalidInput(f"query {text!r}: {exc}") from None
    events = q.filter(log.events)
    if fmt == "json":
        json.dump([event_record(log, e) for e in events], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif fmt == "csv":
        _write_csv(log, events)
    else:
        _write_table(log, events)


def _iso(ts: int | None, log: EventLog) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, log.tzinfo).isoformat()


def event_record(log: EventLog, e: Event) -> dict[str, Any]:
    """An event as plain JSON-ready data (``end`` is the first instant after the event)."""
    loc = e.location
    return {
        "id": e.id,
        "date": e.date.text,
        "display_date": e.date.display(log.tzinfo),
        "start": _iso(e.date.earliest, log),
        "end": _iso(e.date.latest, log),
        "precision": e.date.precision.name.lower(),
        "approximate": e.date.approximate,
        "uncertain": e.date.uncertain,
        "title": e.title,
        "kind": e.kind,
        "significance": e.significance,
        "confidence": None if e.confidence is None else e.confidence.value,
        "tags": list(e.tags),
        "actors": list(e.actors),
        "location": None
        if loc is None
        else {"name": loc.name, "region": loc.region, "lat": loc.lat, "lon": loc.lon},
        "sources": [c.source for c in e.sources],
        "figures": dict(e.figures),
        "related": list(e.related),
        "summary": e.summary,
        "file": e.pos.file,
        "line": e.pos.line,
    }


_CSV_COLUMNS = (
    "id",
    "date",
    "start",
    "end",
    "precision",
    "title",
    "kind",
    "significance",
    "confidence",
    "tags",
    "actors",
    "location",
    "sources",
    "related",
    "summary",
)


def _write_csv(log: EventLog, events: Sequence[Event]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for e in events:
        rec = event_record(log, e)
        rec["location"] = "" if e.location is None else str(e.location)
        row = [
            "; ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
            for v in (rec[c] for c in _CSV_COLUMNS)
        ]
        writer.writerow(row)


def _write_table(log: EventLog, events: Sequence[Event]) -> None:
    if not events:
        click.echo("No matching events.", err=True)
        return
    tz = log.tzinfo
    rows = [(e.date.display(tz), e.kind or "-", str(e.significance), e.id, e.title) for e in events]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if tty else 0
    out = []
    for row in rows:
        head = "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True))
        title = row[4]
        if tty and len(head) + 2 + len(title) > width > len(head) + 12:
            title = title[: width - len(head) - 3] + "…"
        out.append(f"{head}  {title}")
    click.echo("\n".join(out))
    if tty:
        click.echo(_count(len(events), "event"), err=True)


def main() -> None:
    """Console entry point: one exit for the whole CLI."""
    debug = "--debug" in sys.argv
    try:
        cli.main(prog_name="briefer", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("briefer: aborted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`briefer list | head`): not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        what = f"{type(exc).__name__}: {exc}"
        click.echo(
            f"briefer: internal error: {what} (rerun with --debug for a traceback)", err=True
        )
        sys.exit(70)
