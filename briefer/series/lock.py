"""The reports lock: one render at a time per reports folder, safe when unattended.

An advisory ``flock`` on ``reports/.briefer.lock``: the kernel releases it when
its holder exits, however it exits, so a lock left by a killed render is
simply free again (taken over with no guesswork about stale pids). The file
also says who holds the lock, for the message a waiting render prints. A
second render waits a bounded time, then gives up with exit code 4.

Where ``fcntl`` does not exist (Windows) an exclusive-create lock file is used
instead, and a holder whose process is gone is detected and taken over.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from briefer.errors import LockHeld, OutputError

__all__ = ["LOCK_NAME", "folder_lock", "reports_lock"]

LOCK_NAME = ".briefer.lock"
_POLL = 0.1


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return "another process"
    return text or "another process"


def _held(path: Path, wait: float) -> LockHeld:
    return LockHeld(
        f"another render holds the reports lock ({_holder(path)}); gave up after {wait:g} s"
    )


def _describe_self() -> str:
    return f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}"


@contextlib.contextmanager
def reports_lock(folder: Path, *, wait: float = 60.0) -> Iterator[None]:
    """Hold the lock of ``folder`` for the block; LockHeld (exit 4) after ``wait`` seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        with _exclusive_file_lock(path, wait):
            yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise _held(path, wait) from None
                time.sleep(_POLL)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _describe_self().encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float) -> Iterator[None]:
    """The lock of ``folder``, made if need be; a folder that cannot be made or written in
    is OutputError (exit 3)."""
    with contextlib.ExitStack() as stack:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stack.enter_context(reports_lock(folder, wait=wait))
        except OSError as exc:
            verb = "create" if not folder.is_dir() else "write in"
            raise OutputError(f"cannot {verb} {folder}/: {exc.strerror or exc}") from None
        yield


@contextlib.contextmanager
def _exclusive_file_lock(path: Path, wait: float) -> Iterator[None]:  # pragma: no cover
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            if not _alive(_holder(path)):
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            if time.monotonic() >= deadline:
                raise _held(path, wait) from None
            time.sleep(_POLL)
    try:
        os.write(fd, _describe_self().encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _alive(holder: str) -> bool:  # pragma: no cover - Windows fallback
    parts = holder.split()
    if len(parts) < 2 or parts[0] != "pid" or not parts[1].isdigit():
        return True  # unknown format: assume alive, the wait bound still applies
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
