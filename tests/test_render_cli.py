"""``briefer render`` as users run it: real processes, real files, real PDFs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import MINIMAL, REPO, run_cli, write

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
    assert "Stoltenberg says NATO" not in text
    assert "Deadline for Serb motorists" in text
    bad = run_cli("render", "--events", "banjska-atack", "--output", out, cwd=project)
    assert bad.returncode == 1
    assert bad.stderr == (
        "briefer: error: --events: unknown event 'banjska-atack' (did you mean 'banjska-attack'?)\n"
    )


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


#: The real CLI in a folder where making ``reports/`` fails as on a read-only file system
#: or folder (the tests may run as root, who may write anywhere).
_CANNOT_MKDIR = """
import errno, os, pathlib, sys
real = pathlib.Path.mkdir
def mkdir(self, *args, **kwargs):
    if self.name == "reports":
        code = getattr(errno, os.environ["ERRNO"])
        raise OSError(code, os.strerror(code), str(self))
    real(self, *args, **kwargs)
pathlib.Path.mkdir = mkdir
from briefer.cli import main
sys.argv = ["briefer", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    ("code", "message"), [("EACCES", "Permission denied"), ("EROFS", "Read-only file system")]
)
def test_a_read_only_folder_is_exit_3_with_one_line(
    tmp_path: Path, code: str, message: str
) -> None:
    project = _small_project(tmp_path / "p")
    env = {k: v for k, v in os.environ.items() if k != "BRIEFER_LOG"} | {"ERRNO": code}
    proc = subprocess.run(
        [sys.executable, "-c", _CANNOT_MKDIR, "render", "--as-of", AS_OF],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
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
from briefer.cli import main
sys.argv = ["briefer", *sys.argv[1:]]
main()
"""


def test_temporaries_a_killed_render_left_in_an_output_folder_are_removed(tmp_path: Path) -> None:
    project = _small_project(tmp_path / "p")
    out = tmp_path / "out"
    write(out / ".notes.tmp", "someone else's")
    env = {k: v for k, v in os.environ.items() if k != "BRIEFER_LOG"}
    # --no-cache: the first rename is the journal's, not a parsed-log cache entry's
    args = ["--no-cache", "render", "--as-of", AS_OF, "--output", f"{out}/"]
    killed = subprocess.run(
        [sys.executable, "-c", _KILL_AT_FIRST_RENAME, *args],
        cwd=project,
        env=env,
        capture_output=True,
        timeout=120,
    )
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
    env = {k: v for k, v in os.environ.items() if k != "BRIEFER_LOG"}

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
    (entry,) = (cache / "logs").iterdir()
    data = entry.read_bytes()
    magic, rest = data.split(b"\n", 1)
    head, payload = rest.split(b"\n", 1)
    digest = head.split()[1]
    for length in (b"1152921504606846976", b"-5", b"99999999999999999999999"):
        entry.write_bytes(magic + b"\n" + length + b" " + digest + b"\n" + payload)
        for args in (("check",), ("render", "--as-of", AS_OF, "-q")):
            proc = run_cli(*args, cwd=project, env=env)
            assert (proc.returncode, proc.stderr) == (0, ""), (length, args)
