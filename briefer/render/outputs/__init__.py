"""Brief outputs: one module per kind of file a render writes, all in ``OUTPUTS``.

An output implements ``base.Output`` (a name for ``render --format``, a file
suffix, whether it shows the charts, and ``write``, which stages its file from
the composed brief). ``markdown`` writes the brief's Markdown; ``pdf`` lays it
into HTML and prints it with the engine in ``briefer.render.pdf``; ``html``
makes the same HTML one self-contained page. A new
output is a new module here and one entry in ``OUTPUTS``; the CLI's choices
come from ``OUTPUTS``. Importing this package stays cheap: the engines load
when a file is written.
"""

from __future__ import annotations

from collections.abc import Mapping

from briefer.render.outputs.base import Chart, Composed, Output, Written
from briefer.render.outputs.html import HtmlOutput
from briefer.render.outputs.markdown import MarkdownOutput
from briefer.render.outputs.pdf import PdfOutput

__all__ = ["OUTPUTS", "Chart", "Composed", "Output", "Written", "parse_formats"]

#: Every output by name, in the order their files are listed.
OUTPUTS: Mapping[str, Output] = {o.name: o for o in (MarkdownOutput(), HtmlOutput(), PdfOutput())}


def parse_formats(
    text: str | None, *, md: bool = False, pdf: bool = False, html: bool = False
) -> frozenset[str]:
    """``render --format md,pdf`` → the names; ``--md`` adds Markdown, ``--pdf`` (short
    for ``--format md,pdf``) and ``--html`` (``--format md,html``) that and Markdown;
    Markdown alone when nothing is named.

    ValueError naming the choices for an unknown or empty name.
    """
    names: set[str] = set()
    for name in [] if text is None else [n.strip() for n in text.split(",")]:
        if name not in OUTPUTS:
            shown = f"unknown output {name!r}" if name else "an empty output name"
            raise ValueError(f"{shown} (choose from {', '.join(OUTPUTS)})")
        names.add(name)
    if md or pdf or html or not names:
        names.add("md")
    if pdf:
        names.add("pdf")
    if html:
        names.add("html")
    return frozenset(names)
