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
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from briefer.render.escape import md_escape

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore

__all__ = [
    "breakable_html",
    "demote_headings",
    "inline_markdown_to_html",
    "is_safe_link",
    "markdown_to_html",
    "namespace_for",
    "self_contained_markdown",
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
    # only in their own namespace (self_contained_markdown); this is the
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
def _parser() -> MarkdownIt:
    """The one parser, built on first use (plugins and rules cost ~20 ms to set up)."""
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
) -> str:
    """Render Markdown to an HTML fragment that carries no raw HTML, unsafe link or fetch.

    ``images`` are bare file names (beside the brief) that may appear as
    ``<img>``: the brief's own charts. Every other image becomes text.
    With ``citations`` (for a whole brief), ``[1]``-style labels are the brief's
    source citations: no reference definition can make them links.
    With ``breakable`` (for print), very long words may break between any
    two characters (see :func:`breakable_html`).
    """
    env = {_IMAGES_KEY: frozenset(images), _CITATIONS_KEY: citations}
    html = str(_parser().render(text, env))
    return breakable_html(html) if breakable else html


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
    return str(_parser().renderInline(text, {_IMAGES_KEY: frozenset()}))


# --- one summary inside a larger document -----------------------------------
#
# A brief is one Markdown document made of trusted structure (headings,
# citations, lists) and untrusted summaries. CommonMark lets a block reach
# past its own text: a link reference definition or a footnote applies to the
# whole document, and an unclosed code fence runs to its end. So a summary is
# parsed on its own first, and what it emits into the brief is a text that
# parses the same on its own and inside the brief:
#
# - its reference and footnote labels are renamed into a namespace of its own
#   (``[1]`` → ``[ns/1]``), so it can neither redirect the brief's ``[1]``
#   citations nor another summary's links, and its own uses still resolve;
# - a code fence it leaves open is closed at its end, and the "<" that would
#   start a raw HTML block (for readers that parse HTML) is escaped;
# - if either rewrite does not reproduce the summary's own rendering exactly,
#   the summary is shown as literal text instead (safe, never clever).
#
# The PDF is printed from the brief's Markdown, so both outputs get the same
# structure.

#: Stands for "whatever the brief puts after the summary" when checking that
#: nothing inside the summary is still open.
_SENTINEL = "briefer-end-of-summary-sentinel"
#: ``[text]`` with no bracket inside (a backslash escapes one character).
_BRACKETS = re.compile(r"\[((?:[^\[\]\\\n]|\\.)*)\]")
_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
_ATX_MARK = re.compile(r"#{1,6}")
_SETEXT_MARK = re.compile(r"[=-]")
_NAMESPACE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
#: An inline code span: a backtick run, then anything up to a run of the same length.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


def _normal_label(label: str) -> str:
    # CommonMark's label matching: case-folded, whitespace collapsed.
    return " ".join(label.split()).casefold()


def _definitions(text: str) -> tuple[set[str], set[str]]:
    """The (normalised) reference labels and the footnote labels ``text`` defines."""
    env: dict[str, Any] = {}
    _parser().parse(text, env)
    references = {_normal_label(k) for k in env.get("references", {})}
    footnotes = {k[1:] for k in env.get("footnotes", {}).get("refs", {})}
    return references, footnotes


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds code (blocks and inline spans), whose brackets are not labels."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    spans = [
        (offsets[token.map[0]], offsets[min(token.map[1], len(lines))])
        for token in _parser().parse(text, {})
        if token.type in ("fence", "code_block") and token.map
    ]
    spans.extend(m.span() for m in _CODE_SPAN.finditer(text))
    return spans


def _namespaced(text: str, namespace: str, references: set[str], footnotes: set[str]) -> str:
    """``text`` with its defined labels (and their uses) moved into ``namespace``.

    Code is left alone; a bracket this misjudges shows up in the comparison
    :func:`self_contained_markdown` makes, and the summary becomes literal.
    """
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(_code_spans(text)):
        if start < pos:
            continue
        pieces.append(_rename(text[pos:start], namespace, references, footnotes))
        pieces.append(text[start:end])
        pos = end
    pieces.append(_rename(text[pos:], namespace, references, footnotes))
    return "".join(pieces)


