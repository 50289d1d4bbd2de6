"""The command line: the only place that prints results and chooses exit codes.

``base`` holds the click group and the settings every command reads; each
command group has its own module (``browse``, ``log`` for check and list,
``render`` with ``schedule`` and ``send`` (mail), ``exchange`` for export and import,
``tradecraft`` for judgments and indicators, ``capture`` for add, ``inbox`` for the
feed inbox); ``entry``
holds :func:`main`, the one exit of the whole CLI. A new command is a new
module here plus its import below.

Heavy modules (Textual, WeasyPrint, even pendulum) are imported inside the
commands that need them, so ``briefer check`` starts in well under a second.
"""

from __future__ import annotations

# Importing a command module registers its commands with the group.
from briefer.cli import (  # noqa: F401
    browse,
    capture,
    exchange,
    inbox,
    log,
    render,
    schedule,
    send,
    tradecraft,
)
from briefer.cli.base import cli
from briefer.cli.entry import main

__all__ = ["cli", "main"]
