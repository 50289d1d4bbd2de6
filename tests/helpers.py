"""Helpers the test files share; pytest fixtures stay in ``conftest.py``.

- paths and the clock: ``REPO`` (the project folder), ``TEST_DATA`` (``tests/data/``),
  ``NOW`` (the tests' "now"), ``PYTHON`` (the interpreter running the tests);
- logs: ``MINIMAL`` (the smallest valid log), ``shared_log`` (a log under
  ``tests/data/logs/`` used by more than one test file), ``write`` (a file,
  folders and all), ``load_valid`` (a log that must load) and ``generate_log``
  (a synthetic one; ``conftest.generated_log`` is a 10,000-event one per run);
- the loader: ``count_walks`` (which included files were parsed, not taken from the cache);
- the real command line: ``child_env`` and ``run_cli``;
- the terminal browser, driven through Textual's Pilot: ``CLOCK``, ``Clock``, ``LOG``,
  ``log_file``, ``browse``, ``wait_for``, ``keys``, ``line_text``, ``screen_rows``,
  ``focused`` and ``current_id``;
- the real browser in a real terminal: ``tmux_session``, ``screen`` and ``wait_for_text``.

Small logs a single test needs stay inline in that test, where they are read.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from briefer.loader import load_log
from briefer.model import EventLog

if TYPE_CHECKING:  # Textual is imported by the browser tests only
    from textual.pilot import Pilot

    from briefer.tui import BrieferApp

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"
#: 2026-11-22T12:00:00Z, the tests' "now".
NOW = 1795348800
PYTHON = sys.executable


# --------------------------------------------------------------------------- #
# logs
# --------------------------------------------------------------------------- #

MINIMAL = """\
briefer: 1
title: Test log
timezone: Europe/Belgrade
sources:
  - id: s1
    title: A source
events:
  - id: first
    date: 2023-09-24
    title: Something happened
    sources: [s1]
"""


def shared_log(name: str) -> str:
    """The text of ``tests/data/logs/NAME.yaml``, a log more than one test file uses."""
    return (TEST_DATA / "logs" / f"{name}.yaml").read_text(encoding="utf-8")


def generate_log(events: int, path: Path) -> Path:
    """A synthetic log of ``events`` events (``bench/genlog.py``, seed 1) written to ``path``."""
    subprocess.run(
        [PYTHON, str(REPO / "bench" / "genlog.py"), str(events), "-o", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return path


def write(path: Path, text: str) -> Path:
    """Write ``text`` (dedented by the caller) to ``path``, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def count_walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The included files the loader parses from here on (by name as shown), in order."""
    from briefer import reading

    seen: list[str] = []
    walk = reading.walk_included

    def counting(reader: object, display: str, data: bytes, **options: bool) -> None:
        seen.append(display)
        walk(reader, display, data, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "walk_included", counting)
    return seen


def count_grown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The included files from here on whose new items alone were read (by name as shown;
    see ``briefer.reading.grown_part``), in order."""
    from briefer import reading

    seen: list[str] = []
    grown_part = reading.grown_part

    def counting(main: Any, display: str, *args: Any) -> Any:
        part = grown_part(main, display, *args)
        if part is not None:
            seen.append(display)
        return part

    monkeypatch.setattr(reading, "grown_part", counting)
    return seen


def load_valid(path: Path, *, now: int = NOW) -> EventLog:
    """The log at ``path``, loaded without the cache; fails the test if it has errors."""
    result = load_log(str(path), use_cache=False, now=now)
    assert result.log is not None, [str(p) for p in result.problems]
    return result.log


