"""Markdown → HTML with markdown-it-py, safe for untrusted event text.

CommonMark + tables + footnotes. The text comes from a hand-edited log that
anyone with commit access can change, so the HTML is built to carry nothing
that a renderer would act on:

- raw HTML is not parsed (``html=False``): ``<img src=…>`` in a summary is shown
  as the characters ``<img src=…>``;
- a link survives only if it points to ``http:``, ``https:``, ``mailto:`` or a
  ``#fragment``; any other link keeps its text and loses the link;
- images are never emitted as ``<img>`` (a PDF engine would fetch them), except
  the few file names the caller vouches for (the brief's own charts); other
  images become their alt text, or a link to the image when it is http(s);
- the typographer is off, so the output depends only on the input.

Making one event summary safe to sit inside the brief's Markdown (its labels,
fences and headings) is :mod:`briefer.render.summary`'s job.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore

__all__ = [
    "breakable_html",
    "inline_markdown_to_html",
    "is_safe_link",
    "markdown_to_html",
    "parser",
]

#: Schemes a link may use; anything else loses its link.
_LINK_SCHEMES = ("http:", "https:", "mailto:")
#: A bare file name beside the brief (a chart): no scheme, no folder, no "..".
_LOCAL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
#: The env key through which a call passes the image names it vouches for.
_IMAGES_KEY = "briefer_images"
#: The env key saying that ``[1]``-style labels are the brief's citations.
_CITATIONS_KEY = "briefer_citations"
#: A citation's label: ``[3]`` in a brief is never a link, whatever defines it.
_CITATION_LABEL = re.compile(r"\d+\Z")


def is_safe_link(url: str) -> bool:
    """Whether ``url`` may stay a link in a brief: http(s), mailto or a ``#fragment``."""
    url = url.strip()
    if url.startswith("#"):
        return True
    return url.lower().startswith(_LINK_SCHEMES)


def _is_http(url: str) -> bool:
    return url.strip().lower().startswith(("http:", "https:"))


def _validate_link(url: str) -> bool:
    # The parser's gate: a destination failing it is not a link or image at all
    # and shows as the literal Markdown. Bare local names pass here only so that
    # the sanitizer below can keep the caller's chart images; as links they lose
    # their link there.
    if is_safe_link(url):
        return True
    return bool(_LOCAL_NAME.match(url)) and ".." not in url


def _plain_text(tokens: list[Token] | None) -> str:
    """The text of inline tokens with their markup stripped (as for an ``alt``)."""
    parts: list[str] = []
    for token in tokens or ():
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.children:
            parts.append(_plain_text(token.children))
    return "".join(parts)


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _sanitize(children: list[Token], allowed_images: Collection[str]) -> list[Token]:
    """Drop unsafe links (keeping their text) and defuse images, in one inline run."""
    out: list[Token] = []
    # For every open link, whether its <a> was kept (so its close is kept too).
    link_stack: list[bool] = []
    for token in children:
        if token.type == "link_open":
            keep = is_safe_link(str(token.attrGet("href") or ""))
            link_stack.append(keep)
            if keep:
                out.append(token)
        elif token.type == "link_close":
            if link_stack.pop() if link_stack else False:
                out.append(token)
        elif token.type == "image":
            src = str(token.attrGet("src") or "")
            alt = _plain_text(token.children)
            if src in allowed_images:
                token.attrs = {"src": src, "alt": alt, "class": "chart"}
                token.children = [_text_token(alt)]
                out.append(token)
            elif _is_http(src) and not link_stack:
                link_open = Token("link_open", "a", 1)
                link_open.attrs = {"href": src, "class": "image-link"}
                link_close = Token("link_close", "a", -1)
                out.extend((link_open, _text_token(alt or src), link_close))
            else:
                out.append(_text_token(alt))
        else:
            out.append(token)
    return out


def _sanitize_rule(state: StateCore) -> None:
    allowed: Collection[str] = state.env.get(_IMAGES_KEY, ())
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _sanitize(token.children, allowed)


def _citations_rule(state: StateCore) -> None:
    # Runs between block and inline parsing, when every reference definition
    # is known and none has been used yet. The brief's summaries define labels
    # only in their own namespace (briefer.render.summary); this is the
    # backstop for a template that prints a summary without it.
    if state.env.get(_CITATIONS_KEY):
        references = state.env.get("references", {})
        for label in [k for k in references if _CITATION_LABEL.match(k)]:
            del references[label]


