"""``briefer export`` and ``briefer import``: events to and from other tools."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from briefer.cli.base import Settings, cli
from briefer.errors import InvalidInput
from briefer.exchange.export import export_formats, export_help
from briefer.terminal import printable

__all__ = ["export_", "import_"]


@cli.command("export", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(export_formats()),
    required=True,
    help=export_help(),
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
