"""Loads for a program that keeps a log in memory (the browser): a cache-only first look,
and a reload that parses only the included files that changed.

:func:`load_log` rebuilds the whole log: from the whole-log cache entry when
nothing changed, else from every included file's part (each unpickled, events
and all). A program that still holds the previous version does better:
:func:`reload_log` takes the events of each unchanged included file from it,
reads back only the rest of that file's part (its ids, references and
problems: what the steps across files need), parses the changed files, and
runs the steps across files again. The result is the one :func:`load_log`
gives for the same files (the tests compare them). :func:`reload_elsewhere`
has another process do that reading, and send back only the events that
program lacks, so that it never holds the other files' parts.
"""

from __future__ import annotations

import bisect
import heapq
import subprocess
from collections import Counter, defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TYPE_CHECKING

from briefer.loader import display_name, parse, with_time_problems
from briefer.model import event_order
from briefer.reading import noting_growth

if TYPE_CHECKING:
    from collections.abc import Callable

    from briefer.model import Event, EventLog
    from briefer.preview import Preview
    from briefer.reading import Reuse
    from briefer.results import LoadResult
    from briefer.schema.parts import FilePart, MainPart

__all__ = ["Loaded", "cached_log", "reload_elsewhere", "reload_log", "serve_reload", "settle"]


@dataclass(frozen=True)
class Loaded:
    """A load's result, and the digest of each included file it was built from, in order."""

    result: LoadResult
    includes: tuple[tuple[str, str], ...]


def cached_log(
    path: str,
    *,
    now: int | None = None,
    preview: Callable[[LoadResult, Preview], None] | None = None,
) -> Loaded | None:
    """The log from the whole-log cache entry if it is there and current, else None.

    Nothing is parsed: a caller that would rather parse elsewhere asks here first.
    ``preview`` is called with the entry's preview of a large log before the rest is
    read (see :func:`briefer.cache.lookup`).
    """
    from briefer import cache
    from briefer.files import read_log_file
    from briefer.filestamps import Stamps

    display = display_name(path)
    stamps = Stamps(path)
    includes: list[tuple[str, str]] = []
    try:
        data_key = cache.key(read_log_file(path))
    except OSError:
        return None
    early = None
    if preview is not None:
        shown = preview

        def early(result: LoadResult, part: Preview) -> None:
            shown(with_time_problems(result, display, now), part)

    result = cache.lookup(path, display, data_key, stamps=stamps, includes=includes, preview=early)
    stamps.save()
    if result is None:
        return None
    return Loaded(with_time_problems(result, display, now), tuple(includes))


def reload_log(
    path: str, previous: EventLog, includes: tuple[tuple[str, str], ...], *, now: int | None = None
) -> Loaded:
    """Load the log again, taking unchanged included files' events from ``previous``.

    ``includes`` are the (path, digest) pairs ``previous`` was built from (its
    :class:`Loaded`). Changed files' parts go to the per-file cache; the
    whole-log entry is written without its body (a check reads it; the next
    first load builds the body from the parts), so no large log is pickled here.
    """
    by_file: defaultdict[str, list[Event]] = defaultdict(list)
    for event in previous.events:
        by_file[event.file].append(event)
    keys = _reuse_keys(previous, includes)
    return _reload(path, {shown: (key, by_file.get(shown, [])) for shown, key in keys.items()}, now)


