"""Changes since the last brief: events added, changed (and how) and removed, by id.

Compares the scope of the brief being written with the scope the previous
brief of the series recorded in the reports manifest. Deadlines that passed
between the two briefs are called out too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from briefer.records import SHOWN_FIELDS

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

    @property
    def none(self) -> bool:
        """Nothing at all changed."""
        return not (self.added or self.changed or self.removed or self.deadlines_passed)


def _show(value: Any) -> str:
    return "—" if value is None else str(value)


def compare(
    previous_number: int,
    previous_as_of: int,
    before: Sequence[dict[str, Any]],
    after: Sequence[dict[str, Any]],
    deadlines_passed: Sequence[tuple[str, str, str]],
) -> Changes:
    """Snapshots (see ``records.event_snapshot``) of the two scopes → the changes, by id."""
    old = {s["id"]: s for s in before}
    new = {s["id"]: s for s in after}
    added = tuple((i, str(new[i]["title"])) for i in new if i not in old)
    removed = tuple((i, str(old[i]["title"])) for i in old if i not in new)
    changed = []
    for i, snap in new.items():
        prev = old.get(i)
        if prev is None or prev["hash"] == snap["hash"]:
            continue
        fields = [
            FieldChange(name, _show(prev.get(name)), _show(snap.get(name)))
            for name in SHOWN_FIELDS
            if prev.get(name) != snap.get(name)
        ]
        old_parts, new_parts = prev.get("parts", {}), snap.get("parts", {})
        fields += [
            FieldChange(label)
            for key, label in _PART_NAMES.items()
            if old_parts.get(key) != new_parts.get(key)
        ]
        changed.append(ChangedEvent(i, str(snap["title"]), tuple(fields)))
    return Changes(
        previous_number,
        previous_as_of,
        added,
        tuple(changed),
        removed,
        tuple(deadlines_passed),
    )
