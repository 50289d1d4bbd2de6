"""Shared fixtures: a fixed clock and a private cache directory for every test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: 2026-11-22T12:00:00Z, the tests' "now".
NOW = 1795348800


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Never touch the developer's real cache from a test."""
    old = os.environ.get("BRIEFER_CACHE_DIR")
    os.environ["BRIEFER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["BRIEFER_CACHE_DIR"]
    else:
        os.environ["BRIEFER_CACHE_DIR"] = old


def write(path: Path, text: str) -> Path:
    """Write ``text`` (dedented by the caller) to ``path``, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


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

PYTHON = sys.executable


def run_cli(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real ``briefer`` in a child process, as a user would.

    ``$BRIEFER_LOG`` from the developer's shell never leaks in; ``env`` adds to
    (or sets it in) the child's environment.
    """
    child_env = {k: v for k, v in os.environ.items() if k != "BRIEFER_LOG"}
    child_env.update(env or {})
    return subprocess.run(
        [PYTHON, "-m", "briefer", *args],
        cwd=cwd,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
