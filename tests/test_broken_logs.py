"""The broken-log corpus: each file in ``tests/data/broken/`` breaks the log format one way.

A case file starts with a block of comment lines. Those of the form

    # expect: LINE:COL: error|warning: message

list, in order, every problem the loader must report for that file; the other
comment lines say what the case breaks and why. The test compares the *full*
list of reported problems (``str(problem)``) with these lines, exactly and in
order, so a case also proves that nothing else is reported. A file that is
nothing but this comment block is the "empty file" case.

Two kinds of case:

* ``broken/NAME.yaml`` — one file. Its expectations leave out the file name:
  the leading ``NAME.yaml:`` of each reported problem is removed before comparing.
* ``broken/DIR/events.yaml`` — an include case: a folder whose ``events.yaml``
  pulls in more files with ``include:``. Problems can be in any of those files,
  so *every* expectation starts with the file name relative to the folder
  (``events.yaml:11:28: …``, ``events.d/bad-date.yaml:4:11: …``) and is compared
  with ``str(problem)`` unchanged. Only the folder's ``events.yaml`` is a case;
  the files it includes carry no expectations of their own.

Every case is loaded with the working directory set to its folder and its bare
file name as the path, so messages show the relative names a user sees, with a
fixed clock (``tests.helpers.NOW``, 2026-11-22) and without the parsed-log cache.

Files that must hold exact bytes (the non-UTF-8 ones) were written from Python
and are kept byte for byte; the expect comment stays ASCII at the top.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from briefer.loader import LoadResult, load_log
from tests.helpers import MINIMAL, NOW, TEST_DATA, run_cli, write

BROKEN = TEST_DATA / "broken"
EXPECT = b"# expect: "
#: ``FILE:LINE:COL: error|warning: message``, as SPEC §2 prints every problem.
PROBLEM_LINE = re.compile(r"[^\s:][^:]*:\d+:\d+: (error|warning): \S.*")


def _cases() -> list[str]:
    """Case paths relative to ``BROKEN``: single files, then include folders' main files."""
    singles = sorted(p.name for p in BROKEN.glob("*.yaml"))
    includes = sorted(p.relative_to(BROKEN).as_posix() for p in BROKEN.glob("*/events.yaml"))
    return singles + includes


CASES = _cases()


def is_include_case(case: str) -> bool:
    """Include cases live in a folder of their own and name the file in every expectation."""
    return "/" in case


def expectations(path: Path) -> list[str]:
    """The ``# expect:`` lines of the file's leading comment block, in order."""
    out = []
    for raw in path.read_bytes().splitlines():
        if not raw.startswith(b"#"):
            break
        if raw.startswith(EXPECT):
            out.append(raw[len(EXPECT) :].decode("utf-8"))
    return out


def load(case: str, monkeypatch: pytest.MonkeyPatch) -> LoadResult:
    path = BROKEN / case
    monkeypatch.chdir(path.parent)
    return load_log(path.name, use_cache=False, now=NOW)


