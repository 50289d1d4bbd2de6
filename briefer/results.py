"""What a load produces: the validated log, its problems, and what it was built from.

These values are shared by :mod:`briefer.loader` (which makes them) and
:mod:`briefer.cache` (which stores them), so neither has to import the other's
module for its types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from briefer.model import EventLog, Pos, Problem

__all__ = ["Deadline", "FileRead", "LoadResult", "Parsed"]


@dataclass(frozen=True)
class Deadline:
    """A deadline event as the clock-dependent check needs it (cheap to cache apart)."""

    id: str
    #: The position of its id, where the other per-event warnings point too.
    pos: Pos
    latest: int | None
    #: It names a related event, or another event names it.
    followed: bool


@dataclass(frozen=True)
class LoadResult:
    """What loading produced: the log (None if there were errors) and every problem."""

    log: EventLog | None
    problems: tuple[Problem, ...]
    deadlines: tuple[Deadline, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that make the log invalid."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems worth fixing that do not stop the log being used."""
        return tuple(p for p in self.problems if p.severity == "warning")


@dataclass(frozen=True)
class FileRead:
    """One included file read for a load: where it is, how it is shown, what it held."""

    path: str
    display: str
    data: bytes
    #: Its bytes' digest (``briefer.cache.file_digest``), computed once per load.
    digest: str = ""


@dataclass(frozen=True)
class Parsed:
    """A parse's result and what it was built from (what the cache must check)."""

    result: LoadResult
    patterns: list[str]
    inputs: list[FileRead]
    #: With ``parse(index=True)``: where each event's id is (the log has no events).
    event_pos: Mapping[str, Pos] | None = None
