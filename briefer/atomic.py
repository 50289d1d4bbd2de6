"""Writing outputs whole or not at all: temporaries beside the targets, then renames.

One file is replaced atomically by a rename. A brief is several files (the
Markdown, charts, PDF, its scope record and the manifest), and no file system
renames several at once, so a publication goes through a journal:

1. every file is written to a temporary beside its target and flushed;
2. the journal, naming each (temporary, target) pair in order, is written
   atomically in the folder the lock guards: from here on the publication
   is decided;
3. the temporaries are renamed into place in the journal's order;
4. the journal is removed.

A render killed before step 2 leaves only temporaries, which the next render
removes (the previous state). A render killed after it leaves the journal,
and the next render, holding the same lock, finishes the renames first (the
complete new state). Callers order the pairs so that the manifest comes
before the files it records: at no moment is a brief in place unrecorded.

New files get the permissions the user's umask gives (``mkstemp`` alone would
make them 0600); a replaced file keeps its mode.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "JOURNAL",
    "TEMP_SUFFIX",
    "Data",
    "Staged",
    "current_umask",
    "fsync_dir",
    "new_file_mode",
    "recover",
    "staged_files",
    "write_atomic",
]

#: The publication journal, in the folder the render's lock guards.
JOURNAL = ".briefer.journal"
#: What a file is written from: text (as UTF-8), bytes, or byte strings one after another.
Data = bytes | str | Sequence[bytes]
#: Ends the name of every temporary staged here (``.NAME.RANDOM.briefer.tmp``).
TEMP_SUFFIX = ".briefer.tmp"

_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask.

    Linux reports it in ``/proc/self/status``, read without changing anything.
    Elsewhere the only way is to set it and set it back: the umask is
    process-wide, so a file another thread creates in that instant would get
    umask 0. The lock only orders briefer's own callers; the CLI writes from
    one thread, and the browser renders in a child process.
    """
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii", errors="replace") as f,
    ):
        for line in f:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _umask_lock:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def new_file_mode(path: Path) -> int:
    """The mode a file written to ``path`` gets: the mode of the file it replaces,
    else what the umask leaves of 0666."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def write_atomic(path: Path, data: Data, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically (readers see the old file or the new one).

    ``data`` may be a sequence of byte strings, written one after the other
    (a large file need not be joined in memory first); ``mode``, if given,
    replaces the mode :func:`new_file_mode` would choose.
    """
    with staged_files() as stage:
        stage.put(path, data, mode=mode)


def fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (best effort: not every system can)."""
    if sys.platform == "win32":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Staged:
    """Files written to temporaries now and renamed into place together at the end."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._modes: dict[Path, int] = {}

    def temp_for(self, path: Path) -> Path:
        """A fresh temporary path in ``path``'s folder, renamed to ``path`` on success.

        Files are renamed in the order their temporaries were asked for.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
        os.close(fd)
        self._pending.append((Path(tmp), path))
        return Path(tmp)

    def put(self, path: Path, data: Data, *, mode: int | None = None) -> None:
        """Stage ``data`` (text, bytes, or byte strings in order) for ``path``, with ``mode``."""
        if isinstance(data, str):
            chunks: Sequence[bytes] = [data.encode("utf-8")]
        else:
            chunks = [data] if isinstance(data, bytes) else data
        with self.writing(path, mode=mode) as f:
            for chunk in chunks:
                f.write(chunk)

    @contextmanager
    def writing(self, path: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
        """Stage ``path`` as what is written to the file given, for data made while it is
        written (a large pickle need not be held whole in memory first)."""
        tmp = self.temp_for(path)
        if mode is not None:
            self._modes[tmp] = mode
        with open(tmp, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())

    def _seal(self) -> None:
        # At the end rather than at creation: a writer handed a temporary's
        # path (the PDF engine) writes it after staging, and could replace it.
        for tmp, final in self._pending:
            mode = self._modes.pop(tmp, None)
            os.chmod(tmp, new_file_mode(final) if mode is None else mode)

    def commit(self, journal: Path | None = None) -> None:
        """Rename every temporary into place, through ``journal`` when given.

        Once the journal is written the publication is decided: the
        temporaries are no longer ours to discard, and a failure among the
        renames leaves the journal for :func:`recover` to finish.
        """
        self._seal()
        if journal is None:
            _rename_all(self._pending)
            self._pending.clear()
            return
        _write_journal(journal, self._pending)
        pairs, self._pending = self._pending, []
        _rename_all(pairs)
        with contextlib.suppress(OSError):  # published; recover() drops a stale journal
            journal.unlink()
            fsync_dir(journal.parent)

    def discard(self) -> None:
        """Remove every temporary staged so far."""
        for tmp, _ in self._pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._pending.clear()


def _rename_all(pairs: list[tuple[Path, Path]]) -> None:
    folders: dict[Path, None] = {}
    for tmp, final in pairs:
        os.replace(tmp, final)
        folders[final.parent] = None
    for folder in folders:
        fsync_dir(folder)


def _write_journal(journal: Path, pairs: list[tuple[Path, Path]]) -> None:
    base = journal.parent
    renames = [[os.path.relpath(t, base), os.path.relpath(f, base)] for t, f in pairs]
    text = json.dumps({"briefer_journal": 1, "renames": renames}, ensure_ascii=False)
    stage = Staged()
    try:
        stage.put(journal, text + "\n")
        stage.commit()
    except BaseException:
        stage.discard()
        raise


def recover(folder: Path) -> int:
    """Finish the publication a killed render left in ``folder``; how many files it renamed.

    Call it holding the folder's lock, before removing stale temporaries. A
    journal that is not ours or names files outside the folder is dropped:
    briefer writes its journal atomically, so such a file was not written by it.
    """
    journal = folder / JOURNAL
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    except (ValueError, RecursionError, UnicodeDecodeError):
        data = None
    # A temporary already gone was renamed before the kill.
    left = [(t, f) for t, f in _journal_pairs(folder, data) if t.exists()]
    _rename_all(left)
    journal.unlink()
    fsync_dir(folder)
    return len(left)


def _journal_pairs(folder: Path, data: object) -> list[tuple[Path, Path]]:
    if not isinstance(data, dict) or data.get("briefer_journal") != 1:
        return []
    renames = data.get("renames")
    if not isinstance(renames, list):
        return []
    pairs = []
    for item in renames:
        if not (
            isinstance(item, list) and len(item) == 2 and all(isinstance(p, str) for p in item)
        ):
            return []
        tmp, final = folder / item[0], folder / item[1]
        parts = Path(item[0]).parts + Path(item[1]).parts
        if (
            Path(item[0]).is_absolute()
            or Path(item[1]).is_absolute()
            or ".." in parts
            or tmp.parent != final.parent
            or not tmp.name.endswith(TEMP_SUFFIX)
        ):
            return []
        pairs.append((tmp, final))
    return pairs


@contextmanager
def staged_files(journal: Path | None = None) -> Iterator[Staged]:
    """Stage several files; all are renamed into place if the block succeeds, none otherwise.

    With ``journal`` (in the folder the caller's lock guards) the renames are
    journalled, so that a render killed among them is finished by the next one.
    """
    stage = Staged()
    try:
        yield stage
        stage.commit(journal)
    except BaseException:
        stage.discard()
        raise
