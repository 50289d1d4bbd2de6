"""Per-file entries of the parsed-log cache: an edit re-reads only the file it changed.

The whole-log entry (:mod:`briefer.cache`) answers when nothing changed at
all. When something did, each included file's part (:class:`FilePart`: its
sources, events, judgments, indicators, references and problems) is looked
up here by a digest of its own bytes, the name it is shown under, what the
main file decides about how it is read (time zone and kinds) and the code
version; only files without an entry are parsed, then the cheap steps across
files (references, duplicate ids, sorting, deadlines) run again.

Entries live beside the whole-log ones, are written whole, carry a digest of
their payload, and any unreadable one is a miss. The folder is kept to
:data:`MAX_ENTRIES` entries, the least recently written going first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from briefer import cache
from briefer.atomic import staged_files
from briefer.frozen import Columns
from briefer.model import Event
from briefer.schema.parts import FilePart, MainPart

__all__ = ["MAX_ENTRIES", "deferring", "kept", "lookup", "lookup_main", "part_key", "store"]
__all__ += ["store_all"]

_MAGIC = b"briefer-file-part 2\n"
_MAIN_MAGIC = b"briefer-main-part 1\n"
#: Entries kept: enough for a few versions of every file of a large split log.
MAX_ENTRIES = 4000


def _folder() -> Path:
    return cache.cache_dir() / "files"


def part_key(display: str, digest: str, tz: str, kinds: Iterable[str]) -> str:
    """The digest a file's part is filed under; ``digest`` is its bytes' (``cache.file_digest``)."""
    context = "\0".join([display, tz, *sorted(kinds), digest])
    return cache.key(context.encode("utf-8", "surrogateescape"))


def kept(key: str) -> bool:
    """Whether an entry is filed under ``key`` (it may still turn out damaged)."""
    return (_folder() / f"{key}.pickle").is_file()


def lookup(key: str, *, with_events: bool = True) -> FilePart | None:
    """The part filed under ``key``, or None (missing or damaged).

    Without ``with_events`` its events are not unpickled (``events`` is empty):
    what the steps across files need of them is in the part's other fields.
    """
    try:
        with open(_folder() / f"{key}.pickle", "rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC:
                return None
            part = _loads(_read(f))
            if not isinstance(part, FilePart):
                return None
            if with_events:
                events = _loads(_read(f))
                if not isinstance(events, list):
                    return None
                part.events = events
    except OSError:
        return None
    return part


def lookup_main(key: str) -> MainPart | None:
    """The main file's part filed under ``key``, or None (missing or damaged)."""
    try:
        with open(_folder() / f"{key}.pickle", "rb") as f:
            if f.read(len(_MAIN_MAGIC)) != _MAIN_MAGIC:
                return None
            part = _loads(_read(f))
    except OSError:
        return None
    return part if isinstance(part, MainPart) else None


def _read(f: BinaryIO) -> bytes:
    """One ``DIGEST LENGTH`` line and its payload; b'' when damaged."""
    line = f.readline(100).split()
    if len(line) != 2 or not line[1].isdigit():
        return b""
    payload = f.read(int(line[1]))
    if hashlib.blake2b(payload, digest_size=20).hexdigest().encode() != line[0]:
        return b""
    return payload


def _loads(payload: bytes) -> object:
    if not payload:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # a damaged entry that passed its digest is vanishingly rare
        return None


#: A section's ``DIGEST LENGTH`` line as :func:`store` writes it: the length padded to a
#: fixed width, so that the line can be written before its payload and filled in after.
_HEADER = len(f"{'0' * 40} {'0' * 20}\n")


class _Digesting:
    """A file to write to that digests what goes through it."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.digest = hashlib.blake2b(digest_size=20)

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.f.write(data)


def _dump(f: BinaryIO, value: object) -> None:
    """Pickle ``value`` as one section, straight into ``f``: a large file's events make
    a pickle of tens of megabytes, which the browser would otherwise hold whole while
    it reloads an edit."""
    start = f.tell()
    f.write(b" " * _HEADER)
    out = _Digesting(f)
    pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
    end = f.tell()
    f.seek(start)
    f.write(f"{out.digest.hexdigest()} {end - start - _HEADER:020d}\n".encode("ascii"))
    f.seek(end)


#: Where :func:`deferring` keeps the parts to be stored later.
_LATER: ContextVar[list[tuple[str, FilePart | MainPart]] | None] = ContextVar("later", default=None)


@contextlib.contextmanager
def deferring() -> Iterator[list[tuple[str, FilePart | MainPart]]]:
    """Within: :func:`store` keeps the parts in the list given rather than writing them;
    :func:`store_all` writes them (a process that answers first, then writes the cache)."""
    later: list[tuple[str, FilePart | MainPart]] = []
    token = _LATER.set(later)
    try:
        yield later
    finally:
        _LATER.reset(token)


def store_all(parts: list[tuple[str, FilePart | MainPart]]) -> None:
    """Store the parts :func:`deferring` kept."""
    for key, part in parts:
        store(key, part)


def store(key: str, part: FilePart | MainPart) -> None:
    """File ``part`` under ``key``; a cache that cannot be written only costs speed.

    Two sections: the part without its events, then the events, so that a
    check reads the first alone (a main file's part: one section).
    """
    later = _LATER.get()
    if later is not None:
        later.append((key, part))
        return
    folder = _folder()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with staged_files() as stage, stage.writing(folder / f"{key}.pickle", mode=0o600) as f:
            if isinstance(part, MainPart):
                f.write(_MAIN_MAGIC)
                _dump(f, part)
            else:
                f.write(_MAGIC)
                _dump(f, replace(part, events=[]))
                _dump(f, Columns(Event, part.events))
    except OSError:
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    """Keep the folder to MAX_ENTRIES entries, dropping the oldest."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    if len(entries) <= MAX_ENTRIES:
        return
    by_age = sorted(entries, key=lambda e: e.stat().st_mtime_ns if e.is_file() else 0)
    for entry in by_age[: len(entries) - MAX_ENTRIES * 3 // 4]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
