"""The command line: the only place that prints results and chooses exit codes.

Heavy modules (Textual, WeasyPrint, even pendulum) are imported inside the
commands that need them, so ``briefer check`` starts in well under a second.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefer import __version__
from briefer.errors import BrieferError, InvalidInput
from briefer.exchange.export import export_formats
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.loader import LoadResult
    from briefer.model import Event, EventLog
    from briefer.query import Query

__all__ = ["cli", "main"]


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
        from briefer.query import QueryError, parse_query

        text = " ".join(terms)
        try:
            return parse_query(text, tz=log.tzinfo, kinds=log.kinds)
        except QueryError as exc:
            raise InvalidInput(f"query {text!r}: {exc}") from None

    def load_valid(self) -> EventLog:
        """The log, or InvalidInput after printing every error (warnings stay quiet here)."""
        result = self.load()
        if result.log is None:
            for problem in result.errors:
                click.echo(printable(str(problem)), err=True)
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
        if sys.stdin.isatty() and sys.stdout.isatty():
            ctx.invoke(browse)
        else:
            # No terminal to draw on (a pipe, cron): the help is the useful answer.
            click.echo(ctx.get_help())


@cli.command()
@click.option(
    "--as-of",
    "as_of_text",
    metavar="WHEN",
    help="Run the clock from this date-time (countdowns, t, and briefs rendered with r).",
)
@click.pass_obj
def browse(settings: Settings, as_of_text: str | None) -> None:
    """Browse, filter and search the log in the terminal (the default command).

    Keys: / filter, enter details, space mark, r render a brief, e edit, o open
    the source, t today, R reload, ? help, q quit.
    """
    import time

    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise InvalidInput("browse needs a terminal; use 'briefer list' in scripts")
    as_of = None
    if as_of_text is not None:
        from briefer.dates import get_timezone

        now = int(time.time())
        as_of = _when(
            as_of_text, now=now, tz=get_timezone("UTC"), relative_to=now, end_of_day=False
        )
        if as_of_text.strip() != "now":
            as_of = _as_of_in_log_zone(settings, as_of_text, now)
    from briefer.tui import make_app

    app = make_app(settings.log_path, use_cache=settings.use_cache, as_of=as_of)
    app.run()
    if app.return_code:
        # Textual caught an exception, showed its traceback and stopped: that is a
        # bug, and scripts and shells must see it as one (exit 70), never as 0.
        raise BrowserCrashed("the browser stopped on an unexpected error (traceback above)")


class BrowserCrashed(RuntimeError):
    """An exception inside the browser ended it; Textual has shown the traceback."""


def _as_of_in_log_zone(settings: Settings, text: str, now: int) -> int:
    """A WHEN read in the log's time zone (UTC when the log cannot be read)."""
    from briefer.dates import get_timezone

    result = settings.load()
    tz = result.log.tzinfo if result.log is not None else get_timezone("UTC")
    return _when(text, now=now, tz=tz, relative_to=now, end_of_day=False)


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


def _when(
    value: str,
    *,
    now: int,
    tz: object,
    relative_to: int,
    end_of_day: bool,
    option: str = "--as-of",
) -> int:
    """A WHEN of SPEC §4: ``now``, a duration back (``7d``), or a date/date-time.

    A date without a time means its end when it is an as-of (the brief as
    written that evening) and its start when it begins a period.
    """
    from datetime import tzinfo

    from briefer.dates import (
        DateError,
        check_instant,
        looks_like_duration,
        parse_date,
        parse_duration,
    )

    assert isinstance(tz, tzinfo)
    text = value.strip()
    if text == "now":
        return now
    if looks_like_duration(text):
        try:
            # The result must stay among the log's years: it is shown as a date later.
            return check_instant(relative_to - parse_duration(text), f"{text!r} back")
        except DateError as exc:
            raise click.BadParameter(str(exc), param_hint=option) from None
    try:
        parsed = parse_date(text, tz)
    except DateError as exc:
        raise click.BadParameter(f"{text!r}: {exc}", param_hint=option) from None
    if parsed.interval or parsed.earliest is None or parsed.latest is None:
        raise click.BadParameter(
            f"{text!r}: give a single date or date-time, not an interval", param_hint=option
        )
    if end_of_day and parsed.precision <= parsed.precision.DAY:
        return parsed.latest - 60
    return parsed.earliest


