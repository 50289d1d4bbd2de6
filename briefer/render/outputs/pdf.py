"""The PDF brief: the Markdown as HTML in ``brief.html.j2``, printed by ``briefer.render.pdf``."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefer.render.outputs.base import Composed, Written

# Jinja, the brief, the dates and the PDF engine load when a PDF is written: the CLI
# imports the registry of outputs for its --format choices.
if TYPE_CHECKING:
    import jinja2

    from briefer.atomic import Staged
    from briefer.brief import BriefContext
    from briefer.render.pdf import PdfMetadata

__all__ = ["PdfOutput", "PrintableBrief", "printable_brief"]

logger = logging.getLogger("briefer")


class PdfOutput:
    """``<stem>.pdf``, with the charts in it."""

    name = "pdf"
    suffix = ".pdf"
    uses_charts = True

    def write(self, brief: Composed, stage: Staged, path: Path) -> Written:
        """Print the PDF into a temporary ``stage`` renames to ``path``."""
        from briefer.brief import shown_texts
        from briefer.render.glyphs import uncovered_warnings
        from briefer.render.pdf import write_pdf

        logger.info("printing the PDF")
        target = stage.temp_for(path)
        ctx = brief.context
        doc = printable_brief(
            ctx, brief.markdown, [n for n, _, _ in brief.charts], brief.env, brief.template
        )
        # The charts are served to the PDF engine from a private folder: the only
        # files it may read besides the stylesheet.
        with tempfile.TemporaryDirectory(prefix="briefer-assets-") as assets:
            for name, _, svg in brief.charts:
                (Path(assets) / name).write_text(svg, encoding="utf-8")
            uncovered: list[str] = []
            refused = write_pdf(
                doc.html,
                target,
                assets_dir=Path(assets),
                metadata=doc.metadata,
                stylesheets=[doc.css],
                uncovered=uncovered,
            )
        return Written(refused, tuple(uncovered_warnings(uncovered, shown_texts(ctx))))


@dataclass(frozen=True)
class PrintableBrief:
    """The brief as the PDF engine gets it: HTML, its stylesheet and metadata."""

    html: str
    css: Path
    metadata: PdfMetadata


def printable_brief(
    ctx: BriefContext,
    markdown: str,
    chart_names: Sequence[str],
    env: jinja2.Environment,
    template: str = "brief",
) -> PrintableBrief:
    """The brief's Markdown as HTML inside ``brief.html.j2`` (charts referenced by name)."""
    from briefer.render.page import brief_body, brief_metadata, brief_page, find_template_file

    body = brief_body(ctx, markdown, chart_names)
    meta = brief_metadata(ctx)
    html = brief_page(ctx, body, env, template, metadata=meta)
    return PrintableBrief(html, find_template_file(env, "brief.css"), meta)
