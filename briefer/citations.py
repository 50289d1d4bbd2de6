"""Citation numbering: a brief's sources numbered in the order it first cites them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from briefer.model import Event, Source

__all__ = ["Citations", "Reference"]


@dataclass(frozen=True)
class Reference:
    """A numbered entry of the brief's Sources section."""

    number: int
    source: Source


class Citations:
    """Numbers sources in order of first citation."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self._sources = dict(sources)
        self._numbers: dict[str, int] = {}

    def cite(self, event: Event) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
        """``event``'s reference numbers (known sources only) and notes; new sources get numbers."""
        refs: list[int] = []
        notes: list[tuple[int, str]] = []
        for citation in event.sources:
            if citation.source not in self._sources:
                continue
            number = self._numbers.setdefault(citation.source, len(self._numbers) + 1)
            if number not in refs:
                refs.append(number)
            if citation.note:
                notes.append((number, citation.note))
        return tuple(refs), tuple(notes)

    def references(self) -> tuple[Reference, ...]:
        """Every source cited so far, in number order."""
        return tuple(Reference(n, self._sources[sid]) for sid, n in self._numbers.items())
