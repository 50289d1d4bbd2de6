"""Unattended reporting: numbered series, changes since the last brief, --if-changed,
the reports lock, interruption, and the schedules printed for cron and systemd."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer.errors import LockHeld
from briefer.lock import reports_lock
from tests.conftest import run_cli, write

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
    assert {e["id"] for e in records[1]["events"]} == {"a-old", "b-keep", "c-edit", "dl", "e-new"}
    assert all(len(e["hash"]) == 24 for e in records[1]["events"])
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
    env = {k: v for k, v in os.environ.items() if k != "BRIEFER_LOG"}
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
    env = {k: v for k, v in os.environ.items() if k != "BRIEFER_LOG"}
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
    assert verbose.stderr.splitlines() == ["briefer: composing brief 2 of Series test"]


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