def _render_chart(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    # Only images the caller vouched for reach here (see _sanitize). A block
    # wrapper keeps the chart and its caption together on one page.
    token = tokens[idx]
    src = escapeHtml(str(token.attrGet("src") or ""))
    alt = escapeHtml(str(token.attrGet("alt") or ""))
    caption = f'<span class="chart-caption">{alt}</span>' if alt else ""
    return f'<span class="figure"><img class="chart" src="{src}" alt="{alt}">{caption}</span>'


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The one parser, built on first use (plugins and rules cost ~20 ms to set up).

    Shared with :mod:`briefer.render.summary`, which parses a summary the way
    the brief will.
    """
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt(
        "commonmark",
        {"html": False, "linkify": False, "typographer": False, "breaks": False},
    )
    md.enable("table")
    md.use(footnote_plugin)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.core.ruler.after("block", "briefer_citations", _citations_rule)
    # Last, so that it also sees what the footnote rules moved to the end.
    md.core.ruler.push("briefer_sanitize", _sanitize_rule)
    md.add_render_rule("image", _render_chart)
    return md


def markdown_to_html(
    text: str,
    *,
    images: Collection[str] = (),
    citations: bool = False,
    breakable: bool = False,
    inline: Mapping[str, str] | None = None,
) -> str:
    """Render Markdown to an HTML fragment that carries no raw HTML, unsafe link or fetch.

    ``images`` are bare file names (beside the brief) that may appear as
    ``<img>``: the brief's own charts. Every other image becomes text.
    With ``citations`` (for a whole brief), ``[1]``-style labels are the brief's
    source citations: no reference definition can make them links.
    With ``breakable`` (for print), very long words may break between any
    two characters (see :func:`breakable_html`).
    With ``inline`` ({image name: an ``<svg>`` element made safe by
    :func:`~briefer.render.inline_svg.inline_svg`}), those images are drawn in
    place of their ``<img>``: the self-contained HTML brief, otherwise the
    same HTML as the PDF's.
    """
    env = {_IMAGES_KEY: frozenset(images), _CITATIONS_KEY: citations}
    html = str(parser().render(text, env))
    html = breakable_html(html) if breakable else html
    if inline:
        html = _CHART_IMG.sub(lambda m: inline.get(m.group(1), m.group()), html)
    return html


#: The ``<img>`` :func:`_render_chart` writes for a chart (its name needs no escaping).
_CHART_IMG = re.compile(r'<img class="chart" src="([A-Za-z0-9][A-Za-z0-9_.-]*)" alt="[^"]*">')


#: Text between tags, and within it an entity or one character.
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_LONG_RUN = re.compile(r"(?:&#?\w+;|[^\s<&])+")
_UNIT = re.compile(r"&#?\w+;|.", re.DOTALL)
#: Words up to this long are left to the stylesheet (a long URL in Sources).
LONG_WORD = 160
#: In a longer word: a zero-width space every this many characters ...
_BREAK_EVERY = 4
#: ... and every this many, a <wbr> instead, which also splits the text box.
_BOX_EVERY = 40
_ZWSP = "\u200b"


def _joins(before: str, after: str) -> bool:
    """Whether a break between these two characters would split a visible character."""
    if after in "\u200d\u200c" or before in "\u200d\u200c":
        return True
    if "\ufe00" <= after <= "\ufe0f" or "\U0001f3fb" <= after <= "\U0001f3ff":
        return True  # variation selectors, skin tones
    return unicodedata.category(after).startswith("M")


def _break_run(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) <= LONG_WORD:
        return run
    units = _UNIT.findall(run)
    out = [units[0]]
    since_break = since_box = 1
    for before, after in itertools.pairwise(units):
        if since_break >= _BREAK_EVERY and not _joins(before[-1], after[0]):
            if since_box >= _BOX_EVERY:
                out.append("<wbr>")
                since_box = 0
            else:
                out.append(_ZWSP)
            since_break = 0
        out.append(after)
        since_break += 1
        since_box += 1
    return "".join(out)


def breakable_html(html: str) -> str:
    """``html`` with break opportunities inside every very long word.

    CSS ``overflow-wrap: anywhere`` alone wraps such a word too, but
    WeasyPrint then lays out the whole rest of the text again for every line
    and, in a table cell, for every character: 10 s for a 10,000-character
    title, 90 s for a 3,000-character word in a table. With a zero-width
    space every few characters it takes its fast path, and a ``<wbr>`` every
    few dozen keeps each text box short for the table's width computation
    (3 s for that cell). Both are invisible, take no room and leave no trace
    in the PDF's text. Combining marks, joiners and variation selectors stay
    with their character.
    """
    parts = _TAG_OR_TEXT.split(html)
    for i in range(0, len(parts), 2):  # even parts are text, odd ones tags
        if len(parts[i]) > LONG_WORD:
            parts[i] = _LONG_RUN.sub(_break_run, parts[i])
    return "".join(parts)


def inline_markdown_to_html(text: str) -> str:
    """Render one line of Markdown (a title, a table cell) without a ``<p>`` around it."""
    return str(parser().renderInline(text, {_IMAGES_KEY: frozenset()}))
