"""Events whose summaries are kept compressed: how the browser holds a large log.

A summary is the largest part of most events (a 100,000-event log's summaries
take ~30 MB as strings), yet the browser shows one at a time, in the detail
pane. Loaded within :func:`packed_summaries`, the events a cache entry gives are
:class:`PackedEvent` s: their summaries are compressed together, a block of
:data:`BLOCK` at a time, and one is opened again when it is asked for; their
positions are kept as a file and one int each (8 MB less at 100,000 events).
Such an event is equal to, hashes like and pickles as the
:class:`~briefer.model.Event` it stands for.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from typing import Any

from briefer.frozen import Texts, made, maker, packing
from briefer.model import COLUMN_MASK, LINE_SHIFT, Event, Pos, Positions

__all__ = ["BLOCK", "PackedEvent", "Summaries", "packed_summaries"]

#: Summaries compressed together (one opened again costs ~0.1 ms).
BLOCK = 256

_NAMES = tuple(f.name for f in fields(Event))
_SUMMARY = _NAMES.index("summary")
_POS = _NAMES.index("pos")
#: The slots an Event keeps its summary and position in; a PackedEvent keeps its block and
#: its file there.
_SUMMARY_SLOT = Event.__dict__["summary"]
_POS_SLOT = Event.__dict__["pos"]
_COMPARED = attrgetter(*(f.name for f in fields(Event) if f.compare))


class Summaries:
    """Some events' summaries, compressed together."""

    __slots__ = ("_data", "_ends")

    def __init__(self, data: bytes | bytearray, ends: array[int]) -> None:
        """``data``: the summaries in UTF-8, one after the other; ``ends``: where each ends."""
        self._data = zlib.compress(data, 1)
        self._ends = ends

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        whole = _opened(self)
        start = self._ends[index - 1] if index else 0
        return whole[start : self._ends[index]].decode("utf-8", "surrogatepass")


def _blocks(texts: Texts) -> list[Summaries]:
    """A column's summaries by blocks of :data:`BLOCK`, compressed."""
    data, ends, blocks = texts.data, texts.ends, []
    for first in range(0, len(ends), BLOCK):
        start = ends[first - 1] if first else 0
        mine = ends[first : first + BLOCK]
        stop = mine[-1]
        blocks.append(Summaries(data[start:stop], array("I", [end - start for end in mine])))
    return blocks


#: The block opened last and its bytes: the detail pane moves from an event to its neighbour.
_last: tuple[Summaries, bytes] | None = None


def _opened(block: Summaries) -> bytes:
    global _last
    last = _last
    if last is not None and last[0] is block:
        return last[1]
    data = zlib.decompress(block._data)
    _last = (block, data)
    return data


class PackedEvent(Event):
    """An :class:`~briefer.model.Event` whose summary is kept in a :class:`Summaries` block,
    and its position as its file and one int (a third of a Pos's memory)."""

    __slots__ = ("_at", "_where")
    _at: int
    _where: int

    @property
    def summary(self) -> str:
        block: Summaries = _SUMMARY_SLOT.__get__(self, Event)
        return block[self._at]

    @property
    def pos(self) -> Pos:
        where = self._where
        return Pos(_POS_SLOT.__get__(self, Event), where >> LINE_SHIFT, where & COLUMN_MASK)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Event):
            return bool(_COMPARED(self) == _COMPARED(other))
        return NotImplemented

    __hash__ = Event.__hash__

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the Event it stands for (a copy, the cache): its state has the text.
        return made, (Event, self.__getstate__())


_make_packed = maker(
    PackedEvent,
    [
        *(Event.__dict__[n].__set__ for n in _NAMES),
        *(PackedEvent.__dict__[n].__set__ for n in PackedEvent.__slots__),
    ],
)


def _packed(columns: tuple[Any, ...]) -> list[Event]:
    """A chunk's events, made from its columns, their summaries compressed by blocks."""
    summaries = columns[_SUMMARY]
    if not isinstance(summaries, Texts):  # not pickled as one text: made so here
        summaries = Texts.of(summaries)
    positions = columns[_POS]
    if not isinstance(positions, Positions):
        positions = Positions.of(positions)
    count = len(summaries)
    blocks = _blocks(summaries)
    values = list(columns)
    values[_SUMMARY] = [blocks[i // BLOCK] for i in range(count)]
    values[_POS] = list(map(positions.files.__getitem__, positions.numbers))
    at = [i % BLOCK for i in range(count)]
    return list(map(_make_packed, *values, at, positions.where))


@contextmanager
def packed_summaries() -> Iterator[None]:
    """Within: the events unpickled (a cache entry, another process's) are packed."""
    with packing(Event, _packed):
        yield
