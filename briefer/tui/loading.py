"""Loading the log for the browser, and noticing when its files change."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from briefer.loader import LoadResult, load_log
from briefer.model import EventLog, Problem
from briefer.tui.view import LogView

__all__ = ["Loaded", "Signature", "load", "stat", "watched_files"]

#: (path, mtime in ns, size) of each file the log was read from; -1s for a missing file.
Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Loaded:
    """A load's outcome: the result, the prepared view (no valid log: None), the files' state."""

    result: LoadResult
    view: LogView | None
    #: Empty when a file changed while it was read: the next poll loads again.
    signature: Signature


def watched_files(log_path: str, log: EventLog | None, problems: Sequence[Problem]) -> list[str]:
    """The log file, the files it includes, and the files its problems point at."""
    files = [log_path]
    if log is not None:
        files += [str(f) for f in log.files if str(f) != log_path]
    files += sorted({str(p.pos.file) for p in problems} - set(files))
    return files


def stat(files: Iterable[str]) -> Signature:
    """The state of ``files`` now, to compare with a later one."""
    out = []
    for path in files:
        try:
            st = os.stat(path)
            out.append((path, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((path, -1, -1))
    return tuple(out)


def load(log_path: str, *, use_cache: bool, now: Callable[[], float], before: Signature) -> Loaded:
    """Load and prepare the log (slow: run it off the event loop).

    ``now`` is the browser's clock; ``before`` is the files' state just before reading them.
    """
    result = load_log(log_path, use_cache=use_cache, now=int(now()))
    # Everything proportional to the log's size happens here, off the event loop.
    view = LogView(result.log, now()) if result.log is not None else None
    files = watched_files(log_path, result.log, result.problems)
    after = stat(files)
    # A file saved while we read it: load again at the next poll.
    changed_meanwhile = any(entry not in after for entry in before if entry[0] in files)
    return Loaded(result, view, () if changed_meanwhile else after)
