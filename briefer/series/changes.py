"""Changes since the last brief: events added, changed (and how) and removed, by id.

Judgments and indicators that moved come from :mod:`briefer.series.assessments`.

Compares the scope of the brief being written with the scope the previous
brief of the series recorded in the reports manifest. Deadlines that passed
between the two briefs are called out too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from briefer.records import PART_FIELDS, SHOWN_FIELDS, Snapshot
from briefer.series.assessments import AssessmentChanges

__all__ = ["ChangedEvent", "Changes", "FieldChange", "compare"]

_PART_NAMES = {
    "summary": "summary",
    "actors": "actors",
    "location": "place",
    "tags": "tags",
    "sources": "sources",
    "source_notes": "source notes",
    "figures": "figures",
    "related": "related events",
    "credibility": "source grades",
    "indicators": "indicators",
}


@dataclass(frozen=True)
class FieldChange:
    """One field of an event that differs; old and new are None for digest-only fields."""

    field: str
    old: str | None = None
    new: str | None = None

    def __str__(self) -> str:
        if self.old is None and self.new is None:
            return f"{self.field} edited"
        return f"{self.field} {self.old or '—'} → {self.new or '—'}"


@dataclass(frozen=True)
class ChangedEvent:
    """An event present in both briefs whose content differs."""

    id: str
    title: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Changes:
    """What changed in the log between the previous brief and this one."""

    previous_number: int
    previous_as_of: int
    added: tuple[tuple[str, str], ...]
    changed: tuple[ChangedEvent, ...]
    removed: tuple[tuple[str, str], ...]
    #: (id, title, date as displayed) of deadlines that passed since the previous brief.
    deadlines_passed: tuple[tuple[str, str, str], ...]
    #: How the judgments and indicators moved (SPEC §7).
    assessment: AssessmentChanges = field(default_factory=AssessmentChanges)

    @property
    def none(self) -> bool:
        """Nothing at all changed."""
        return not (
            self.added
            or self.changed
            or self.removed
            or self.deadlines_passed
            or not self.assessment.none
        )

    def judgment_note(self, lineage: str, jid: str) -> str | None:
        """What the Key judgments section says of a judgment's move since the last brief."""
        for r in self.assessment.revised:
            if r.lineage == lineage:
                text = "; ".join(r.moves)
                return f"{text[:1].upper()}{text[1:]}."
        if any(i == jid for i, _ in self.assessment.new):
            return f"New since report {self.previous_number}."
        return None


def _part_differs(old: Snapshot, new: Snapshot, key: str) -> bool:
    """A field's digests differ; a field the older record did not know is not a change.

    An unknown digest is missing (a scope written before the field existed) or
    all '-' (a format-1 manifest that lacked it).
    """
    before = old.part(key)
    return bool(before.strip("-")) and before != new.part(key)


def _same_parts(old: Snapshot, new: Snapshot) -> bool:
    return old.parts == new.parts or not any(_part_differs(old, new, k) for k in PART_FIELDS)


def _show(value: Any) -> str:
    return "—" if value is None else str(value)


def compare(
    previous_number: int,
    previous_as_of: int,
    before: Sequence[Snapshot],
    after: Sequence[Snapshot],
    deadlines_passed: Sequence[tuple[str, str, str]],
    assessment: AssessmentChanges | None = None,
) -> Changes:
    """Snapshots (see ``records.event_snapshot``) of the two scopes → the changes, by id."""
    old = {s.id: s for s in before}
    new = {s.id: s for s in after}
    added = tuple((i, new[i].title) for i in new if i not in old)
    removed = tuple((i, old[i].title) for i in old if i not in new)
    changed = []
    for i, snap in new.items():
        prev = old.get(i)
        if prev is None or (prev.shown == snap.shown and _same_parts(prev, snap)):
            continue
        fields = [
            FieldChange(name, _show(prev.value(name)), _show(snap.value(name)))
            for name in SHOWN_FIELDS
            if prev.value(name) != snap.value(name)
        ]
        fields += [
            FieldChange(label)
            for key, label in _PART_NAMES.items()
            if _part_differs(prev, snap, key)
        ]
        changed.append(ChangedEvent(i, snap.title, tuple(fields)))
    return Changes(
        previous_number,
        previous_as_of,
        added,
        tuple(changed),
        removed,
        tuple(deadlines_passed),
        assessment or AssessmentChanges(),
    )
