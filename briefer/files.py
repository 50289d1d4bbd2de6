"""Which files a log is made of, and reading them without trusting what the paths point at.

Two guards live here, shared by everything that reads a log file (the loader,
the parsed-log cache, the brief's input hash, hence the browser's reload too):

* :func:`read_log_file` reads only regular files, up to :data:`MAX_FILE_BYTES`:
  ``--log /dev/zero`` or a log replaced by a named pipe must fail at once, not
  hang or fill memory.
* :func:`expand_includes` matches ``include:`` patterns inside the log's folder
  only, takes that folder's name literally (``Kosovo [2023]/`` is not a glob),
  never follows a folder link under ``**`` (so a link loop cannot hang it) and
  gives up after looking at :data:`MAX_INCLUDE_ENTRIES` names.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import posixpath
import stat
from typing import NamedTuple

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_INCLUDE_ENTRIES",
    "Match",
    "NotReadable",
    "expand_includes",
    "read_log_file",
]

#: The largest file briefer reads (a 100,000-event log is about 58 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: How many names (files and folders) expanding a log's include patterns may look at.
MAX_INCLUDE_ENTRIES = 250_000

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotReadable(OSError):
    """A path that is not a regular file, or one too large; ``strerror`` says which."""


def _require_regular(st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "something else")
        raise NotReadable(errno.EINVAL, f"not a regular file ({kind})")
    if st.st_size > MAX_FILE_BYTES:
        raise _too_large()


def _too_large() -> NotReadable:
    limit = f"{MAX_FILE_BYTES // (1024 * 1024)} MiB"
    return NotReadable(errno.EFBIG, f"file is larger than {limit}, the most briefer reads")


def read_log_file(path: str) -> bytes:
    """The bytes of the regular file at ``path`` (links followed), at most :data:`MAX_FILE_BYTES`.

    Raises :class:`OSError` (its ``strerror`` fit for "cannot read: …") for
    anything else. The path is checked before opening, so a device is never
    opened; it is opened non-blocking, so a named pipe swapped in meanwhile
    cannot block the open; and the open file is checked again, so that swap is
    refused too.
    """
    _require_regular(os.stat(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb", buffering=0) as f:
        st = os.fstat(fd)
        _require_regular(st)
        # One read of the expected size (no second copy of a large log); the
        # loop only runs again for a file that grows while it is read.
        chunks = []
        total = 0
        want = st.st_size + 1
        while True:
            chunk = f.read(want)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise _too_large()
            want = min(1 << 20, MAX_FILE_BYTES + 1 - total)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class Match(NamedTuple):
    """One result of expanding the include patterns."""

    #: Which pattern (its index in the log's ``include:`` list).
    nth: int
    pattern: str
    #: The file's absolute path; empty when the pattern matched nothing or is refused.
    path: str = ""
    #: The file as shown in messages.
    display: str = ""
    #: Why the pattern (or this file) is refused; empty when all is well.
    problem: str = ""


class _OverBudget(Exception):
    pass


class _Outside(Exception):
    def __init__(self, rel: str) -> None:
        self.rel = rel


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


# A folder or file found: its path relative to the log's folder ("" for that
# folder) and its real path (to tell where links lead and to spot duplicates).
_Found = tuple[str, str]


class _Walker:
    """Matches pattern segments below ``base``, counting every name it looks at."""

    def __init__(self, base: str, root: str) -> None:
        # Paths are built by concatenation: os.path.join is the hot spot of a
        # 100,000-file walk.
        self.prefix = base.rstrip(os.sep) + os.sep
        self.root = root
        self.left = MAX_INCLUDE_ENTRIES

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _OverBudget

    def scan(self, folder: _Found) -> list[os.DirEntry[str]]:
        """A folder's entries; an unreadable or vanished folder has none, as with glob."""
        out = []
        try:
            with os.scandir(self.prefix + folder[0]) as it:
                for entry in it:
                    self.left -= 1
                    if self.left < 0:
                        raise _OverBudget
                    out.append(entry)
        except OSError:
            return []
        return out

    def child(self, folder: _Found, name: str, is_link: bool) -> _Found:
        """``name`` in ``folder``; a link is resolved, and refused if it leads outside."""
        rel = f"{folder[0]}/{name}" if folder[0] else name
        if not is_link:
            return rel, folder[1] + os.sep + name
        real = os.path.realpath(self.prefix + rel)
        if not _inside(real, self.root):
            raise _Outside(rel)
        return rel, real

    def tree(self, top: _Found, folders: bool) -> list[_Found]:
        """``top`` and the folders below it, or the files below it; folder links not followed."""
        out = []
        stack = [top]
        while stack:
            folder = stack.pop()
            if folders:
                out.append(folder)
            for entry in self.scan(folder):
                name = entry.name
                if name.startswith("."):
                    continue  # as glob: '**' skips dot-folders and dot-files
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(self.child(folder, name, False))
                        continue
                    is_link = entry.is_symlink()
                    if is_link and entry.is_dir():
                        continue  # never into a folder link: that is how loops are made
                except OSError:
                    continue
                if not folders:
                    out.append(self.child(folder, name, is_link))
        return out

    def wildcard(self, folder: _Found, segment: str, last: bool) -> list[_Found]:
        """Names in ``folder`` matching ``segment``: folders to go on, or (last) the rest."""
        entries = self.scan(folder)
        names = set(fnmatch.filter([e.name for e in entries], segment))
        dots = segment.startswith(".")
        out = []
        for entry in entries:
            if entry.name not in names or (entry.name.startswith(".") and not dots):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir != last:  # a pipe or a dangling link is a result too: reading says why
                out.append(self.child(folder, entry.name, entry.is_symlink()))
        return out

    def literal(self, folder: _Found, segment: str, last: bool) -> list[_Found]:
        """``segment`` itself in ``folder``, if it is a folder (or, last, anything else)."""
        self.spend()
        path = self.prefix + (f"{folder[0]}/{segment}" if folder[0] else segment)
        try:
            st = os.lstat(path)
        except OSError:
            return []
        is_link = stat.S_ISLNK(st.st_mode)
        is_dir = os.path.isdir(path) if is_link else stat.S_ISDIR(st.st_mode)
        return [self.child(folder, segment, is_link)] if is_dir != last else []

    def match(self, segments: list[str]) -> list[_Found]:
        """Files matching the pattern's segments, sorted by their relative path."""
        folders: list[_Found] = [("", self.root.rstrip(os.sep))]
        for i, segment in enumerate(segments):
            last = i == len(segments) - 1
            found: dict[str, _Found] = {}
            for folder in folders:
                if segment == "**":
                    step = self.tree(folder, folders=not last)
                elif glob_magic(segment):
                    step = self.wildcard(folder, segment, last)
                else:
                    step = self.literal(folder, segment, last)
                for item in step:
                    found.setdefault(item[0], item)  # '**/**' reaches a folder twice
            folders = list(found.values())
        return sorted(folders)


