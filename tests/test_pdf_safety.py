"""HTML → PDF: a hostile document cannot read local files, attach files or reach the network.

Every PDF here is really rendered by WeasyPrint and read back with pypdf.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from briefer.errors import OutputError
from briefer.render.fetch import FetchPolicy, FetchRefused, safe_fetcher
from briefer.render.pdf import PdfMetadata, write_pdf
from briefer.render.templating import PACKAGE_TEMPLATES, make_environment, render_template

CSS = PACKAGE_TEMPLATES / "brief.css"
CET = timezone(timedelta(hours=1))
CREATED = datetime(2023, 11, 22, 9, 0, tzinfo=CET)
META = PdfMetadata(
    title="Kosovo–Serbia security situation",
    author="Balkans desk",
    keywords=("Kosovo", "Serbia", "KFOR"),
    subject="Situation brief as of 22 Nov 2023",
    created=CREATED,
    generator="briefer 0.1.0",
)
CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50">'
    '<text x="10" y="30">CHART-TEXT-OK</text></svg>'
)


def secret_svg(word: str) -> str:
    """An SVG that would print ``word`` if it were ever loaded."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">'
        f'<text x="5" y="30">{word}</text></svg>'
    )


# --- a local listener that must never be called -----------------------------


class Listener:
    """A TCP server on 127.0.0.1 (ephemeral port) that records every connection."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(addr)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


# --- the hostile render -------------------------------------------------------


@dataclass
class Rendered:
    pdf: Path
    policy: FetchPolicy
    refused: tuple[str, ...]
    records: list[logging.LogRecord]
    secrets: dict[str, str]
    port: int


def all_decoded_bytes(reader: PdfReader) -> bytes:
    """Every object of the file, streams decompressed: what a reader could get out of it."""
    chunks: list[bytes] = []
    size: Any = reader.trailer["/Size"]
    for num in range(1, int(size)):
        try:
            obj = reader.get_object(num)
        except Exception:  # a free object number
            continue
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
        chunks.append(repr(obj).encode("utf-8", "replace"))
    return b"\n".join(chunks)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> Rendered:
    root = tmp_path_factory.mktemp("hostile")
    assets = root / "project" / "reports"
    assets.mkdir(parents=True)
    (assets / "chart.svg").write_text(CHART)
    # Next to the charts but not an asset type: never served.
    (assets / "brief.md").write_text("CANARY-MD-BESIDE")
    outside = root / "project"
    (outside / "secret.svg").write_text(secret_svg("CANARY-SVG-OUTSIDE"))
    (outside / "secret.css").write_text('body::before { content: "CANARY-CSS-OUTSIDE" }')
    (outside / "secret.txt").write_text("CANARY-TXT-OUTSIDE")
    # A symlink inside the assets folder pointing out of it.
    (assets / "escape.svg").symlink_to(outside / "secret.svg")
    (assets / "escape.css").symlink_to(outside / "secret.css")

    port = listener.port
    http = f"http://127.0.0.1:{port}"
    big = "data:image/png;base64," + base64.b64encode(b"\x89PNG" + b"\0" * 100_000).decode()
    secret_svg_url = (outside / "secret.svg").as_uri()
    html = f"""<!DOCTYPE html>
