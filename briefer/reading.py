"""One log file read into a walk: alone, through the per-file cache, or before the walk.

:mod:`briefer.loader` decides which files make up a log and in what order; this
module reads each of them: the main file or an included one, by the fast reader
or the reference one (:func:`read_file`); an included file on its own, as its
part in the per-file cache (:func:`included_part`); and the parts the cache
lacks, by several processes at once, before the walk (:func:`prefill_parts`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from briefer.files import Match, read_log_file
from briefer.model import Event

if TYPE_CHECKING:  # the schema is imported when a log is parsed, not with this module
    from briefer import fastread
    from briefer.filestamps import Stamps
    from briefer.schema import LogReader
    from briefer.schema.parts import FilePart
    from briefer.yamlread import SourceText

__all__ = ["First", "Reuse", "grown_part", "included_part", "noting_growth", "prefill_parts"]
__all__ += ["read_file"]
__all__ += ["walk_included"]

#: Where :func:`noting_growth` notes the files grown from a version another process holds.
_GROWN: ContextVar[dict[str, int] | None] = ContextVar("grown", default=None)


@contextlib.contextmanager
def noting_growth() -> Iterator[dict[str, int]]:
    """Within: an included file that has only grown since the version whose events another
    process holds (a :class:`Reuse` entry without events, of the old key) is noted in the
    dict given, with how many of its events that process holds: its first ones, in the
    file's order, are those."""
    grown: dict[str, int] = {}
    token = _GROWN.set(grown)
    try:
        yield grown
    finally:
        _GROWN.reset(token)


#: A block scalar's header that keeps its trailing empty lines (``|+``, ``>2+``).
_KEEP = re.compile(rb"[|>][0-9]?\+")

#: An included file's name as shown → the key of the part it was read as (its bytes' digest
#: and how the main file says to read it: ``filecache.part_key``), and the events read then
#: (still in memory, e.g. the browser's): a file whose key is the same is not parsed again.
#: Events None: another process holds them, and the log comes without that file's events.
Reuse = Mapping[str, tuple[str, Sequence[Event] | None]]


class First(NamedTuple):
    """Files this process reads before its share of the rest (see :func:`prefill_parts`)."""

    #: Reads them (and perhaps more); the parts it read, with their digests, by path.
    run: Callable[[], dict[str, tuple[FilePart, str]]]
    #: The files it reads, left out of the shares.
    paths: frozenset[str]
    #: Their size in bytes, counted in this process's share.
    size: int


def prefill_parts(
    reader: LogReader,
    matches: list[Match],
    known: dict[str, tuple[bytes | None, str]],
    stamps: Stamps | None,
    *,
    with_log: bool,
    fast: bool,
    first: First | None = None,
) -> dict[str, tuple[FilePart, str]]:
    """Have the per-file cache hold every included file's part, read by several processes
    at once where that is worth it (:mod:`briefer.prefill`); the parts this process read,
    with their digests, by path (the walk takes them rather than read them back).

    A file whose digest is not known yet is asked of ``stamps`` here (the walk would ask
    next), so that a file whose part is kept counts as kept. ``first`` is run by this
    process while the others start on their shares."""
    from briefer.prefill import Wanted, prefill

    for m in matches:
        if m.path and m.path not in known and stamps is not None:
            with contextlib.suppress(OSError):  # the walk reports it
                known[m.path] = stamps.digest(m.path)

    fresh: dict[str, tuple[FilePart, str]] = {}

    def read(w: Wanted) -> None:
        fresh[w[0]] = included_part(reader, w[0], w[1], w[2], w[3], with_events=with_log, fast=fast)

    ahead = frozenset() if first is None else first.paths
    wanted = [
        (m.path, m.display, *known.get(m.path, (None, "")))
        for m in matches
        if m.path and m.path not in ahead
    ]
    job = None if first is None else (lambda: fresh.update(first.run()), first.size)
    prefill(reader.header.get("timezone", "UTC"), reader.kinds, wanted, read, job)
    return fresh