def reported(case: str, result: LoadResult) -> list[str]:
    """The problems as compared with the expectations (see the module docstring)."""
    lines = [str(p) for p in result.problems]
    if is_include_case(case):
        return lines
    prefix = Path(case).name + ":"
    return [line.removeprefix(prefix) if line.startswith(prefix) else line for line in lines]


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert "include-bad/events.yaml" in CASES


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_broken_log(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = expectations(BROKEN / case)
    assert expected, f"{case} states no '# expect:' line"
    result = load(case, monkeypatch)
    assert reported(case, result) == expected
    if any(p.severity == "error" for p in result.problems):
        assert result.log is None
    else:
        assert result.log is not None


def test_warning_cases_still_load(monkeypatch: pytest.MonkeyPatch) -> None:
    """A log with only warnings is usable: the warn-* cases must yield a log."""
    warn_cases = [c for c in CASES if c.startswith("warn-")]
    assert len(warn_cases) >= 4
    for case in warn_cases:
        result = load(case, monkeypatch)
        assert result.log is not None, case
        assert result.warnings, case
        assert not result.errors, case


def test_zero_byte_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A truly empty file cannot carry an expect comment, so it is made here."""
    (tmp_path / "events.yaml").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    result = load_log("events.yaml", use_cache=False, now=NOW)
    assert [str(p) for p in result.problems] == ["events.yaml:1:1: error: file is empty"]
    assert result.log is None


def test_billion_laughs_is_refused_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Aliases are refused, never expanded: the load stays linear in the file's size.

    The one timing assertion in the suite: it guards against exponential blow-up
    (10 levels of 10 aliases would be 10^10 strings), not against slowness.
    """
    monkeypatch.chdir(BROKEN)
    start = time.perf_counter()
    result = load_log("billion-laughs.yaml", use_cache=False, now=NOW)
    elapsed = time.perf_counter() - start
    assert result.log is None
    assert any("anchors and aliases are not allowed" in p.message for p in result.errors)
    assert elapsed < 0.5


def run_check(case: str, tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``briefer --log NAME check OPTIONS`` run as a user runs it, in the case's folder."""
    path = BROKEN / case
    env = {"BRIEFER_CACHE_DIR": str(tmp_path / "cache")}
    return run_cli("--log", path.name, "check", *options, cwd=path.parent, env=env, timeout=60)


# Chosen for variety and because none depends on the real clock the CLI uses:
# a date rule, a YAML syntax error, undecodable bytes, and an include folder.
CLI_CASES = [
    "bad-month.yaml",
    "yaml-unclosed-quote.yaml",
    "not-utf8-latin1.yaml",
    "include-bad/events.yaml",
]


@pytest.mark.parametrize("case", CLI_CASES, ids=CLI_CASES)
def test_check_command_reports_problems(case: str, tmp_path: Path) -> None:
    proc = run_check(case, tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines
    for line in lines:
        assert PROBLEM_LINE.fullmatch(line), line
    name = Path(case).name
    expected = expectations(BROKEN / case)
    if not is_include_case(case):
        expected = [f"{name}:{line}" for line in expected]
    assert lines == expected


def test_check_strict_fails_on_warnings(tmp_path: Path) -> None:
    case = "warn-source-never-cited.yaml"
    warning = f"{case}:{expectations(BROKEN / case)[0]}"
    lenient = run_check(case, tmp_path)
    assert (lenient.returncode, lenient.stdout, lenient.stderr.splitlines()) == (0, "", [warning])
    strict = run_check(case, tmp_path, "--strict")
    assert (strict.returncode, strict.stdout, strict.stderr.splitlines()) == (1, "", [warning])


# Files that are not files. Each runs the real CLI with a timeout, so a
# regression (a read that blocks on a pipe, a walk of the whole disk) fails
# the test instead of hanging the suite.

INCLUDING = MINIMAL + "include: [events.d/*.yaml]\n"


def check_in(folder: Path, log: str = "events.yaml") -> tuple[int, str, str]:
    """``briefer --log LOG check`` in ``folder``: (exit code, stdout, stderr)."""
    proc = run_cli("--log", log, "check", cwd=folder, timeout=30)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_as_log_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "events.yaml")
    assert check_in(tmp_path) == (
        1,
        "",
        "events.yaml: error: cannot read: not a regular file (a named pipe)\n",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_as_included_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", INCLUDING)
    write(tmp_path / "events.d" / "a.yaml", "sources: []\n")
    os.mkfifo(tmp_path / "events.d" / "b.yaml")
    assert check_in(tmp_path) == (
        1,
        "",
        "events.d/b.yaml: error: cannot read: not a regular file (a named pipe)\n",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_included_file_swapped_for_a_pipe_after_caching(tmp_path: Path) -> None:
    """The cache re-reads included files to check them: through the same guard."""
    write(tmp_path / "events.yaml", INCLUDING)
    inc = write(tmp_path / "events.d" / "a.yaml", "sources: []\n")
    assert check_in(tmp_path) == (0, "", "")  # now cached
    inc.unlink()
    os.mkfifo(inc)
    assert check_in(tmp_path) == (
        1,
        "",
        "events.d/a.yaml: error: cannot read: not a regular file (a named pipe)\n",
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_device_as_log_is_refused(tmp_path: Path) -> None:
    assert check_in(tmp_path, "/dev/zero") == (
        1,
        "",
        "/dev/zero: error: cannot read: not a regular file (a device)\n",
    )


def test_folder_as_log_is_refused(tmp_path: Path) -> None:
    (tmp_path / "events.yaml").mkdir()
    assert check_in(tmp_path) == (
        1,
        "",
        "events.yaml: error: cannot read: not a regular file (a folder)\n",
    )


def test_absolute_include_pattern_is_refused_without_walking(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", MINIMAL + 'include: ["/**/*.nomatch"]\n')
    assert check_in(tmp_path) == (
        1,
        "",
        "events.yaml:12:11: error: include pattern '/**/*.nomatch' reaches outside the"
        " log's folder; included files must be in the folder of events.yaml or below it\n",
    )


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_folder_link_loop_under_double_star(tmp_path: Path) -> None:
    """'**' never follows a folder link, so a link to a parent cannot loop."""
    write(tmp_path / "events.yaml", MINIMAL + 'include: ["**/*.yaml"]\n')
    write(tmp_path / "events.d" / "a.yaml", "sources:\n  - {id: s2, title: Two}\n")
    os.symlink("..", tmp_path / "events.d" / "up")
    os.symlink(".", tmp_path / "events.d" / "here")
    assert check_in(tmp_path) == (
        0,
        "",
        "events.d/a.yaml:2:10: warning: source 's2' is never cited\n",
    )