def glob_magic(text: str) -> bool:
    """Does ``text`` hold a glob wildcard (``*``, ``?`` or ``[``)?"""
    return any(c in text for c in "*?[")


def _outside_message(pattern: str, main_name: str) -> str:
    return (
        f"include pattern '{pattern}' reaches outside the log's folder; included files "
        f"must be in the folder of {main_name} or below it"
    )


def expand_includes(patterns: list[str], main: str, main_display: str) -> list[Match]:
    """Every file the include patterns match, each once, in pattern order then sorted.

    Patterns are relative to the main file's folder, whose own name is taken
    literally; they may not leave it (no absolute paths, ``~`` or ``..``, no
    links to files or folders elsewhere). The main file never includes itself,
    and a file reached twice (a second pattern, a link) comes only the first
    time. A pattern that matches nothing gives one :class:`Match` without a
    path; a refused pattern or file gives one with a ``problem``.
    """
    base = os.path.dirname(os.path.abspath(main))
    root = os.path.realpath(base)
    main_name = os.path.basename(main_display)
    seen = {os.path.realpath(main)}
    head = os.path.dirname(main_display)
    head = head + os.sep if head else ""
    walker = _Walker(base, root)
    out: list[Match] = []
    for index, pattern in enumerate(patterns):
        normal = posixpath.normpath(pattern)
        if (
            pattern.startswith(("/", "~"))
            or os.path.isabs(pattern)
            or normal == ".."
            or normal.startswith("../")
        ):
            out.append(Match(index, pattern, problem=_outside_message(pattern, main_name)))
            continue
        try:
            found = walker.match(normal.split("/"))
        except _Outside as exc:
            where = head + exc.rel
            message = f"{_outside_message(pattern, main_name)} ({where} is a link to elsewhere)"
            out.append(Match(index, pattern, problem=message))
            continue
        except _OverBudget:
            message = (
                f"include patterns may look at {MAX_INCLUDE_ENTRIES:,} files and folders, "
                f"and '{pattern}' needs more; name the folders to search (e.g. events.d/*.yaml)"
            )
            out.append(Match(index, pattern, problem=message))
            continue
        if not found:
            out.append(Match(index, pattern))
            continue
        for rel, real in found:
            if real in seen:
                continue
            seen.add(real)
            out.append(Match(index, pattern, walker.prefix + rel, head + rel))
    return out
