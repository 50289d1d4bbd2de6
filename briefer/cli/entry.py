"""The console entry point: the one exit of the whole CLI, mapping errors to exit codes."""

from __future__ import annotations

import os
import sys

import click

from briefer.cli.base import BrowserCrashed, cli
from briefer.errors import BrieferError
from briefer.terminal import printable

__all__ = ["main"]


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
