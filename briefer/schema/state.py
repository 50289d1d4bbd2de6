"""What a walk collects, the readers every section shares, and the shape of a section."""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Callable, Iterator, KeysView, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any, TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode

from briefer.dates import DateError, EDate, parse_date
from briefer.durations import parse_duration
from briefer.model import (
    BUILTIN_KINDS,
    COLUMN_MASK,
    LINE_SHIFT,
    Event,
    Indicator,
    Judgment,
    Metric,
    Pos,
    Source,
)
from briefer.slugs import slugify
from briefer.urls import shown, url_problem
from briefer.wallclock import wall_clock_notes
from briefer.yamlread import NodeReader, describe, is_null

T = TypeVar("T")

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# Metric ids read like identifiers in the spec's own example (kfor_troops).
METRIC_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


class Stop(Exception):
    """Abandons a walk whose remaining problems would only be noise (a foreign format version)."""


@dataclass
class Reference:
    """A reference to check once every id is known."""

    what: str  # "source", "metric", "event", "indicator", "judgment" or "basis"
    target: str
    pos: Pos
    owner: str  # the referring entry's id
    #: What the referring entry is: "event", or "judgment" (for basis and revises).
    owner_kind: str = "event"


@dataclass(frozen=True)
class RefBlock:
    """A file's references as columns: cheap to pickle, and a Reference is made only if needed.

    Lines and columns are flat arrays, and equal targets one string (``sys.intern``):
    a 100,000-event log has some 160,000 references to about 2,000 sources, and a
    browser's reload reads every unchanged file's block back from the per-file cache.
    """

    file: str
    what: list[str]
    target: list[str]
    line: array[int]
    col: array[int]
    owner: list[str]
    owner_kind: list[str]

    @classmethod
    def empty(cls, file: str) -> RefBlock:
        return cls(file, [], [], array("i"), array("i"), [], [])

    @classmethod
    def of(cls, file: str, refs: list[Reference]) -> RefBlock:
        return cls(
            file,
            [r.what for r in refs],
            [sys.intern(r.target) for r in refs],
            array("i", [r.pos.line for r in refs]),
            array("i", [r.pos.col for r in refs]),
            [r.owner for r in refs],
            [r.owner_kind for r in refs],
        )

    @classmethod
    def joined(cls, file: str, refs: list[Reference], blocks: list[RefBlock]) -> RefBlock:
        """``refs`` and then ``blocks`` (all of ``file``: one file read in runs) as one block."""
        whole = cls.of(file, refs)
        for block in blocks:
            if block.file != file:
                raise ValueError(f"a block of {block.file!r} in a part of {file!r}")
            for name in ("what", "target", "line", "col", "owner", "owner_kind"):
                getattr(whole, name).extend(getattr(block, name))
        return whole

    def reference(self, i: int) -> Reference:
        """The ``i``-th reference."""
        pos = Pos(self.file, self.line[i], self.col[i])
        return Reference(self.what[i], self.target[i], pos, self.owner[i], self.owner_kind[i])

    def __iter__(self) -> Iterator[Reference]:
        return (self.reference(i) for i in range(len(self.what)))


#: An id's position packed into one int: its file's number, then its line and column (as
#: ``briefer.model.LINE_SHIFT`` packs them).
_FILE_SHIFT = 56


class IdPositions(MutableMapping[str, Pos]):
    """Ids → where each is declared, each position packed into one int.

    A 100,000-event log has as many event ids. Their positions are read only by
    the few messages that name one (a duplicate id, an event citing nothing, a
    past deadline), yet they are pickled with every part (into the per-file
    cache, and back from each process that read a run of the events), and a
    browser reloading an edit reads every other file's back. One int an id, with
    the file by number, takes a third of a ``(file, line, col)`` tuple's memory
    and pickles at C speed; a Pos is made only when one is asked for.
    """

    __slots__ = ("_at", "_files")

    def __init__(self) -> None:
        self._at: dict[str, int] = {}
        #: The files named, by number (one for a file's own part).
        self._files: list[str] = []

    def _number(self, file: str) -> int:
        files = self._files
        if file in files:
            return files.index(file)
        files.append(file)
        return len(files) - 1

    def __getitem__(self, key: str) -> Pos:
        at = self._at[key]
        return Pos(
            self._files[at >> _FILE_SHIFT], (at >> LINE_SHIFT) & COLUMN_MASK, at & COLUMN_MASK
        )

    def __setitem__(self, key: str, pos: Pos) -> None:
        self.add(key, pos.file, pos.line, pos.col)

    def __delitem__(self, key: str) -> None:
        del self._at[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def __contains__(self, key: object) -> bool:
        return key in self._at

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdPositions) and self._files == other._files:
            return self._at == other._at
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dict

    def __repr__(self) -> str:
        return f"IdPositions({dict(self.items())!r})"

    def keys(self) -> KeysView[str]:
        """The ids, as a dict's own view (set operations at C speed)."""
        return self._at.keys()

    def add(self, key: str, file: str, line: int, col: int) -> None:
        """``self[key] = Pos(file, line, col)``, without making the Pos."""
        files = self._files  # ids come file by file: the last file first
        number = len(files) - 1 if files and files[-1] == file else self._number(file)
        self._at[key] = number << _FILE_SHIFT | line << LINE_SHIFT | col

    def merge(self, other: IdPositions) -> None:
        """Add every id of ``other`` (at C speed when it names one file, as a part does)."""
        if not other._files:
            return
        if len(other._files) > 1:
            for key, pos in other.items():
                self[key] = pos
            return
        shift = self._number(other._files[0]) << _FILE_SHIFT
        if shift == 0:
            self._at.update(other._at)
        else:
            moved = map(shift.__add__, other._at.values())
            self._at.update(zip(other._at.keys(), moved, strict=True))


