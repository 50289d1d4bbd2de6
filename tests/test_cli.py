"""The command line, run as users run it: a real process, real exit codes, real streams."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer import __version__
from tests.helpers import MINIMAL, REPO, log_file, run_cli, tmux_session, wait_for_text, write


def test_check_shipped_log_is_silent() -> None:
    proc = run_cli("check", "--strict")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_check_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    write(
        tmp_path / "events.yaml",
        MINIMAL.replace("date: 2023-09-24", "date: 2023-13-24").replace(
            "title: Something", "titel: Something"
        ),
    )
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "events.yaml:8:5: error: event 'first': missing required key 'title'",
        "events.yaml:9:11: error: event 'first': date '2023-13-24': month must be 1..12",
        "events.yaml:10:5: error: event 'first': unknown key 'titel' (did you mean 'title'?)",
    ]


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", MINIMAL.replace("    sources: [s1]\n", ""))
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == [
        "events.yaml:5:9: warning: source 's1' is never cited",
        "events.yaml:8:9: warning: event 'first' cites no source",
    ]
    assert run_cli("check", "--strict", cwd=tmp_path).returncode == 1


def test_log_path_from_option_and_environment(tmp_path: Path) -> None:
    log = write(tmp_path / "other.yaml", MINIMAL)
    assert run_cli("--log", str(log), "list", cwd=tmp_path).returncode == 0
    proc = run_cli("list", cwd=tmp_path, env={"BRIEFER_LOG": str(log)})
    assert proc.returncode == 0
    assert "Something happened" in proc.stdout


def test_missing_log_is_a_one_line_error(tmp_path: Path) -> None:
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == "events.yaml: error: cannot read: No such file or directory\n"
    proc = run_cli("list", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


def test_list_table(tmp_path: Path) -> None:
    write(
        tmp_path / "events.yaml",
        MINIMAL
        + "  - {id: dl, date: 2023-12-01, title: 'Plate deadline [Q2]', kind: deadline,\n"
        + "     sources: [s1]}\n"
        + "  - {id: rough, date: 2023-11~, title: Approximate, significance: 5, sources: [s1]}\n",
    )
    proc = run_cli("list", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        "24 Sep 2023  -         3  first  Something happened",
        "c. Nov 2023  -         5  rough  Approximate",
        "1 Dec 2023   deadline  3  dl     Plate deadline [Q2]",
    ]
    assert run_cli("list", "kind:deadline", cwd=tmp_path).stdout.splitlines() == [
        "1 Dec 2023  deadline  3  dl  Plate deadline [Q2]"
    ]
    proc = run_cli("list", "nothing-matches-this", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "No matching events.\n")


def test_list_json_holds_the_spec_fields() -> None:
    proc = run_cli("list", "--format", "json", "id:banjska-attack")
    assert proc.returncode == 0
    (record,) = json.loads(proc.stdout)
    for key in (
        "id",
        "date",
        "start",
        "end",
        "precision",
        "title",
        "kind",
        "tags",
        "actors",
        "sources",
        "significance",
    ):
        assert key in record
    assert record["date"] == "2023-09-24"
    assert record["start"] == "2023-09-24T00:00:00+02:00"
    assert record["end"] == "2023-09-25T00:00:00+02:00"
    assert record["precision"] == "day"
    assert record["significance"] == 5


def test_list_csv_round_trips() -> None:
    proc = run_cli("list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    everything = json.loads(run_cli("list", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [e["id"] for e in everything]
    assert rows[0]["tags"] == ";".join(everything[0]["tags"])


def test_negated_terms_are_not_options() -> None:
    all_ids = {e["id"] for e in json.loads(run_cli("list", "--format", "json").stdout)}
    proc = run_cli("list", "--format", "json", "-kind:deadline", "-kind:background")
    assert proc.returncode == 0
    kept = {e["id"] for e in json.loads(proc.stdout)}
    assert "plates-deadline-2023" not in kept
    assert kept < all_ids


def test_malformed_query_exits_1_with_position() -> None:
    proc = run_cli("list", "kosovo", "tga:kfor")
    assert proc.returncode == 1
    assert proc.stderr == (
        "briefer: error: query 'kosovo tga:kfor': column 8: "
        "unknown field 'tga' (did you mean 'tag'?); quote text with a colon\n"
    )


def test_usage_errors_exit_2() -> None:
    assert run_cli("list", "--format", "yaml").returncode == 2
    assert run_cli("no-such-command").returncode == 2


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.strip() == f"briefer, version {__version__}"
    for args in ((), ("check",), ("list",)):
        proc = run_cli(*args, "--help")
        assert proc.returncode == 0
        assert "Usage:" in proc.stdout


def test_broken_pipe_is_quiet() -> None:
    proc = subprocess.run(
        f"{sys.executable} -m briefer list --format json | head -c 10",
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr


def test_check_imports_no_ui_or_pdf_stack_nor_other_commands() -> None:
    code = (
        "import sys\n"
        "from briefer.cli import main\n"
        "sys.argv = ['briefer', 'check']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    imported = set(proc.stdout.split())
    heavy = {"textual", "weasyprint", "pendulum", "jinja2", "markdown_it"}
    assert {m.split(".")[0] for m in imported} & heavy == set()
    # A command's module is imported when it runs: check's alone.
    from briefer.cli import COMMANDS

    assert imported & set(COMMANDS.values()) == {"briefer.cli.log"}


def test_the_table_of_commands_is_what_the_modules_register() -> None:
    import importlib

    from briefer.cli import COMMANDS, cli

    for module in set(COMMANDS.values()):
        importlib.import_module(module)
    registered = {name: c.callback.__module__ for name, c in cli.commands.items() if c.callback}
    assert registered == COMMANDS
    help_text = run_cli("--help").stdout
    for name in COMMANDS:
        assert f"  {name} " in help_text


@pytest.mark.parametrize(
    "content", [b"\xff\xfe\x00", b"briefer: 1\ntitle: [\n", b"", b"- a list\n"]
)
def test_no_traceback_for_any_bad_input(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "events.yaml").write_bytes(content)
    for command in ("check", "list"):
        proc = run_cli(command, cwd=tmp_path)
        assert proc.returncode == 1
        assert "Traceback" not in proc.stderr
        assert proc.stderr.startswith("events.yaml:")


def test_without_a_terminal_briefer_prints_help_and_browse_refuses() -> None:
    proc = run_cli()
    assert proc.returncode == 0
    assert "Usage:" in proc.stdout
    assert "browse" in proc.stdout
    proc = run_cli("browse")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "briefer: error: browse needs a terminal; use 'briefer list' in scripts"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kfor after:0d", "column 6: a duration must be positive, not '0d'"),
        (
            "before:²d",
            "column 1: not a duration: '²d' (expected e.g. 30d, 2w, 1m); "
            "write the number with the digits 0-9",
        ),
    ],
)
def test_bad_durations_in_queries_are_query_errors(
    tmp_path: Path, query: str, message: str
) -> None:
    write(tmp_path / "events.yaml", MINIMAL)
    proc = run_cli("list", *query.split(), cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, f"briefer: error: query {query!r}: {message}\n")
    proc = run_cli("render", "--as-of", "2023-10-01", "--filter", query, cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (1, f"briefer: error: --filter {query!r}: {message}\n")


def test_times_the_clocks_skip_or_repeat_are_warnings(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", MINIMAL.replace("2023-09-24", "2023-03-26T02:30"))
    gap = (
        "events.yaml:9:11: warning: event 'first': date 2023-03-26T02:30 does not exist in "
        "Europe/Belgrade (clocks went forward); read as 03:30 CEST\n"
    )
    assert run_cli("check", cwd=tmp_path).stderr == gap
    assert run_cli("check", cwd=tmp_path).returncode == 0
    assert run_cli("check", "--strict", cwd=tmp_path).returncode == 1
    proc = run_cli("list", "--format", "json", cwd=tmp_path)
    assert json.loads(proc.stdout)[0]["start"].startswith("2023-03-26T03:30")
    write(tmp_path / "events.yaml", MINIMAL.replace("2023-09-24", "2023-10-29T02:30"))
    assert run_cli("check", cwd=tmp_path).stderr == (
        "events.yaml:9:11: warning: event 'first': date 2023-10-29T02:30 is ambiguous in "
        "Europe/Belgrade (clocks went back); read as the first, 02:30 CEST (+02:00); "
        "write the offset to choose\n"
    )


def test_huge_figures_are_refused_before_they_overflow_an_export(tmp_path: Path) -> None:
    log = MINIMAL.replace("timezone:", "metrics: {m: {label: M}}\ntimezone:")
    write(tmp_path / "events.yaml", log + "    figures: {m: " + "9" * 400 + "}\n")
    proc = run_cli("export", "--format", "csv", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == (
        "events.yaml:13:18: error: event 'first': figure 'm' 99999999999999999999… is out of "
        "range (a figure must be less than 1e15 in absolute value)"
    )


CRASHING_BROWSER = """\
import sys
import time

