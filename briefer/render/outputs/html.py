"""The HTML brief: the PDF's document, made one self-contained page.

The body is the one the PDF prints (:mod:`briefer.render.page`), with every
chart drawn inline as SVG, ``brief.css`` and ``brief.screen.css`` in the
page, and a Content-Security-Policy that lets it load nothing: opening it
fetches nothing and runs nothing. Neither WeasyPrint nor any other engine
is involved, so ``render --format md,html`` stays quick.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from briefer.render.outputs.base import Composed, Written

if TYPE_CHECKING:
    from briefer.atomic import Staged

__all__ = ["HtmlOutput", "html_brief"]

logger = logging.getLogger("briefer")

#: The stylesheets the page carries, in order.
STYLESHEETS = ("brief.css", "brief.screen.css")


class HtmlOutput:
    """``<stem>.html``, with the charts in it."""

    name = "html"
    suffix = ".html"
    uses_charts = True

    def write(self, brief: Composed, stage: Staged, path: Path) -> Written:
        """Stage the page."""
        logger.info("writing the HTML brief")
        stage.put(path, html_brief(brief))
        return Written()


def html_brief(brief: Composed) -> str:
    """The brief as one HTML page (the same body as the PDF's, charts inline)."""
    from briefer.errors import OutputError
    from briefer.render.inline_svg import inline_svg
    from briefer.render.page import brief_body, brief_metadata, brief_page, find_template_file

    ctx = brief.context
    inline = {name: inline_svg(svg, name) for name, _, svg in brief.charts}
    body = brief_body(ctx, brief.markdown, list(inline), inline=inline)
    sheets = []
    for name in STYLESHEETS:
        path = find_template_file(brief.env, name)
        try:
            sheets.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise OutputError(f"cannot read {path}: {exc}") from None
    style = "\n".join(sheets)
    return brief_page(
        ctx, body, brief.env, brief.template, metadata=brief_metadata(ctx), style=style
    )
