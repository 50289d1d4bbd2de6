"""``briefer render`` as users run it: real processes, real files, real PDFs."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import MINIMAL, REPO, child_env, run_cli, write

AS_OF = "2023-11-22T09:00"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped project folder (the log and nothing else)."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(REPO / "events.yaml", folder / "events.yaml")
    return folder


@pytest.fixture(scope="module")
def rendered(project: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("render", "--pdf", "--as-of", AS_OF, "--since", "60d", cwd=project)


def test_render_writes_markdown_pdf_and_charts(
    project: Path, rendered: subprocess.CompletedProcess[str]
) -> None:
    assert rendered.returncode == 0, rendered.stderr
    stem = "reports/2023-11-22-kosovo-serbia-security-situation"
    assert rendered.stdout.splitlines() == [
        f"{stem}.md",
        f"{stem}-timeline.svg",
        f"{stem}-kfor-troops.svg",
        f"{stem}-us-troops-announced.svg",
        f"{stem}-map.svg",
        f"{stem}.pdf",
    ]
    assert rendered.stderr == ""
    manifest = json.loads((project / "reports" / "manifest.json").read_text())
    (record,) = manifest["reports"]
    assert record["number"] == 1
    assert record["outputs"] == rendered.stdout.splitlines()
    assert not list((project / "reports").glob(".*tmp"))


def test_pdf_content_and_layout(project: Path, rendered: subprocess.CompletedProcess[str]) -> None:
    reader = PdfReader(project / "reports" / "2023-11-22-kosovo-serbia-security-situation.pdf")
    n = len(reader.pages)
    assert n >= 3
    for i, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert text.count("UNCLASSIFIED // OPEN SOURCE") == 2, f"page {i}"
        assert f"Page {i} of {n}" in text
        assert "Kosovo–Serbia security situation" in text
    whole = "\n".join(p.extract_text() for p in reader.pages)
    for heading in (
        "BOTTOM LINE UP FRONT",
        "KEY FIGURES",
        "DEVELOPMENTS",
        "WATCH LIST",
        "BACKGROUND",
        "CHARTS",
        "SOURCES",
    ):
        assert heading in whole.upper()
    assert "in 9 days — Fri 1 Dec 2023" in whole
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Kosovo–Serbia security situation"
    assert meta.creation_date is not None
    assert meta.creation_date.isoformat().startswith("2023-11-22T09:00:00")
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "Kosovo–Serbia security situation"


def test_same_input_gives_byte_identical_files(
    project: Path, rendered: subprocess.CompletedProcess[str], tmp_path: Path
) -> None:
    again = run_cli(
        "render",
        "--pdf",
        "--as-of",
        AS_OF,
        "--since",
        "60d",
        "--output",
        f"{tmp_path}/",
        cwd=project,
    )
    assert again.returncode == 0, again.stderr
    for path in again.stdout.splitlines():
        first = project / "reports" / Path(path).name
        assert (
            hashlib.sha256(first.read_bytes()).digest()
            == hashlib.sha256(Path(path).read_bytes()).digest()
        ), path


HOSTILE = """\
briefer: 1
title: "Hostile <script>alert(1)</script> log"
timezone: UTC
marking: "<b>TLP:RED</b> & </style>"
sources:
  - {id: s, title: "<img src=file:///etc/passwd>", url: "https://example.org/?a=<b>"}