from briefer.cli import main
from briefer.tui.app import BrieferApp


def boom(self: BrieferApp) -> None:
    raise RuntimeError("a bug planted by the test")


BrieferApp.action_help = boom  # the '?' key now raises inside the running app
sys.argv = ["briefer"]
main()
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_crash_inside_the_browser_exits_70(tmp_path: Path) -> None:
    log_file(tmp_path)
    write(tmp_path / "crash.py", CRASHING_BROWSER)
    exit_file = tmp_path / "exit-code"
    name = f"briefer-crash-{os.getpid()}"
    command = (
        f"cd {tmp_path} && PYTHONPATH={REPO} {sys.executable} crash.py; "
        f"echo $? > {exit_file}; sleep 30"
    )
    with tmux_session(name, command):
        wait_for_text(name, "6 events", gone="Loading")
        subprocess.run(["tmux", "send-keys", "-t", name, "?"], check=True)
        shown = wait_for_text(name, "briefer: internal error")
        deadline = time.monotonic() + 20
        while not exit_file.exists() or not exit_file.read_text().strip():
            assert time.monotonic() < deadline, "the shell never wrote the exit status"
            time.sleep(0.1)  # the shell writes it right after the line above
        assert exit_file.read_text().strip() == "70"
        assert "a bug planted by the test" in shown  # Textual's traceback, then our line
        assert (
            "briefer: internal error: the browser stopped on an unexpected error "
            "(traceback above)" in shown.replace("\n", "")
        )