def _rename(text: str, namespace: str, references: set[str], footnotes: set[str]) -> str:

    def footnote(match: re.Match[str]) -> str:
        label = match.group(1)
        return f"[^{namespace}/{label}]" if label in footnotes else match.group()

    text = _FOOTNOTE_LABEL.sub(footnote, text) if footnotes else text
    if not references:
        return text
    out: list[str] = []
    pos = 0
    while (match := _BRACKETS.search(text, pos)) is not None:
        out.append(text[pos : match.start()])
        inner = match.group(1)
        end = match.end()
        follow = _BRACKETS.match(text, end)
        if follow is not None:
            # [text][label], [label][]: rename the label, keep the text.
            label = follow.group(1) or inner
            if _normal_label(label) in references:
                out.append(f"[{inner}][{namespace}/{label}]")
            else:
                out.append(text[match.start() : follow.end()])
            pos = follow.end()
            continue
        if _normal_label(inner) in references and not text.startswith("(", end):
            if text.startswith(":", end):
                # A definition (or text that looks like one): rename its label.
                out.append(f"[{namespace}/{inner}]")
            else:
                out.append(f"[{inner}][{namespace}/{inner}]")
        else:
            out.append(match.group())
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _open_fence(text: str) -> str | None:
    """The closing line for a code fence ``text`` leaves open, or None if it closes it."""
    tokens = _parser().parse(f"{text}\n\n{_SENTINEL}\n", {})
    for token in reversed(tokens):
        if token.type == "fence" and _SENTINEL in token.content:
            return token.markup
    return None


def _self_contained(text: str, namespace: str) -> bool:
    """Whether ``text`` defines only namespaced labels and leaves no block open."""
    references, footnotes = _definitions(text)
    prefix = _normal_label(namespace + "/")
    if any(not label.startswith(prefix) for label in references):
        return False
    if any(not label.startswith(namespace + "/") for label in footnotes):
        return False
    # The sentinel must come out as a paragraph of its own at the top level,
    # for briefer and for a reader that parses raw HTML.
    for parser in (_parser(), _html_reader()):
        tokens = parser.parse(f"{text}\n\n{_SENTINEL}\n", {})
        if not any(
            t.type == "inline" and t.level == 1 and t.content == _SENTINEL
            for i, t in enumerate(tokens)
            if i > 0 and tokens[i - 1].type == "paragraph_open" and tokens[i - 1].level == 0
        ):
            return False
    return True


@lru_cache(maxsize=1)
def _html_reader() -> MarkdownIt:
    """CommonMark as most readers of the Markdown brief parse it: raw HTML on."""
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True})
    md.enable("table")
    md.use(footnote_plugin)
    return md


def _without_html_blocks(text: str) -> str:
    """``text`` with the ``<`` that would start a raw HTML block escaped.

    briefer never parses raw HTML, so ``\\<`` and ``<`` print the same in
    the PDF; but a Markdown reader that does would let ``<!--`` or
    ``<script>`` run on to the end of the brief.
    """
    lines = text.split("\n")
    for token in _html_reader().parse(text, {}):
        if token.type == "html_block" and token.map:
            at = token.map[0]
            lines[at] = lines[at].replace("<", "\\<", 1)
    return "\n".join(lines)


def _literal(text: str) -> str:
    """``text`` as Markdown that shows exactly its words, paragraph by paragraph."""
    paragraphs = re.split(r"\n[ \t]*\n", text)
    lines = [[md_escape(line) for line in p.splitlines() if line.strip()] for p in paragraphs]
    return "\n\n".join("\n".join(p) for p in lines if p)


def demote_headings(text: str) -> str:
    """``text`` with every heading three levels down (h4-h6) and setext underlines escaped.

    Found by parsing, so a ``# comment`` inside a code block stays as it is.
    A setext heading's underline is escaped, so its text stays a paragraph.
    """
    lines = text.split("\n")
    for token in _parser().parse(text, {}):
        if token.type != "heading_open" or not token.map:
            continue
        if token.markup.startswith("#"):
            # The heading's own marker is the first "#" on its line: container
            # prefixes (">", "-", "1.") never hold one.
            at = token.map[0]
            level = min(6, len(token.markup) + 3)
            lines[at] = _ATX_MARK.sub("#" * level, lines[at], count=1)
        else:
            at = token.map[1] - 1
            lines[at] = _SETEXT_MARK.sub(lambda m: "\\" + m.group(), lines[at], count=1)
    return "\n".join(lines)


def namespace_for(key: str) -> str:
    """A label namespace for one summary: its event id, or a hash when that won't do."""
    if _NAMESPACE.match(key):
        return key
    import hashlib

    return "s" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def self_contained_markdown(text: str, namespace: str) -> str:
    """``text`` rewritten so that it can sit inside a larger Markdown document.

    The result renders as ``text`` does on its own, and nothing in it reaches
    outside: its reference and footnote labels live in ``namespace`` (a slug,
    see :func:`namespace_for`), and a code fence it leaves open is closed.
    When that cannot be guaranteed the text comes back escaped, as literal
    words.
    """
    if not _NAMESPACE.match(namespace):
        raise ValueError(f"namespace must be a slug, not {namespace!r}")
    # A trailing newline changes nothing but the content of an unclosed fence,
    # which would otherwise lack the newline a closed one has.
    expected = markdown_to_html(text + "\n")
    references, footnotes = _definitions(text)
    result = _without_html_blocks(_namespaced(text, namespace, references, footnotes))
    closing = _open_fence(result)
    if closing is not None:
        result = f"{result}\n{closing}"
    if _self_contained(result, namespace) and markdown_to_html(result) == expected:
        return result
    return _literal(text)
