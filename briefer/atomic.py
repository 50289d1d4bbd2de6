"""Writing outputs whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Staged", "staged_files", "write_atomic"]


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` atomically (readers see the old file or the new one)."""
    with staged_files() as stage:
        stage.put(path, data)


class Staged:
    """Files written to temporaries now and renamed into place together at the end."""

    def __init__(self) -> None:
        self._pending: list[tuple[str, Path]] = []

    def temp_for(self, path: Path) -> Path:
        """A fresh temporary path in ``path``'s folder, renamed to ``path`` on success."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        self._pending.append((tmp, path))
        return Path(tmp)

    def put(self, path: Path, data: bytes | str) -> None:
        """Stage ``data`` for ``path``."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        tmp = self.temp_for(path)
        with open(tmp, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())

    def commit(self) -> None:
        for tmp, final in self._pending:
            os.replace(tmp, final)
        self._pending.clear()

    def discard(self) -> None:
        for tmp, _ in self._pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._pending.clear()


@contextmanager
def staged_files() -> Iterator[Staged]:
    """Stage several files; all are renamed into place if the block succeeds, none otherwise."""
    stage = Staged()
    try:
        yield stage
    except BaseException:
        stage.discard()
        raise
    stage.commit()
