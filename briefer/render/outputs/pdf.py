"""The PDF brief: the Markdown as HTML in ``brief.html.j2``, printed by ``briefer.render.pdf``."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefer.errors import OutputError
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


def _strip_marking(markdown: str, marking: str | None) -> str:
    """The page margins carry the marking in the PDF; drop its body lines there."""
    if not marking:
        return markdown
    from briefer.render.escape import md_escape

    banner = md_escape(marking)
    lines = markdown.split("\n")
    if lines and lines[0] == banner:
        lines = lines[1:]
    while lines and lines[-1] == "":
        lines.pop()
    if lines and lines[-1] == banner:
        lines.pop()
    return "\n".join(lines) + "\n"


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
    from markupsafe import Markup

    from briefer.dates import get_timezone
    from briefer.render.markdown import markdown_to_html
    from briefer.render.pdf import PdfMetadata
    from briefer.render.templating import render_template

    body = markdown_to_html(
        _strip_marking(markdown, ctx.marking), images=chart_names, citations=True, breakable=True
    )
    keywords = sorted({t for item in ctx.developments for t in item.event.tags})
    meta = PdfMetadata(
        title=ctx.title,
        author=ctx.generator,
        keywords=tuple(keywords),
        subject=f"Situation brief, {ctx.period}",
        created=datetime.fromtimestamp(ctx.as_of, get_timezone(ctx.timezone)),
        generator=ctx.generator,
    )
    html = render_template(
        env,
        _html_template(env, template),
        body=Markup(body),
        title=ctx.title,
        marking=ctx.marking,
        as_of=ctx.as_of_local,
        as_of_utc=ctx.as_of_utc,
        report_number=ctx.report_number,
        generator=ctx.generator,
        lang="en",
        meta=meta,
        brief=ctx,
    )
    return PrintableBrief(html, _find(env, "brief.css"), meta)


def _html_template(env: jinja2.Environment, name: str) -> str:
    import jinja2

    wanted = f"{name}.html.j2"
    try:
        env.get_template(wanted)
    except jinja2.TemplateNotFound:
        return "brief.html.j2"
    except jinja2.TemplateError:
        pass  # reported with its line when rendered
    return wanted


def _find(env: jinja2.Environment, name: str) -> Path:
    """The first ``name`` on the template search path (user overrides first)."""
    import jinja2

    loader = env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    for folder in loader.searchpath:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    raise OutputError(f"{name} not found")
