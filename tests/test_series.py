"""Unattended reporting: numbered series, changes since the last brief, --if-changed,
the reports lock, interruption, and the schedules printed for cron and systemd."""

from __future__ import annotations

import gzip
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer.errors import LockHeld
from briefer.records import PART_FIELDS, PART_WIDTH
from briefer.series.lock import reports_lock
from tests.helpers import REPO, child_env, run_cli, write

BASE = """\
briefer: 1
title: Series test
timezone: Europe/Belgrade
sources:
  - {id: s, title: Source}
events:
  - {id: a-old, date: 2023-11-01, title: Old event, sources: [s], significance: 4}
  - {id: b-keep, date: 2023-11-14, title: Kept event, sources: [s]}
  - {id: c-edit, date: 2023-11-15, title: Edited event, sources: [s], significance: 2}
  - {id: d-drop, date: 2023-11-16, title: Dropped event, sources: [s]}
  - {id: dl, date: 2023-11-20T12:00, title: Plate deadline, kind: deadline, sources: [s],
     related: [b-keep]}
"""

EDITED = (
    BASE.replace(
        "title: Edited event, sources: [s], significance: 2",
        "title: Edited event, sources: [s], significance: 5, summary: New detail.",
    ).replace("  - {id: d-drop, date: 2023-11-16, title: Dropped event, sources: [s]}\n", "")
    + "  - {id: e-new, date: 2023-11-19, title: New event, sources: [s]}\n"
)


def section(markdown: str, heading: str) -> list[str]:
    lines = markdown.split(f"## {heading}\n\n", 1)[1].split("\n## ", 1)[0].strip().splitlines()
    return [line for line in lines if line]


