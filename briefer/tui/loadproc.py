"""Loading a large log in another process, and receiving it in slices the screen never waits for.

The browser's process must never hold its interpreter lock for long, yet a
cold parse of 100,000 events takes tens of seconds and unpickling them whole
holds it for seconds. So the browser starts ``python -m briefer.tui.loadproc``,
which loads the log (through the parsed-log cache, which it fills), computes
the browser's columns (:func:`briefer.tui.view.columns`) and writes to its
standard output a stream of messages, each one length-prefixed pickle:

- ``("meta", result, count, None)``: the result with the log's events left
  out (its log None for an invalid log: then nothing follows), how many there are;
- ``("columns", columns)``: the columns, their per-event lists left empty;
- ``("chunk", events, haystacks, summaries)``: the next :data:`CHUNK` events,
  kept without their summaries (the browser reads one when it shows it) and
  with equal values (places, dates, actors, tags, file names) shared;
- ``("end",)``.

One pickler writes every message and one unpickler reads them, so a value
sent once is a reference afterwards. The browser unpickles one message at a
time between screen updates (:func:`receive`). Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import copyreg
import io
import operator
import pickle
import struct
import sys
from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any, BinaryIO

from briefer.dates import EDate
from briefer.loader import LoadResult, load_log
from briefer.model import Event, EventLog, Location
from briefer.tui.view import Columns, columns

__all__ = ["CHUNK", "Received", "main", "receive", "send_log"]

#: Events a message: unpickling one takes a few milliseconds.
CHUNK = 200

_LENGTH = struct.Struct(">Q")


class _Writer:
    """Collects what the pickler writes for one message."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        return len(data)


def send_log(result: LoadResult, now: float, out: BinaryIO) -> None:
    """Write ``result`` as the stream of messages described above."""
    writer = _Writer()
    pickler = pickle.Pickler(writer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {Event: _Slimmer()}  # type: ignore[dict-item]

    def send(message: tuple[Any, ...]) -> None:
        pickler.dump(message)
        out.write(_LENGTH.pack(len(writer.buffer)))
        out.write(writer.buffer)
        writer.buffer.clear()

    log = result.log
    if log is None:
        send(("meta", result, 0, None))
        out.flush()
        return
    cols = columns(log, now)
    haystacks, cols.haystacks = cols.haystacks, []
    meta = replace(log, events=())
    send(("meta", LoadResult(meta, result.problems, result.deadlines), len(log.events), None))
    out.flush()
    send(("columns", cols))
    for start in range(0, len(log.events), CHUNK):
        chunk = log.events[start : start + CHUNK]
        summaries = [e.summary.encode() for e in chunk]
        send(("chunk", chunk, haystacks[start : start + CHUNK], summaries))
    send(("end",))
    out.flush()


_FIELDS = tuple(f.name for f in fields(Event))
_STATE = operator.attrgetter(*_FIELDS)
_SUMMARY, _HAYSTACK = _FIELDS.index("summary"), _FIELDS.index("_haystack")
_DATE, _LOCATION = _FIELDS.index("date"), _FIELDS.index("location")


class _Slimmer:
    """How the pickler writes an event: without its summary, with equal dates and places shared.

    The events' own pickling (:func:`briefer.frozen.fast_pickle`) with a changed
    state: a date is the same for the same text (in one log's time zone).
    """

    def __init__(self) -> None:
        self.dates: dict[str, EDate] = {}
        self.places: dict[tuple[object, ...], Location] = {}

    def __call__(self, event: Event) -> tuple[object, ...]:
        state = list(_STATE(event))
        state[_SUMMARY] = ""
        state[_HAYSTACK] = None
        date = event.date
        state[_DATE] = self.dates.setdefault(date.text, date)
        place = event.location
        if place is not None:
            key = (place.name, place.region, place.lat, place.lon)
            state[_LOCATION] = self.places.setdefault(key, place)
        return (copyreg.__newobj__, (Event,), tuple(state))  # type: ignore[attr-defined]


class _Feed:
    """What the unpickler reads from: the message in hand."""

    def __init__(self) -> None:
        self.data = io.BytesIO()

    def read(self, size: int = -1) -> bytes:
        return self.data.read(size)

    def readline(self) -> bytes:
        return self.data.readline()

    def readinto(self, buffer: bytearray | memoryview) -> int:
        return self.data.readinto(buffer)


class Received:
    """A log as it arrives: the result so far, and the columns to build its view with."""

    def __init__(self) -> None:
        self.result: LoadResult | None = None
        self.columns: Columns | None = None
        self.count = 0
        self.events: list[Event] = []
        self.index: dict[str, int] = {}


async def receive(
    stream: asyncio.StreamReader, progress: Callable[[int, int], None]
) -> Received | None:
    """Read the messages, one unpickled at a time between screen updates; None if cut short.

    ``progress(received, count)`` is called after each message.
    """
    feed = _Feed()
    unpickler = pickle.Unpickler(feed)
    got = Received()
    while True:
        try:
            head = await stream.readexactly(_LENGTH.size)
            payload = await stream.readexactly(_LENGTH.unpack(head)[0])
        except asyncio.IncompleteReadError:
            return None
        feed.data = io.BytesIO(payload)
        del payload
        message = unpickler.load()
        kind = message[0]
        if kind == "meta":
            _, got.result, got.count, _ = message
            if got.result is None or got.result.log is None:
                return got
        elif kind == "columns":
            got.columns = message[1]
            got.columns.summaries = []
        elif kind == "chunk" and got.columns is not None and got.columns.summaries is not None:
            got.index.update((e.id, len(got.events) + n) for n, e in enumerate(message[1]))
            got.events += message[1]
            got.columns.haystacks += message[2]
            got.columns.summaries += message[3]
        elif kind == "end":
            return got
        progress(len(got.events), got.count)
        await asyncio.sleep(0)  # let the screen update between two messages


def assemble(got: Received) -> tuple[LoadResult, Columns | None]:
    """The result with its log's events put back in."""
    assert got.result is not None
    log = got.result.log
    if log is None:
        return got.result, None
    full: EventLog = replace(log, events=tuple(got.events))
    return LoadResult(full, got.result.problems, got.result.deadlines), got.columns


def main(argv: list[str] | None = None) -> None:
    """``python -m briefer.tui.loadproc PATH NOW [--no-cache]``: the stream on stdout."""
    args = sys.argv[1:] if argv is None else argv
    path, now = args[0], float(args[1])
    result = load_log(path, use_cache="--no-cache" not in args[2:], now=int(now))
    send_log(result, now, sys.stdout.buffer)


if __name__ == "__main__":
    main()
