"""The parsed-log cache: a second load of an unchanged log skips YAML entirely.

One entry per log (keyed by the log's absolute path), in the platform's cache
directory, never in the user's folder. An entry is valid when the briefer
code and the bytes of the main file and of every included file are the same
as when it was written, and the include patterns still match the same files.

An entry has three parts, each with its own digest: a small header (the
problems, the deadlines the clock-dependent check needs, what the entry was
built from), the preview (a large log's first screen, :mod:`briefer.preview`,
which the browser shows while it reads the rest) and the body (the pickled
EventLog). ``briefer check`` reads only the header, so a warm check of 100,000
events does not unpickle them at all.

Entries are written whole (:func:`briefer.atomic.write_atomic`), so concurrent
writers never leave a torn entry (the last one wins); digests catch
corruption, and any unreadable entry counts as a miss. The directory is the
user's own (created 0700): pickles are only ever read from there.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from briefer import __version__
from briefer.atomic import write_atomic
from briefer.results import LoadResult, Parsed

if TYPE_CHECKING:
    from collections.abc import Callable

    from briefer.preview import Preview


class Stamps(Protocol):
    """What vouches for included files without reading them (:class:`briefer.filestamps.Stamps`)."""

    def digest(self, path: str) -> tuple[bytes | None, str]:
        """The file's bytes (None when they need not be read) and their digest."""


__all__ = [
    "Header",
    "cache_dir",
    "file_digest",
    "key",
    "key_of_digest",
    "key_of_path",
    "lookup",
    "shaping_modules",
    "store",
]

_MAGIC = b"briefer-log-cache 5\n"
#: What ``_load_part`` returns for a damaged part (None is a valid body: an invalid log).
_DAMAGED = object()


