"""Included files the per-file cache lacks, parsed by one forked process per core.

The files of a split log are read apart from each other (:mod:`briefer.filecache`),
so on a cold cache they can be read at once: before the loader's walk over the
includes, forked copies of the process each parse a share of the missing files
and file their parts in the cache, this process its own share; the walk then
finds every part there. The walk itself is unchanged, so the result is the
one a single process gives; a child that fails only leaves its files to the
walk. The same conditions as for one large file apply
(:func:`briefer.fastread.parallel.workers`: Linux, one thread, enough bytes).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence

from briefer import filecache
from briefer.fastread.parallel import workers

__all__ = ["prefill"]

#: (path, name as shown, bytes if already read, digest if known)
Wanted = tuple[str, str, bytes | None, str]


def prefill(
    tz_name: str,
    kinds: set[str],
    wanted: Sequence[Wanted],
    read: Callable[[Wanted], None],
    first: tuple[Callable[[], None], int] | None = None,
) -> int:
    """Have ``read`` (which files a file's part) run for the files of ``wanted`` whose part
    is not kept yet, shared among processes; how many processes took part (1: none forked).

    ``first`` = (work, its size in bytes read) is done by this process before its share,
    while the others read theirs (a preview's files: :mod:`briefer.nearby`)."""
    work, ahead = first if first is not None else (_nothing, 0)
    missing = [
        w
        for w in wanted
        if not w[3] or not filecache.kept(filecache.part_key(w[1], w[3], tz_name, kinds))
    ]
    sizes = {}
    for w in missing:
        try:
            sizes[w[0]] = os.stat(w[0]).st_size
        except OSError:
            sizes[w[0]] = 0  # the walk reports it
    count = min(workers(ahead + sum(sizes.values())), len(missing) + (first is not None))
    if count < 2 or not missing:
        work()
        return 1
    shares: list[list[Wanted]] = [[] for _ in range(count)]
    loads = [ahead] + [0] * (count - 1)
    for w in sorted(missing, key=lambda w: -sizes[w[0]]):  # largest first, to the lightest share
        i = loads.index(min(loads))
        shares[i].append(w)
        loads[i] += sizes[w[0]]
    children = []
    for share in shares[1:]:
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1
            try:
                _read_all(share, read)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    try:
        work()
        _read_all(shares[0], read)
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
    return count


def _nothing() -> None:
    pass


def _read_all(share: list[Wanted], read: Callable[[Wanted], None]) -> None:
    for w in share:
        with contextlib.suppress(Exception):  # the walk reads it again and says what is wrong
            read(w)
