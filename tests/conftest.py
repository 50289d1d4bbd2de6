"""Pytest fixtures every test gets: a private cache directory.

Helpers the test files share (paths, logs, the CLI runner, the browser's
pilot) are in ``tests/helpers.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


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
