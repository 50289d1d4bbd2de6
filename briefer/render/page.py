"""The brief as one HTML document: what the PDF engine prints and what the HTML brief is.

Both outputs lay the same body — the brief's Markdown turned into safe HTML
by :func:`~briefer.render.markdown.markdown_to_html`, with the marking lines
taken out because the page furniture carries it — into the same template,
``brief.html.j2``. The PDF's document references its charts by file name and
its stylesheet is handed to the engine; the HTML brief (``standalone``) has
its charts drawn inline, its styles in the page, a Content-Security-Policy
that lets it load nothing, and a viewport for phones. One body for both is
what keeps the two from drifting apart.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from briefer.errors import OutputError

if TYPE_CHECKING:
    import jinja2

    from briefer.brief import BriefContext
    from briefer.render.pdf import PdfMetadata

__all__ = ["brief_body", "brief_metadata", "brief_page", "find_template_file", "page_policy"]


def strip_marking(markdown: str, marking: str | None) -> str:
    """The page's header and footer carry the marking; drop its body lines there."""
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


def brief_body(
    ctx: BriefContext,
    markdown: str,
    chart_names: Sequence[str],
    *,
    inline: Mapping[str, str] | None = None,
) -> str:
    """The brief's body HTML; ``inline`` draws those charts in place (see ``markdown_to_html``)."""
    from briefer.render.markdown import markdown_to_html

    return markdown_to_html(
        strip_marking(markdown, ctx.marking),
        images=chart_names,
        citations=True,
        breakable=True,
        inline=inline,
    )


def brief_metadata(ctx: BriefContext) -> PdfMetadata:
    """What the document says about itself (the PDF's info, the page's ``<meta>``)."""
    from briefer.dates import get_timezone
    from briefer.render.pdf import PdfMetadata

    keywords = sorted({t for item in ctx.developments for t in item.event.tags})
    return PdfMetadata(
        title=ctx.title,
        author=ctx.generator,
        keywords=tuple(keywords),
        subject=f"Situation brief, {ctx.period}",
        created=datetime.fromtimestamp(ctx.as_of, get_timezone(ctx.timezone)),
        generator=ctx.generator,
    )


#: A ``style`` attribute in the body: markdown-it aligns table columns with them.
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def page_policy(style: str, body: str = "") -> str:
    """The HTML brief's Content-Security-Policy: its own styles and nothing else.

    No script, no connection, no image, font, frame or form, no ``<base>``:
    the page loads nothing when opened. The ``<style>`` is allowed by its
    hash, and so is each ``style`` attribute value ``body`` holds (a table
    column's alignment) — those and no others.
    """
    allowed = [_sha256(style)]
    attributes = sorted({html.unescape(v) for v in _STYLE_ATTRIBUTE.findall(body)})
    if attributes:
        allowed += ["'unsafe-hashes'", *(_sha256(v) for v in attributes)]
    return f"default-src 'none'; style-src {' '.join(allowed)}; base-uri 'none'; form-action 'none'"


def brief_page(
    ctx: BriefContext,
    body: str,
    env: jinja2.Environment,
    template: str,
    *,
    metadata: PdfMetadata,
    style: str | None = None,
) -> str:
    """``body`` inside ``TEMPLATE.html.j2`` (else ``brief.html.j2``).

    With ``style`` the page is the standalone HTML brief: the style sits in
    it, under a policy that allows that style alone.
    """
    from markupsafe import Markup

    from briefer.render.templating import render_template

    if style is not None and "</style" in style.lower():
        raise OutputError("the brief's stylesheet cannot hold '</style'")
    return render_template(
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
        meta=metadata,
        brief=ctx,
        standalone=style is not None,
        style=Markup(style or ""),
        policy=page_policy(style, body) if style is not None else "",
    )


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


def find_template_file(env: jinja2.Environment, name: str) -> Path:
    """The first ``name`` on the template search path (user overrides first)."""
    import jinja2

    loader = env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    for folder in loader.searchpath:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    raise OutputError(f"{name} not found")