def test_a_series_of_three_briefs(tmp_path: Path) -> None:
    log = write(tmp_path / "events.yaml", BASE)
    first = run_cli("render", "--as-of", "2023-11-17T09:00", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    md1 = Path(tmp_path / first.stdout.strip()).read_text()
    assert "**Report 1**" in md1
    assert "## Changes since the last brief" not in md1

    log.write_text(EDITED)
    second = run_cli("render", "--since", "last", "--as-of", "2023-11-21T09:00", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    md2 = Path(tmp_path / second.stdout.strip()).read_text()
    assert "**Report 2**" in md2
    assert "| Period | Fri 17 Nov 2023 09:00 CET – Tue 21 Nov 2023 09:00 CET (4 days) |" in md2
    assert section(md2, "Changes since the last brief") == [
        "Since report 1:",
        "- **Added** `e-new`: New event",
        "- **Changed** `c-edit`: Edited event — significance 2 → 5; summary edited",
        "- **Removed** `d-drop`: Dropped event",
        "- **Deadline passed** `dl`: Plate deadline (20 Nov 2023 12:00 CET)",
    ]

    # nothing changed: --if-changed writes nothing and says so
    same = run_cli(
        "render", "--since", "last", "--if-changed", "--as-of", "2023-11-21T18:00", cwd=tmp_path
    )
    assert same.returncode == 0, same.stderr
    assert (
        same.stdout
        == "No change since report 2 (as of Tue 21 Nov 2023 09:00 CET): nothing written.\n"
    )
    assert len(json.loads((tmp_path / "reports" / "manifest.json").read_text())["reports"]) == 2

    # without --if-changed the third brief is written, and says nothing changed
    third = run_cli("render", "--since", "last", "--as-of", "2023-11-22T09:00", cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    md3 = Path(tmp_path / third.stdout.strip()).read_text()
    assert "**Report 3**" in md3
    assert section(md3, "Changes since the last brief") == [
        "No change since the last brief (report 2)."
    ]

    manifest = json.loads((tmp_path / "reports" / "manifest.json").read_text())
    records = manifest["reports"]
    assert [r["number"] for r in records] == [1, 2, 3]
    assert [r["period_start"] for r in records[1:]] == [records[0]["as_of"], records[1]["as_of"]]
    # what each brief covered is kept beside the manifest, one small file per brief
    assert "events" not in records[1]
    scope_file = tmp_path / "reports" / ".scopes" / f"series-test-{records[1]['as_of']}.json.gz"
    scope = json.loads(gzip.decompress(scope_file.read_bytes()))["events"]
    assert {e[0] for e in scope} == {"a-old", "b-keep", "c-edit", "dl", "e-new"}
    assert all(len(e[-1]) == PART_WIDTH * len(PART_FIELDS) for e in scope)
    assert records[0]["outputs"] == ["reports/2023-11-17-series-test.md"]


def test_if_changed_renders_when_the_log_changes(tmp_path: Path) -> None:
    log = write(tmp_path / "events.yaml", BASE)
    assert run_cli("render", "--as-of", "2023-11-17T09:00", cwd=tmp_path).returncode == 0
    log.write_text(BASE.replace("Kept event", "Kept event (renamed)"))
    proc = run_cli(
        "render", "--since", "last", "--if-changed", "--as-of", "2023-11-17T10:00", cwd=tmp_path
    )
    assert proc.returncode == 0
    assert proc.stdout.strip().endswith(".md")


def test_since_last_without_a_previous_brief_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    proc = run_cli("render", "--since", "last", cwd=tmp_path)
    assert proc.returncode == 1
    assert "no earlier brief" in proc.stderr


def test_lock_excludes_a_second_render(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    reports = tmp_path / "reports"
    with reports_lock(reports, wait=0):
        started = time.monotonic()
        proc = run_cli("render", "--lock-wait", "0.5", "--as-of", "2023-11-17T09:00", cwd=tmp_path)
        waited = time.monotonic() - started
        assert proc.returncode == 4
        assert proc.stderr.startswith("briefer: error: another render holds the reports lock (pid ")
        assert waited >= 0.5
        with pytest.raises(LockHeld), reports_lock(reports, wait=0.1):
            pass
    assert run_cli("render", "--as-of", "2023-11-17T09:00", cwd=tmp_path).returncode == 0


def test_two_concurrent_renders_both_succeed_in_turn(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    env = child_env()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "briefer",
                "render",
                "--pdf",
                "-q",
                "--as-of",
                f"2023-11-1{7 + i}T09:00",
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    records = json.loads((tmp_path / "reports" / "manifest.json").read_text())["reports"]
    assert sorted(r["number"] for r in records) == [1, 2]


def test_a_render_killed_midway_leaves_nothing_broken(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    assert run_cli("render", "--as-of", "2023-11-17T09:00", cwd=tmp_path).returncode == 0
    manifest = (tmp_path / "reports" / "manifest.json").read_bytes()
    env = child_env()
    # Kill renders at increasing moments; whatever the moment, no partial file survives.
    killed = 0
    for delay in (0.3, 0.6, 0.9, 1.2):
        proc = subprocess.Popen(
            [sys.executable, "-m", "briefer", "render", "--pdf", "-q", "--as-of", "2023-11-18"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        data = json.loads((tmp_path / "reports" / "manifest.json").read_text())
        assert data["reports"][0]["number"] == 1
        for pdf in (tmp_path / "reports").glob("*.pdf"):
            assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
    assert killed  # at least one render really was interrupted
    done = run_cli("render", "--pdf", "--as-of", "2023-11-18", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not list((tmp_path / "reports").glob(".*.tmp"))
    records = json.loads((tmp_path / "reports" / "manifest.json").read_text())["reports"]
    assert [r["number"] for r in records] == [1, 2]
    assert manifest != (tmp_path / "reports" / "manifest.json").read_bytes()


def test_no_progress_or_colour_when_not_a_terminal(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    proc = run_cli("render", "--pdf", "--as-of", "2023-11-17T09:00", cwd=tmp_path)
    assert proc.stderr == ""
    assert "\x1b" not in proc.stdout
    verbose = run_cli("render", "-v", "--as-of", "2023-11-18T09:00", cwd=tmp_path)
    assert verbose.stderr.splitlines() == [
        "briefer: composing brief 2 of Series test",
        "briefer: publishing the brief",
    ]


def test_cron_line(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    proc = run_cli("schedule", "--cron", "--at", "06:30", "--every", "weekly", cwd=tmp_path)
    assert proc.returncode == 0
    *comments, line = proc.stdout.strip().splitlines()
    assert all(c.startswith("#") for c in comments)
    fields = line.split(" ", 5)
    assert fields[:5] == ["30", "6", "*", "*", "1"]
    command = fields[5]
    assert command.startswith(f"cd {tmp_path} && /")
    assert f"--log {tmp_path / 'events.yaml'} render --since last --if-changed --pdf -q" in command


def test_systemd_units(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    proc = run_cli("schedule", "--systemd", "--at", "07:15", cwd=tmp_path)
    assert proc.returncode == 0
    units: dict[str, list[str]] = {}
    current = None
    for line in proc.stdout.splitlines():
        if line.startswith("# ---- "):
            current = line.split()[2]
            units[current] = []
        elif current:
            units[current].append(line)
    assert set(units) == {"briefer.service", "briefer.timer"}
    service, timer = "\n".join(units["briefer.service"]), "\n".join(units["briefer.timer"])
    assert "Type=oneshot" in service
    exec_start = next(line for line in units["briefer.service"] if line.startswith("ExecStart="))
    assert exec_start.split("=", 1)[1].startswith("/")
    assert "render --since last --if-changed --pdf" in exec_start
    assert "OnCalendar=*-*-* 07:15:00" in timer
    assert "Persistent=true" in timer
    if shutil.which("systemd-analyze"):
        for name, lines in units.items():
            (tmp_path / name).write_text("\n".join(lines) + "\n")
        files = [str(tmp_path / "briefer.service"), str(tmp_path / "briefer.timer")]
        check = subprocess.run(
            ["systemd-analyze", "verify", *files], capture_output=True, text=True, timeout=60
        )
        assert check.returncode == 0, check.stderr


def test_schedule_usage_errors(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    assert run_cli("schedule", cwd=tmp_path).returncode == 2
    assert run_cli("schedule", "--cron", "--at", "25:00", cwd=tmp_path).returncode == 2


# ---- publication: a brief is published whole, or not at all ----------------------------

#: Makes the child running the real CLI SIGKILL itself at its Nth rename (os.replace):
#: every moment of a publication, one after the other, deterministically.
_KILL_AT_RENAME = """
import os, signal, sys
real, count = os.replace, 0
def replace(src, dst, **kw):
    global count
    count += 1
    if count == int(os.environ["KILL_AT"]):
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst, **kw)
os.replace = replace
"""


def _kill_at_rename(folder: Path, n: int, *args: str) -> int:
    # --no-cache: no rename of a parsed-log cache entry to count
    env = {"KILL_AT": str(n)}
    return run_cli("--no-cache", *args, cwd=folder, env=env, prelude=_KILL_AT_RENAME).returncode


def _promises_broken(reports: Path, *, settled: bool) -> list[str]:
    """Files in reports/ the manifest does not record, report numbers given twice, and
    (once a render completed) temporaries, journals or records without their files."""
    problems: list[str] = []
    manifest = reports / "manifest.json"
    records = json.loads(manifest.read_text())["reports"] if manifest.exists() else []
    recorded = {Path(o).name: r["number"] for r in records for o in r["outputs"]}
    numbers: dict[int, str] = {}
    for path in sorted(reports.iterdir()):
        if path.name.startswith(".") or path.name in ("manifest.json", "briefs.atom"):
            continue
        if path.name not in recorded:
            problems.append(f"{path.name} not recorded")
        if path.suffix == ".md":
            number = int(path.read_text().split("**Report ", 1)[1].split("**")[0])
            if number in numbers:
                problems.append(f"report {number} twice")
            numbers[number] = path.name
    if settled:
        problems += [f"{p.name} left" for p in reports.rglob(".*") if p.suffix in (".tmp",)]
        problems += ["journal left"] if (reports / ".briefer.journal").exists() else []
        problems += [
            f"{o} missing"
            for r in records
            for o in r["outputs"]
            if not (reports / Path(o).name).exists()
        ]
    return problems


def test_a_render_killed_at_any_rename_publishes_all_or_nothing(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    reports = tmp_path / "reports"
    assert run_cli("render", "--as-of", "2023-11-10T09:00", cwd=tmp_path).returncode == 0
    completed = [1]
    # renames of one render: the journal, the scope file, the manifest, the feed, the brief
    for n, day in zip(range(1, 7), range(11, 30, 2), strict=False):
        code = _kill_at_rename(tmp_path, n, "render", "--as-of", f"2023-11-{day}T09:00")
        assert _promises_broken(reports, settled=False) == [], f"killed at rename {n}"
        if code == 0:
            break  # fewer renames than n: the render completed
        assert code == -signal.SIGKILL
        done = run_cli("render", "--as-of", f"2023-11-{day + 1}T09:00", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert _promises_broken(reports, settled=True) == [], f"killed at rename {n}"
        records = json.loads((reports / "manifest.json").read_text())["reports"]
        completed.append(records[-1]["number"])
        assert completed == sorted(set(completed))  # never a number given twice
    else:
        pytest.fail("the render never completed")
    assert n == 6  # journal, scope, manifest, feed, Markdown: five renames, the sixth never came


def test_a_render_killed_after_deciding_is_finished_by_the_next(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    reports = tmp_path / "reports"
    # killed at the manifest's rename: the journal holds everything to finish
    assert _kill_at_rename(tmp_path, 3, "render", "--as-of", "2023-11-17T09:00") == -9
    assert (reports / ".briefer.journal").exists()
    assert not (reports / "manifest.json").exists()
    proc = run_cli("render", "-v", "--as-of", "2023-11-18T09:00", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[0] == (
        "briefer: finished publishing a brief an interrupted render left"
    )
    records = json.loads((reports / "manifest.json").read_text())["reports"]
    assert [(r["number"], r["outputs"]) for r in records] == [
        (1, ["reports/2023-11-17-series-test.md"]),
        (2, ["reports/2023-11-18-series-test.md"]),
    ]
    md = (reports / "2023-11-18-series-test.md").read_text()
    assert section(md, "Changes since the last brief") == [
        "No change since the last brief (report 1)."
    ]
    assert _promises_broken(reports, settled=True) == []


_FAIL_MANIFEST = """
import errno, sys
from briefer.atomic import Staged
real = Staged.put
def put(self, path, data):
    if path.name == "manifest.json":
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    real(self, path, data)
Staged.put = put
"""


def test_a_disk_full_while_writing_the_manifest_leaves_the_previous_state(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    reports = tmp_path / "reports"
    assert run_cli("render", "--as-of", "2023-11-17T09:00", cwd=tmp_path).returncode == 0
    before = sorted((p.name, p.read_bytes()) for p in reports.rglob("*") if p.is_file())
    proc = run_cli("render", "--as-of", "2023-11-18T09:00", cwd=tmp_path, prelude=_FAIL_MANIFEST)
    after = sorted((p.name, p.read_bytes()) for p in reports.rglob("*") if p.is_file())
    assert after == before
    assert proc.returncode == 3
    assert proc.stderr == "briefer: error: cannot write the brief: No space left on device\n"


def test_the_manifest_stays_small_and_old_manifests_are_migrated(tmp_path: Path) -> None:
    log = write(tmp_path / "events.yaml", BASE)
    reports = tmp_path / "reports"
    assert run_cli("render", "--as-of", "2023-11-17T09:00", cwd=tmp_path).returncode == 0
    # make it the manifest briefer 0.x wrote: format 1, every event inline
    manifest = json.loads((reports / "manifest.json").read_text())
    (scope_file,) = (reports / ".scopes").iterdir()
    rows = json.loads(gzip.decompress(scope_file.read_bytes()))["events"]
    parts = ("summary", "actors", "location", "tags", "sources", "source_notes", "figures")
    manifest["briefer_manifest"] = 1
    manifest["reports"][0]["events"] = [
        {
            "id": r[0],
            "hash": "0" * 24,
            **dict(
                zip(("date", "title", "kind", "significance", "confidence"), r[1:6], strict=True)
            ),
            "parts": {k: r[6][i * 8 : i * 8 + 8] for i, k in enumerate((*parts, "related"))},
        }
        for r in rows
    ]
    (reports / "manifest.json").write_text(json.dumps(manifest, indent=2))
    scope_file.unlink()

    log.write_text(EDITED)
    second = run_cli("render", "--as-of", "2023-11-21T09:00", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert section(
        (reports / "2023-11-21-series-test.md").read_text(), "Changes since the last brief"
    ) == [
        "Since report 1:",
        "- **Added** `e-new`: New event",
        "- **Changed** `c-edit`: Edited event — significance 2 → 5; summary edited",
        "- **Removed** `d-drop`: Dropped event",
        "- **Deadline passed** `dl`: Plate deadline (20 Nov 2023 12:00 CET)",
    ]
    migrated = json.loads((reports / "manifest.json").read_text())
    assert migrated["briefer_manifest"] == 2
    assert all("events" not in r for r in migrated["reports"])
    assert scope_file.exists()  # moved out of the manifest
    assert len((reports / "manifest.json").read_bytes()) < 1200


def test_a_missing_or_damaged_scope_file_is_one_line_exit_1(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    assert run_cli("render", "--as-of", "2023-11-17T09:00", cwd=tmp_path).returncode == 0
    (scope,) = (tmp_path / "reports" / ".scopes").iterdir()
    name = f"reports/.scopes/{scope.name}"
    scope.write_bytes(b"[" * 100_000)
    proc = run_cli("render", "--as-of", "2023-11-18T09:00", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (
        1,
        f"briefer: error: {name}: not a gzip file; fix or move it\n",
    )
    scope.write_bytes(gzip.compress(b"[" * 100_000))
    proc = run_cli("render", "--as-of", "2023-11-18T09:00", cwd=tmp_path)
    assert proc.stderr == (
        f"briefer: error: {name}: not valid JSON (nested too deeply); fix or move it\n"
    )
    scope.unlink()
    proc = run_cli("render", "--as-of", "2023-11-18T09:00", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (
        1,
        f"briefer: error: {name}: missing; the changes since report 1 cannot be told "
        "without it (restore it from a backup)\n",
    )


#: How a message shows 10**100: cut short.
BIG = "1" + "0" * 19 + "…"


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ({"number": 10**100}, f'record 1: "number" is {BIG}, not a report number'),
        ({"number": -3}, 'record 1: "number" is -3, not a report number'),
        ({"number": "2"}, 'record 1: "number" is "2", not a report number'),
        ({"as_of": 10**100}, f'record 1: "as_of" is {BIG}, not an instant'),
        ({"as_of": 1.5e300}, 'record 1: "as_of" is 1.5e+300, not an instant'),
        ({"log": "../x"}, 'record 1: "log" is "../x", not a log\'s slug'),
        ({"outputs": "a.md"}, 'record 1: "outputs" is not a list of strings'),
        ({"input_hash": None}, 'record 1: "input_hash" is null, not a string'),
    ],
)
def test_a_manifest_with_absurd_values_is_one_line_exit_1(
    tmp_path: Path, record: dict[str, object], why: str
) -> None:
    write(tmp_path / "events.yaml", BASE)
    good = {
        "number": 1, "log": "series-test", "as_of": 1700208000, "period_start": 1699603200,
        "outputs": [], "input_hash": "x", "events": [], "watch": [], "developments": [],
    }  # fmt: skip
    manifest = {"briefer_manifest": 1, "reports": [good | record]}
    write(tmp_path / "reports" / "manifest.json", json.dumps(manifest))
    proc = run_cli("render", "--as-of", "2023-11-18T09:00", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"briefer: error: reports/manifest.json: {why}; fix or move it\n"


def test_a_deeply_nested_manifest_is_one_line_exit_1(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", BASE)
    write(tmp_path / "reports" / "manifest.json", "[" * 100_000 + "]" * 100_000)
    proc = run_cli("render", "--as-of", "2023-11-18T09:00", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == (
        "briefer: error: reports/manifest.json: not valid JSON (nested too deeply); "
        "fix or move it\n"
    )


@pytest.mark.slow
def test_random_kills_never_break_a_promise() -> None:
    """bench/killtest.py in small: 8 renders --pdf SIGKILLed at random moments, each
    followed by a completed render (about 8 × 2 renders of 300 events: tens of seconds)."""
    args = ["--rounds", "8", "--events", "300", "--json", "--quiet"]
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "killtest.py"), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    tally = json.loads(proc.stdout)
    assert tally["violations"] == []
    assert tally["rounds"] == 8
    assert proc.returncode == 0, proc.stderr
