"""The terminal timeline browser (Textual). Importing this package imports Textual."""

from __future__ import annotations

import time
from collections.abc import Callable

from briefer.tui.app import BrieferApp

__all__ = ["BrieferApp", "make_app"]


def make_app(
    log_path: str,
    *,
    use_cache: bool = True,
    as_of: float | None = None,
    clock: Callable[[], float] = time.time,
    poll_interval: float = 1.0,
) -> BrieferApp:
    """The browser for the log at ``log_path``; ``clock`` and ``as_of`` fix time for tests."""
    return BrieferApp(
        log_path, use_cache=use_cache, as_of=as_of, clock=clock, poll_interval=poll_interval
    )