def test_log_text_reaches_the_terminal_escaped(tmp_path: Path) -> None:
    # Control characters are refused by check (a terminal would obey them) ...
    control = r"\e]0;PWNED\a \e[2J \x9b31m"  # YAML escapes
    log = MINIMAL.replace("title: Something happened", f'title: "Hi {control}"')
    write(tmp_path / "events.yaml", log)
    refused = (
        "events.yaml:10:12: error: event 'first': title holds the control character U+001B; "
        "remove it"
    )
    assert run_cli("check", cwd=tmp_path).stderr.splitlines() == [refused]
    assert run_cli("list", cwd=tmp_path).stderr.splitlines()[0] == refused
    # ... and what remains allowed but could still mislead (a bidi override) is shown escaped.
    hostile, shown = r"\u202eABC", r"\u202eABC"
    log = MINIMAL.replace("title: Something happened", f'title: "Hi {hostile}"')
    write(tmp_path / "events.yaml", log)
    proc = run_cli("list", cwd=tmp_path)
    assert proc.stdout == f"24 Sep 2023  -  3  first  Hi {shown}\n"
    # a value quoted in a problem, in check and in the error every command prints
    write(tmp_path / "events.yaml", log.replace("sources: [s1]", f'kind: "k{hostile}"'))
    problem = (
        f"events.yaml:11:11: error: event 'first': unknown kind 'k{shown}' "
        "(declare it under 'kinds:' at the top)"
    )
    assert problem in run_cli("check", cwd=tmp_path).stderr.splitlines()
    assert run_cli("list", cwd=tmp_path).stderr.splitlines()[0] == problem
    # a query quoting the same characters in an error
    write(tmp_path / "events.yaml", log)
    proc = run_cli("list", "kind:\x1b[2J", cwd=tmp_path)
    assert proc.stderr == (
        "briefer: error: query 'kind:\\x1b[2J': column 1: unknown kind '\\x1b[2J'\n"
    )


def test_list_help_names_every_query_field() -> None:
    from briefer.query import QUERY_FIELDS

    out = run_cli("list", "--help").stdout
    for field in QUERY_FIELDS:
        assert field.example in out, field.name
