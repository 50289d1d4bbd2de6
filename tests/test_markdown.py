"""Markdown → HTML: CommonMark + tables + footnotes, and nothing a renderer would act on."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from briefer.render.markdown import inline_markdown_to_html, is_safe_link, markdown_to_html, parser
from briefer.render.summary import (
    _rewritten,
    brief_summary,
    demote_headings,
    namespace_for,
    self_contained_markdown,
)
from briefer.render.templating import md_block


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


# --- raw HTML is text -------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '<img src="file:///etc/passwd">',
        "<script>alert(1)</script>",
        '<link rel="attachment" href="file:///etc/hostname">',
        '<iframe src="http://127.0.0.1:9/"></iframe>',
        '<a href="javascript:alert(1)">x</a>',
        "<style>@import url(file:///etc/passwd);</style>",
    ],
)
def test_raw_html_is_escaped_as_text(raw: str) -> None:
    html = markdown_to_html(f"Before {raw} after.\n\n{raw}\n")
    assert "<" + raw[1:] not in html
    assert raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html.replace(
        "&quot;", '"'
    )


def test_html_block_is_a_paragraph_of_text() -> None:
    assert markdown_to_html("<div>\n*x*\n</div>") == (
        "<p>&lt;div&gt;\n<em>x</em>\n&lt;/div&gt;</p>\n"
    )


# --- links ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "java&#x73;cript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//evil.example/x",
        "/etc/passwd",
        "../../etc/passwd",
        "report.pdf",
    ],
)
def test_unsafe_links_lose_their_link(url: str) -> None:
    for text in (f"[click]({url})", f"[click][r]\n\n[r]: {url}", f"<{url}>"):
        html = markdown_to_html(text)
        assert hrefs(html) == [], (text, html)
        assert "<a" not in html


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("[NATO](https://www.nato.int/kfor)", "https://www.nato.int/kfor"),
        ("[x](http://example.org/a?b=1&c=2)", "http://example.org/a?b=1&amp;c=2"),
        ("<https://example.org/>", "https://example.org/"),
        ("[desk](mailto:desk@example.org)", "mailto:desk@example.org"),
        ("<desk@example.org>", "mailto:desk@example.org"),
        ("[top](#sources)", "#sources"),
        ("[r]\n\n[r]: https://example.org/ref", "https://example.org/ref"),
    ],
)
def test_safe_links_survive(text: str, href: str) -> None:
    assert hrefs(markdown_to_html(text)) == [href]


def test_unsafe_link_keeps_its_text() -> None:
    assert markdown_to_html("see [the file](file:///etc/passwd) and [this](report.pdf)") == (
        "<p>see [the file](file:///etc/passwd) and this</p>\n"
    )


def test_is_safe_link() -> None:
    assert is_safe_link("HTTPS://example.org")
    assert is_safe_link("#x")
    assert not is_safe_link(" javascript:x")
    assert not is_safe_link("data:image/png;base64,AAAA")


# --- images -----------------------------------------------------------------


def test_images_are_not_emitted() -> None:
    html = markdown_to_html(
        "![map *of* the north](https://example.org/map.png) "
        "![secret](file:///etc/passwd) "
        "![chart](timeline.svg) "
        "![pixel](data:image/png;base64,iVBORw0KGgo=)"
    )
    assert "<img" not in html
    # An http(s) image becomes a link to it, showing its alt text…
    assert '<a href="https://example.org/map.png" class="image-link">map of the north</a>' in html
    # …a local one its alt text (not vouched for by the caller)…
    assert "chart" in html
    # …and one the parser refuses stays literal Markdown.
    assert "![secret](file:///etc/passwd)" in html
    assert "data:image" in html
    assert 'src="' not in html


def test_image_inside_a_link_is_its_alt_text() -> None:
    html = markdown_to_html("[![logo](https://example.org/l.png)](https://example.org/)")
    assert html == '<p><a href="https://example.org/">logo</a></p>\n'


def test_charts_named_by_the_caller_are_images() -> None:
    html = markdown_to_html(
        "![Events by kind](brief-timeline.svg)\n\n![x](other.svg)",
        images={"brief-timeline.svg"},
    )
    assert html.count("<img") == 1
    assert '<img class="chart" src="brief-timeline.svg" alt="Events by kind">' in html
    assert '<span class="chart-caption">Events by kind</span>' in html
    assert "<p>x</p>" in html


def test_chart_names_do_not_leak_into_later_calls() -> None:
    markdown_to_html("![c](c.svg)", images={"c.svg"})
    assert "<img" not in markdown_to_html("![c](c.svg)")


def test_chart_alt_text_is_escaped() -> None:
    html = markdown_to_html('![a "quoted" <b>](c.svg)', images={"c.svg"})
    assert 'alt="a &quot;quoted&quot; &lt;b&gt;"' in html


# --- CommonMark, tables, footnotes ------------------------------------------


def test_table() -> None:
    html = markdown_to_html("| Figure | Latest |\n|---|--:|\n| KFOR | 4,500 |\n")
    assert "<table>" in html
    assert "<th>Figure</th>" in html
    assert '<td style="text-align:right">4,500</td>' in html


def test_footnotes() -> None:
    html = markdown_to_html("Claim.[^1] Also^[inline].\n\n[^1]: The note.\n")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<section class="footnotes">' in html
    assert '<li id="fn1" class="footnote-item"><p>The note.' in html
    assert "inline" in html.split('<section class="footnotes">')[1]


def test_footnote_text_is_sanitised_too() -> None:
    html = markdown_to_html(
        "x[^1]\n\n[^1]: <b>bold</b> [a](javascript:alert(1)) ![i](https://e.x/i.png)"
    )
    notes = html.split('<section class="footnotes">')[1]
    assert "&lt;b&gt;bold&lt;/b&gt;" in notes
    assert "javascript:alert(1))" in notes
    assert "<img" not in notes
    assert hrefs(notes) == ["https://e.x/i.png", "#fnref1"]


def test_typographer_is_off() -> None:
    assert markdown_to_html('"quotes" -- (c) ...') == "<p>&quot;quotes&quot; -- (c) ...</p>\n"


def test_deterministic() -> None:
    text = "# T\n\nx[^1]\n\n| a |\n|---|\n| b |\n\n[^1]: n\n"
    assert markdown_to_html(text) == markdown_to_html(text)


def test_inline() -> None:
    assert inline_markdown_to_html("**Banjska** <b>x</b> [a](javascript:x)") == (
        "<strong>Banjska</strong> &lt;b&gt;x&lt;/b&gt; [a](javascript:x)"
    )
    assert inline_markdown_to_html("[a](https://e.x) ![i](https://e.x/i.png)") == (
        '<a href="https://e.x">a</a> <a href="https://e.x/i.png" class="image-link">i</a>'
    )


# --- a summary inside the brief: nothing in it reaches outside --------------


def brief_of(*summaries: str) -> str:
    """A brief-shaped document: each summary under its heading, citations after it."""
    parts = ["# Brief\n"]
    for i, summary in enumerate(summaries):
        parts.append(f"### Event {i}\n\n{md_block(summary, f'ev{i}')}\n\n*event* [1][2]\n")
    parts.append("## Watch list\n\n- **in 3 days**: a deadline [1]\n\n## Sources\n\n1. Source\n")
    return "\n".join(parts)


def test_a_summary_cannot_redefine_the_citations() -> None:
    hostile = "Cites [1] itself.\n\n[1]: https://evil.example/phish\n[2]: https://evil.example/2"
    html = markdown_to_html(brief_of("Plain.", hostile, "Also plain."), citations=True)
    # The hostile summary's own [1] still goes where it says ...
    assert hrefs(html).count("https://evil.example/phish") == 1
    assert 'Cites <a href="https://evil.example/phish">1</a> itself.' in html
    # ... and every citation of the brief stays text.
    assert html.count("<em>event</em> [1][2]") == 3
    assert "- **in 3 days**" not in html
    assert "a deadline [1]" in html


def test_citations_are_never_links_even_without_namespacing() -> None:
    # The backstop for a template printing a summary raw: numeric labels are citations.
    html = markdown_to_html(
        "See [1] and [x][2].\n\n[1]: https://evil.example\n[2]: https://e.x\n", citations=True
    )
    assert hrefs(html) == []
    # Elsewhere (a summary on its own, the HTML export) [1] is an ordinary label.
    assert markdown_to_html("[1]\n\n[1]: https://e.x\n").count("href") == 1


def test_a_summary_cannot_redirect_another_summarys_links() -> None:
    first = "First [site].\n\n[site]: https://evil.example/"
    second = "Second [site].\n\n[site]: https://good.example/"
    html = markdown_to_html(brief_of(first, second))
    assert hrefs(html) == ["https://evil.example/", "https://good.example/"]


def test_footnotes_stay_with_their_summary() -> None:
    first = "One[^1] and two[^n].\n\n[^1]: First's note.\n[^n]: First's other note."
    second = "Three[^1].\n\n[^1]: Second's note."
    html = markdown_to_html(brief_of(first, second))
    notes = html.split('<section class="footnotes">')[1]
    assert notes.index("First's note.") < notes.index("First's other note.")
    assert notes.index("First's other note.") < notes.index("Second's note.")
    assert html.count('class="footnote-ref"') == 3
    # An undefined footnote stays text; it does not borrow another summary's note.
    assert "Four[^1]" in markdown_to_html(brief_of(first, "Four[^1]."))


@pytest.mark.parametrize(
    "summary",
    [
        "Text then a fence:\n\n```\nnever closed",
        "~~~~ python\ncode\n~~~",
        "  ```\nindented fence",
        "Para\n```",
        "> quote\n> ```\n> code",
        "- item\n\n  ```\n  code in a list",
        "    indented code",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "<div>\n\nhtml block",
        "Text\n\n<!-- a comment never closed",
        "<script>\nnever closed",
        "<pre>\nnever closed",
        "<?php never closed",
        "<![CDATA[ never closed",
        "<!DOCTYPE never closed",
        "text\n---",
        "text\n===",
        "1. list\n2. list\n   continued",
        "[^1]: a footnote\n    continued",
        "Bracket [a [b]][1] inside.\n\n[1]: https://e.x",
    ],
)
def test_nothing_opened_in_a_summary_outlives_it(summary: str) -> None:
    document = brief_of(summary, "Later development.")
    # As briefer prints it, and as a CommonMark reader that parses raw HTML does.
    for html in (
        markdown_to_html(document, citations=True),
        MarkdownIt("commonmark").enable("table").use(footnote_plugin).render(document),
    ):
        assert "<h3>Event 1</h3>\n<p>Later development.</p>" in html
        assert "<h2>Watch list</h2>" in html
        assert "<h2>Sources</h2>\n<ol>\n<li>Source</li>" in html
        assert html.count("<em>event</em> [1][2]") == 2


def test_an_open_fence_is_closed_and_keeps_its_code() -> None:
    closed = self_contained_markdown("Code:\n\n```python\nprint(1)", "ev")
    assert closed == "Code:\n\n```python\nprint(1)\n```"
    assert self_contained_markdown("````\nx\n```", "ev") == "````\nx\n```\n````"


def test_labels_move_into_the_namespace_but_code_stays_as_written() -> None:
    text = "`[1]` and [1], [t][1], [1][] and a[^1].\n\n    [1]\n\n[1]: https://e.x\n[^1]: n"
    assert self_contained_markdown(text, "ev-1") == (
        "`[1]` and [1][ev-1/1], [t][ev-1/1], [1][ev-1/1] and a[^ev-1/1].\n\n    [1]\n\n"
        "[ev-1/1]: https://e.x\n[^ev-1/1]: n"
    )


def test_what_cannot_be_kept_to_itself_becomes_literal_text() -> None:
    # Link text holding brackets defeats the label rewrite: shown as written, no link.
    text = "Bracket [a [b]][1] inside.\n\n[1]: https://evil.example"
    out = self_contained_markdown(text, "ev")
    html = markdown_to_html(out)
    assert hrefs(html) == []
    assert "Bracket [a [b]][1] inside." in html
    assert "[1]: https://evil.example" in html


def test_headings_are_demoted_but_code_is_not_touched() -> None:
    assert demote_headings("# A\n\n```\n# comment\n```\n\n> ## B\n\nC\n---\n\n---") == (
        "#### A\n\n```\n# comment\n```\n\n> ##### B\n\nC\n\\---\n\n---"
    )


# --- very long words get break opportunities (for print only) ---------------


def test_long_words_get_invisible_break_opportunities() -> None:
    from briefer.render.markdown import LONG_WORD, breakable_html

    short = "u" * LONG_WORD
    assert breakable_html(f"<p>{short}</p>") == f"<p>{short}</p>"
    html = markdown_to_html(f"[{'a' * 200}](https://e.x/{'b' * 300}) {'&' * 200}", breakable=True)
    # Attributes are untouched; text gets a break every few characters; an
    # entity is never cut.
    assert f'href="https://e.x/{"b" * 300}"' in html
    assert "a\u200b" in html
    assert "<wbr>" in html
    assert re.sub("\u200b|<wbr>", "", html) == markdown_to_html(
        f"[{'a' * 200}](https://e.x/{'b' * 300}) {'&' * 200}"
    )
    assert "&am\u200b" not in html
    assert "&amp;" * 4 in html
    # A combining accent and an emoji's joiner stay with their character.
    accents = breakable_html("e\u0301" * 200)
    assert "\u200b\u0301" not in accents
    assert "<wbr>\u0301" not in accents
    family = "\U0001f469\u200d\U0001f467" * 100
    assert "\u200d\u200b" not in breakable_html(family)
    assert "\u200b\u200d" not in breakable_html(family)
    # Nothing changes unless asked: the HTML export stays clean.
    assert "\u200b" not in markdown_to_html("x" * 500)


# --- most summaries need no rewrite, and one parse says so -------------------


def the_long_way(text: str, key: str) -> str:
    """Every summary through every rewrite, as before the one-parse shortcut."""
    text = demote_headings(text.strip())
    return _rewritten(text, namespace_for(key))


#: Lines that open, close or continue every kind of block, and text around them.
_PIECES = [
    "Plain words.",
    "*em* and **strong** and `code [1]`",
    "[link](https://e.x) and [1] and [^1] and ^[inline note]",
    "- item",
    "  continued",
    "* other item",
    "1. first",
    "3) third",
    "> quoted",
    ">",
    "---",
    "***",
    "===",
    "# heading",
    "```",
    "~~~ python",
    "    indented",
    "| a | b |",
    "|---|---|",
    "[1]: https://e.x",
    "[^1]: a note",
    "<div>",
    "<!-- open",
    "a <b>tag</b>",
    "trailing backslash\\",
    "hard break  ",
    "",
    "",
]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=8))
def test_the_shortcut_gives_what_the_long_way_gives(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert brief_summary(text, "ev") == the_long_way(text, "ev")


@pytest.mark.parametrize(
    "text",
    [
        "One paragraph.\nA second line.\n\nAnother with a [link](https://e.x) and *em*.",
        "Before.\n\nReported measures:\n\n- one\n- two\n\n1. three\n\n> quoted\n\n---",
        "- loose\n\n- list\n\n  with a second paragraph",
    ],
)
def test_plain_summaries_are_parsed_once_and_kept(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    md = parser()
    calls: list[str] = []
    parse = md.parse

    def counting(src: str, env: MutableMapping[str, Any] | None = None) -> list[Token]:
        calls.append(src)
        return parse(src, env)

    monkeypatch.setattr(md, "parse", counting)
    assert brief_summary(f"\n{text}\n", "ev") == text
    assert len(calls) == 1
    monkeypatch.undo()
    assert the_long_way(text, "ev") == text


def test_what_needs_a_rewrite_still_gets_it() -> None:
    for text in ("# Heading", "Cites [1].\n\n[1]: https://e.x", "```\nopen", "a <b>"):
        assert brief_summary(text, "ev") == the_long_way(text, "ev")
    assert brief_summary("# Heading", "ev") == "#### Heading"


def test_a_template_without_an_event_id_still_gets_a_namespace() -> None:
    # A user's template may call md_block without the id: the text names it.
    out = md_block("Cites [1].\n\n[1]: https://e.x")
    label = re.findall(r"\[1\]\[(s[0-9a-f]{12})/1\]", out)
    assert label
    assert f"[{label[0]}/1]: https://e.x" in out
    assert md_block("Cites [1].\n\n[1]: https://e.x", "Not A Slug") != out
