"""Log files' digests remembered by what ``stat`` says of them, so that an unchanged
file need not be read again to prove it unchanged.

A warm check of a log split into 100 files would otherwise read and hash all of
them (58 MB at 100,000 events) only to find nothing changed. Instead, each
file's digest is kept with its *stamp*: size, modification and change times,
inode and device. A file whose stamp is the same is taken to hold the same
bytes, as git, make and rsync take it, with two precautions:

- the change time (``st_ctime``) is part of the stamp, and no tool can set it:
  a tool that puts an old modification time back (``touch -d``, ``cp -p``,
  ``rsync -t``) still changes it; replacing the file (editors save that way)
  changes the inode;
- a stamp is trusted only when both times lie more than :data:`MARGIN_NS`
  before the moment its digest was taken. A file written in the same clock
  tick as it was read (file systems keep times in ticks of up to 2 s) could
  otherwise change without changing its stamp: such a "racy" file is read and
  hashed again, and its stamp trusted on a later run.

The memo is one small file per log beside the cache's entries; a damaged or
missing memo only means reading every file once.
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

from briefer import cache
from briefer.atomic import write_atomic
from briefer.files import read_log_file

__all__ = ["MARGIN_NS", "Stamps"]

#: How long before a digest was taken a file must have last changed for its stamp to count.
MARGIN_NS = 2_000_000_000
_MAGIC = b"briefer-file-stamps 1\n"

#: (size, mtime_ns, ctime_ns, inode, device)
Stamp = tuple[int, int, int, int, int]


def stamp_of(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


class Stamps:
    """The remembered digests of one log's included files."""

    def __init__(self, log_path: str) -> None:
        name = cache.key_of_path(log_path)
        self._path = cache.cache_dir() / "logs" / f"{name}.stamps"
        #: path → (stamp, digest, when the digest was taken, in ns since the epoch)
        self._memo: dict[str, tuple[Stamp, str, int]] = self._read(self._path)
        #: The memo as read, before this run took any digest afresh.
        self._then = dict(self._memo)
        self._changed = False

    @staticmethod
    def _read(path: Path) -> dict[str, tuple[Stamp, str, int]]:
        try:
            raw = path.read_bytes()
        except OSError:
            return {}
        if not raw.startswith(_MAGIC):
            return {}
        try:
            memo = pickle.loads(raw[len(_MAGIC) :])
        except Exception:  # damaged: start afresh
            return {}
        if not isinstance(memo, dict):
            return {}
        return {path: entry for path, entry in memo.items() if _well_formed(path, entry)}

    def digest(self, path: str) -> tuple[bytes | None, str]:
        """The file's bytes (None when its stamp vouches for it) and their digest.

        Raises OSError as :func:`briefer.files.read_log_file` does.
        """
        taken = time.time_ns()  # before the stat: a write after it is newer than this
        st = os.stat(path)
        stamp = stamp_of(st)
        known = self._memo.get(path)
        if known is not None and known[0] == stamp and _trusted(st, known[2]):
            return None, known[1]
        data = read_log_file(path)
        digest = cache.file_digest(data)
        if known is None or known[0] != stamp or known[1] != digest or _trusted(st, taken):
            self._memo[path] = (stamp, digest, taken)
            self._changed = True
        return data, digest

    def remembered(self, path: str) -> tuple[int, str] | None:
        """The size and digest of ``path`` as the memo had them before this run."""
        known = self._then.get(path)
        return None if known is None else (known[0][0], known[1])

    def keep_only(self, paths: list[str]) -> None:
        """Forget files the log no longer includes."""
        wanted = set(paths)
        for gone in [p for p in self._memo if p not in wanted]:
            del self._memo[gone]
            self._changed = True

    def save(self) -> None:
        """Write the memo if it changed; a cache that cannot be written only costs speed."""
        if not self._changed:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            payload = pickle.dumps(self._memo, protocol=pickle.HIGHEST_PROTOCOL)
            write_atomic(self._path, [_MAGIC, payload], mode=0o600)
        except OSError:
            return
        self._changed = False


def _well_formed(path: object, entry: object) -> bool:
    if not (isinstance(path, str) and isinstance(entry, tuple) and len(entry) == 3):
        return False
    stamp, digest, taken = entry
    return (
        isinstance(stamp, tuple)
        and len(stamp) == 5
        and all(type(n) is int for n in stamp)
        and isinstance(digest, str)
        and type(taken) is int
    )


def _trusted(st: os.stat_result, taken: int) -> bool:
    """Whether a stamp taken at ``taken`` will vouch for the file (worth writing down)."""
    return max(st.st_mtime_ns, st.st_ctime_ns) < taken - MARGIN_NS
