"""Loads for a program that keeps a log in memory (the browser): a cache-only first look,
and a reload that parses only the included files that changed.

:func:`load_log` rebuilds the whole log: from the whole-log cache entry when
nothing changed, else from every included file's part (each unpickled, events
and all). A program that still holds the previous version does better:
:func:`reload_log` takes the events of each unchanged included file from it,
reads back only the rest of that file's part (its ids, references and
problems: what the steps across files need), parses the changed files, and
runs the steps across files again. The result is the one :func:`load_log`
gives for the same files (the tests compare them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefer.loader import display_name, parse, with_time_problems

if TYPE_CHECKING:
    from collections.abc import Callable

    from briefer.model import Event, EventLog
    from briefer.preview import Preview
    from briefer.results import LoadResult

__all__ = ["Loaded", "cached_log", "reload_log"]


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
    from briefer import cache, filecache
    from briefer.files import read_log_file
    from briefer.filestamps import Stamps
    from briefer.model import Pos, Problem
    from briefer.results import LoadResult

    display = display_name(path)
    by_file: defaultdict[str, list[Event]] = defaultdict(list)
    for event in previous.events:
        by_file[event.pos.file].append(event)
    # The key each file's part was read under: its digest, and the time zone and kinds
    # of the main file then (the log's own: only the main file declares them).
    tz, kinds = previous.timezone, previous.kinds
    reuse = {
        shown: (filecache.part_key(shown, digest, tz, kinds), by_file.get(shown, []))
        for shown, (_path, digest) in zip(previous.files[1:], includes, strict=False)
    }
    stamps = Stamps(path)
    try:
        data = read_log_file(path)
    except OSError as exc:
        problem = Problem(Pos(display, 0, 0), "error", f"cannot read: {exc.strerror}")
        return Loaded(LoadResult(None, (problem,)), ())
    parsed = parse(path, data, display, parts=True, stamps=stamps, reuse=reuse)
    cache.store(path, display, data, parsed, with_log=False)
    stamps.keep_only([i.path for i in parsed.inputs])
    stamps.save()
    read = tuple((i.path, i.digest or cache.file_digest(i.data)) for i in parsed.inputs)
    return Loaded(with_time_problems(parsed.result, display, now), read)
