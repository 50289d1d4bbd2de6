"""End to end: the real ``briefer`` in a real terminal (tmux), typing a filter and quitting."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import REPO, log_file, screen, tmux_session, wait_for_text

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"
)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[str]:
    name = f"briefer-test-{os.getpid()}"
    log_file(tmp_path)
    exit_file = tmp_path / "exit-code"
    briefer = f"{sys.executable} -m briefer"
    # The default command (no subcommand) opens the browser when on a terminal;
    # its output must stay on the terminal (Textual draws there).
    command = f"cd {tmp_path} && PYTHONPATH={REPO} {briefer}; echo $? > {exit_file}; sleep 30"
    with tmux_session(name, command):
        yield name


def test_type_a_filter_and_quit(session: str, tmp_path: Path) -> None:
    shown = wait_for_text(session, "6 events", gone="Loading")
    assert "Browser test log" in shown
    assert "Clash in Banjska" in shown
    subprocess.run(["tmux", "send-keys", "-t", session, "/"], check=True)
    time.sleep(0.5)  # focus moves to the filter before we type
    subprocess.run(["tmux", "send-keys", "-t", session, "-l", "kfor"], check=True)
    # The count and the rows can reach the terminal in separate writes: a capture
    # between them shows the new count over the old rows, so wait for both.
    deadline = time.monotonic() + 30
    while True:
        shown = wait_for_text(session, "2 of 6 events")
        if "Clash in Banjska" not in shown.split("Watch list")[0]:
            break
        assert time.monotonic() < deadline, shown
        time.sleep(0.1)
    assert "KFOR enters Kosovo" in shown
    subprocess.run(["tmux", "send-keys", "-t", session, "Escape"], check=True)
    wait_for_text(session, "6 events", gone="of 6 events")
    subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
    exit_file = tmp_path / "exit-code"
    deadline = time.monotonic() + 20
    while not exit_file.exists() or not exit_file.read_text().strip():
        assert time.monotonic() < deadline, screen(session)
        time.sleep(0.1)
    assert exit_file.read_text().strip() == "0"
