"""``briefer render``: write a situation brief, with its progress line and logging."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from briefer.cli.base import Settings, cli, lock_wait_option, when
from briefer.cli.send import mail_setup, send_brief
from briefer.errors import InvalidInput
from briefer.render.outputs import OUTPUTS, parse_formats
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.model import EventLog

__all__ = ["render"]


@cli.command()
@click.option("--md", "want_md", is_flag=True, help="Write Markdown (the default).")
@click.option("--pdf", "want_pdf", is_flag=True, help="Short for --format md,pdf.")
@click.option("--html", "want_html", is_flag=True, help="Short for --format md,html.")
@click.option(
    "--format",
    "format_text",
    metavar="NAME,…",
    help=f"The outputs to write, of {', '.join(OUTPUTS)} [default: md].",
)
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
@lock_wait_option("another render")
@click.option(
    "--mail",
    "mail_to",
    multiple=True,
    metavar="ADDR[,ADDR…]",
    help="Mail the brief once written (HTML body, PDF attached if made); see BRIEFER_SMTP_URL.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@click.option("-v", "--verbose", is_flag=True, help="Log each step to stderr.")
@click.pass_obj
def render(
    settings: Settings,
    want_md: bool,
    want_pdf: bool,
    want_html: bool,
    format_text: str | None,
    as_of_text: str,
    since_text: str | None,
    filter_text: str | None,
    events_text: str | None,
    template: str,
    templates_dir: Path | None,
    output_text: str | None,
    if_changed: bool,
    lock_wait: float,
    mail_to: tuple[str, ...],
    quiet: bool,
    verbose: bool,
) -> None:
    """Write a situation brief to reports/ (Markdown; --pdf adds a PDF, --html a web page).

    Prints the paths written. Exit codes: 1 invalid log, query or template;
    2 usage; 3 a PDF engine or disk failure; 4 another render holds the reports
    lock; 5 the brief was written but mailing it failed; 70 an internal error
    (a bug in briefer).
    """
    import time

    from briefer.query import QueryError, parse_log_query
    from briefer.render.pipeline import RenderRequest
    from briefer.render.pipeline import render as do_render

    try:
        formats = parse_formats(format_text, md=want_md, pdf=want_pdf, html=want_html)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    # Mail settings and addresses are checked before anything is rendered.
    mail = mail_setup(mail_to, "--mail") if mail_to else None
    if mail is not None:
        formats = formats | {"html"}  # the mail's body
    _setup_logging(verbose=verbose, quiet=quiet)
    log = settings.load_valid()
    now = int(time.time()) // 60 * 60
    tz = log.tzinfo
    as_of = when(as_of_text, now=now, tz=tz, relative_to=now, end_of_day=True)
    since = None
    if since_text is not None and since_text != "last":
        since = when(
            since_text, now=now, tz=tz, relative_to=as_of, end_of_day=False, option="--since"
        )
    query = None
    if filter_text:
        try:
            query = parse_log_query(filter_text, log, now=as_of)
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
        formats=formats,
        reports_dir=project / "reports",
        output=None if output_text is None else Path(output_text),
        # "out/" names a folder even before it exists.
        output_is_dir=output_text is not None
        and (output_text.endswith(("/", os.sep)) or Path(output_text).is_dir()),
        template_dirs=dirs,
        template=template,
        compiled_templates=settings.use_cache,
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
    if mail is not None:
        from briefer.delivery.deliver import Recorded
        from briefer.delivery.message import BriefFiles, mail_subject
        from briefer.series.manifest import log_slug

        record = None
        if result.recorded:
            record = Recorded(request.reports_dir, log_slug(log.title), as_of, lock_wait)
        send_brief(
            BriefFiles.from_outputs(result.paths),
            subject=mail_subject(result.context),
            mail=mail,
            record=record,
            number=result.context.report_number,
            quiet=quiet,
        )


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