@cli.command()
@click.option("--md", "want_md", is_flag=True, help="Write Markdown (the default).")
@click.option("--pdf", "want_pdf", is_flag=True, help="Write PDF as well as Markdown.")
@click.option(
    "--as-of",
    "as_of_text",
    default="now",
    show_default=True,
    metavar="WHEN",
    help="Write the brief as it would have been written then (a date, date-time, now, or 7d back).",
)
@click.option(
    "--since",
    "since_text",
    metavar="WHEN|last",
    help="Start of the period [default: the last brief in reports/, else 7 days].",
)
@click.option("--filter", "filter_text", metavar="QUERY", help="Only events matching QUERY.")
@click.option(
    "--events",
    "events_text",
    metavar="ID,…",
    help="Only these events (comma-separated ids), e.g. those marked in the browser.",
)
@click.option(
    "--template", default="brief", show_default=True, metavar="NAME", help="Use NAME.md.j2."
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Look for templates here first (then ./templates, then the packaged ones).",
)
@click.option(
    "--output",
    "-o",
    "output_text",
    metavar="PATH",
    help="A folder, or a file name whose suffix is replaced per output [default: reports/].",
)
@click.option(
    "--if-changed",
    is_flag=True,
    help="Write nothing (exit 0) if neither the log nor the period changed since the last brief.",
)
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another render holding reports/ before exiting 4.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@click.option("-v", "--verbose", is_flag=True, help="Log each step to stderr.")
@click.pass_obj
def render(
    settings: Settings,
    want_md: bool,
    want_pdf: bool,
    as_of_text: str,
    since_text: str | None,
    filter_text: str | None,
    events_text: str | None,
    template: str,
    templates_dir: Path | None,
    output_text: str | None,
    if_changed: bool,
    lock_wait: float,
    quiet: bool,
    verbose: bool,
) -> None:
    """Write a situation brief to reports/ (Markdown; --pdf adds a PDF).

    Prints the paths written. Exit codes: 1 invalid log, query or template;
    2 usage; 3 a PDF engine or disk failure; 4 another render holds the reports
    lock; 70 an internal error (a bug in briefer).
    """
    import time

    from briefer.query import QueryError, parse_query
    from briefer.render.pipeline import RenderRequest
    from briefer.render.pipeline import render as do_render

    del want_md  # Markdown is always written; the flag exists for symmetry with --pdf.
    _setup_logging(verbose=verbose, quiet=quiet)
    log = settings.load_valid()
    now = int(time.time()) // 60 * 60
    tz = log.tzinfo
    as_of = _when(as_of_text, now=now, tz=tz, relative_to=now, end_of_day=True)
    since = None
    if since_text is not None and since_text != "last":
        since = _when(
            since_text, now=now, tz=tz, relative_to=as_of, end_of_day=False, option="--since"
        )
    query = None
    if filter_text:
        try:
            query = parse_query(filter_text, tz=tz, kinds=log.kinds, now=as_of)
        except QueryError as exc:
            raise InvalidInput(f"--filter {filter_text!r}: {exc}") from None
    only_ids = None
    if events_text is not None:
        from briefer.errors import did_you_mean

        only_ids = tuple(i.strip() for i in events_text.split(",") if i.strip())
        unknown = [i for i in only_ids if i not in log.by_id]
        if unknown:
            hint = did_you_mean(unknown[0], log.by_id)
            raise InvalidInput(f"--events: unknown event '{unknown[0]}'{hint}")
    project = Path(settings.log_path).parent
    dirs = tuple(d for d in (templates_dir, project / "templates") if d is not None)
    request = RenderRequest(
        as_of=as_of,
        since=since,
        since_last=since_text == "last",
        query=query,
        only_ids=only_ids,
        pdf=want_pdf,
        reports_dir=project / "reports",
        output=None if output_text is None else Path(output_text),
        # "out/" names a folder even before it exists.
        output_is_dir=output_text is not None
        and (output_text.endswith(("/", os.sep)) or Path(output_text).is_dir()),
        template_dirs=dirs,
        template=template,
        if_changed=if_changed,
        lock_wait=lock_wait,
    )
    try:
        result = do_render(log, request)
    finally:
        _clear_status()
    if result.skipped is not None:
        if not quiet:
            click.echo(
                f"No change since report {result.skipped.number} "
                f"(as of {_format_instant(result.skipped.as_of, log)}): nothing written."
            )
        return
    for url in result.refused:
        click.echo(f"briefer: warning: the PDF engine was refused {printable(url)}", err=True)
    for warning in result.warnings:
        click.echo(f"briefer: warning: {printable(warning)}", err=True)
    if not quiet:
        for path in result.paths:
            click.echo(printable(_shown(path)))