# --------------------------------------------------------------------------- #
# the real command line
# --------------------------------------------------------------------------- #


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a child ``briefer``, without ``$BRIEFER_LOG``.

    ``$BRIEFER_LOG`` from the developer's shell never leaks in; ``extra`` adds
    to (or sets it in) the result.
    """
    env = {k: v for k, v in os.environ.items() if k != "BRIEFER_LOG"}
    env.update(extra or {})
    return env


#: The end of a ``python -c`` script that runs the real CLI with the script's arguments.
RUN_MAIN = """
from briefer.cli import main
sys.argv = ["briefer", *sys.argv[1:]]
main()
"""


def run_cli(
    *args: str,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    prelude: str = "",
) -> subprocess.CompletedProcess[str]:
    """Run the real ``briefer`` in a child process, as a user would.

    ``env`` adds to (or sets ``$BRIEFER_LOG`` in) the child's environment,
    see ``child_env``. With a ``prelude`` (Python that imports ``sys`` and
    patches what it needs, say ``os.replace``) the child runs it first, then
    the CLI with ``args``.
    """
    command = [PYTHON, "-c", prelude + RUN_MAIN] if prelude else [PYTHON, "-m", "briefer"]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=child_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --------------------------------------------------------------------------- #
# the terminal browser
# --------------------------------------------------------------------------- #

#: Wed 22 Nov 2023 09:00 CET, the browser's clock in these tests.
CLOCK = 1700640000

#: The browser tests' log (``tests/data/logs/tui.yaml``); the SVG snapshots show it.
LOG = shared_log("tui")


def log_file(tmp_path: Path, text: str = LOG) -> Path:
    """``text`` (the browser tests' log unless given) as ``events.yaml`` in ``tmp_path``."""
    return write(tmp_path / "events.yaml", text)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = CLOCK) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10) -> None:
    """Let the app run until ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the browser")
        await pilot.pause(0.02)


@asynccontextmanager
async def browse(
    path: Path,
    *,
    clock: Clock | None = None,
    size: tuple[int, int] = (160, 45),
    poll: float = 0,
    elsewhere: bool = False,
) -> AsyncIterator[tuple[BrieferApp, Pilot[None]]]:
    """The browser on the log at ``path``, started and loaded, with its pilot.

    ``elsewhere``: load it in another process, as a large log is.
    """
    from briefer.tui import BrieferApp

    app = BrieferApp(str(path), clock=clock or Clock(), poll_interval=poll)
    if elsewhere:
        app.spawn_from = 0
    async with app.run_test(size=size) as pilot:
        # the whole log, not the preview a large one shows first
        await wait_for(pilot, lambda: app.result is not None and not app.loading_total)
        await pilot.pause(0.05)
        yield app, pilot


def keys(text: str) -> list[str]:
    """Key names that type ``text``."""
    names = {
        " ": "space",
        ">": "greater_than_sign",
        "=": "equals_sign",
        ":": "colon",
        "-": "minus",
        "'": "apostrophe",
        ",": "comma",
        "/": "slash",
    }
    return [names.get(c, c) for c in text]


def line_text(app: BrieferApp, y: int) -> str:
    """The text of the timeline's line ``y`` as drawn."""
    return app.timeline.render_line(y).text


def screen_rows(app: BrieferApp) -> list[str]:
    """The timeline's visible lines as drawn."""
    height = app.timeline.scrollable_content_region.height
    return [line_text(app, y) for y in range(height)]


def focused(app: BrieferApp) -> str | None:
    """The id of the focused widget."""
    return None if app.focused is None else app.focused.id


def current_id(app: BrieferApp) -> str | None:
    """The id of the event under the timeline's cursor."""
    event = app.timeline.current
    return None if event is None else event.id


# --------------------------------------------------------------------------- #
# the real browser in a real terminal (tmux)
# --------------------------------------------------------------------------- #


@contextmanager
def tmux_session(name: str, command: str) -> Iterator[str]:
    """A detached 100×30 tmux session ``name`` running the shell ``command``; killed after."""
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command],
        check=True,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False, capture_output=True)


def screen(name: str) -> str:
    """What the tmux session ``name`` shows."""
    done = subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True, check=False
    )
    return done.stdout if done.returncode == 0 else f"(tmux: {done.stderr.strip()})"


def wait_for_text(name: str, text: str, timeout: float = 30, *, gone: str = "") -> str:
    """The screen of session ``name`` once it shows ``text`` (and not ``gone``)."""
    deadline = time.monotonic() + timeout
    while True:
        shown = screen(name)
        if text in shown and not (gone and gone in shown):
            return shown
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared; the screen was:\n{shown}")
        time.sleep(0.1)