@dataclass(frozen=True)
class Section:
    """One top-level key of the log: how its value is read, and where it may appear."""

    key: str
    #: Reads the key's value node into the walk's state, reporting what is wrong.
    read: Callable[[LogState, Node], None]
    #: The error reported at the top of the main file when the key is absent (None: optional).
    missing: str | None = None
    #: True when an included file may hold the key as well as the main file.
    in_includes: bool = False
    #: Checks across the whole log once every file is read (None: nothing to check).
    check: Callable[[LogState], None] | None = None


@dataclass
class LogState(NodeReader):
    """The values a walk over the log's files builds, and the typed readers sections share."""

    tz: tzinfo = UTC
    #: Header values by key (title, timezone, marking, horizon), for the loader.
    header: dict[str, Any] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=lambda: set(BUILTIN_KINDS))
    metrics: dict[str, Metric] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    source_id_pos: dict[str, Pos] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    event_pos: IdPositions = field(default_factory=IdPositions)
    refs: list[Reference] = field(default_factory=list)
    #: References of files read apart (see ``briefer.schema.parts``), as columns.
    ref_blocks: list[RefBlock] = field(default_factory=list)
    #: Events whose sources: held something, but nothing valid (no "cites no source" then).
    bad_sources: set[str] = field(default_factory=set)
    #: What the steps across files need of the events, so that a check can run
    #: them without the events themselves: ids of events citing nothing, in
    #: reading order; indicator ids observed; event ids named under related:;
    #: and per deadline event (sort key, id, latest instant, names a related event).
    uncited: list[str] = field(default_factory=list)
    observed: set[str] = field(default_factory=set)
    related_named: set[str] = field(default_factory=set)
    deadline_facts: list[tuple[tuple[object, ...], str, int | None, bool]] = field(
        default_factory=list
    )
    judgments: list[Judgment] = field(default_factory=list)
    judgment_pos: dict[str, Pos] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    indicator_pos: dict[str, Pos] = field(default_factory=dict)
    #: (row of the ICD 203 table, term as written, where) of every likelihood, in reading order.
    likelihood_rows: list[tuple[int, str, Pos]] = field(default_factory=list)
    #: The main file's include patterns, in order.
    includes: list[str] = field(default_factory=list)
    #: The include patterns' nodes (or where they start: ``briefer.schema.parts.MainPart``),
    #: to point at one that matches nothing.
    include_nodes: list[ScalarNode | Pos] = field(default_factory=list)
    #: One object per distinct actor, tag, kind, place and citation: a 100,000-event log
    #: repeats them endlessly, and sharing them keeps the loaded log (and its cache) small.
    _shared: dict[object, Any] = field(default_factory=dict)

    def all_refs(self) -> Iterator[Reference]:
        """Every reference to check, in reading order."""
        yield from self.refs
        for block in self.ref_blocks:
            yield from block

    def shared(self, value: T) -> T:
        """The first equal value seen before, else ``value`` itself."""
        found: T = self._shared.setdefault(value, value)
        return found

    def slug(self, node: Node, what: str, pattern: re.Pattern[str] = SLUG) -> str | None:
        """An id of lower-case letters, digits and '-' (and '_' for ``METRIC_ID``)."""
        value = self.string(node, what, required=True)
        if value is None:
            return None
        if not pattern.match(value):
            metric = pattern is METRIC_ID
            suggestion = slugify(value, keep="_" if metric else "")
            hint = f" (e.g. '{suggestion}')" if suggestion else ""
            chars = (
                "lower-case letters, digits, '-' and '_'"
                if metric
                else "lower-case letters, digits and '-'"
            )
            self.error(node, f"{what} '{value}' must be a slug of {chars}{hint}")
            return None
        return value

    def date(self, node: Node, what: str) -> EDate | None:
        """A date of the EDTF subset, in the log's time zone."""
        if not self.plain_data(node):
            return None
        if not isinstance(node, ScalarNode) or is_null(node):
            self.error(node, f"{what} must be a date such as 2008-02-17, not {describe(node)}")
            return None
        try:
            parsed = parse_date(node.value, self.tz)
        except DateError as exc:
            self.error(node, f"{what} '{node.value}': {exc}")
            return None
        for note in wall_clock_notes(parsed, self.tz):  # a time the clocks skip or repeat
            self.report(node, "warning", f"{what} {note}")
        return parsed

    def duration(self, node: Node, what: str) -> int | None:
        """A positive duration such as ``30d`` or ``2w``, in seconds."""
        text = self.string(node, what, required=True)
        if text is None:
            return None
        try:
            return parse_duration(text)
        except DateError as exc:
            self.error(node, f"{what}: {exc}")
            return None

    def url(self, node: Node, what: str) -> str | None:
        """An http(s) address a brief can link to."""
        value = self.string(node, what, required=True)
        if value is None:
            return None
        why = url_problem(value)
        if why is not None:
            self.error(node, f"{what} '{shown(value)}': {why}")
            return None
        return value


def named(what: str, node: Node) -> str:
    """``event 'banjska-attack'`` when the mapping has a plain id, for messages about its keys."""
    if isinstance(node, MappingNode):
        for knode, vnode in node.value:
            if getattr(knode, "value", None) == "id" and isinstance(vnode, ScalarNode):
                if SLUG.match(vnode.value):
                    return f"{what} '{vnode.value}'"
                break
    return what
