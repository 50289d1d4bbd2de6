"""The Markdown brief: the template's text as it is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from briefer.render.outputs.base import Composed, Written

if TYPE_CHECKING:
    from briefer.atomic import Staged

__all__ = ["MarkdownOutput"]


class MarkdownOutput:
    """``<stem>.md``."""

    name = "md"
    suffix = ".md"
    uses_charts = False

    def write(self, brief: Composed, stage: Staged, path: Path) -> Written:
        """Stage the Markdown."""
        stage.put(path, brief.markdown)
        return Written()