def cache_dir() -> Path:
    """``$BRIEFER_CACHE_DIR``, else the platform's user cache directory for briefer."""
    override = os.environ.get("BRIEFER_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs  # lazily: only cache users need it

    return Path(platformdirs.user_cache_dir("briefer", appauthor=False))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def file_digest(data: bytes) -> str:
    """The digest of a log file's bytes, by which entries know it."""
    return _digest(data)


def key_of_path(path: str) -> str:
    """The name a log's entries are kept under: a digest of its absolute path."""
    return _digest(os.path.abspath(path).encode("utf-8", "surrogateescape"))


def _entry_path(path: str) -> Path:
    return cache_dir() / "logs" / f"{key_of_path(path)}.pickle"


def shaping_modules() -> list[str]:
    """The modules that shape a parsed log (and how it is pickled), as paths in the package."""
    here = Path(__file__).parent
    return [
        "cache.py",
        "dates.py",
        "durations.py",
        "filecache.py",
        "files.py",
        "frozen.py",
        "loader.py",
        "model.py",
        "preview.py",
        "reading.py",
        "results.py",
        "slugs.py",
        *(f"schema/{p.name}" for p in sorted((here / "schema").glob("*.py"))),
        *(f"tradecraft/{p.name}" for p in sorted((here / "tradecraft").glob("*.py"))),
        *(f"fastread/{p.name}" for p in sorted((here / "fastread").glob("*.py"))),
        "urls.py",
        "wallclock.py",
        "yamlfast.py",
        "yamlread.py",
    ]


def _code_stamp() -> str:
    """Size and mtime of the modules that shape a parsed log (:func:`shaping_modules`).

    A released version already changes the key; this also catches an edited
    source tree (an editable install) whose version string did not move.
    """
    here = Path(__file__).parent
    parts = []
    for name in shaping_modules():
        try:
            st = (here / name).stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("?")
    return ",".join(parts)


#: The code stamp, once per process: a long-running browser reloads with the code it runs.
_STAMP: list[str] = []


def key(data: bytes) -> str:
    """What a cache entry for a main file holding ``data`` is keyed by."""
    return key_of_digest(file_digest(data))


def key_of_digest(digest: str) -> str:
    """:func:`key` of the bytes whose :func:`file_digest` is ``digest``."""
    if not _STAMP:
        _STAMP.append(f"{__version__}/{sys.version_info[:2]}/{_code_stamp()}")
    return _digest(f"{_STAMP[0]}\0{digest}".encode())


@dataclass(frozen=True)
class Header:
    """What an entry was built from, and the result minus the log itself."""

    key: str
    display: str
    #: The main file's include patterns (fixed by its bytes, which the key covers).
    patterns: tuple[str, ...]
    #: (absolute path, digest) of every included file, in load order.
    includes: tuple[tuple[str, str], ...]
    #: The result with ``log`` left out (it is the body).
    result: LoadResult
    #: False when the entry was written without its body (``briefer check`` needs
    #: none, and pickling 100,000 events costs seconds): a load that wants the
    #: log takes it as a miss, and builds it from the per-file entries.
    has_body: bool = True


def _read_part(f: BinaryIO) -> bytes | None:
    """One ``LENGTH DIGEST\\n`` + payload part, or None if it is damaged."""
    found = _part_header(f)
    if found is None:
        return None
    length, expected = found
    payload = f.read(length)
    if len(payload) != length or _digest(payload) != expected:
        return None
    return payload


def _part_header(f: BinaryIO) -> tuple[int, str] | None:
    """The length and digest of the next part, or None when they cannot be right.

    A length beyond the end of the file (a damaged or foreign entry, say one
    of 2^60) would otherwise ask for that much memory before the digest is
    even checked.
    """
    line = f.readline(200)
    try:
        length_text, expected = line.decode("ascii").split()
        length = int(length_text)
        left = os.fstat(f.fileno()).st_size - f.tell()
    except (ValueError, OSError):
        return None
    if not (length_text.isdigit() and 0 <= length <= left and len(expected) == 40):
        return None
    return length, expected


def _load_part(f: BinaryIO) -> object:
    """Unpickle the next part straight from the file once its digest checks out.

    Reading a 140 MB body into one bytes object first would add its size to the
    peak memory of every program that loads a large log (the browser included).
    """
    found = _part_header(f)
    if found is None:
        return _DAMAGED
    length, expected = found
    start = f.tell()
    hasher = hashlib.blake2b(digest_size=20)
    left = length
    while left:
        chunk = f.read(min(left, 1 << 20))
        if not chunk:
            return _DAMAGED
        hasher.update(chunk)
        left -= len(chunk)
    if hasher.hexdigest() != expected:
        return _DAMAGED
    f.seek(start)
    return _loads(f)


def _skip_part(f: BinaryIO) -> bool:
    """Move past the next part without reading it; False when its length cannot be right."""
    found = _part_header(f)
    if found is None:
        return False
    f.seek(found[0], os.SEEK_CUR)
    return True


def _loads(payload: bytes | BinaryIO) -> object:
    # Unpickling 100,000 events allocates millions of objects; the cyclic
    # garbage collector would rescan them over and over for nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        if isinstance(payload, bytes):
            return pickle.loads(payload)
        return pickle.load(payload)
    finally:
        if enabled:
            gc.enable()


def lookup(
    path: str,
    display: str,
    data_key: str,
    *,
    need_log: bool = True,
    known: dict[str, tuple[bytes | None, str]] | None = None,
    need_body: bool = False,
    stamps: Stamps | None = None,
    includes: list[tuple[str, str]] | None = None,
    preview: Callable[[LoadResult, Preview], None] | None = None,
) -> LoadResult | None:
    """The cached result for this log if nothing it was built from has changed.

    With ``need_log=False`` the log itself is not unpickled (``result.log`` is
    None): enough for ``briefer check``; ``need_body`` still insists that the
    entry holds the log, without unpickling it. Included files read to check them
    are left in ``known`` (path → bytes and digest) for a parse after a miss;
    with ``stamps``, a file its stamp vouches for is not read (its bytes are None).
    On a hit, ``includes`` receives the (path, digest) of each included file it was built from.
    With ``need_log``, ``preview`` is called with the entry's preview (the result with
    the preview's log), if it has one, before the whole log is read.
    """
    from briefer.model import EventLog
    from briefer.preview import Preview

    try:
        with open(_entry_path(path), "rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC:
                return None
            raw_header = _read_part(f)
            if raw_header is None:
                return None
            header = _loads(raw_header)
            if not isinstance(header, Header) or header.key != data_key:
                return None
            unchanged = _includes_unchanged(
                header, path, display, {} if known is None else known, stamps
            )
            if header.display != display or not unchanged:
                return None
            if not header.has_body and (need_log or need_body):
                return None
            if not need_log:
                return header.result
            if preview is None:
                if not _skip_part(f):
                    return None
            else:
                shown = _load_part(f)
                if isinstance(shown, Preview):
                    result = header.result
                    preview(LoadResult(shown.log, result.problems, result.deadlines), shown)
                elif shown is not None:
                    return None  # damaged, or not ours
            try:
                log = _load_part(f)
            except Exception:  # a damaged body that passed its digest is vanishingly rare
                return None
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
        OverflowError,
        MemoryError,
        RecursionError,
    ):
        return None  # any damage is a miss: the log is parsed afresh
    if log is not None and not isinstance(log, EventLog):
        return None  # damaged, or not ours
    if includes is not None:
        includes[:] = header.includes
    return LoadResult(log, header.result.problems, header.result.deadlines)


def _includes_unchanged(
    header: Header,
    path: str,
    display: str,
    known: dict[str, tuple[bytes | None, str]],
    stamps: Stamps | None,
) -> bool:
    from briefer.files import expand_includes, read_log_file

    for inc_path, inc_digest in header.includes:
        try:
            if stamps is not None:
                data, digest = stamps.digest(inc_path)
            else:
                data = read_log_file(inc_path)
                digest = _digest(data)
        except OSError:
            return False
        known[inc_path] = (data, digest)
        if digest != inc_digest:
            return False
    if header.patterns:
        # The patterns might match more or fewer files now; a refused one is
        # refused again by a fresh parse, which is cheap next to what it reports.
        matches = expand_includes(list(header.patterns), path, display)
        if any(m.problem for m in matches):
            return False
        if [m.path for m in matches if m.path] != [p for p, _ in header.includes]:
            return False
    return True


def _part_line(payload: bytes) -> bytes:
    """The ``LENGTH DIGEST\\n`` line that comes before ``payload`` in an entry."""
    return f"{len(payload)} {_digest(payload)}\n".encode("ascii")


def store(
    path: str,
    display: str,
    data: bytes,
    parsed: Parsed,
    *,
    with_log: bool = True,
    digest: str = "",
    preview: Preview | None = None,
) -> None:
    """Write the entry atomically; a cache that cannot be written is silently skipped.

    ``with_log=False`` writes the header alone (see ``Header.has_body``). ``digest``, when
    given, is ``data``'s (:func:`file_digest`), taken already: 58 MB need not be hashed twice.
    ``preview``, when given, is the log's preview, made already.
    """
    from briefer.preview import preview_of

    result = parsed.result
    header = Header(
        key_of_digest(digest) if digest else key(data),
        display,
        tuple(parsed.patterns),
        tuple((i.path, i.digest or _digest(i.data)) for i in parsed.inputs),
        LoadResult(None, result.problems, result.deadlines),
        has_body=with_log or bool(result.errors),
    )
    head = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
    log = result.log if header.has_body else None
    body = pickle.dumps(log, protocol=pickle.HIGHEST_PROTOCOL)
    shown = None if log is None else preview or preview_of(log, time.time())
    first = pickle.dumps(shown, protocol=pickle.HIGHEST_PROTOCOL)
    target = _entry_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written in pieces: joining a large log's body to the rest would double it in memory.
        parts = [_MAGIC, _part_line(head), head, _part_line(first), first, _part_line(body), body]
        write_atomic(target, parts, mode=0o600)
    except OSError:
        pass  # an unwritable cache only costs speed