def read_file(
    reader: LogReader,
    data: bytes,
    display: str,
    *,
    main: bool,
    fast: bool,
    keep_events: bool = True,
    cache: bool = False,
    ahead: fastread.Ahead | None = None,
) -> SourceText | None:
    """Walk one file into ``reader``; None when it has no document to walk (reported).

    With ``fast``, the fast reader does (raising Unsupported for a file only the
    reference path reads exactly; ``ahead``: see ``fastread.read_file``); otherwise PyYAML
    composes the file and the schema walks its nodes.
    """
    from briefer.yamlread import SourceText, decode

    if fast:
        from briefer import fastread

        return fastread.read_file(
            reader, data, display, main=main, keep_events=keep_events, cache=cache, ahead=ahead
        )
    text, problem = decode(data, display)
    if problem is not None:
        reader.problems.append(problem)
        return None
    assert text is not None
    source = SourceText(display, text)
    reader.begin(source)
    root = reader.compose()
    if root is None:
        return None
    if main:
        reader.walk_main(root)
    else:
        reader.walk_included(root)
    return source


def walk_included(reader: LogReader, display: str, data: bytes, *, fast: bool) -> None:
    """Read one included file into ``reader``'s walk."""
    read_file(reader, data, display, main=False, fast=fast)


def included_part(
    main: LogReader,
    path: str,
    display: str,
    data: bytes | None,
    digest: str,
    *,
    with_events: bool,
    fast: bool,
    reuse: Reuse | None = None,
    grown: tuple[int, str] | None = None,
) -> tuple[FilePart, str]:
    """One included file read on its own (as the main file says to), through the per-file
    cache, and the digest of the bytes it was read from.

    ``data`` is None when only the file's digest is known (its stamp vouched for
    it, :mod:`briefer.filestamps`): it is read only if no part is kept for that
    digest. A part the fast reader finds an error in is not kept: the reference
    reader words errors. ``grown`` is the file's size and digest when it was last
    read: a file that has only had events appended since has only those read
    (:func:`grown_part`). Raises OSError when the file cannot be read.
    """
    from briefer import filecache
    from briefer.cache import file_digest
    from briefer.schema import LogReader
    from briefer.schema.parts import part_of
    from briefer.yamlread import Unsupported

    tz_name = main.header.get("timezone", "UTC")
    if data is not None and not digest:
        digest = file_digest(data)
    key = filecache.part_key(display, digest, tz_name, main.kinds)
    part = None
    kept = reuse.get(display) if reuse is not None and with_events else None
    if kept is not None and digest and kept[0] == key:
        # Its events are in memory already: only the rest of its part is read back.
        part = filecache.lookup(key, with_events=False)
        if part is not None:
            part.events = list(kept[1] or ())
    # Another process holds this file's events as they were (see ``Reuse``): a file that has
    # only grown since is read as grown even when a part of its new bytes is kept (an edit
    # undone and made again), so that only its new events go back to that process.
    theirs = kept is not None and kept[1] is None and kept[0] != key
    grown_first = theirs and fast and grown is not None and data is not None
    if part is None and digest and not grown_first:
        part = filecache.lookup(key, with_events=with_events)
    if part is None and data is None:
        data = read_log_file(path)
        if file_digest(data) != digest:  # changed since its stamp was taken
            digest = file_digest(data)
            key = filecache.part_key(display, digest, tz_name, main.kinds)
            part = filecache.lookup(key, with_events=with_events)
    if part is None and fast and grown is not None:
        assert data is not None
        part = grown_part(main, display, data, grown, kept)
        if part is not None:
            filecache.store(key, part)
            if not with_events:
                part = replace(part, events=[])
    if part is None and grown_first:
        part = filecache.lookup(key, with_events=with_events)
    if part is None:
        assert data is not None
        alone = LogReader(tz=main.tz, kinds=set(main.kinds))
        walk_included(alone, display, data, fast=fast)
        if fast and any(p.severity == "error" for p in alone.problems):
            raise Unsupported
        part = part_of(alone)
        filecache.store(key, part)
        if not with_events:  # a check needs what the part says of its events, not them
            part = replace(part, events=[])
    return part, digest


