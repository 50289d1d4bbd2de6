"""The parsed-log cache: a second load of an unchanged log skips YAML entirely.

One entry per log (keyed by the log's absolute path), in the platform's cache
directory, never in the user's folder. An entry is valid when the briefer
version and the bytes of the main file and of every included file are the
same as when it was written, and the include patterns still match the same
files. Entries are written to a temporary file and renamed into place, so
concurrent writers never leave a torn entry (the last one wins); a payload
digest catches corruption, and any unreadable entry counts as a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefer import __version__

if TYPE_CHECKING:
    from briefer.loader import LoadResult, Parsed

__all__ = ["cache_dir", "lookup", "store"]

_MAGIC = b"briefer-log-cache 1\n"
# Bump when the model or the validation rules change in a way a version bump
# would not show (during development).
_SCHEMA = "3"


def cache_dir() -> Path:
    """``$BRIEFER_CACHE_DIR``, else the platform's user cache directory for briefer."""
    override = os.environ.get("BRIEFER_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs  # lazily: only cache users need it

    return Path(platformdirs.user_cache_dir("briefer", appauthor=False))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _entry_path(path: str) -> Path:
    name = _digest(os.path.abspath(path).encode("utf-8", "surrogateescape"))
    return cache_dir() / "logs" / f"{name}.pickle"


@dataclass(frozen=True)
class _Entry:
    key: str
    display: str
    #: The main file's include patterns (fixed by its bytes, which the key covers).
    patterns: tuple[str, ...]
    #: (absolute path, digest) of every included file, in load order.
    includes: tuple[tuple[str, str], ...]
    result: LoadResult


def _code_stamp() -> str:
    """Size and mtime of the modules that shape a parsed log.

    A released version already changes the key; this also catches an edited
    source tree (an editable install) whose version string did not move.
    """
    here = Path(__file__).parent
    parts = []
    for name in ("cache.py", "dates.py", "loader.py", "model.py"):
        try:
            st = (here / name).stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("?")
    return ",".join(parts)


def _key(data: bytes) -> str:
    version = f"{__version__}/{_SCHEMA}/{sys.version_info[:2]}/{_code_stamp()}"
    return _digest(version.encode() + b"\0" + data)


def lookup(path: str, display: str, data: bytes) -> LoadResult | None:
    """The cached result for this log if nothing it was built from has changed."""
    entry_file = _entry_path(path)
    try:
        raw = entry_file.read_bytes()
    except OSError:
        return None
    entry = _decode(raw)
    if entry is None or entry.key != _key(data) or entry.display != display:
        return None
    for inc_path, inc_digest in entry.includes:
        try:
            with open(inc_path, "rb") as f:
                if _digest(f.read()) != inc_digest:
                    return None
        except OSError:
            return None
    if entry.patterns:
        # The patterns might match more or fewer files now.
        from briefer.loader import expand_includes

        matched = [a for _, a, _ in expand_includes(list(entry.patterns), path, display) if a]
        if matched != [p for p, _ in entry.includes]:
            return None
    return entry.result


def _decode(raw: bytes) -> _Entry | None:
    if not raw.startswith(_MAGIC):
        return None
    header_end = raw.find(b"\n", len(_MAGIC))
    if header_end < 0:
        return None
    expected = raw[len(_MAGIC) : header_end].decode("ascii", "replace")
    payload = raw[header_end + 1 :]
    if _digest(payload) != expected:
        return None
    try:
        entry = pickle.loads(payload)
    except Exception:  # a stale or foreign pickle is just a miss
        return None
    return entry if isinstance(entry, _Entry) else None


def store(path: str, display: str, data: bytes, parsed: Parsed) -> None:
    """Write the entry atomically; a cache that cannot be written is silently skipped."""
    entry = _Entry(
        _key(data),
        display,
        tuple(parsed.patterns),
        tuple((i.path, _digest(i.data)) for i in parsed.inputs),
        parsed.result,
    )
    payload = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
    blob = _MAGIC + _digest(payload).encode("ascii") + b"\n" + payload
    target = _entry_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