<html><head>
<title>hostile</title>
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="stylesheet" href="{(outside / "secret.css").as_uri()}">
<link rel="stylesheet" href="../secret.css?relative">
<link rel="stylesheet" href="escape.css">
<link rel="stylesheet" href="{http}/style.css">
<link rel="attachment" href="file:///etc/hostname" title="host">
<link rel="attachment" href="{(outside / "secret.txt").as_uri()}">
<link rel="attachment" href="brief.md">
<link rel="attachment" href="chart.svg">
<link rel="alternate attachment" href="{http}/attach.bin">
<meta name="secret" content="CANARY-META">
<style>
@import url(file:///etc/passwd);
@import url("{http}/import.css");
@font-face {{ font-family: Evil; src: url({http}/font.woff2), url(file:///etc/passwd); }}
h1 {{ background: url({http}/x.png); font-family: Evil, serif; }}
h2 {{ background-image: url(../../../../../../etc/passwd); }}
ul.list {{ list-style-image: url(ftp://127.0.0.1:{port}/x.png); }}
div.b {{ background: url({big}); }}
</style>
</head><body>
<h1>Hostile brief</h1>
<h2>Section</h2>
<p><img src="file:///etc/passwd" alt="ALT-PASSWD"></p>
<p><img src="../secret.svg?relative" alt="ALT-REL"><img src="escape.svg" alt="ALT-LINK"></p>
<p><img src="{secret_svg_url}" alt="ALT-ABS"><img src="{http}/img.png" alt="ALT-HTTP"></p>
<p><img src="https://127.0.0.1:{port}/img.png"><img src="{big}"></p>
<p><a rel="attachment" href="file:///etc/hostname">attached host</a>
<a rel="attachment" href="{(outside / "secret.txt").as_uri()}" download="x.txt">attached</a>
<a rel="attachment" href="chart.svg">attached chart</a></p>
<iframe src="file:///etc/passwd"></iframe>
<object data="{secret_svg_url}" type="image/svg+xml"></object>
<object data="{http}/object.svg"></object>
<embed src="{secret_svg_url}" type="image/svg+xml">
<embed src="{http}/embed.png">
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">
  <image href="{secret_svg_url}" width="200" height="40"/>
  <image href="{http}/svgimg.png" width="10" height="10"/>
  <use href="{secret_svg_url}#x"/>
</svg>
<div class="b">x</div>
<ul class="list"><li>item</li></ul>
<p><img src="chart.svg" alt="ALT-CHART"></p>
</body></html>"""
    logger = logging.getLogger("briefer.pdf")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(logging.DEBUG)
    logger.addHandler(keep)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    policy = FetchPolicy(roots=(assets, CSS.parent))
    try:
        target = root / "out.pdf"
        refused = write_pdf(
            html, target, assets_dir=assets, metadata=META, stylesheets=[CSS], policy=policy
        )
    finally:
        logger.removeHandler(keep)
        logger.setLevel(old_level)
    secrets = {
        "passwd": Path("/etc/passwd").read_text(),
        "hostname": Path("/etc/hostname").read_text().strip()
        if Path("/etc/hostname").exists()
        else "",
    }
    return Rendered(target, policy, refused, records, secrets, port)


def test_hostile_document_still_renders(hostile: Rendered) -> None:
    reader = PdfReader(hostile.pdf)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Hostile brief" in text
    # The one legitimate asset is served and drawn.
    assert "CHART-TEXT-OK" in text
    assert (hostile.pdf.parent / "project" / "reports" / "chart.svg").as_uri() not in (
        hostile.refused
    )


def test_no_embedded_files_or_attachment_annotations(hostile: Rendered) -> None:
    reader = PdfReader(hostile.pdf)
    root: Any = reader.trailer["/Root"]
    names = root.get("/Names")
    assert names is None or "/EmbeddedFiles" not in names
    assert "/AF" not in root
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            assert annot.get("/Subtype") != "/FileAttachment"
            assert "/FS" not in annot
    assert reader.attachments == {}
    decoded = all_decoded_bytes(reader)
    assert b"/EmbeddedFile" not in decoded
    assert b"/Filespec" not in decoded


def test_no_local_file_content_anywhere(hostile: Rendered) -> None:
    reader = PdfReader(hostile.pdf)
    text = "".join(page.extract_text() for page in reader.pages)
    raw = hostile.pdf.read_bytes()
    decoded = all_decoded_bytes(reader)
    canaries = [
        "CANARY-SVG-OUTSIDE",
        "CANARY-CSS-OUTSIDE",
        "CANARY-TXT-OUTSIDE",
        "CANARY-MD-BESIDE",
        "CANARY-META",
    ]
    for line in hostile.secrets["passwd"].splitlines()[:3]:
        canaries.append(line)
    if len(hostile.secrets["hostname"]) >= 4:
        canaries.append(hostile.secrets["hostname"])
    for canary in canaries:
        assert canary not in text, canary
        assert canary.encode() not in raw, canary
        assert canary.encode() not in decoded, canary


def test_fetcher_was_asked_and_refused(hostile: Rendered) -> None:
    http = f"http://127.0.0.1:{hostile.port}"
    refused = set(hostile.refused)
    assert refused == {url for url, _ in hostile.policy.refused}
    for url in [
        "file:///etc/passwd",
        f"{http}/style.css",
        f"{http}/import.css",
        f"{http}/x.png",
        f"{http}/img.png",
        f"https://127.0.0.1:{hostile.port}/img.png",
        f"{http}/svgimg.png",
        f"ftp://127.0.0.1:{hostile.port}/x.png",
    ]:
        assert url in hostile.policy.asked, url
        assert url in refused, url
    reasons = dict(hostile.policy.refused)
    assert reasons["file:///etc/passwd"] == "outside the assets folder"
    assert reasons[f"{http}/x.png"] == "scheme 'http' is not allowed"
    # Relative escapes and the symlinks resolve outside the folder and are refused.
    escapes = [u for u in refused if "/secret." in u]
    assert sorted(u.rsplit("/", 1)[1] for u in escapes) == [
        "secret.css",
        "secret.css?relative",
        "secret.svg",
        "secret.svg?relative",
    ]
    assert {reasons[u] for u in escapes} == {"outside the assets folder"}
    assert any(u.endswith("/escape.svg") for u in refused)
    assert any(u.endswith("/escape.css") for u in refused)
    assert any(u.startswith("data:image/png") and "longer than" in r for u, r in reasons.items())


def test_refusals_are_warnings_and_weasyprint_stays_quiet(hostile: Rendered) -> None:
    warnings = [r for r in hostile.records if r.levelno == logging.WARNING]
    assert any("file:///etc/passwd" in r.getMessage() for r in warnings)
    assert all(len(r.getMessage()) < 300 for r in warnings)
    # WeasyPrint's own complaints are kept, at debug level, under briefer.pdf.
    assert any(r.levelno == logging.DEBUG for r in hostile.records)
    assert logging.getLogger("weasyprint").propagate


def test_no_network_connection(hostile: Rendered, listener: Listener) -> None:
    # The listener accepts for the module's lifetime; give a late connect a moment.
    threading.Event().wait(0.1)
    assert listener.connections == []


# --- the fetcher on its own ---------------------------------------------------


def test_fetch_policy(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "ok.svg").write_text(CHART)
    (assets / "sub").mkdir()
    (assets / "sub" / "ok.png").write_bytes(b"\x89PNG")
    (assets / "notes.yaml").write_text("x")
    (assets / "README").write_text("x")
    (tmp_path / "out.svg").write_text(CHART)
    (assets / "link.svg").symlink_to(tmp_path / "out.svg")
    (assets / "inner.svg").symlink_to(assets / "ok.svg")
    policy = FetchPolicy(roots=(assets,))

    assert policy.load((assets / "ok.svg").as_uri()) == (CHART.encode(), "image/svg+xml")
    assert policy.load((assets / "sub" / "ok.png").as_uri())[1] == "image/png"
    assert policy.load((assets / "inner.svg").as_uri())[1] == "image/svg+xml"
    assert policy.load((assets / "ok.svg").as_uri() + "?x=1#f")[1] == "image/svg+xml"
    small = "data:image/png;base64," + base64.b64encode(b"\x89PNG").decode()
    assert policy.load(small) == (b"\x89PNG", "image/png")
    assert policy.load("data:image/svg+xml,%3Csvg%2F%3E") == (b"<svg/>", "image/svg+xml")

    refused = {
        (tmp_path / "out.svg").as_uri(): "outside the assets folder",
        (assets / "link.svg").as_uri(): "outside the assets folder",
        assets.as_uri() + "/../out.svg": "outside the assets folder",
        assets.as_uri() + "/sub/../../out.svg": "outside the assets folder",
        (assets / "notes.yaml").as_uri(): "file type '.yaml' is not an asset",
        (assets / "README").as_uri(): "file type '' is not an asset",
        (assets / "missing.svg").as_uri(): "not found",
        assets.as_uri() + "/ok.svg%00.png": "not found",
        assets.as_uri(): "not a file",
        (assets / "sub").as_uri() + "/": "not a file",
        "file://evil.example/etc/passwd": "remote file host 'evil.example'",
        "http://127.0.0.1:9/x.png": "scheme 'http' is not allowed",
        "https://example.org/x.png": "scheme 'https' is not allowed",
        "ftp://example.org/x.png": "scheme 'ftp' is not allowed",
        "gopher://example.org/": "scheme 'gopher' is not allowed",
        "javascript:alert(1)": "scheme 'javascript' is not allowed",
        "data:text/html,<b>x</b>": "data: URL of type 'text/html'",
        "data:text/css,body{}": "data: URL of type 'text/css'",
        "data:,hello": "data: URL of type 'text/plain'",
        "data:image/png;base64": "malformed data: URL",
        "data:image/png," + "A" * 70_000: "data: URL longer than 65536 characters",
    }
    for url, reason in refused.items():
        with pytest.raises(FetchRefused, match="^" + reason.replace("(", r"\(") + "$"):
            policy.load(url)
    assert [u for u, _ in policy.refused] == list(refused)


def test_safe_fetcher_never_connects(listener: Listener) -> None:
    fetcher = safe_fetcher(FetchPolicy(roots=()))
    for url in (
        f"http://127.0.0.1:{listener.port}/",
        f"https://127.0.0.1:{listener.port}/",
        f"ftp://127.0.0.1:{listener.port}/",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
        with pytest.raises(FetchRefused):
            fetcher(url)
    # Even the inherited urllib path (which SafeFetcher never uses) allows no protocol.
    base: Any = type(fetcher).__mro__[1]
    with pytest.raises(ValueError, match="disallowed protocol"):
        base.fetch(fetcher, f"http://127.0.0.1:{listener.port}/")
    threading.Event().wait(0.1)
    assert listener.connections == []


def test_safe_fetcher_is_a_weasyprint_url_fetcher() -> None:
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    import briefer.render.fetch as fetch

    assert issubclass(fetch.SafeFetcher, URLFetcher)


# --- layout, metadata, determinism -------------------------------------------


def long_document(marking: str = "UNCLASSIFIED // OPEN SOURCE") -> str:
    """brief.html.j2 around a body long enough for several pages."""
    body = ["<h1>Kosovo–Serbia security situation</h1>", "<p>Intro.</p>"]
    for section in ("Bottom line up front", "Developments", "Sources"):
        body.append(f"<h2>{section}</h2>")
        for i in range(6):
            body.append(f"<h3>Event {section[0]}{i}</h3>")
            body.append("<p>" + "Words of the summary go here. " * 40 + "</p>")
            body.append("<h4>Demoted summary heading</h4>")
    from markupsafe import Markup

    return render_template(
        make_environment(),
        "brief.html.j2",
        body=Markup("\n".join(body)),
        title=META.title,
        marking=marking,
        as_of="Wed 22 Nov 2023 09:00 CET",
        as_of_utc="Wed 22 Nov 2023 08:00 UTC",
        report_number=12,
        generator="briefer 0.1.0",
        lang="en",
        meta=META,
    )


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("paged")
    target = folder / "brief.pdf"
    write_pdf(long_document(), target, assets_dir=folder, metadata=META, stylesheets=[CSS])
    return target


def test_metadata(paged: Path) -> None:
    reader = PdfReader(paged)
    info: Any = reader.metadata
    assert info is not None
    assert info.title == "Kosovo–Serbia security situation"
    assert info.author == "Balkans desk"
    assert info.subject == "Situation brief as of 22 Nov 2023"
    assert info["/Keywords"] == "Kosovo, Serbia, KFOR"
    assert info.creator == "briefer 0.1.0"
    assert info.producer is not None
    assert info.producer.startswith("WeasyPrint ")
    assert info.creation_date == CREATED
    assert info.modification_date == CREATED
    trailer: Any = reader.trailer
    assert trailer["/Root"]["/Lang"] == "en"
    assert len(trailer["/ID"]) == 2


def outline_titles(outline: list[Any], depth: int = 0) -> list[tuple[int, str]]:
    titles: list[tuple[int, str]] = []
    for item in outline:
        if isinstance(item, list):
            titles.extend(outline_titles(item, depth + 1))
        else:
            titles.append((depth, item.title))
    return titles


def test_bookmarks_from_h1_h2_h3(paged: Path) -> None:
    titles = outline_titles(PdfReader(paged).outline)
    assert titles[:4] == [
        (0, "Kosovo–Serbia security situation"),
        (1, "Bottom line up front"),
        (2, "Event B0"),
        (2, "Event B1"),
    ]
    assert (1, "Developments") in titles
    assert (1, "Sources") in titles
    assert len(titles) == 1 + 3 + 18
    assert not any("Demoted" in title for _, title in titles)


def test_page_x_of_y_and_marking_on_every_page(paged: Path) -> None:
    reader = PdfReader(paged)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert text.count("UNCLASSIFIED // OPEN SOURCE") == 2, number  # top and bottom
        assert "Kosovo–Serbia security situation" in text
        assert "As of Wed 22 Nov 2023 09:00 CET" in text
        assert "briefer 0.1.0" in text


def test_marking_and_title_are_text_not_markup(tmp_path: Path) -> None:
    from markupsafe import Markup

    hostile = 'TLP:RED</div><img src="file:///etc/passwd"> "; } @page { content: "x'
    html = render_template(
        make_environment(),
        "brief.html.j2",
        body=Markup("<p>Body.</p>"),
        title="<b>Title</b>",
        marking=hostile,
        as_of="now",
        as_of_utc="now",
        report_number=None,
        generator="briefer 0.1.0",
        lang="en",
        meta=META,
    )
    assert "<b>Title</b>" not in html
    assert "<img" not in html
    policy = FetchPolicy(roots=(tmp_path,))
    write_pdf(html, tmp_path / "m.pdf", assets_dir=tmp_path, metadata=META, policy=policy)
    text = PdfReader(tmp_path / "m.pdf").pages[0].extract_text()
    assert text.count(hostile) == 2
    assert "<b>Title</b>" in text
    assert policy.asked == []


def _harfbuzz_subset_available() -> bool:
    from weasyprint.pdf import fonts  # type: ignore[import-untyped]

    return bool(fonts.harfbuzz_subset)


@pytest.fixture(params=["fonttools", "harfbuzz"])
def subsetter(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each font subsetter WeasyPrint may use, forced.

    WeasyPrint takes HarfBuzz's subsetter when Debian's ``libharfbuzz-subset0``
    is present and fontTools otherwise (a fresh machine). fontTools stamps the
    clock into each font's ``head`` table, so the fontTools path is forced even
    where HarfBuzz is installed: a regression must fail on every machine.
    """
    from weasyprint.pdf import fonts

    if request.param == "fonttools":
        monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    elif not _harfbuzz_subset_available():
        pytest.skip("HarfBuzz-subset is not installed here (Debian's libharfbuzz-subset0)")
    return str(request.param)


def test_deterministic_bytes_whatever_the_subsetter(
    tmp_path: Path, subsetter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    html = long_document()
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    real_time = time.time
    write_pdf(html, first, assets_dir=tmp_path, metadata=META, stylesheets=[CSS])
    # The second render happens "a day later": any clock reading that reaches
    # the bytes (fontTools' head.modified did) shows up as a difference.
    monkeypatch.setattr(time, "time", lambda: real_time() + 86_400)
    write_pdf(html, second, assets_dir=tmp_path, metadata=META, stylesheets=[CSS])
    monkeypatch.setattr(time, "time", real_time)
    assert first.read_bytes() == second.read_bytes(), subsetter
    assert "SOURCE_DATE_EPOCH" not in os.environ  # put back as it was


def test_deterministic_bytes(tmp_path: Path) -> None:
    (tmp_path / "chart.svg").write_text(CHART)
    html = long_document() + '<p><img src="chart.svg"></p>'
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for target in (first, second):
        write_pdf(html, target, assets_dir=tmp_path, metadata=META, stylesheets=[CSS])
    assert first.read_bytes() == second.read_bytes()
    # And in a fresh interpreter with another hash seed (set and dict order).
    html_file = tmp_path / "doc.html"
    html_file.write_text(html, encoding="utf-8")
    third = tmp_path / "c.pdf"
    script = (
        "import sys; from pathlib import Path; from tests.test_pdf_safety import META, CSS; "
        "from briefer.render.pdf import write_pdf; "
        "write_pdf(Path(sys.argv[1]).read_text('utf-8'), Path(sys.argv[2]), "
        "assets_dir=Path(sys.argv[3]), metadata=META, stylesheets=[CSS])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", script, str(html_file), str(third), str(tmp_path)],
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        timeout=60,
    )
    assert (
        hashlib.sha256(third.read_bytes()).digest() == hashlib.sha256(first.read_bytes()).digest()
    )


def test_the_cycle_collector_is_eased_while_printing_and_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from briefer.render.pdf import _import_weasyprint

    weasyprint = _import_weasyprint()
    seen: list[tuple[tuple[int, int, int], int]] = []
    render = weasyprint.HTML.render

    def watched(self: object, *args: object, **kwargs: object) -> object:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", watched)
    gc.unfreeze()  # as a fresh process: nothing frozen (a browser test may have frozen some)
    before = gc.get_threshold()
    write_pdf("<p>x</p>", tmp_path / "a.pdf", assets_dir=tmp_path, metadata=META)
    # While WeasyPrint works, what existed before is frozen and collections are rare ...
    ((thresholds, frozen),) = seen
    assert thresholds[0] > before[0]
    assert frozen > 0
    # ... and afterwards, even after a failure, everything is as it was.
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)
    with pytest.raises(OutputError):
        write_pdf("<p>x</p>", tmp_path / "no" / "b.pdf", assets_dir=tmp_path, metadata=META)
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, 0)
    # A process that froze objects of its own (the browser does) keeps them frozen.
    gc.freeze()
    mine = gc.get_freeze_count()
    write_pdf("<p>x</p>", tmp_path / "c.pdf", assets_dir=tmp_path, metadata=META)
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, mine)
    gc.unfreeze()


def test_metadata_needs_an_aware_date() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        PdfMetadata("t", "a", (), "s", datetime(2023, 11, 22), "g")


# --- failures -----------------------------------------------------------------


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "brief.pdf"
    with pytest.raises(OutputError) as info:
        write_pdf("<p>x</p>", target, assets_dir=tmp_path, metadata=META)
    assert info.value.exit_code == 3
    assert str(target) in info.value.format_message()
    assert "\n" not in info.value.format_message()
    assert not target.exists()


def test_target_is_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    target.mkdir()
    with pytest.raises(OutputError) as info:
        write_pdf("<p>x</p>", target, assets_dir=tmp_path, metadata=META)
    assert info.value.exit_code == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.pdf"]
    assert target.is_dir()


def test_engine_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint  # type: ignore[import-untyped]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("layout exploded\nwith a second line")

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", broken)
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"previous brief")
    with pytest.raises(OutputError) as info:
        write_pdf("<p>x</p>", target, assets_dir=tmp_path, metadata=META)
    assert info.value.exit_code == 3
    assert info.value.format_message().endswith("layout exploded with a second line")
    # The previous file is untouched and no temporary file is left beside it.
    assert target.read_bytes() == b"previous brief"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.pdf"]


def test_missing_stylesheet_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write PDF"):
        write_pdf(
            "<p>x</p>",
            tmp_path / "b.pdf",
            assets_dir=tmp_path,
            metadata=META,
            stylesheets=[tmp_path / "missing.css"],
        )
    assert list(tmp_path.iterdir()) == []


def test_an_attachment_that_slips_through_fails_the_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the first layer (stripping rel=attachment) gone, the finisher still
    # refuses to write a PDF that embeds a file, even one from the assets folder.
    import briefer.render.pdf as pdf

    monkeypatch.setattr(pdf, "_strip_attachments", lambda root: None)
    (tmp_path / "chart.svg").write_text(CHART)
    target = tmp_path / "brief.pdf"
    with pytest.raises(OutputError, match="embedded file"):
        write_pdf(
            '<p><a rel="attachment" href="chart.svg">chart</a></p>',
            target,
            assets_dir=tmp_path,
            metadata=META,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.svg"]


# --- what the fonts cannot show, and what does not fit a line ---------------


def test_characters_no_font_has_are_reported(tmp_path: Path) -> None:
    from briefer.render.glyphs import uncovered_warnings

    html = "<p>Plain Ωλ text, then 你好 and 한국어, 你 again, and an emoji 🙂.</p>"
    uncovered: list[str] = []
    write_pdf(html, tmp_path / "a.pdf", assets_dir=tmp_path, metadata=META, uncovered=uncovered)
    # This machine's fonts are Debian's DejaVu: no Han, no Hangul, no U+1F642.
    # Where a CJK or emoji font is installed these are shown, and not reported.
    assert set(uncovered) <= set("你好한국어🙂")
    assert not set("Plain Ωλ text") & set(uncovered)
    assert len(uncovered) == len(set(uncovered))
    texts = [("event 'hello'", "Title 你好\nsummary"), ("event 'korea'", "한국어")]
    assert uncovered_warnings(["你", "好", "한", "국", "어", "🙂"], texts) == [
        "event 'hello': characters not covered by the PDF fonts: 你好 (U+4F60…)",
        "event 'korea': characters not covered by the PDF fonts: 한국어 (U+D55C…)",
        "characters not covered by the PDF fonts: 🙂 (U+1F642)",
    ]
    assert uncovered_warnings([], texts) == []


def test_fontless_characters_do_not_break_determinism(
    tmp_path: Path, subsetter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    html = long_document() + "<p>你好 한국어 🙂 " + "x" * 3000 + "</p>"
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for target in (first, second):
        write_pdf(html, target, assets_dir=tmp_path, metadata=META, stylesheets=[CSS])
    assert first.read_bytes() == second.read_bytes(), subsetter


def _runs(reader: PdfReader, char: str) -> list[int]:
    """Lengths of the runs of ``char`` on every extracted line of every page."""
    runs: list[int] = []
    for page in reader.pages:
        for line in page.extract_text().splitlines():
            runs += [len(r) for r in line.replace(".", " ").split() if set(r) == {char}]
    return runs


@pytest.mark.slow
def test_long_words_wrap_inside_the_page(tmp_path: Path) -> None:
    """Every character printed, on lines that fit; a few seconds (WeasyPrint's line breaking)."""
    from briefer.render.markdown import markdown_to_html

    word = "q" * 3000
    url = "https://example.com/" + "z" * 600
    markdown = (
        f"# {'h' * 2000}\n\nA word: {word}.\n\n1. <{url}>\n\n"
        f"| {'k' * 1000} | v |\n|---|---|\n| a | b |\n\n```\n{'p' * 500}\n```\n"
    )
    html = markdown_to_html(markdown, breakable=True)
    target = tmp_path / "long.pdf"
    write_pdf(html, target, assets_dir=tmp_path, metadata=META, stylesheets=[CSS])
    reader = PdfReader(target)
    width = float(reader.pages[0].mediabox.width)
    for char, total in (("q", 3000), ("h", 2000), ("k", 1000), ("p", 500)):
        runs = _runs(reader, char)
        # Every character is printed, on lines short enough for the page:
        # 8.5 pt characters are at least 4 pt wide, so a line holds < 150.
        assert sum(runs) == total, char
        assert max(runs) < width / 4, char
    text = "".join("".join(p.extract_text().split()) for p in reader.pages)
    assert url in text
    assert "\u200b" not in text
