"""Errors that end a command, each carrying its exit code (SPEC §4), and message helpers."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import click

__all__ = [
    "BrieferError",
    "DeliveryFailed",
    "InvalidInput",
    "LockHeld",
    "OutputError",
    "did_you_mean",
]


class BrieferError(click.ClickException):
    """Base of the errors the CLI reports as one line on stderr, without a traceback."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(f"briefer: error: {self.format_message()}", err=True)


class InvalidInput(BrieferError):
    """The event log, a query or a template is invalid (exit 1)."""

    exit_code = 1


class OutputError(BrieferError):
    """A render or output failure: the PDF engine or the disk (exit 3)."""

    exit_code = 3


class LockHeld(BrieferError):
    """Another render holds the reports lock (exit 4)."""

    exit_code = 4


class DeliveryFailed(BrieferError):
    """The brief was written (and recorded) but mailing it failed (exit 5)."""

    exit_code = 5


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
