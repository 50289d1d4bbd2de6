"""What every brief output implements, and what it is handed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import jinja2

    from briefer.atomic import Staged
    from briefer.brief import BriefContext

__all__ = ["Chart", "Composed", "Output", "Written"]

#: A chart file: (file name, title, SVG text).
Chart = tuple[str, str, str]


@dataclass(frozen=True)
class Composed:
    """The brief, composed once and handed to every output."""

    #: What the brief says.
    context: BriefContext
    #: The brief as Markdown, from the ``.md.j2`` template.
    markdown: str
    #: The chart files, beside the brief (empty when no output uses charts).
    charts: tuple[Chart, ...]
    #: The template environment (user folders first, then the packaged templates).
    env: jinja2.Environment
    #: The template's name: ``brief`` for ``brief.md.j2``.
    template: str


@dataclass(frozen=True)
class Written:
    """What an output reports back besides its file."""

    #: Resources the output's engine was refused (a template asking for something it may not have).
    refused: tuple[str, ...] = ()
    #: Problems the file was written despite, one line each.
    warnings: tuple[str, ...] = ()


class Output(Protocol):
    """One kind of brief file: Markdown, PDF, …"""

    @property
    def name(self) -> str:
        """What ``render --format`` calls it: ``md``, ``pdf``."""

    @property
    def suffix(self) -> str:
        """The file's suffix: ``.md``, ``.pdf``."""

    @property
    def uses_charts(self) -> bool:
        """Whether it shows the chart files (they are written only when one does)."""

    def write(self, brief: Composed, stage: Staged, path: Path) -> Written:
        """Stage the file for ``path`` in ``stage``; it is published with the rest."""