events:
  - id: evil
    date: 2023-11-21
    title: "Deadline [Q2] <iframe src=file:///etc/passwd>"
    summary: |
      <img src="file:///etc/passwd"> raw <b>html</b>

      ![x](file:///etc/passwd) ![y](https://127.0.0.1:9/track.png)
      [click](javascript:alert(1)) [local](file:///etc/passwd) [ok](https://example.org/ok)

      <link rel="attachment" href="file:///etc/hostname">
      <a rel="attachment" href="file:///etc/hostname">attach</a>
    sources: [s]
    significance: 5
"""


def test_hostile_log_cannot_reach_files_network_or_attach(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", HOSTILE)
    proc = run_cli("render", "--pdf", "--as-of", AS_OF, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    md_path, *_, pdf_path = (tmp_path / p for p in proc.stdout.splitlines())
    markdown = md_path.read_text()
    assert "\\<script\\>" in markdown
    raw = pdf_path.read_bytes()
    assert b"/EmbeddedFile" not in raw
    assert b"/FileAttachment" not in raw
    assert b"javascript" not in raw.lower()
    reader = PdfReader(pdf_path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    passwd = (
        Path("/etc/passwd").read_text().splitlines()[0]
        if Path("/etc/passwd").exists()
        else "root:x:0:0"
    )
    assert passwd not in text
    assert "Deadline [Q2] <iframe src=file:///etc/passwd>" in text.replace("\n", " ")
    assert "<b>TLP:RED</b> & </style>".upper() in text  # shown as text, in capitals by CSS
    assert "raw <b>html</b>" in text
    # the safe link survives as a link, the others do not
    links = [
        a["/A"]["/URI"]
        for page in reader.pages
        for a in (annot.get_object() for annot in page.get("/Annots", []))
        if "/A" in a and "/URI" in a["/A"]
    ]
    assert "https://example.org/ok" in links
    assert not [u for u in links if not u.startswith(("https://", "http://", "mailto:"))]


def test_template_error_is_exit_1_with_file_and_line(project: Path, tmp_path: Path) -> None:
    templates = tmp_path / "tpl"
    write(templates / "brief.md.j2", "ok\n{{ brief.title | bogus }}\n")
    proc = run_cli(
        "render",
        "--as-of",
        AS_OF,
        "--templates",
        str(templates),
        "--output",
        f"{tmp_path}/out/",
        cwd=project,
    )
    assert proc.returncode == 1
    assert proc.stderr == "briefer: error: brief.md.j2:2: No filter named 'bogus'.\n"
    # nothing but the lock, which goes where the outputs go
    assert [p.name for p in (tmp_path / "out").iterdir()] == [".briefer.lock"]


def test_disk_failure_is_exit_3(project: Path, tmp_path: Path) -> None:
    blocker = write(tmp_path / "file", "x")
    proc = run_cli("render", "--as-of", AS_OF, "--output", f"{blocker}/sub/", cwd=project)
    assert proc.returncode == 3
    assert proc.stderr == f"briefer: error: cannot create {blocker}/sub/: Not a directory\n"


def test_bad_when_is_a_usage_error(project: Path) -> None:
    proc = run_cli("render", "--as-of", "2023-13-01", cwd=project)
    assert proc.returncode == 2
    assert "month must be 1..12" in proc.stderr
    proc = run_cli("render", "--as-of", AS_OF, "--filter", "tga:x", cwd=project)
    assert proc.returncode == 1
    assert "unknown field 'tga'" in proc.stderr


def test_quiet_prints_nothing(project: Path, tmp_path: Path) -> None:
    proc = run_cli("render", "-q", "--as-of", AS_OF, "--output", f"{tmp_path}/", cwd=project)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert len(list(tmp_path.glob("*.md"))) == 1


def test_render_only_given_events(project: Path, tmp_path: Path) -> None:
    out = f"{tmp_path}/"
    ids = "banjska-attack,plates-deadline-2023"
    proc = run_cli(
        "render", "--as-of", AS_OF, "--since", "2023-09-01", "--events", ids, "--output", out,
        cwd=project,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = Path(proc.stdout.strip()).read_text()
    assert "Armed Serbs clash with Kosovo police in Banjska" in text
    # --events does not filter Key judgments, whose bases may name other events.
    rest = re.sub(r"## Key judgments\n.*?(?=\n## )", "", text, flags=re.S)
    assert "## Key judgments" in text
    assert "## Key judgments" not in rest
    assert "Stoltenberg says NATO" not in rest
    assert "Deadline for Serb motorists" in text
    bad = run_cli("render", "--events", "banjska-atack", "--output", out, cwd=project)
    assert bad.returncode == 1
    assert bad.stderr == (
        "briefer: error: --events: unknown event 'banjska-atack' (did you mean 'banjska-attack'?)\n"
    )


# --- untrusted text cannot change the brief's structure ---------------------

LONG_WORD = "W" + "x" * 2998 + "Z"
LONG_TITLE = "T" + "titleword" * 1111 + "E"  # 10,001 characters
LONG_URL = "https://example.com/" + "a" * 400 + "/end"
HOSTILE_LOG = f"""\
briefer: 1
title: Hostile log
timezone: Europe/Belgrade
metrics:
  troops: {{label: Troops, unit: personnel deployed under the multinational framework nation}}
sources:
  - id: s1
    title: First source
    url: {LONG_URL}
  - id: s2
    title: Second source
events:
  - id: newest
    date: 2023-11-20
    title: Newest event 你好
    sources: [s1]
    summary: |
      Cites [1] itself and has a note[^1].

      [1]: https://evil.example/phish
      [2]: https://evil.example/two
      [^1]: The newest event's note.

      <!-- a comment never closed
  - id: middle
    date: 2023-11-10
    title: Middle event with an open fence
    sources: [s2]
    figures: {{troops: 100}}
    summary: |
      Another note[^1] and a word {LONG_WORD} then a fence:

      [^1]: The middle event's note.

      ```
      never closed
  - id: older
    date: 2023-11-01
    title: "{LONG_TITLE}"
    sources: [s1, s2]
    figures: {{troops: 150}}
    summary: Later development text, in 한국어.
  - id: upcoming
    date: 2023-12-01
    title: Upcoming deadline
    kind: deadline
    sources: [s2]
"""


@pytest.fixture(scope="module")
def hostile_brief(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The hostile log rendered to Markdown and PDF through the CLI: (folder, stderr)."""
    folder = tmp_path_factory.mktemp("hostile-brief")
    write(folder / "events.yaml", HOSTILE_LOG)
    done = run_cli(
        "render", "--pdf", "--as-of", AS_OF, "--since", "2023-10-01", "--output", "out/", cwd=folder
    )
    assert done.returncode == 0, done.stderr
    return folder / "out", done.stderr


def _font_has(char: str) -> bool:
    """Whether fontconfig knows an installed font with a glyph for ``char``."""
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True
    )
    return bool(found.stdout.strip())


def _headings(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<(h[1-6])>(.*?)</h[1-6]>", html)


@pytest.mark.slow
@pytest.mark.parametrize("footnotes", [False, True])
def test_hostile_summaries_leave_the_markdown_brief_intact(
    hostile_brief: tuple[Path, str], footnotes: bool
) -> None:
    from markdown_it import MarkdownIt

    # Any CommonMark reader: the plain one, and the one briefer itself uses.
    md = MarkdownIt("commonmark").enable("table")
    if footnotes:
        from mdit_py_plugins.footnote import footnote_plugin

        md.use(footnote_plugin)
    text = (hostile_brief[0] / "2023-11-22-hostile-log.md").read_text(encoding="utf-8")
    html = md.render(text)
    assert [(tag, h) for tag, h in _headings(html) if tag in ("h2", "h3")] == [
        ("h2", "Bottom line up front"),
        ("h2", "Key figures"),
        ("h2", "Developments"),
        ("h3", "20 Nov 2023 — Newest event 你好"),
        ("h3", "10 Nov 2023 — Middle event with an open fence"),
        ("h3", f"1 Nov 2023 — {LONG_TITLE}"),
        ("h2", "Watch list"),
        ("h2", "Charts"),
        ("h2", "Sources"),
    ]
    assert "<p>Later development text, in 한국어.</p>" in html
    assert "<pre><code>never closed\n</code></pre>" in html
    # The summary's [1] is its own link; the brief's citations stay text.
    assert html.count('href="https://evil.example/phish"') == 1
    assert "evil.example/two" not in html
    assert "Upcoming deadline [2]</li>" in html
    assert "[1][2]" in html
    if footnotes:
        notes = html.split('<section class="footnotes">')[1]
        assert notes.index("The newest event's note.") < notes.index("The middle event's note.")


@pytest.mark.slow
def test_hostile_summaries_leave_the_pdf_brief_intact(hostile_brief: tuple[Path, str]) -> None:
    reader = PdfReader(hostile_brief[0] / "2023-11-22-hostile-log.pdf")
    # A font that got a .notdef glyph is written with two-byte codes, which
    # pypdf reads with a NUL before each character (pdftotext does not).
    pages = [page.extract_text().replace("\x00", "") for page in reader.pages]
    lines = [line for page in pages for line in page.splitlines()]
    text = "\n".join(lines)
    for heading in ("DEVELOPMENTS", "WATCH LIST", "CHARTS", "SOURCES"):
        assert heading in lines, heading
    assert "Later development text, in" in text
    assert "<!-- a comment never closed" in text
    assert "Upcoming deadline [2]" in text
    assert "never closed" in text
    # Long words, titles and URLs wrap: every character printed, no line too long.
    # (Without the page header and footer, which fall between a page's lines.)
    body = [line for line in lines if not line.startswith(("Report 1 · As of", "Page "))]
    # Only printable ASCII: list bullets (drawn after a page's text) and the
    # two-byte codes pypdf misreads would otherwise fall inside the words.
    joined = "".join(c for c in "".join(body) if c.isascii() and c.isprintable() and c != " ")
    for word in (LONG_WORD, LONG_TITLE):
        assert word in joined
    # The charts' text comes out between the URL's first line and the rest.
    url_lines = [
        line.strip() for line in lines if re.match(r"(https://example\.com/)?a+(/end)?\s*$", line)
    ]
    assert "".join(url_lines) == LONG_URL
    assert joined.count(LONG_TITLE) == 2  # bottom line up front and developments
    width = float(reader.pages[0].mediabox.width)
    assert max(len(line) for line in lines) < width / 4
    uris = [
        str(annot.get_object()["/A"]["/URI"])
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert uris.count("https://evil.example/phish") == 1
    assert LONG_URL in uris


@pytest.mark.slow
def test_characters_the_fonts_lack_are_named_with_their_event(
    hostile_brief: tuple[Path, str],
) -> None:
    expected = []
    if not _font_has("你"):
        expected.append(
            "briefer: warning: event 'newest': characters not covered by the PDF fonts: "
            "你好 (U+4F60…)"
        )
    if not _font_has("한"):
        expected.append(
            "briefer: warning: event 'older': characters not covered by the PDF fonts: "
            "한국어 (U+D55C…)"
        )
    assert hostile_brief[1].splitlines() == expected


# ---- where a render may write, and with what permissions --------------------------------


def _small_project(folder: Path) -> Path:
    write(folder / "events.yaml", MINIMAL)
    return folder


def test_reports_that_cannot_be_created_is_exit_3(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    write(project / "reports", "not a folder")
    proc = run_cli("render", "--as-of", AS_OF, cwd=project)
    assert (proc.returncode, proc.stdout) == (3, "")
    assert proc.stderr == "briefer: error: cannot create reports/: File exists\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_read_only_project_is_exit_3(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    project.chmod(0o555)
    try:
        proc = run_cli("render", "--as-of", AS_OF, cwd=project)
    finally:
        project.chmod(0o755)
    assert (proc.returncode, proc.stdout) == (3, "")
    assert proc.stderr == "briefer: error: cannot create reports/: Permission denied\n"


#: Makes ``reports/`` fail as on a read-only file system or folder, before the real CLI
#: runs (the tests may run as root, who may write anywhere).
_CANNOT_MKDIR = """
import errno, os, pathlib, sys
real = pathlib.Path.mkdir
def mkdir(self, *args, **kwargs):
    if self.name == "reports":
        code = getattr(errno, os.environ["ERRNO"])
        raise OSError(code, os.strerror(code), str(self))
    real(self, *args, **kwargs)
pathlib.Path.mkdir = mkdir
"""


@pytest.mark.parametrize(
    ("code", "message"), [("EACCES", "Permission denied"), ("EROFS", "Read-only file system")]
)
def test_a_read_only_folder_is_exit_3_with_one_line(
    tmp_path: Path, code: str, message: str
) -> None:
    project = _small_project(tmp_path / "p")
    proc = run_cli(
        "render", "--as-of", AS_OF, cwd=project, env={"ERRNO": code}, prelude=_CANNOT_MKDIR
    )
    assert (proc.returncode, proc.stdout) == (3, "")
    assert proc.stderr == f"briefer: error: cannot create reports/: {message}\n"


def test_output_elsewhere_needs_no_reports_folder(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    write(project / "reports", "not a folder")
    proc = run_cli("render", "--as-of", AS_OF, "--output", f"{tmp_path}/out/", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{tmp_path}/out/2023-11-22-test-log.md\n"
    # the lock went where the outputs went
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".briefer.lock",
        "2023-11-22-test-log.md",
    ]


_KILL_AT_FIRST_RENAME = """
import os, signal, sys
os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
"""


def test_temporaries_a_killed_render_left_in_an_output_folder_are_removed(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    out = tmp_path / "out"
    write(out / ".notes.tmp", "someone else's")
    # --no-cache: the first rename is the journal's, not a parsed-log cache entry's
    args = ["--no-cache", "render", "--as-of", AS_OF, "--output", f"{out}/"]
    killed = run_cli(*args, cwd=project, prelude=_KILL_AT_FIRST_RENAME)
    assert killed.returncode == -signal.SIGKILL
    left = sorted(p.name for p in out.glob(".*.tmp") if p.name != ".notes.tmp")
    assert len(left) == 2  # the Markdown's and the journal's
    proc = run_cli("render", "--as-of", AS_OF, "--output", f"{out}/", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".briefer.lock",
        ".notes.tmp",  # not ours: kept
        "2023-11-22-test-log.md",
    ]


def test_outputs_get_the_umask_permissions_and_keep_an_existing_mode(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    env = child_env()

    def render(umask: int, as_of: str) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "briefer", "render", "--pdf", "-q", "--as-of", as_of],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            umask=umask,
        )
        assert proc.returncode == 0, proc.stderr

    def modes() -> dict[str, int]:
        return {
            p.name: stat.S_IMODE(p.stat().st_mode)
            for p in (project / "reports").iterdir()
            if p.is_file() and not p.name.startswith(".")
        }

    render(0o022, "2023-11-20T09:00")
    assert set(modes().values()) == {0o644}
    assert {p.suffix for p in (project / "reports").iterdir()} >= {".md", ".svg", ".pdf", ".json"}
    render(0o027, "2023-11-21T09:00")
    new = {n: m for n, m in modes().items() if n.startswith("2023-11-21")}
    assert set(new.values()) == {0o640}
    assert modes()["manifest.json"] == 0o644  # replaced, it keeps its mode
    (project / "reports" / "manifest.json").chmod(0o664)
    render(0o077, "2023-11-22T09:00")
    assert modes()["manifest.json"] == 0o664


def test_a_damaged_parsed_log_cache_entry_is_a_miss(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    cache = tmp_path / "cache"
    env = {"BRIEFER_CACHE_DIR": str(cache)}
    assert run_cli("check", cwd=project, env=env).returncode == 0
    (entry,) = (cache / "logs").glob("*.pickle")  # beside it: the files' stamps
    data = entry.read_bytes()
    magic, rest = data.split(b"\n", 1)
    head, payload = rest.split(b"\n", 1)
    digest = head.split()[1]
    for length in (b"1152921504606846976", b"-5", b"99999999999999999999999"):
        entry.write_bytes(magic + b"\n" + length + b" " + digest + b"\n" + payload)
        for args in (("check",), ("render", "--as-of", AS_OF, "-q")):
            proc = run_cli(*args, cwd=project, env=env)
            assert (proc.returncode, proc.stderr) == (0, ""), (length, args)


def test_the_outputs_registry() -> None:
    from briefer.render.outputs import OUTPUTS, parse_formats

    assert [(o.name, o.suffix, o.uses_charts) for o in OUTPUTS.values()] == [
        ("md", ".md", False),
        ("html", ".html", True),
        ("pdf", ".pdf", True),
    ]
    assert list(OUTPUTS) == [o.name for o in OUTPUTS.values()]
    assert parse_formats(None) == parse_formats(None, md=True) == {"md"}
    assert parse_formats(None, pdf=True) == parse_formats("pdf, md") == {"md", "pdf"}
    assert parse_formats("pdf") == {"pdf"}
    assert parse_formats("pdf", md=True) == {"md", "pdf"}
    assert parse_formats(None, html=True) == parse_formats("html,md") == {"md", "html"}
    with pytest.raises(ValueError, match=r"^unknown output 'htm' \(choose from md, html, pdf\)$"):
        parse_formats("md,htm")
    with pytest.raises(ValueError, match=r"^an empty output name"):
        parse_formats("md,")


def test_format_md_writes_only_markdown(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    proc = run_cli("render", "--format", "md", "--as-of", AS_OF, "-o", "out/", cwd=project)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == "out/2023-11-22-test-log.md\n"
    assert sorted(p.name for p in (project / "out").iterdir()) == [
        ".briefer.lock",
        "2023-11-22-test-log.md",
    ]


def test_format_md_pdf_is_what_pdf_writes(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    written = {}
    for folder, args in (("short", ["--pdf"]), ("long", ["--format", "md,pdf"])):
        proc = run_cli("render", *args, "--as-of", AS_OF, "-o", f"{folder}/", cwd=project)
        assert (proc.returncode, proc.stderr) == (0, "")
        files = {p.name: p.read_bytes() for p in (project / folder).iterdir()}
        written[folder] = (proc.stdout.replace(f"{folder}/", ""), files)
    assert written["short"] == written["long"]
    assert {Path(n).suffix for n in written["long"][1]} == {".md", ".svg", ".pdf", ".lock"}


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    proc = run_cli("render", "--format", "md,docx", "--as-of", AS_OF, cwd=project)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "briefer: error: Invalid value for --format: unknown output 'docx' "
        "(choose from md, html, pdf) (see 'briefer render --help')\n"
    )
    assert sorted(p.name for p in project.iterdir()) == ["events.yaml"]
