"""Loading the log for the browser, and noticing when its files change.

A large log is parsed in another process (:func:`fill_cache`), which leaves it
in the parsed-log cache: parsing holds its interpreter's lock for seconds at a
time, and the browser's screen would freeze meanwhile. The browser then reads
the cached log in a thread (:func:`load`), which yields the lock every few
milliseconds. When the cache already holds the log, the thread reads it from
there without starting the other process at all (:func:`load_cached`). A log the
other process had to parse has its preview (:mod:`briefer.preview`) sent back
through a pipe before that process writes the cache, and shown at once
(:func:`preview_from`).

Once a log is shown, an edit of some of its included files is read again
(:func:`load_again`): the events of unchanged files are taken from the log
shown, and only the changed files are parsed, in the thread, or for a large
log by another process.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the load, off the way to the first paint
    from briefer.loader import LoadResult
    from briefer.model import EventLog, Problem
    from briefer.preview import Preview
    from briefer.tui.view import LogView

__all__ = ["SPAWN_FROM", "Loaded", "Signature", "fill_cache", "load", "parse_elsewhere", "stat"]
__all__ += ["give_back_memory", "load_again", "load_cached", "preview_from", "reload_here"]
__all__ += ["watched_files"]

#: Logs this large (their files together, in bytes) are parsed in another process, and
#: read again there after an edit.
SPAWN_FROM = 1 << 20
#: A shown log is read again in the browser's thread when its main file and its changed
#: included files come to at most this many bytes (a year of a 100,000-event log is ~2 MB).
RELOAD_HERE_UP_TO = 8 << 20

#: Run in the other process: load the log through the cache (filling it), keep nothing.
_FILL = "import sys; from briefer.loader import fill_cache; fill_cache(sys.argv[1])"
#: Below the browser's priority, where the system has priorities: the screen comes first.
_NICE = "import os; getattr(os, 'nice', lambda n: 0)(10); "
#: The same, writing a parsed log's preview to standard output before it fills the cache,
#: at a low priority: while the preview is on screen, drawing it comes before parsing the
#: rest.
_FILL_SHOWING = _NICE + _FILL[:-1] + ", announce=sys.stdout.buffer)"
#: The same at a low priority, without a preview: nobody waits for it.
_FILL_NICE = _NICE + _FILL
#: A preview announced larger than this is not one (a 100,000-event log's is ~1 MB).
_PREVIEW_CAP = 256 << 20

#: (path, mtime in ns, size) of each file the log was read from; -1s for a missing file.
Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Loaded:
    """A load's outcome: the result, the prepared view (no valid log: None), the files' state."""

    result: LoadResult
    view: LogView | None
    #: Empty when a file changed while it was read: the next poll loads again.
    signature: Signature
    #: (path, digest) of each included file the log was built from (see ``briefer.reload``).
    includes: tuple[tuple[str, str], ...] = ()


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

    def read() -> tuple[LoadResult, tuple[tuple[str, str], ...]]:
        from briefer.loader import load_log

        includes: list[tuple[str, str]] = []
        result = load_log(log_path, use_cache=use_cache, now=int(now()), includes=includes)
        return result, tuple(includes)

    loaded = _prepared(log_path, read, now, before)
    assert loaded is not None
    return loaded


def load_cached(
    log_path: str,
    *,
    now: Callable[[], float],
    before: Signature,
    preview: Callable[[Loaded, int], None] | None = None,
) -> Loaded | None:
    """:func:`load` from the whole-log cache entry alone; None when it is not there.

    A large log's entry holds a preview (:mod:`briefer.preview`): when it covers
    ``now``, ``preview`` is called with it prepared, and the number of events in the
    whole log, before the rest is read. It has no signature: it is never the last load.
    """

    def early(result: LoadResult, part: Preview) -> None:
        from briefer.tui.view import LogView

        assert preview is not None
        assert result.log is not None
        moment = now()
        if part.covers(moment):
            preview(Loaded(result, LogView(result.log, moment), ()), part.total)

    def read() -> tuple[LoadResult, tuple[tuple[str, str], ...]] | None:
        from briefer.reload import cached_log

        found = cached_log(log_path, now=int(now()), preview=None if preview is None else early)
        return None if found is None else (found.result, found.includes)

    return _prepared(log_path, read, now, before)


def load_again(
    log_path: str,
    last: Loaded,
    *,
    now: Callable[[], float],
    before: Signature,
    spawn_from: int = SPAWN_FROM,
) -> Loaded:
    """:func:`load` after an edit, parsing only the files changed since ``last`` (a valid log).

    A large log is read by another process (:func:`briefer.reload.reload_elsewhere`):
    what the unchanged files' parts say would be read back here otherwise, and the
    memory kept afterwards.
    """
    assert last.view is not None
    elsewhere = sum(max(size, 0) for _path, _mtime, size in before) >= spawn_from

    def read() -> tuple[LoadResult, tuple[tuple[str, str], ...]]:
        from briefer.reload import reload_elsewhere, reload_log

        assert last.view is not None
        again = reload_elsewhere if elsewhere else reload_log
        found = again(log_path, last.view.log, last.includes, now=int(now()))
        return found.result, found.includes

    loaded = _prepared(log_path, read, now, before)
    assert loaded is not None
    return loaded


def reload_here(before: Signature, last: Loaded | None, up_to: int = RELOAD_HERE_UP_TO) -> bool:
    """Whether to read the log again in this process rather than in another one.

    Only a shown log built from included files qualifies, and only when its main file and
    the files changed since (by their state in ``last.signature``) are small.
    """
    if last is None or last.view is None or not last.includes or not before:
        return False
    seen = set(last.signature)
    main = before[0]
    changed = max(main[2], 0) + sum(max(e[2], 0) for e in before[1:] if e not in seen)
    return changed <= up_to


def _prepared(
    log_path: str,
    read: Callable[[], tuple[LoadResult, tuple[tuple[str, str], ...]] | None],
    now: Callable[[], float],
    before: Signature,
) -> Loaded | None:
    """What ``read`` gives, with its view prepared (None when it gives None)."""
    # Unpickling a large log and preparing its view allocate millions of objects:
    # the collector would walk them all, over and over, holding the lock. It is
    # off meanwhile, and what was loaded is frozen out of its sight after.
    from briefer.tui.view import LogView

    # The first screen with events shows times through pendulum, and the summary through
    # Textual's Markdown widget, imported on first use: import them here rather than on
    # the event loop (~70 and ~40 ms), and first: a preview is shown before ``read`` ends.
    importlib.import_module("pendulum")
    importlib.import_module("textual.widgets._markdown")
    from briefer.packed import packed_events

    collecting = gc.isenabled()
    gc.disable()
    try:
        with packed_events():  # kept compactly: summaries compressed, titles in UTF-8
            found = read()
        if found is None:
            return None
        result, includes = found
        # Everything proportional to the log's size happens here, off the event loop.
        view = LogView(result.log, now()) if result.log is not None else None
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    give_back_memory()
    files = watched_files(log_path, result.log, result.problems)
    after = stat(files)
    # A file saved while we read it: load again at the next poll.
    changed_meanwhile = any(entry not in after for entry in before if entry[0] in files)
    return Loaded(result, view, () if changed_meanwhile else after, includes)


def give_back_memory() -> None:
    """Hand the C heap's free pages back to the system, where the C library can (glibc).

    A load frees what it read on the way (the cache's columns, a reload's answer, the
    view it replaced: megabytes at 100,000 events), and the C library would keep those
    pages for the process's later use, which a browser seldom has. The call runs
    without the interpreter's lock (ctypes lets it go).
    """
    if sys.platform != "linux":
        return
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the process runs on
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return
    trim(0)


def parse_elsewhere(signature: Signature, *, first: bool, spawn_from: int = SPAWN_FROM) -> bool:
    """Whether to parse in another process: a large log, or a first load that includes files.

    Before the first load only the main file is known; the files it includes may be large.
    """
    if sum(max(size, 0) for _path, _mtime, size in signature) >= spawn_from:
        return True
    if first and signature:
        try:
            with open(signature[0][0], "rb") as f:
                return b"include:" in f.read()  # smaller than spawn_from (checked above)
        except OSError:
            return False
    return False


async def fill_cache(
    log_path: str,
    *,
    background: bool = False,
    preview: Callable[[bytes], Awaitable[None]] | None = None,
) -> str | None:
    """Parse the log into the cache in another process (quick when it is there); its error.

    The log's own problems are not errors here: :func:`load` reports them. With
    ``background`` the process runs at a low priority: after :func:`load_again`,
    it writes the whole-log entry's body (which the reload leaves out) for the next
    start, while the browser goes on. With ``preview``, a large log that had to be
    parsed has its preview handed to it (pickled: see :func:`preview_from`) as soon
    as the other process has it, before it writes the cache.
    """
    script = _FILL_NICE if background else _FILL if preview is None else _FILL_SHOWING
    # A reload's other process may still be writing the cache: this one writes after it.
    # (No reload has run if its module was never imported: not imported here for that.)
    reload = sys.modules.get("briefer.reload")
    if reload is not None:
        await asyncio.to_thread(reload.settle)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            script,
            log_path,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL if preview is None else asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        return f"cannot start a loader: {exc.strerror}"
    assert process.stderr is not None
    errors = asyncio.ensure_future(process.stderr.read())
    try:
        if preview is not None:
            assert process.stdout is not None
            payload = await _announced(process.stdout)
            if payload is not None:
                await preview(payload)
            await process.stdout.read()  # nothing more is written; up to its end
        await process.wait()
        failure = await errors
    finally:
        if process.returncode is None:  # cancelled: the browser is closing
            process.kill()
        errors.cancel()
    if process.returncode:
        lines = failure.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"the loader exited with status {process.returncode}"
    return None


async def _announced(stream: asyncio.StreamReader) -> bytes | None:
    """The preview the loader writes first (see ``briefer.loader.fill_cache``), if any."""
    try:
        line = await stream.readline()
    except ValueError:  # a line beyond the stream's limit: not a length
        return None
    text = line.strip()
    if not (line.endswith(b"\n") and text.isdigit() and int(text) <= _PREVIEW_CAP):
        return None  # no preview: a cached or small log, or a loader that failed
    try:
        return await stream.readexactly(int(text))
    except asyncio.IncompleteReadError:
        return None


def preview_from(
    payload: bytes, log_path: str, *, now: Callable[[], float]
) -> tuple[Loaded, int] | None:
    """The preview a loader announced, prepared to show, and the whole log's number of
    events; None when it does not cover ``now`` (or is not a preview at all)."""
    from briefer.loader import announced, display_name, with_time_problems
    from briefer.tui.view import LogView

    found = announced(payload)
    if found is None:
        return None
    part, shown = found
    moment = now()
    if part.log is None or not shown.covers(moment):
        return None
    result = with_time_problems(part, display_name(log_path), int(moment))
    return Loaded(result, LogView(part.log, moment), ()), shown.total
