"""The HTML brief in a real browser: headless Chromium, driven over the DevTools protocol.

The test command installs Debian's ``chromium`` first (``tools/ensure-chromium``);
where it could not, these tests skip and say why.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chromium import Chromium, Page, find_chromium
from tests.helpers import REPO, run_cli, shared_log, write

pytestmark = pytest.mark.slow

AS_OF = "2023-11-22T09:00"
MARKING = "UNCLASSIFIED // OPEN SOURCE"


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    binary = find_chromium()
    if binary is None:
        pytest.skip(
            "no chromium here (tools/ensure-chromium installs Debian's chromium when run as "
            "root; BRIEFER_CHROMIUM names another binary)"
        )
    with Chromium(binary).running() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped log's HTML brief, and its PDF beside it."""
    out = tmp_path_factory.mktemp("browser")
    done = run_cli(
        *("render", "--format", "html,pdf", "--as-of", AS_OF, "--since", "2023-09-01"),
        *("-o", f"{out}/"),
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return out / "2023-11-22-kosovo-serbia-security-situation.html"


def _ink(png: bytes) -> float:
    """The share of a screenshot's pixels that are not white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[250:]) / (image.width * image.height)


def _open(page: Page, url: str, width: int, height: int) -> None:
    page.size(width, height)
    page.load(url)


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 900)])
def test_the_brief_in_a_browser(browser: Chromium, brief: Path, width: int, height: int) -> None:
    url = brief.as_uri()
    with browser.page() as page:
        _open(page, url, width, height)
        # Nothing fetched but the page itself; nothing complained about (a style the
        # policy refused, a script, a missing resource would all be errors here).
        assert page.requests == [url]
        assert page.errors == []
        assert page.evaluate("document.scripts.length") == 0
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("document.title") == "Kosovo–Serbia security situation"
        # No sideways scrolling, on a phone or a desktop.
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert (scroll, client) == (width, width)
        # The marking is the first thing on the screen, and what is drawn there.
        marking = page.evaluate(
            """(() => {
              const m = document.querySelector('.page-marking');
              const r = m.getBoundingClientRect();
              const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              return {text: m.innerText, top: r.top, height: r.height,
                      hit: m.contains(hit), visible: getComputedStyle(m).visibility};
            })()"""
        )
        assert marking["text"] == MARKING
        assert 0 <= marking["top"] < 40
        assert marking["height"] > 10
        assert marking["hit"] is True
        assert marking["visible"] == "visible"
        # ... and the last thing at the bottom.
        last = page.evaluate(
            "[...document.querySelectorAll('.page-marking')].map(m => m.innerText)"
        )
        assert last == [MARKING, MARKING]
        # Every chart and the map are drawn, within the column.
        charts = page.evaluate(
            "[...document.querySelectorAll('svg.chart')]"
            ".map(s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height])"
        )
        assert len(charts) == 4
        for w, h in charts:
            assert 0 < w <= width
            assert h > 0
        shot = page.screenshot()
    assert shot.startswith(b"\x89PNG")
    assert _ink(shot) > 0.03


def test_the_recorder_sees_requests_and_errors(browser: Chromium, tmp_path: Path) -> None:
    """The two checks above can fail: a page that fetches and breaks its policy is caught."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    page_file = write(
        tmp_path / "bad.html",
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        f'<title>bad</title></head><body><p style="color:red">x</p>'
        f'<img src="http://127.0.0.1:{port}/pixel.png" alt=""></body></html>',
    )
    with browser.page() as page:
        _open(page, page_file.as_uri(), 360, 740)
        assert page.requests == [page_file.as_uri(), f"http://127.0.0.1:{port}/pixel.png"]
        assert any("Content Security Policy" in e for e in page.errors), page.errors


def test_printing_from_the_browser(browser: Chromium, brief: Path) -> None:
    """Printed from a browser, the page is still the brief: marking, title, sections."""
    import base64

    from pypdf import PdfReader

    with browser.page() as page:
        _open(page, brief.as_uri(), 1280, 900)
        data = page.call("Page.printToPDF", printBackground=False)["data"]
        assert page.errors == []
    reader = PdfReader(io.BytesIO(base64.b64decode(data)))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert text.lstrip().startswith(MARKING)
    assert text.rstrip().endswith(MARKING)
    for heading in ("BOTTOM LINE UP FRONT", "DEVELOPMENTS", "WATCH LIST", "SOURCES"):
        assert heading in text
    assert 3 <= len(reader.pages) <= 20


def test_a_hostile_log_runs_nothing_and_fetches_nothing(browser: Chromium, tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", shared_log("hostile-html"))
    done = run_cli("render", "--html", "--as-of", AS_OF, "--since", "2023-11-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (html,) = (tmp_path / "reports").glob("*.html")
    with browser.page() as page:
        _open(page, html.as_uri(), 360, 740)
        assert page.requests == [html.as_uri()]
        assert page.errors == []
        assert page.evaluate("document.scripts.length") == 0
        assert (
            page.evaluate("document.querySelectorAll('iframe, img, [onload], [onerror]').length")
            == 0
        )
        assert page.evaluate("document.title") == "Hostile </title><script>alert(1)</script>"
        assert page.evaluate("document.querySelector('.page-marking').innerText") == (
            "TLP:AMBER </STYLE><SCRIPT>ALERT(2)</SCRIPT>"  # upper case by the stylesheet
        )
