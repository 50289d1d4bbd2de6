"""The command line: the only place that prints results and chooses exit codes.

``base`` holds the click group and the settings every command reads; each
command group has its own module (``browse``, ``log`` for check and list,
``render`` with ``schedule`` and ``send`` (mail), ``exchange`` for export and import,
``tradecraft`` for judgments and indicators, ``capture`` for add, ``inbox`` for the
feed inbox); ``entry``
holds :func:`main`, the one exit of the whole CLI. A new command is a new
module here plus its row in :data:`COMMANDS`: a command's module is imported
only when that command runs (or ``--help`` lists them all).

Heavy modules (Textual, WeasyPrint, even pendulum) are imported inside the
commands that need them, so ``briefer check`` starts in well under a second.
"""

from __future__ import annotations

from briefer.cli.base import cli
from briefer.cli.entry import main

__all__ = ["COMMANDS", "cli", "main"]

#: Each command, and the module whose import registers it with the group.
COMMANDS = {
    "add": "briefer.cli.capture",
    "browse": "briefer.cli.browse",
    "check": "briefer.cli.log",
    "export": "briefer.cli.exchange",
    "import": "briefer.cli.exchange",
    "inbox": "briefer.cli.inbox",
    "indicators": "briefer.cli.tradecraft",
    "judgments": "briefer.cli.tradecraft",
    "list": "briefer.cli.log",
    "render": "briefer.cli.render",
    "schedule": "briefer.cli.schedule",
    "send": "briefer.cli.send",
}
cli.lazy.update(COMMANDS)
