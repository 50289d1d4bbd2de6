"""One event summary made self-contained inside the brief's Markdown.

A brief is one Markdown document made of trusted structure (headings,
citations, lists) and untrusted summaries. CommonMark lets a block reach
past its own text: a link reference definition or a footnote applies to the
whole document, and an unclosed code fence runs to its end. So a summary is
parsed on its own first, and what it emits into the brief is a text that
parses the same on its own and inside the brief:

- its reference and footnote labels are renamed into a namespace of its own
  (``[1]`` → ``[ns/1]``), so it can neither redirect the brief's ``[1]``
  citations nor another summary's links, and its own uses still resolve;
- a code fence it leaves open is closed at its end, and the "<" that would
  start a raw HTML block (for readers that parse HTML) is escaped;
- if either rewrite does not reproduce the summary's own rendering exactly,
  the summary is shown as literal text instead (safe, never clever).

Its headings are demoted below the brief's own (:func:`demote_headings`).
The PDF is printed from the brief's Markdown, so both outputs get the same
structure.

All that takes about ten parses of the summary; most summaries are plain
paragraphs and lists that none of it changes, and one parse tells so
(:func:`_needs_no_rewrite`). :func:`brief_summary` keeps those as they are
and gives the rest the full treatment, with the same result either way.

Importing this module loads markdown-it (through
:mod:`briefer.render.markdown`): import it only when a brief is rendered.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefer.render.escape import md_escape
from briefer.render.markdown import markdown_to_html, parser

__all__ = ["brief_summary", "demote_headings", "namespace_for", "self_contained_markdown"]

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
    parser().parse(text, env)
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
        for token in parser().parse(text, {})
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
    tokens = parser().parse(f"{text}\n\n{_SENTINEL}\n", {})
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
    return all(
        _sentinel_alone(reader.parse(f"{text}\n\n{_SENTINEL}\n", {}))
        for reader in (parser(), _html_reader())
    )


def _sentinel_alone(tokens: list[Token]) -> bool:
    """Whether the sentinel after a summary came out as a top-level paragraph of its own."""
    return any(
        t.type == "inline" and t.level == 1 and t.content == _SENTINEL
        for i, t in enumerate(tokens)
        if i > 0 and tokens[i - 1].type == "paragraph_open" and tokens[i - 1].level == 0
    )


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
    for token in parser().parse(text, {}):
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


#: Blocks whose text a rewrite here never changes and whose tokens do not
#: depend on what follows the summary once a blank line ends it.
_PLAIN_BLOCKS = frozenset(
    f"{name}_{end}"
    for name in ("paragraph", "bullet_list", "ordered_list", "list_item", "blockquote")
    for end in ("open", "close")
) | {"inline", "hr"}


def _needs_no_rewrite(text: str) -> bool:
    """Whether every rewrite here leaves ``text`` as it is: one parse instead of ten.

    The parse is the one :func:`_open_fence` and :func:`_self_contained`
    make: ``text``, a blank line and the sentinel. With no ``]:`` nothing in
    ``text`` is a reference or footnote definition (nothing to rename); with
    no ``<`` nothing is raw HTML, so a reader that parses it sees the same
    blocks; paragraphs, lists, quotes and rules hold no heading to demote and
    no code to close, and render the same with or without a newline after
    them. So if the sentinel still stands alone,
    :func:`self_contained_markdown` would return ``text`` itself.
    """
    if "<" in text or "]:" in text:
        return False
    env: dict[str, Any] = {}
    tokens = parser().parse(f"{text}\n\n{_SENTINEL}\n", env)
    notes = env.get("footnotes", {})
    if env.get("references") or notes.get("refs") or notes.get("list"):
        return False
    return all(t.type in _PLAIN_BLOCKS for t in tokens) and _sentinel_alone(tokens)


def brief_summary(text: str, key: str | None = None) -> str:
    """A summary as it goes into the brief: headings demoted, then self-contained.

    The namespace is named after ``key`` (the event id), or after the text
    when there is none. Text that needs none of it (most summaries: plain
    paragraphs and lists) comes back as it is, stripped, after one parse.
    """
    text = text.strip()
    if _needs_no_rewrite(text):
        return text
    text = demote_headings(text)
    return _rewritten(text, namespace_for(key if key is not None else text))


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
    return _rewritten(text, namespace)


def _rewritten(text: str, namespace: str) -> str:
    """:func:`self_contained_markdown` the long way, for any text."""
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
