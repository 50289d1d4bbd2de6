"""A large events list read by several processes at once: a cold check uses every core.

The events of one file are read in chunks of whole items that do not depend on
each other (:mod:`briefer.fastread.split`). Where it is safe and worth it, the
list is cut into contiguous runs of about the same size (each process finds its
own run's chunks, a search through every line of it): this process reads the
first run and forked copies of it the others, each into a fresh walk state that knows only
the time zone and the kinds, as an included file's part is read
(:func:`briefer.schema.parts.part_of`). Each child sends back its part, pickled
through a pipe (without the events themselves for a check, which needs only
what the checks across files take from them); the parts are then added to the
walk in file order (:func:`briefer.schema.parts.absorb`), so the result is the
one a single process gives.

Anything unusual (a child that fails or is killed, an id repeated across two
runs, a run the fast reader declines) makes :func:`read` return False with the
walk untouched, and the caller reads the chunks one after the other as before.

Only on Linux (``fork`` is cheap and safe there for a process without threads),
only in a process with a single thread (a lock another thread holds would stay
held in the child), only with more than one usable core, and only for an events
list of :data:`MIN_BYTES` or more. ``BRIEFER_WORKERS`` caps the number of
processes (``1`` turns this off).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import replace

from briefer.fastread.chunks import read_chunks
from briefer.fastread.split import Split
from briefer.schema.parts import FilePart, absorb, part_of
from briefer.schema.walk import LogReader

__all__ = ["MIN_BYTES", "read", "read_run", "workers"]

#: The smallest events list worth the fork and the trip back through a pipe.
MIN_BYTES = 8 << 20


def workers(size: int) -> int:
    """How many processes should read an events list of ``size`` bytes (1: this one alone)."""
    if sys.platform != "linux" or threading.active_count() != 1 or size < MIN_BYTES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    cap = os.environ.get("BRIEFER_WORKERS", "")
    if cap.isdigit() and int(cap) >= 1:
        cores = min(cores, int(cap))
    return max(1, min(cores, 8))


def read(
    state: LogReader,
    data: bytes,
    parts: Split,
    display: str,
    *,
    keep_events: bool,
    count: int | None = None,
    first: Callable[[], None] | None = None,
) -> bool:
    """Read the events list of ``parts`` into ``state`` with several processes; False (and
    ``state`` untouched) when this one should read it alone. ``first`` is called here
    once the other processes have started (and only then), before this one's run."""
    if count is None:
        count = workers(parts.body_end - parts.body_start)
    if count < 2:
        return False
    runs = parts.runs(data, count)
    if len(runs) < 2:
        return False
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe), not yet received
    got: list[FilePart] = []  # each run's part, in file order
    try:
        for run in runs[1:]:
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(r)
                _child(w, state, data, parts, run, display, keep_events)
            os.close(w)
            children.append((pid, r))
        if first is not None:
            first()
        got.append(read_run(state, data, parts, runs[0], display, keep_events))
        while children:
            part = _receive(*children.pop(0))
            if part is None:
                return False
            got.append(part)
    except Exception:  # the fast reader declined a run here, or a fork failed
        return False
    finally:
        for pid, r in children:  # left behind by an error: stop them
            _stop(pid, r)
    seen = set(state.event_pos)
    for part in got:
        if part.event_pos.keys() & seen:
            return False  # an id repeated across runs: the sequential walk reports it
        seen.update(part.event_pos)
    for part in got:
        absorb(state, part)
    return True


def read_run(
    state: LogReader,
    data: bytes,
    parts: Split,
    run: tuple[int, int],
    display: str,
    keep_events: bool,
) -> FilePart:
    """One run of the list (its bytes ``start:end``) read on its own, as an included
    file's part is (``state``, the file's walk, is only asked its time zone, kinds and
    file)."""
    alone = LogReader(tz=state.tz, kinds=set(state.kinds))
    alone.begin(state.file, props=False)
    read_chunks(alone, data, parts.bounds(data, run=run), display, keep=keep_events)
    part = part_of(alone)
    return part if keep_events else replace(part, events=[])


def _child(
    w: int,
    state: LogReader,
    data: bytes,
    parts: Split,
    run: tuple[int, int],
    display: str,
    keep_events: bool,
) -> None:
    """Read a run, send its part down ``w`` and end this process (code 0 only if it was sent)."""
    code = 1
    try:
        part = read_run(state, data, parts, run, display, keep_events)
        payload = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
        with open(w, "wb", closefd=True) as pipe:
            pipe.write(payload)
        code = 0
    except BaseException:  # anything at all: the parent reads the run itself
        code = 1
    finally:
        os._exit(code)


def _receive(pid: int, r: int) -> FilePart | None:
    """A child's part once it has ended well; None otherwise."""
    try:
        with open(r, "rb", closefd=True) as pipe:
            payload = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not payload:
        return None
    part = pickle.loads(payload)
    return part if isinstance(part, FilePart) else None


def _stop(pid: int, r: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
    with contextlib.suppress(OSError):
        os.close(r)
