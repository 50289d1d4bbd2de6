"""Citation numbering: a brief's sources numbered in the order it first cites them.

A citation shows its source's number, and its grade when the log gives one
(SPEC §7): ``3 B2`` is source 3, usually reliable (B), the information
probably true (2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from briefer.model import Event, Source
from briefer.tradecraft.grades import grade_code

__all__ = ["Citations", "Reference", "marks_text"]

#: Between a source's number and its grade: a no-break space, so that ``[3 B2]``
#: never breaks across lines.
_GAP = "\u00a0"


@dataclass(frozen=True)
class Reference:
    """A numbered entry of the brief's Sources section."""

    number: int
    source: Source


def marks_text(marks: tuple[str, ...]) -> str:
    """``[1][3 B2]``: citation marks as the brief prints them."""
    return "".join(f"[{m}]" for m in marks)


class Citations:
    """Numbers sources in order of first citation."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self._sources = dict(sources)
        self._numbers: dict[str, int] = {}
        #: Some citation so far carried a grade (the Sources section then explains the codes).
        self.graded = False

    def _number(self, sid: str) -> int:
        return self._numbers.setdefault(sid, len(self._numbers) + 1)

    def cite(self, event: Event) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
        """``event``'s reference numbers (known sources only) and notes; new sources get numbers."""
        refs: list[int] = []
        notes: list[tuple[int, str]] = []
        for citation in event.sources:
            if citation.source not in self._sources:
                continue
            number = self._number(citation.source)
            if number not in refs:
                refs.append(number)
            if citation.note:
                notes.append((number, citation.note))
        return tuple(refs), tuple(notes)

    def marks(self, event: Event) -> tuple[str, ...]:
        """``("1", "3 B2")``: ``event``'s citations in number order, each with its grade
        (after a no-break space)."""
        out: dict[int, str] = {}
        for citation in event.sources:
            source = self._sources.get(citation.source)
            if source is None:
                continue
            number = self._number(citation.source)
            code = grade_code(source.reliability, citation.credibility)
            self.graded = self.graded or bool(code)
            out.setdefault(number, f"{number}{_GAP}{code}" if code else str(number))
        return tuple(out[n] for n in sorted(out))

    def mark_source(self, sid: str) -> str | None:
        """``"4 A"``: a source cited directly (a judgment's basis), graded by its reliability."""
        source = self._sources.get(sid)
        if source is None:
            return None
        number = self._number(sid)
        if not source.reliability:
            return str(number)
        self.graded = True
        return f"{number}{_GAP}{source.reliability}"

    def references(self) -> tuple[Reference, ...]:
        """Every source cited so far, in number order."""
        return tuple(Reference(n, self._sources[sid]) for sid, n in self._numbers.items())
