"""Events kept compactly: how the browser holds a large log.

A summary is the largest part of most events (a 100,000-event log's summaries
take ~30 MB as strings), yet the browser shows one at a time, in the detail
pane. Loaded within :func:`packed_events`, the events a cache entry gives are
:class:`PackedEvent` s: their summaries are compressed together, a block of
:data:`BLOCK` at a time, and one is opened again when it is asked for; their
titles are kept in UTF-8 by the same blocks, and their positions as a file and,
in the title block, a line and column packed into one int. Such an event is
equal to, hashes like and pickles as the :class:`~briefer.model.Event` it stands
for.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from functools import partial
from operator import attrgetter
from typing import Any

from briefer.frozen import Texts, made, maker, packing
from briefer.model import COLUMN_MASK, LINE_SHIFT, Event, Pos, Positions

__all__ = ["BLOCK", "PackedEvent", "Summaries", "Titles", "packed_events"]

#: Events whose titles and summaries are kept together, in one block of each (a summary
#: block opened again costs ~0.1 ms).
BLOCK = 256

_NAMES = tuple(f.name for f in fields(Event))
_TITLE = _NAMES.index("title")
_SUMMARY = _NAMES.index("summary")
_POS = _NAMES.index("pos")
#: Fields whose equal values are made one object as a log is loaded: places and actors
#: repeat across the files (and chunks) the cache keeps apart (~4 MB at 100,000 events,
#: and a place filter tests each place once).
_SHARED = tuple(_NAMES.index(name) for name in ("location", "actors", "tags"))
#: The slots an Event keeps its title, summary and position in; a PackedEvent keeps its
#: blocks and its file there.
_TITLE_SLOT = Event.__dict__["title"]
_SUMMARY_SLOT = Event.__dict__["summary"]
_POS_SLOT = Event.__dict__["pos"]
_COMPARED = attrgetter(*(f.name for f in fields(Event) if f.compare))


class Titles:
    """Some events' titles, in UTF-8, one after the other (about half their strings' memory:
    most titles of a log of the Balkans hold a letter beyond Latin-1, two bytes each), and
    the events' lines and columns (:attr:`where`)."""

    __slots__ = ("_data", "_ends", "where")

    def __init__(
        self, data: bytes | bytearray, ends: array[int], where: array[int] | None = None
    ) -> None:
        """``data``: the texts in UTF-8, one after the other; ``ends``: where each ends;
        ``where``: each event's line and column in one int (``model.LINE_SHIFT``)."""
        self._data = bytes(data)
        self._ends = ends
        #: 8 bytes an event, where an int object of its own took 32 and its slot 8 more.
        self.where = array("Q") if where is None else where

    def _whole(self) -> bytes:
        return self._data

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        whole = self._whole()
        start = self._ends[index - 1] if index else 0
        return whole[start : self._ends[index]].decode("utf-8", "surrogatepass")


class Summaries(Titles):
    """Some events' summaries, compressed together."""

    __slots__ = ()

    def __init__(
        self, data: bytes | bytearray, ends: array[int], where: array[int] | None = None
    ) -> None:
        super().__init__(zlib.compress(data, 1), ends, where)

    def _whole(self) -> bytes:
        return _opened(self)


def _blocks(texts: Texts, kind: type[Titles], where: array[int] | None = None) -> list[Titles]:
    """A column's texts by blocks of :data:`BLOCK` (with their events' lines and columns,
    from ``where``)."""
    data, ends, blocks = texts.data, texts.ends, []
    for first in range(0, len(ends), BLOCK):
        start = ends[first - 1] if first else 0
        mine = ends[first : first + BLOCK]
        stop = mine[-1]
        lengths = array("I", [end - start for end in mine])
        mine_where = None if where is None else where[first : first + BLOCK]
        blocks.append(kind(data[start:stop], lengths, mine_where))
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
    """An :class:`~briefer.model.Event` whose title and summary are kept in blocks with its
    neighbours' (:class:`Titles`, :class:`Summaries`), and its position as its file and its
    title block's entry for its line and column."""

    __slots__ = ("_at",)
    #: Its place in its blocks.
    _at: int

    @property
    def title(self) -> str:
        block: Titles = _TITLE_SLOT.__get__(self, Event)
        return block[self._at]

    @property
    def summary(self) -> str:
        block: Summaries = _SUMMARY_SLOT.__get__(self, Event)
        return block[self._at]

    @property
    def file(self) -> str:
        file: str = _POS_SLOT.__get__(self, Event)
        return file

    @property
    def pos(self) -> Pos:
        block: Titles = _TITLE_SLOT.__get__(self, Event)
        where = block.where[self._at]
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


def _packed(columns: tuple[Any, ...], shared: dict[object, Any]) -> list[Event]:
    """A chunk's events, made from its columns: their titles and summaries by blocks (the
    summaries compressed), their positions as files, and lines and columns in the title
    blocks; equal places, actors and tags made one object, through ``shared``."""
    values = list(columns)
    count = len(values[0])
    for field in _SHARED:
        values[field] = list(map(shared.setdefault, values[field], values[field]))
    positions = columns[_POS]
    if not isinstance(positions, Positions):
        positions = Positions.of(positions)
    values[_POS] = list(map(positions.files.__getitem__, positions.numbers))
    for field, kind, where in ((_TITLE, Titles, positions.where), (_SUMMARY, Summaries, None)):
        texts = columns[field]
        if not isinstance(texts, Texts):  # not pickled as one text: made so here
            texts = Texts.of(texts)
        blocks = _blocks(texts, kind, where)
        values[field] = [blocks[i // BLOCK] for i in range(count)]
    at = [i % BLOCK for i in range(count)]
    return list(map(_make_packed, *values, at))


@contextmanager
def packed_events() -> Iterator[None]:
    """Within: the events unpickled (a cache entry, another process's) are packed."""
    shared: dict[object, Any] = {}
    with packing(Event, partial(_packed, shared=shared)):
        yield
