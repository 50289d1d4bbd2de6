"""The problems panel: why the log on disk could not be shown (SPEC §2 lines)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.model import Problem

__all__ = ["ProblemsPanel"]


class ProblemsPanel(VerticalScroll):
    """Every problem as ``FILE:LINE:COL: severity: message``, errors in the error colour."""

    DEFAULT_CSS = """
    ProblemsPanel {
        height: auto;
        max-height: 40%;
        background: $error-muted;
        border-top: heavy $error;
        border-title-color: $text-error;
        border-title-style: bold;
        padding: 0 1;
    }
    ProblemsPanel > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.problems: tuple[Problem, ...] = ()

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="problems-text")

    def show_problems(self, problems: Sequence[Problem], *, have_log: bool) -> None:
        self.problems = tuple(problems)
        errors = sum(p.severity == "error" for p in problems)
        if have_log:
            self.border_title = (
                f"The log on disk has {errors} error{'s' if errors != 1 else ''}: "
                "showing the last good version (fix, then save; R reloads)"
            )
        else:
            self.border_title = (
                f"The log has {errors} error{'s' if errors != 1 else ''}; "
                "e opens the first in your editor, R reloads"
            )
        text = Text(no_wrap=False)
        for n, problem in enumerate(problems):
            if n:
                text.append("\n")
            style = "bold" if problem.severity == "error" else "dim"
            text.append(printable(str(problem)), style=style)
        self.query_one("#problems-text", Static).update(text)
