"""A log file's bytes → the file without its events, and the events in chunks of whole items.

The events of a large log are nearly all of its text. They are parsed a chunk
at a time (so that rapidyaml's tree never holds the whole file), and the rest
of the file, the *skeleton*, is parsed once with the events' lines left blank,
so that every line of it keeps its number and every column its place.

The split is made where a block sequence's items must start: the top-level
``events:`` line, then every line that holds ``-`` at the items' indentation.
Only a plain layout is split; anything else (no such line, a flow list, a
line at or left of the items' indentation that is not an item) returns None
and the file is read whole. A split that cuts through a multi-line quoted
scalar or flow collection leaves a chunk that fails to parse, and a wrong
guess about where ``events:`` is shows in the skeleton, which the caller
checks (see :func:`briefer.fastread.read_file`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from briefer.yamlfast import Unsupported

__all__ = ["Chunk", "Split", "split"]

#: The top-level ``events:`` key with nothing after it but a comment.
#: (Searched with the newline before it: the regular expression engine finds a
#: literal first character fast, where ``^`` is tried at every byte.)
_EVENTS_LINE = re.compile(rb"\nevents:[ \t]*(?:#[^\n]*)?(?:\n|\Z)")
#: The first line of the value: an item at some indentation (comments and blank lines before).
_FIRST_ITEM = re.compile(rb"(?: *(?:#[^\n]*)?\n)*( *)-(?:[ \n])")
#: A line at column 0 (its newline before it) that is no comment: the end of the list.
_AFTER = re.compile(rb"\n[^ \n#]")
#: The same, when the items are at column 0 too.
_AFTER_ITEMS_AT_0 = re.compile(rb"\n(?:[^ \n#-]|-[^ \n])")
#: A byte count of events per chunk: about a thousand generated events.
CHUNK_BYTES = 1 << 19


@dataclass(frozen=True)
class Chunk:
    """Whole items of the events list: their text, first line (0-based) and item count."""

    text: bytes
    line: int
    items: int


@dataclass(frozen=True)
class Split:
    """The file without its events' lines, where the events are, and how they are indented."""

    skeleton: bytes
    #: The 0-based line of the ``events:`` key.
    events_line: int
    body_start: int
    body_end: int
    indent: int

    def chunks(self, data: bytes, size: int = CHUNK_BYTES) -> Iterator[Chunk]:
        """The events' items, ``size`` bytes or so at a time, each with its first line."""
        for bounds in self.bounds(data, size):
            yield bounds.chunk(data)

    def bounds(
        self, data: bytes, size: int = CHUNK_BYTES, run: tuple[int, int] | None = None
    ) -> list[Bounds]:
        """Where each chunk of :meth:`chunks` lies, without copying its bytes; only those
        of ``run`` (one of :meth:`runs`) when given. Raises Unsupported when a line at or
        left of the items is not one (the list is not laid out plainly after all)."""
        start, end = (self.body_start, self.body_end) if run is None else run
        starts = _item_starts(data, start, end, self.indent)
        if starts is None or (start != self.body_start and starts[0] != start):
            raise Unsupported
        # The first chunk takes the comments and blank lines before the first item too.
        starts[0] = start
        line = self.events_line + 1 + data.count(b"\n", self.body_start, start)
        out = []
        i = 0
        while i < len(starts):
            j = i + 1
            while j < len(starts) and starts[j] - starts[i] < size:
                j += 1
            stop = starts[j] if j < len(starts) else end
            out.append(Bounds(starts[i], stop, line, j - i))
            line += data.count(b"\n", starts[i], stop)
            i = j
        return out

    def runs(self, data: bytes, count: int) -> list[tuple[int, int]]:
        """The events list cut into at most ``count`` contiguous byte ranges of about the
        same size, each after the first starting on an item's line.

        Only a few lines are looked for here: each range's :meth:`bounds` (a search
        through its every line) are worked out by the process that reads it."""
        mark = b"\n" + b" " * self.indent + b"-"
        cuts = [self.body_start]
        size = self.body_end - self.body_start
        for k in range(1, count):
            at = max(self.body_start + size * k // count, cuts[-1] + 1) - 1
            found = data.find(mark, at, self.body_end)
            while found >= 0 and data[found + len(mark) : found + len(mark) + 1] not in _GAP:
                found = data.find(mark, found + 1, self.body_end)
            if found < 0:
                break
            cuts.append(found + 1)
        cuts.append(self.body_end)
        return list(pairwise(cuts))


@dataclass(frozen=True)
class Bounds:
    """A chunk's place in the file: its bytes ``start:end``, first line and item count."""

    start: int
    end: int
    line: int
    items: int

    def chunk(self, data: bytes) -> Chunk:
        return Chunk(data[self.start : self.end], self.line, self.items)


def _item_starts(data: bytes, start: int, end: int, indent: int) -> list[int] | None:
    """Where each item's line starts, or None if a line at or left of the items is not one."""
    # Lines with content (not a comment) at column ``indent`` or less; the
    # pattern starts with a newline, which the regular expression engine finds fast.
    outer = re.compile(rb"\n {0,%d}[^ \n#]" % indent)
    item = b" " * indent + b"-"
    after = indent + 1
    starts = []
    for found in outer.finditer(data, start - 1, end):
        at = found.start() + 1
        if not data.startswith(item, at) or data[at + after : at + after + 1] not in _GAP:
            return None
        starts.append(at)
    return starts or None


_GAP = (b" ", b"\n")


def split(data: bytes) -> Split | None:
    """Where the events list lies in ``data``, or None when it is not laid out plainly."""
    found = [m.start() + 1 for m in _EVENTS_LINE.finditer(data)]
    at_start = _EVENTS_LINE.match(b"\n" + data[:200])
    if at_start is not None:
        found.insert(0, 0)
    if len(found) != 1:
        return None  # no events (nothing to split off), or a key twice: read whole
    key_start = found[0]
    key = _EVENTS_LINE.match(data, key_start - 1) if key_start else at_start
    assert key is not None
    body_start = key.end() - (0 if key_start else 1)
    first = _FIRST_ITEM.match(data, body_start)
    if first is None:
        return None  # an empty list or one in another style
    indent = len(first.group(1))
    # The list ends at the first line that starts at column 0 and is neither a
    # comment nor (for items at column 0) an item.
    after = _AFTER if indent else _AFTER_ITEMS_AT_0
    stop = after.search(data, first.start(1))
    body_end = len(data) if stop is None else stop.start() + 1
    blank = b"\n" * data.count(b"\n", body_start, body_end)
    skeleton = b"".join((data[:body_start], blank, data[body_end:]))
    line = data.count(b"\n", 0, key_start)
    return Split(skeleton, line, body_start, body_end, indent)
