"""Pytest fixtures: a private cache directory for every test, and a generated log.

Helpers the test files share (paths, logs, the CLI runner, the browser's
pilot) are in ``tests/helpers.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import generate_log


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


@pytest.fixture(scope="session")
def generated_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 10,000-event log, made once per run for the tests that read it."""
    return generate_log(10_000, tmp_path_factory.mktemp("generated") / "events.yaml")