def reload_elsewhere(
    path: str, previous: EventLog, includes: tuple[tuple[str, str], ...], *, now: int | None = None
) -> Loaded:
    """:func:`reload_log`, its reading done by another process.

    That process reads back what the steps across files need of every unchanged
    file (their ids, references and problems: tens of megabytes at 100,000
    events, which this process would keep as free memory it seldom reuses),
    parses the changed files and sends back the log without the unchanged
    files' events; they are taken from ``previous`` here. The same result as
    :func:`reload_log` (the tests compare them), which is what runs if the
    other process cannot.
    """
    import pickle
    import sys

    settle()
    keys = _reuse_keys(previous, includes)
    answer = None
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return reload_log(path, previous, includes, now=now)
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        with process.stdin:
            pickle.dump((path, keys, now), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        # Read as it comes (a large edited file's events make megabytes), to the end: the
        # process closes its end before it writes the cache, which it goes on with.
        with process.stdout:
            answer = pickle.load(process.stdout)
            if process.stdout.read():
                answer = None
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        answer = None
    _writing.append(process)  # it writes the cache now: see settle()
    if not (
        isinstance(answer, tuple)
        and len(answer) == 2
        and isinstance(answer[0], Loaded)
        and isinstance(answer[1], dict)
    ):
        return reload_log(path, previous, includes, now=now)
    found: Loaded = answer[0]
    grown: dict[str, int] = answer[1]
    log = found.result.log
    if log is None:  # a broken log: its problems are the whole answer
        return found
    held = _held(log, found.includes, keys)
    # A file that only grew came with its new events alone: the others are held here.
    kept_from = held | grown.keys()
    kept = [e for e in previous.events if e.file in kept_from]
    if Counter(file for e in kept if (file := e.file) in grown) != grown:
        return reload_log(path, previous, includes, now=now)  # not the version it grew from
    fresh = [e for e in log.events if e.file not in held]
    whole = replace(log, events=tuple(_merged(kept, fresh)))
    return Loaded(replace(found.result, log=whole), found.includes)


def _merged(kept: list[Event], fresh: list[Event]) -> list[Event]:
    """Two lists of events in the log's order, merged. Only the stretch of ``kept`` that
    ``fresh`` spans is merged event by event (an edited year of a log split by years spans
    none of the others'); sorting them all again would make every event's sort key at
    once (~10 MB at 100,000 events)."""
    if not (kept and fresh):
        return kept or fresh
    low = bisect.bisect_left(kept, event_order(fresh[0]), key=event_order)
    high = bisect.bisect_right(kept, event_order(fresh[-1]), lo=low, key=event_order)
    middle = heapq.merge(kept[low:high], fresh, key=event_order)
    return [*kept[:low], *middle, *kept[high:]]


#: The processes of :func:`reload_elsewhere` that may still be writing the cache.
_writing: list[subprocess.Popen[bytes]] = []


def settle(timeout: float = 30) -> None:
    """Wait (up to ``timeout`` seconds each) for the processes of earlier reloads to have
    written the cache: another program filling it after them then has the last word."""
    while _writing:
        process = _writing.pop()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


#: What the other process of :func:`reload_elsewhere` runs.
_SERVE = "from briefer.reload import serve_reload; serve_reload()"


def serve_reload() -> None:
    """The other process of :func:`reload_elsewhere`: a request on standard input, the
    log without the events the requester holds on standard output (both pickled)."""
    import gc
    import os
    import pickle
    import sys

    # It reads back tens of thousands of objects and exits: the collector's passes over
    # them would cost a fifth of the answer's time, and find nothing to free.
    gc.disable()

    def answer(found: Loaded) -> None:
        out = sys.stdout.buffer
        pickle.dump((_without_held(found, grown), grown), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
        # The pipe's end closed (standard output is the null device from here on): the
        # requester goes on while the cache is written.
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, out.fileno())
        os.close(null)

    path, keys, now = pickle.load(sys.stdin.buffer)
    with noting_growth() as grown:
        _reload(path, {shown: (key, None) for shown, key in keys.items()}, now, then=answer)


def _without_held(found: Loaded, grown: dict[str, int]) -> Loaded:
    """``found`` without the events of files that only grew that the requester holds: the
    first ``grown[file]`` of that file's, in the file's order."""
    log = found.result.log
    if log is None or not grown:
        return found
    held: set[int] = set()
    for shown, count in grown.items():
        mine = sorted((e for e in log.events if e.file == shown), key=attrgetter("pos"))
        held.update(map(id, mine[:count]))
    events = tuple(e for e in log.events if id(e) not in held)
    return Loaded(replace(found.result, log=replace(log, events=events)), found.includes)


def _reuse_keys(log: EventLog, includes: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each included file of ``log`` → the key its part was read under (``includes``: the
    files' digests): its digest, and the main file's time zone and kinds (only the main
    file declares them)."""
    from briefer import filecache

    tz, kinds = log.timezone, log.kinds
    return {
        shown: filecache.part_key(shown, digest, tz, kinds)
        for shown, (_path, digest) in zip(log.files[1:], includes, strict=False)
    }


def _held(log: EventLog, includes: tuple[tuple[str, str], ...], keys: dict[str, str]) -> set[str]:
    """The included files of ``log`` whose part has the key the requester read it under:
    the same bytes read the same way, so the same events as the requester's."""
    return {shown for shown, key in _reuse_keys(log, includes).items() if keys.get(shown) == key}


def _reload(
    path: str, reuse: Reuse, now: int | None, *, then: Callable[[Loaded], None] | None = None
) -> Loaded:
    """The log at ``path`` read again with ``reuse`` (see :func:`reload_log`). With ``then``,
    it is given the result before the cache is written (the changed files' parts, and
    the whole-log entry, which a large log's ids make ~0.2 s), and the cache after."""
    from briefer import cache, filecache
    from briefer.files import read_log_file
    from briefer.filestamps import Stamps
    from briefer.model import Pos, Problem
    from briefer.results import LoadResult

    display = display_name(path)
    stamps = Stamps(path)
    try:
        data = read_log_file(path)
    except OSError as exc:
        problem = Problem(Pos(display, 0, 0), "error", f"cannot read: {exc.strerror}")
        loaded = Loaded(LoadResult(None, (problem,)), ())
        if then is not None:
            then(loaded)
        return loaded
    # With ``then``, the changed files' parts are kept for after it.
    keeping: AbstractContextManager[list[tuple[str, FilePart | MainPart]]] = (
        filecache.deferring() if then is not None else nullcontext([])
    )
    with keeping as later:
        parsed = parse(path, data, display, parts=True, stamps=stamps, reuse=reuse)
    read = tuple((i.path, i.digest or cache.file_digest(i.data)) for i in parsed.inputs)
    loaded = Loaded(with_time_problems(parsed.result, display, now), read)
    if then is not None:
        then(loaded)
    filecache.store_all(later)
    cache.store(path, display, data, parsed, with_log=False)
    stamps.keep_only([i.path for i in parsed.inputs])
    stamps.save()
    return loaded