def grown_part(
    main: LogReader,
    display: str,
    data: bytes,
    grown: tuple[int, str],
    kept: tuple[str, Sequence[Event] | None] | None = None,
) -> FilePart | None:
    """The part of an included file that has only had items appended to its events list
    since it was ``grown`` = (size, digest): its old part, kept in the per-file cache
    (with its events from ``kept``, the :class:`Reuse` entry, when that is the one),
    and the new items alone, read as :mod:`briefer.fastread.parallel` reads a run
    (:func:`~briefer.fastread.parallel.read_run`).

    None when that cannot be told for sure (the old bytes are not the file's start,
    the new text is not whole items, no old part is kept), or when the new items hold
    an error or an id the old ones have: the whole file is read then, which gives the
    same result, worded by the reference reader where it must be.
    """
    from briefer import filecache
    from briefer.cache import file_digest
    from briefer.fastread.parallel import read_run
    from briefer.fastread.split import split
    from briefer.schema import LogReader
    from briefer.schema.parts import absorb, part_of
    from briefer.yamlfast import Unsupported, _odd
    from briefer.yamlread import SourceText

    size, digest = grown
    if not 0 < size < len(data) or data[size - 1 : size] != b"\n":
        return None
    if data.startswith(b"\xef\xbb\xbf") or file_digest(data[:size]) != digest:
        return None
    # Anything PyYAML could read otherwise (a lone CR, NEL or U+2028 is a line break to
    # it: the new items' lines would be miscounted) is read whole, as by the fast reader.
    if _odd(data) or not _utf8(data[size:]):
        return None
    layout = split(data)
    # The list must run to the end: what follows it (another key, a document) is the
    # skeleton's, which only the whole file's read walks.
    if layout is None or not layout.body_start < size < layout.body_end == len(data):
        return None
    item = b"\n" + b" " * layout.indent + b"-"
    at = data.find(item, size - 1, layout.body_end)
    if at < 0:
        return None
    start = at + 1
    # Before the first new item: only empty lines, and comments left of the items
    # (anything else, spaces included, could be text of the old last item's block
    # scalar); and nothing at all after a scalar that keeps its trailing lines (``|+``).
    between = data[size:start]
    for line in between.split(b"\n")[:-1]:
        text = line.lstrip(b" ")
        if line and not (text.startswith(b"#") and len(line) - len(text) <= layout.indent):
            return None
    last = data.rfind(item, layout.body_start - 1, size - 1)
    if between and _KEEP.search(data, max(last, layout.body_start), size):
        return None
    tz_name = main.header.get("timezone", "UTC")
    old_key = filecache.part_key(display, digest, tz_name, main.kinds)
    if kept is not None and kept[1] is not None and kept[0] == old_key:
        old = filecache.lookup(old_key, with_events=False)
        if old is not None:
            old.events = list(kept[1])
    else:  # the old part is stored again with the new items: it needs its events
        old = filecache.lookup(old_key, with_events=True)
    if old is None or any(p.severity == "error" for p in old.problems):
        return None
    held = len(old.events) if kept is not None and kept[0] == old_key else None
    whole = LogReader(tz=main.tz, kinds=set(main.kinds))
    try:
        whole.begin(SourceText(display, layout.skeleton.decode("utf-8")), props=False)
        new = read_run(whole, data, layout, (start, layout.body_end), display, True)
    except (Unsupported, UnicodeDecodeError):
        return None
    if any(p.severity == "error" for p in new.problems):
        return None
    if not (absorb(whole, old) and absorb(whole, new)):
        return None  # an id the old items have: the whole file's walk words it
    noted = _GROWN.get()
    if noted is not None and held is not None:
        noted[display] = held
    return part_of(whole)


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
