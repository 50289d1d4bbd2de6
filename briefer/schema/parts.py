"""What one included file contributes to a log, so that each file can be read (and cached) alone.

A file's part holds everything its walk collected: its sources, events,
judgments and indicators with their positions, the references still to
check, and its own problems. The main file's walk then takes each part in
include order (:func:`absorb`) and checks references once, across all of them.

Reading a file alone gives exactly what the shared walk would, except when
an id is declared again in another file: the shared walk stops reading an
entry at a duplicate id. :func:`absorb` refuses a part with such an id, and
the caller reads the log the shared way instead, so that even that error
case reports exactly what it always did.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, fields
from typing import Any

from briefer.model import Event, Indicator, Judgment, Pos, Problem, Source
from briefer.schema.state import IdPositions, LogState, RefBlock

__all__ = ["FilePart", "MainPart", "absorb", "main_part_of", "part_of", "restore_main"]


@dataclass
class FilePart:
    """One file's contribution, as its own walk left it (see :class:`LogState`)."""

    problems: list[Problem]
    sources: dict[str, Source]
    source_id_pos: dict[str, Pos]
    #: Left empty by a check, which needs only what the other fields say of them.
    events: list[Event]
    event_pos: IdPositions
    refs: RefBlock
    bad_sources: set[str]
    judgments: list[Judgment]
    judgment_pos: dict[str, Pos]
    indicators: dict[str, Indicator]
    indicator_pos: dict[str, Pos]
    likelihood_rows: list[tuple[int, str, Pos]]
    uncited: list[str]
    observed: set[str]
    related_named: set[str]
    deadline_facts: list[tuple[tuple[object, ...], str, int | None, bool]]


_FIELDS = tuple(f.name for f in fields(FilePart) if f.name != "refs")


def part_of(state: LogState) -> FilePart:
    """What a walk over one included file collected."""
    # A file read in runs (briefer.fastread.parallel) has its runs' references in blocks.
    refs = RefBlock.joined(state.file.display, state.refs, state.ref_blocks)
    return FilePart(refs=refs, **{name: getattr(state, name) for name in _FIELDS})


def absorb(state: LogState, part: FilePart) -> bool:
    """Add ``part`` to ``state``; False (nothing added) when it repeats an id already known."""
    if (
        part.source_id_pos.keys() & state.source_id_pos.keys()
        or part.event_pos.keys() & state.event_pos.keys()
        or part.judgment_pos.keys() & state.judgment_pos.keys()
        or part.indicator_pos.keys() & state.indicator_pos.keys()
    ):
        return False
    state.problems += part.problems
    state.sources.update(part.sources)
    state.source_id_pos.update(part.source_id_pos)
    state.events += part.events
    state.event_pos.merge(part.event_pos)
    state.ref_blocks.append(part.refs)
    state.bad_sources |= part.bad_sources
    state.judgments += part.judgments
    state.judgment_pos.update(part.judgment_pos)
    state.indicators.update(part.indicators)
    state.indicator_pos.update(part.indicator_pos)
    state.likelihood_rows += part.likelihood_rows
    state.uncited += part.uncited
    state.observed |= part.observed
    state.related_named |= part.related_named
    state.deadline_facts += part.deadline_facts
    return True


#: What a walk leaves in a state, but for the file it read and the nodes it refused.
_STATE_FIELDS = tuple(
    f.name for f in fields(LogState) if f.name not in ("file", "refused", "_props")
)


@dataclass(frozen=True)
class MainPart:
    """What the walk of a main file's sections other than its events list left in a fresh
    state, pickled as it was then (the walk goes on with the events and the other files).

    A log of 2,000 sources spends ~0.2 s walking them, which every reload of an edit to
    another file would spend again; its main file seldom changes.
    """

    payload: bytes


def main_part_of(state: LogState) -> MainPart | None:
    """The :class:`MainPart` of a state that has walked a main file's sections alone; None
    when they held events (not a plain list, read with the rest) or an error (the loader
    reads the log the reference way then)."""
    if state.events or len(state.event_pos) or any(p.severity == "error" for p in state.problems):
        return None
    values: dict[str, Any] = {name: getattr(state, name) for name in _STATE_FIELDS}
    # Where each include pattern is, for a message about one: its node holds the whole file.
    values["include_nodes"] = [
        node if isinstance(node, Pos) else state.pos(node) for node in state.include_nodes
    ]
    return MainPart(pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL))


def restore_main(state: LogState, part: MainPart) -> bool:
    """Put a fresh state where the walk :func:`main_part_of` took ``part`` from left it;
    False (the state untouched) when ``part`` cannot be read back."""
    try:
        values = pickle.loads(part.payload)
    except Exception:  # damaged past its entry's digest: vanishingly rare, a miss
        return False
    if not (isinstance(values, dict) and all(name in values for name in _STATE_FIELDS)):
        return False
    for name in _STATE_FIELDS:
        setattr(state, name, values[name])
    return True