@cli.command()
@click.option("--cron", "fmt", flag_value="cron", help="Print a crontab line.")
@click.option("--systemd", "fmt", flag_value="systemd", help="Print a systemd service and timer.")
@click.option(
    "--at",
    "at",
    default="07:00",
    show_default=True,
    metavar="HH:MM",
    help="Time of day (the machine's local time for cron; the timer's for systemd).",
)
@click.option("--every", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
@click.pass_obj
def schedule(settings: Settings, fmt: str | None, at: str, every: str) -> None:
    """Print a ready-to-install schedule for unattended briefs.

    \b
    The job runs: briefer --log LOG render --since last --if-changed --pdf -q
    with absolute paths, so each brief covers the time since the previous one
    and nothing is written when nothing changed.
    """
    from briefer.schedule import Schedule, briefer_command, crontab_line, systemd_units

    if fmt is None:
        raise click.UsageError("choose --cron or --systemd")
    hh, sep, mm = at.partition(":")
    if not (sep and hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
        raise click.BadParameter(f"{at!r} is not a time of day (HH:MM)", param_hint="--at")
    log = Path(settings.log_path).resolve()
    if not log.is_file():
        raise InvalidInput(f"{settings.log_path}: no such log file")
    plan = Schedule(log, int(hh), int(mm), every, briefer_command())
    if fmt == "cron":
        click.echo("# Install: crontab -e, then paste the last line (cron mails its output)")
        click.echo(crontab_line(plan), nl=False)
        return
    units = systemd_units(plan)
    target = "~/.config/systemd/user/"
    click.echo(f"# Save these two files in {target} (or /etc/systemd/system/), then run:")
    click.echo("#   systemctl --user daemon-reload && systemctl --user enable --now briefer.timer")
    click.echo("# Failures: systemctl --user status briefer.service; journalctl --user -u briefer")
    for name, text in units.items():
        click.echo(f"\n# ---- {name} ----")
        click.echo(text, nl=False)


@cli.command("export", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(export_formats()),
    required=True,
    help="ics: calendar; json: every field; timelinejs: TimelineJS3; csv: spreadsheet.",
)
@click.option(
    "-o", "--output", "output", metavar="FILE", help="Write here (atomically) instead of stdout."
)
@click.pass_obj
def export_(settings: Settings, query: Sequence[str], fmt: str, output: str | None) -> None:
    """Export the events matching QUERY (all when empty) for other tools."""
    from briefer.exchange.export import export

    log = settings.load_valid()
    q = settings.query(log, query)
    data = export(log, q.filter(log.events), fmt)
    if output is None:
        click.echo(data, nl=False)
        return
    from briefer.atomic import write_atomic
    from briefer.errors import OutputError

    try:
        write_atomic(Path(output), data)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None


@cli.command("import")
@click.argument("source", type=click.Choice(["acled", "timelinejs"]))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--fragment", is_flag=True, help="Only sources: and events:, for an include file.")
@click.option("--timezone", default="UTC", show_default=True, help="The new log's time zone.")
@click.pass_obj
def import_(settings: Settings, source: str, file: Path, fragment: bool, timezone: str) -> None:
    """Print YAML converted from an ACLED CSV export or a TimelineJS JSON file.

    Items the log format cannot express are reported on stderr, one line
    each, and left out; the exit code is then 1 (the rest is still printed).
    A --fragment takes no id the log (--log) and its includes already use.
    """
    from briefer.dates import DateError, get_timezone
    from briefer.exchange import imports

    try:
        get_timezone(timezone)
    except DateError as exc:
        raise click.BadParameter(str(exc), param_hint="--timezone") from None
    if not file.is_file():
        # is_file() follows links and is False for pipes and devices, which could hang a read.
        raise InvalidInput(f"{file}: {'not a regular file' if file.exists() else 'no such file'}")
    known = imports.ids_in_log(settings.log_path) if fragment else None
    convert = imports.import_acled if source == "acled" else imports.import_timelinejs
    result = convert(file, known)
    imports.drop_invalid(result, timezone=timezone)
    click.echo(imports.to_yaml(result, fragment=fragment, timezone=timezone), nl=False)
    for line in result.skipped:
        click.echo(printable(line), err=True)
    if result.skipped:
        sys.exit(1)


def _format_instant(ts: int, log: EventLog) -> str:
    from briefer.brief import format_instant

    return format_instant(ts, log.tzinfo)


class _StatusLine(logging.Handler):
    """One self-overwriting progress line on a terminal's stderr (never in logs or pipes)."""

    active = False

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(f"\r\033[K{printable(record.getMessage())}…")
        sys.stderr.flush()
        _StatusLine.active = True


class _PrintableFormatter(logging.Formatter):
    """Log lines quote the log's title: escape what a terminal would interpret."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def _clear_status() -> None:
    if _StatusLine.active:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
        _StatusLine.active = False


def _setup_logging(*, verbose: bool, quiet: bool) -> None:
    """-v: every step on stderr; a terminal: a progress line; otherwise (cron): silence."""
    logger = logging.getLogger("briefer")
    logger.handlers.clear()
    logger.propagate = False
    if verbose:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_PrintableFormatter("briefer: %(message)s"))
    elif not quiet and sys.stderr.isatty():
        handler = _StatusLine()
    else:
        return
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _shown(path: Path) -> str:
    from briefer.loader import display_name

    return display_name(str(path))


def main() -> None:
    """Console entry point: one exit for the whole CLI."""
    debug = "--debug" in sys.argv
    try:
        cli.main(prog_name="briefer", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        # One line like every other error; the command's --help has the long story.
        where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"briefer: error: {printable(exc.format_message())}{where}", err=True)
        sys.exit(exc.exit_code)
    except BrieferError as exc:
        # Messages quote values from the log, queries and templates: never raw.
        click.echo(f"briefer: error: {printable(exc.format_message())}", err=True)
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
    except BrowserCrashed as exc:
        click.echo(f"briefer: internal error: {exc}", err=True)
        sys.exit(70)
    except Exception as exc:
        if debug:
            raise
        what = printable(f"{type(exc).__name__}: {exc}")
        click.echo(
            f"briefer: internal error: {what} (rerun with --debug for a traceback)", err=True
        )
        sys.exit(70)
