"""Loading the log for the browser, and noticing when its files change."""

from __future__ import annotations

import asyncio
import gc
import importlib
import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from briefer.loader import LoadResult, display_name, load_log
from briefer.model import EventLog, Pos, Problem
from briefer.tui.loadproc import assemble, receive
from briefer.tui.view import LogView

__all__ = ["Loaded", "Signature", "elsewhere", "load", "load_elsewhere", "stat", "watched_files"]

#: Logs this large (their files together, in bytes) load in another process.
SPAWN_FROM = 1 << 20

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


def elsewhere(signature: Signature, *, first: bool, spawn_from: int = SPAWN_FROM) -> bool:
    """Whether to load in another process: a large log, or a first load that includes files.

    Before the first load only the main file is known; if it includes others,
    they may be large.
    """
    if sum(max(size, 0) for _path, _mtime, size in signature) >= spawn_from:
        return True
    if first and signature:
        try:
            with open(signature[0][0], "rb") as f:
                return b"include:" in f.read(spawn_from)
        except OSError:
            return False
    return False


async def load_elsewhere(
    log_path: str,
    *,
    use_cache: bool,
    now: float,
    before: Signature,
    progress: Callable[[int, int], None],
) -> Loaded:
    """:func:`load` in another process (:mod:`briefer.tui.loadproc`), never holding the screen.

    The log arrives a slice at a time; ``progress(received, count)`` follows it.
    The collector is off while it arrives, and what arrived is frozen out of
    its sight after: it would otherwise walk a million objects now and then.
    """
    command = [sys.executable, "-m", "briefer.tui.loadproc", log_path, repr(now)]
    if not use_cache:
        command.append("--no-cache")
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=1 << 22,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    # What the first screen needs beyond the shell, imported while the log is read.
    threading.Thread(target=importlib.import_module, args=("pendulum",), daemon=True).start()
    collecting = gc.isenabled()

    def received(count: int, total: int) -> None:
        gc.disable()  # from the first message on (not while the other process parses)
        progress(count, total)

    try:
        got = await receive(process.stdout, received)
        errors = (await process.stderr.read()).decode(errors="replace").strip()
        code = await process.wait()
        if got is None or got.result is None:
            last = errors.splitlines()[-1] if errors else f"exit status {code}"
            problem = Problem(Pos(display_name(log_path), 0, 0), "error", f"cannot load: {last}")
            result, view = LoadResult(None, (problem,)), None
        else:
            result, prepared = assemble(got)
            view = None
            if result.log is not None:
                view = LogView(result.log, now, prepared, got.index)
    finally:
        if process.returncode is None:
            process.kill()
        if collecting:
            gc.freeze()
            gc.enable()
    files = watched_files(log_path, result.log, result.problems)
    after = stat(files)
    changed_meanwhile = any(entry not in after for entry in before if entry[0] in files)
    return Loaded(result, view, () if changed_meanwhile else after)
