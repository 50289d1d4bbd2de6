"""The HTML brief (SPEC §9): one self-contained page, the PDF's content, safe from the log's text.

What a browser makes of it is in ``test_html_browser.py``; here the file itself.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefer.errors import OutputError
from briefer.render.inline_svg import inline_svg
from tests.helpers import REPO, run_cli, shared_log, write

AS_OF = "2023-11-22T09:00"
STEM = "2023-11-22-kosovo-serbia-security-situation"


class Page(HTMLParser):
    """Every start tag with its attributes, the headings and the body's text, in order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.text: list[str] = []
        self.style = ""
        self._heading: int | None = None
        self._in_style = False
        self._in_body = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
            self.headings.append((self._heading, ""))
        self._in_style = tag == "style"
        self._in_body = self._in_body or tag == "body"

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = None
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
            return
        if self._in_body:
            self.text.append(data)
        if self._heading is not None:
            level, before = self.headings[-1]
            self.headings[-1] = (level, before + data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped log's brief as Markdown and HTML (and its charts), through the CLI."""
    out = tmp_path_factory.mktemp("html")
    done = run_cli("render", "--html", "--as-of", AS_OF, "--since", "2023-09-01", "-o", f"{out}/")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.splitlines()[0].endswith(f"{STEM}.md")
    assert done.stdout.splitlines()[-1].endswith(f"{STEM}.html")
    return out / f"{STEM}.html"


def test_one_page_that_loads_nothing(shipped: Path) -> None:
    text = shipped.read_text(encoding="utf-8")
    page = Page(text)
    names = {name for name, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    assert not names & {"image", "foreignobject", "use"}  # nothing an SVG could fetch with
    for name, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")], name
        for key in ("src", "srcset", "action", "xlink:href", "poster", "data"):
            assert key not in attrs, (name, key)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("https://", "http://", "mailto:", "#")), href
    assert "url(" not in page.style
    assert "@import" not in page.style
    # The policy: nothing at all but the page's own style, allowed by its hash.
    (policy,) = [
        a["content"] for a in page.named("meta") if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy is not None
    rules = dict(r.strip().split(" ", 1) for r in policy.split(";"))
    assert rules["default-src"] == "'none'"
    assert rules["base-uri"] == "'none'"
    digest = base64.b64encode(hashlib.sha256(page.style.encode()).digest()).decode()
    assert rules["style-src"].split()[0] == f"'sha256-{digest}'"
    # Only the table alignments markdown-it writes as style attributes are allowed besides.
    styles = {str(a["style"]) for _, a in page.tags if "style" in a}
    assert styles == {"text-align:right"}
    allowed = rules["style-src"].split()[2:]
    assert allowed == [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in sorted(styles)
    ]
    assert page.named("html") == [{"lang": "en"}]
    assert "width=device-width, initial-scale=1" in [a.get("content") for a in page.named("meta")]
    assert "@media print" in page.style


def test_the_pdfs_content_in_the_pdfs_order(shipped: Path) -> None:
    page = Page(shipped.read_text(encoding="utf-8"))
    words = " ".join("".join(page.text).split())
    # The marking first and last; between them the running lines only PDF pages show.
    assert words.startswith("UNCLASSIFIED // OPEN SOURCEReport 1 · As of")
    assert re.search(r"input sha256:[0-9a-f]{16} briefer \S+UNCLASSIFIED // OPEN SOURCE\Z", words)
    assert page.headings[:1] == [(1, "Kosovo–Serbia security situation")]
    sections = [h for level, h in page.headings if level == 2]
    assert sections == [
        "Bottom line up front",
        "Key judgments",
        "Key figures",
        "Map",
        "Developments",
        "Watch list",
        "Indicators",
        "Background",
        "Charts",
        "Sources",
    ]
    # Headings go down one level at a time: h1, then h2s, with h3s (events) under them.
    levels = [level for level, _ in page.headings]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    # Every chart and the map are drawn in the page, each with its title, and numbered
    # sources close it.
    svgs = page.named("svg")
    assert [a.get("class") for a in svgs] == ["chart"] * 4
    charts = sorted(p.name for p in shipped.parent.glob("*.svg"))
    assert len(charts) == 4
    assert any(name.endswith("-map.svg") for name in charts)
    assert "Map of the period's developments" in words
    assert "Events by kind" in words
    assert "KFOR troops in Kosovo" in words
    ol = words.rsplit("Sources", 1)[1]
    assert "1. " not in ol  # numbers come from <ol>, not from text
    assert len(page.named("li")) > 15


def test_the_body_is_the_one_the_pdf_prints() -> None:
    """One body for both: the HTML brief's, with its charts as files again, is the PDF's."""
    import dataclasses

    from briefer.brief import build_brief
    from briefer.render.outputs import Composed
    from briefer.render.outputs.html import html_brief
    from briefer.render.outputs.pdf import printable_brief
    from briefer.render.pipeline import _chart_files
    from briefer.render.templating import make_environment, render_template
    from tests.helpers import load_valid

    log = load_valid(REPO / "events.yaml")
    ctx = build_brief(
        log,
        as_of=1700640000,
        period_start=1693526400,
        input_hash="sha256:test",
        generator="briefer test",
        report_number=4,
    )
    charts = _chart_files(ctx, "b")
    ctx = dataclasses.replace(ctx, charts=tuple((n, t) for n, t, _ in charts))
    env = make_environment()
    markdown = render_template(env, "brief.md.j2", brief=ctx)
    page = html_brief(Composed(ctx, markdown, tuple(charts), env, "brief"))
    printed = printable_brief(ctx, markdown, [n for n, _, _ in charts], env).html

    def main(text: str) -> str:
        return text.split('<main class="brief">', 1)[1].split("</main>", 1)[0]

    titles = {title: name for name, title, _ in charts}
    body = re.sub(
        r'<svg class="chart" .*?</svg>',
        lambda m: '<img class="chart" src="{}" alt="{}">'.format(
            titles[html.unescape(re.search(r"<title>(.*?)</title>", m.group()).group(1))],  # type: ignore[union-attr]
            re.search(r"<title>(.*?)</title>", m.group()).group(1),  # type: ignore[union-attr]
        ),
        main(page),
        flags=re.DOTALL,
    )
    assert len(charts) == 3
    assert body == main(printed)
    assert main(page) != main(printed)


def test_byte_identical_across_runs(shipped: Path, tmp_path: Path) -> None:
    again = run_cli(
        *("render", "--format", "html", "--as-of", AS_OF),
        *("--since", "2023-09-01", "-o", f"{tmp_path}/"),
    )
    assert again.returncode == 0, again.stderr
    assert (tmp_path / shipped.name).read_bytes() == shipped.read_bytes()
    assert not (tmp_path / f"{STEM}.md").exists()  # --format html alone writes no Markdown


def test_md_html_does_not_load_the_pdf_engine(tmp_path: Path) -> None:
    done = run_cli(
        "render",
        "--format",
        "md,html",
        "--as-of",
        AS_OF,
        "-o",
        f"{tmp_path}/",
        prelude=(
            "import atexit, sys\n"
            "def said():\n"
            "    print('engine:', 'weasyprint' in sys.modules, file=sys.stderr)\n"
            "atexit.register(said)\n"
        ),
    )
    assert done.returncode == 0
    assert done.stderr == "engine: False\n"
    assert (tmp_path / f"{STEM}.html").is_file()


HOSTILE = shared_log("hostile-html")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("hostile-html")
    write(folder / "events.yaml", HOSTILE)
    done = run_cli("render", "--html", "--as-of", AS_OF, "--since", "2023-11-01", cwd=folder)
    assert done.returncode == 0, done.stderr
    return (folder / "reports" / "2023-11-22-hostile-title-script-alert-1-script.html").read_text(
        encoding="utf-8"
    )


def test_hostile_text_stays_text(hostile: str) -> None:
    page = Page(hostile)
    names = [name for name, _ in page.tags]
    assert "script" not in names
    assert "iframe" not in names
    assert "img" not in names
    assert names.count("svg") == 1  # the timeline chart, not the title's <svg onload>
    assert page.named("title")[0] == {}
    assert page.named("svg")[0]["class"] == "chart"
    for name, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")], name
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("https://", "#")), href
    hrefs = [a.get("href") for a in page.named("a")]
    assert "https://fine.example/" in hrefs
    assert "https://evil.example/citation" not in hrefs  # the brief's [1] stays a citation
    assert "https://evil.example/pixel.png" in hrefs  # an image becomes a link, never fetched
    words = "".join(page.text)
    assert html.unescape(hostile).count("<title>Hostile </title><script>alert(1)</script></title>")
    assert "<svg onload=alert(4)> & [link](javascript:alert(5))" in words
    assert "Raw <script>alert(6)</script>" in words
    assert words.count("TLP:AMBER </style><script>alert(2)</script>") == 2
    # The style element holds the stylesheets alone: the marking never reaches it.
    assert "alert" not in page.style


# --- the figures put inside the page ------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'


def test_inline_svg_prefixes_ids_and_references() -> None:
    svg = (
        SVG + '<defs><clipPath id="clip"><rect width="5" height="5"/></clipPath></defs>'
        '<g clip-path="url(#clip)"><use href="#dot"/></g><circle id="dot" r="1"/></svg>'
    )
    out = inline_svg('<?xml version="1.0"?>\n' + svg, "x-map.svg")
    assert out.startswith('<svg class="chart" xmlns=')
    assert 'id="x-map-clip"' in out
    assert "url(#x-map-clip)" in out
    assert 'href="#x-map-dot"' in out
    assert 'id="x-map-dot"' in out


@pytest.mark.parametrize(
    ("inner", "why"),
    [
        ("<script>alert(1)</script>", "element <{http://www.w3.org/2000/svg}script>"),
        ("<foreignObject><p>x</p></foreignObject>", "foreignObject"),
        ('<image href="https://evil.example/x.png"/>', "element"),
        ('<rect onclick="alert(1)"/>', "attribute 'onclick'"),
        ('<rect style="fill:red"/>', "attribute 'style'"),
        ('<use href="https://evil.example/a.svg#x"/>', "a link out of the figure"),
        ('<rect fill="url(https://evil.example/p)"/>', "a URL in attribute 'fill'"),
        ("<!-- -->", "markup declarations"),
        ("<rect>", "not well-formed"),
    ],
)
def test_inline_svg_refuses_anything_but_drawing(inner: str, why: str) -> None:
    with pytest.raises(OutputError, match=re.escape(why)):
        inline_svg(SVG + inner + "</svg>", "chart.svg")
