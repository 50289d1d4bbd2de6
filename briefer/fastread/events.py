"""The strict reader: the events of one chunk, straight from rapidyaml's tree.

It reads the shapes a valid log's events have (a block mapping of known keys;
plain or quoted text; lists of texts, flow or block; citations as ids or
``{id, note, credibility}``; a place as a name or a mapping; figures) and builds
exactly the :class:`~briefer.model.Event` the schema's :func:`read_event` builds
from the same text, with the same positions, references and sharing. It calls
the flat ``_ryml.Tree_*`` functions and makes no node objects.

An event with anything else in it (a key or a value of another shape, any rule
broken, anything that would be a warning) is *declined*: the caller has the
schema read that one event, through rapidyaml's nodes, so every message comes
from the schema and every rule is written once (here the rules are only
recognised, never reported).

A check (``keep=False``) needs only what the steps across files take from the
events (see :class:`~briefer.schema.parts.FilePart`): every rule is checked as
for a load, but no Event is built, no text shared and no event's own position
worked out. The references go straight into columns (a
:class:`~briefer.schema.state.RefBlock`), as they are pickled and checked,
without a Reference or a Pos for each.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

import ryml
from ryml import _ryml

from briefer.dates import DateError, EDate, parse_date
from briefer.model import _NO_FIGURES, Citation, Confidence, Event, Location, Pos
from briefer.schema.events import _FIGURE_LIMIT, EVENT_KEYS
from briefer.schema.state import SLUG, LogState, RefBlock
from briefer.wallclock import wall_clock_notes
from briefer.yamlfast import (
    _FIRST,
    _FLOW,
    _IS_MAP,
    _IS_SEQ,
    _KEY,
    _KEY_STYLE,
    _NEXT,
    _NONE,
    _PROPS,
    _TYPE,
    _VAL,
    _VAL_STYLE,
    address,
)
from briefer.yamlread import _CONTROL, _NULLS, _parse_number

__all__ = ["Decline", "EventReader"]

_SLUG_MATCH = SLUG.match

# The flat wrapper functions and flags the node layer uses too (see briefer.yamlfast).
_FIND = _ryml.Tree_find_child
_COUNT = _ryml.Tree_num_children
_MAP = _IS_MAP
_SEQ = _IS_SEQ
_VALUE: int = ryml.VAL
#: What a scalar value must not be: a collection, or carry an anchor, alias or tag.
_NOT_SCALAR = _MAP | _SEQ | _PROPS
_PLAIN: int = ryml.VAL_PLAIN
_SQUO: int = ryml.VAL_SQUO
_DQUO: int = ryml.VAL_DQUO
_KEY_PLAIN: int = ryml.KEY_PLAIN
_OTHER_STYLES = (ryml.VAL_SQUO, ryml.VAL_LITERAL, ryml.VAL_FOLDED)
_CONFIDENCES = {c.value: c for c in Confidence}
_OPTIONAL = EVENT_KEYS[3:]
_LOCATION_KEYS = ("name", "region", "lat", "lon")
_CITATION_KEYS = ("id", "credibility", "note")
#: Plain scalars PyYAML refuses that rapidyaml reads (reserved indicators).
_RESERVED = "@`"


class Decline(Exception):
    """This event is not one the strict reader reads: the schema reads it."""


class EventReader:
    """Reads the events of one file's chunks into ``state`` (their Events only if ``keep``)."""

    def __init__(self, state: LogState, display: str, *, keep: bool = True) -> None:
        self.state = state
        self.display = display
        self.keep = keep
        self.tz: tzinfo = state.tz
        #: Date text → its (shared) value; a log has far fewer days than events.
        self.dates: dict[str, EDate] = {}
        self.shared: Callable[[Any], Any] = state.shared
        #: ``state.shared`` without its call: ``intern(v, v)``.
        self.intern: Callable[[Any, Any], Any] = state._shared.setdefault
        self.empty: tuple[str, ...] = self.shared(())
        #: The shared Location and Citation of each set of values (hashing a frozen
        #: dataclass costs more than reading the values).
        self.places: dict[tuple[Any, ...], Location] = {}
        self.cited: dict[tuple[Any, ...], Citation] = {}
        #: The references of the events read, in reading order (see :meth:`flush`).
        self.refs = RefBlock.empty(display)
        # Per chunk:
        self.this: Any = None
        self.raw = b""
        self.base = 0
        self.line0 = 0
        self.last_offset = 0
        self.last_line = 0

    def begin(self, tree: Any, buffer: bytearray, raw: bytes, line: int) -> None:
        """The next chunk: its tree, the buffer it was parsed in, its text, its first line."""
        self.this = tree.this
        self.base = address(memoryview(buffer))
        self.raw = raw
        self.line0 = line
        self.last_offset = 0
        self.last_line = line

    def flush(self) -> None:
        """Hand the references read so far to the state, as one block (a file's runs and
        chunks keep their reading order: blocks are checked after ``state.refs``)."""
        if self.refs.what:
            self.state.ref_blocks.append(self.refs)
            self.refs = RefBlock.empty(self.display)

    def adopt(self, start: int) -> None:
        """Move ``state.refs[start:]`` (those of an event the schema read) into the
        columns, so that the references stay in reading order."""
        refs = self.state.refs
        block = self.refs
        for ref in refs[start:]:
            block.what.append(ref.what)
            block.target.append(sys.intern(ref.target))
            block.line.append(ref.pos.line)
            block.col.append(ref.pos.col)
            block.owner.append(ref.owner)
            block.owner_kind.append(ref.owner_kind)
        del refs[start:]

    # -- positions -------------------------------------------------------------------

    def line_col(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of the byte at ``offset`` of the chunk (mostly
        asked in file order; the column counts characters, as PyYAML's does)."""
        raw = self.raw
        last = self.last_offset
        if offset >= last:
            line = self.last_line + raw.count(b"\n", last, offset)
        else:
            line = self.last_line - raw.count(b"\n", offset, last)
        self.last_offset = offset
        self.last_line = line
        start = raw.rfind(b"\n", 0, offset) + 1
        col = offset - start
        if col:
            prefix = raw[start:offset]
            if not prefix.isascii():
                col = len(prefix.decode("utf-8"))
        return line + 1, col + 1

    def offset(self, view: Any) -> int:
        """Where a scalar's text lies in the chunk (Decline when it is elsewhere)."""
        if view is None:
            raise Decline
        at: int = address(view) - self.base
        if not 0 <= at < len(self.raw):
            raise Decline
        return at

    def value_at(self, kind: int, view: Any) -> tuple[int, int]:
        """Where PyYAML starts a plain or quoted scalar value: line and column."""
        at = self.offset(view)
        style = kind & _VAL_STYLE
        if style != _PLAIN:
            at -= 1
            quote = b"'" if style == _SQUO else b'"'
            if style not in (_SQUO, _DQUO) or self.raw[at : at + 1] != quote:
                raise Decline
        return self.line_col(at)

    def reference(self, what: str, target: str, where: tuple[int, int], owner: str) -> None:
        """A reference of the event being read (undone if it is declined)."""
        refs = self.refs
        refs.what.append(what)
        refs.target.append(sys.intern(target))  # a few thousand ids, cited over and over
        refs.line.append(where[0])
        refs.col.append(where[1])
        refs.owner.append(owner)
        refs.owner_kind.append("event")

    def _undo(self, count: int) -> None:
        """Drop the references past the first ``count`` (a declined event's)."""
        refs = self.refs
        for column in (refs.what, refs.target, refs.line, refs.col, refs.owner, refs.owner_kind):
            del column[count:]

    # -- scalars ---------------------------------------------------------------------

    def text(self, kind: int, view: Any) -> str:
        """A scalar's text that the schema takes as a non-empty string (else Decline)."""
        if kind & _NOT_SCALAR or view is None:
            raise Decline
        value = str(view, "utf-8")
        style = kind & _VAL_STYLE
        if style == _PLAIN:
            if value in _NULLS or value[0] in _RESERVED:
                raise Decline
        elif style == _DQUO:
            if _CONTROL.search(value):  # only escapes can write them
                raise Decline
        elif style not in _OTHER_STYLES:
            raise Decline
        if not value or value.isspace():  # as ``not value.strip()``
            raise Decline
        return value

    def optional(self, kind: int, view: Any) -> str | None:
        """A scalar's text as the schema's optional string: None when empty (Decline: refused)."""
        if kind & _NOT_SCALAR:
            raise Decline
        if view is None:
            return None
        value = str(view, "utf-8")
        style = kind & _VAL_STYLE
        if style == _PLAIN:
            if value in _NULLS:
                return None
            if value[0] in _RESERVED:
                raise Decline
        elif style == _DQUO:
            if _CONTROL.search(value):
                raise Decline
        elif style not in _OTHER_STYLES:
            raise Decline
        return None if not value or value.isspace() else value

    def number(self, nid: int) -> float:
        """A plain number."""
        kind = _TYPE(self.this, nid)
        if kind & _NOT_SCALAR or kind & _VAL_STYLE != _PLAIN:
            raise Decline
        view = _VAL(self.this, nid)
        if view is None:
            raise Decline
        text = str(view, "utf-8")
        if text.isascii():  # what int() and float() read quickest, as _parse_number reads it
            digits = text[1:] if text[:1] == "-" else text
            if digits.isdigit():
                return int(text)
            if digits.replace(".", "", 1).isdigit() and text[-1] != ".":
                return float(text)
        value = _parse_number(text)
        if value is None:
            raise Decline
        return value

    def texts(self, nid: int) -> tuple[str, ...]:
        """A list of texts, or one text (``actors``, ``tags``): a shared tuple (not shared,
        nor kept, by a check)."""
        this = self.this
        kind = _TYPE(this, nid)
        if kind & _PROPS:
            raise Decline
        keep = self.keep
        intern = self.intern
        if kind & _SEQ:
            out = []
            child = _FIRST(this, nid)
            while child != _NONE:
                kind = _TYPE(this, child)
                view = _VAL(this, child)
                if kind & _NOT_SCALAR or view is None:
                    raise Decline
                value = str(view, "utf-8")
                style = kind & _VAL_STYLE
                # As text() reads it, inline: the commonest item by far is plain.
                if style == _PLAIN:
                    if value in _NULLS or value[0] in _RESERVED:
                        raise Decline
                elif style == _DQUO:
                    if _CONTROL.search(value):
                        raise Decline
                elif style not in _OTHER_STYLES:
                    raise Decline
                if not value or value.isspace():
                    raise Decline
                if keep:
                    out.append(intern(value, value))
                child = _NEXT(this, child)
            if not keep:
                return self.empty
            values = tuple(out)
            return intern(values, values)  # type: ignore[no-any-return]
        if kind & _MAP:
            raise Decline
        view = _VAL(this, nid)
        if view is None or (kind & _VAL_STYLE == _PLAIN and str(view, "utf-8") in _NULLS):
            return self.empty
        value = self.text(kind, view)
        if not keep:
            return self.empty
        one = (intern(value, value),)
        return intern(one, one)  # type: ignore[no-any-return]

    def items(self, nid: int) -> list[int]:
        """The items of a list, or a lone scalar as one (empty for a null)."""
        this = self.this
        kind = _TYPE(this, nid)
        if kind & _PROPS:
            raise Decline
        if kind & _SEQ:
            out = []
            child = _FIRST(this, nid)
            while child != _NONE:
                out.append(child)
                child = _NEXT(this, child)
            return out
        if kind & _MAP:
            raise Decline
        view = _VAL(this, nid)
        if view is None or (kind & _VAL_STYLE == _PLAIN and str(view, "utf-8") in _NULLS):
            return []
        return [nid]

    def date(self, text: str) -> EDate:
        """A date not seen before in this file, shared (Decline for any wall-clock warning)."""
        try:
            parsed = parse_date(text, self.tz)
        except DateError:
            raise Decline from None
        if wall_clock_notes(parsed, self.tz):
            raise Decline
        date: EDate = self.shared(parsed)
        self.dates[text] = date
        return date

    # -- events ----------------------------------------------------------------------

    def event(self, nid: int) -> None:
        """One event, into the state; Decline leaves the state as it was."""
        count = len(self.refs.what)
        try:
            self._event(nid)
        except Decline:
            self._undo(count)
            raise

    def _event(self, nid: int) -> None:
        this = self.this
        find = _FIND
        kind_of = _TYPE
        value_of = _VAL
        kind = kind_of(this, nid)
        if kind & (_FLOW | _PROPS) or not kind & _MAP:
            raise Decline
        count = _COUNT(this, nid)
        first = _FIRST(this, nid)
        state = self.state
        keep = self.keep
        # The mapping starts at its first key (a check keeps no Event, and needs no position).
        kind = kind_of(this, first)
        key_view = _KEY(this, first)
        if kind & _KEY_STYLE != _KEY_PLAIN or key_view is None:
            raise Decline
        where = self.line_col(self.offset(key_view)) if keep else (0, 0)
        node = find(this, nid, "id")
        if node == _NONE:
            raise Decline
        kind = kind_of(this, node)
        view = value_of(this, node)
        eid = self.text(kind, view)
        if not _SLUG_MATCH(eid) or eid in state.event_pos:
            raise Decline
        id_at = self.value_at(kind, view)
        node = find(this, nid, "date")
        if node == _NONE:
            raise Decline
        date_text = self.text(kind_of(this, node), value_of(this, node))
        date = self.dates.get(date_text)
        if date is None:
            date = self.date(date_text)
        node = find(this, nid, "title")
        if node == _NONE:
            raise Decline
        title = self.text(kind_of(this, node), value_of(this, node))
        found = 3
        fields: dict[str, Any] = {}
        for key in _OPTIONAL:
            if found == count:
                break  # every key found: the rest are absent
            node = find(this, nid, key)
            if node == _NONE:
                continue
            found += 1
            if key == "kind":
                value = self.text(kind_of(this, node), value_of(this, node))
                if value not in state.kinds:
                    raise Decline
                fields["kind"] = self.intern(value, value)
            elif key == "summary":
                summary = self.optional(kind_of(this, node), value_of(this, node))
                if summary is not None and keep:
                    fields["summary"] = summary.strip()
            elif key == "actors" or key == "tags":
                fields[key] = self.texts(node)
            elif key == "location":
                fields["location"] = self.location(node)
            elif key == "sources":
                fields["sources"] = self.citations(node, eid)
            elif key == "significance":
                number = self.number(node)
                if number != int(number) or not 1 <= number <= 5:
                    raise Decline
                fields["significance"] = int(number)
            elif key == "confidence":
                confidence = _CONFIDENCES.get(self.text(kind_of(this, node), value_of(this, node)))
                if confidence is None:
                    raise Decline
                fields["confidence"] = confidence
            elif key == "figures":
                fields["figures"] = self.figures(node, eid)
            elif key == "related":
                fields["related"] = self.related(node, eid)
            else:  # indicators
                fields["indicators"] = self.indicators(node, eid)
        if found != count:
            raise Decline  # an unknown or repeated key
        state.event_pos.add(eid, self.display, *id_at)
        if keep:
            event = _new_event(eid, date, title, Pos(self.display, *where), fields)
            _ = event.haystack  # computed here, so that it comes out of the cache ready
            state.events.append(event)
        # What the steps across files need of the events (as read_event notes it).
        if not fields.get("sources"):
            state.uncited.append(eid)
        indicators = fields.get("indicators")
        if indicators:
            state.observed.update(indicators)
        related = fields.get("related")
        if related:
            state.related_named.update(related)
        if fields.get("kind") == "deadline":
            order: tuple[object, ...] = (*date.sort_key, eid)
            state.deadline_facts.append((order, eid, date.latest, bool(related)))

    def location(self, nid: int) -> Location | None:
        """A place (None for a check, which keeps none)."""
        this = self.this
        kind = _TYPE(this, nid)
        if not kind & _MAP:
            return self.place((self.text(kind, _VAL(this, nid)), None, None, None))
        if kind & _PROPS:
            raise Decline
        node = _FIND(this, nid, "name")
        if node == _NONE:
            raise Decline
        name = self.text(_TYPE(this, node), _VAL(this, node))
        found = 1
        region = None
        node = _FIND(this, nid, "region")
        if node != _NONE:
            found += 1
            region = self.optional(_TYPE(this, node), _VAL(this, node))
        coords: list[float | None] = [None, None]
        for i, (key, limit) in enumerate((("lat", 90), ("lon", 180))):
            node = _FIND(this, nid, key)
            if node != _NONE:
                found += 1
                value = self.number(node)
                if not -limit <= value <= limit:
                    raise Decline
                coords[i] = value
        if found != _COUNT(this, nid):
            raise Decline
        return self.place((name, region, coords[0], coords[1]))

    def place(self, values: tuple[str, str | None, float | None, float | None]) -> Location | None:
        """The shared Location of these values (built, and hashed, once per place)."""
        if not self.keep:
            return None
        found = self.places.get(values)
        if found is None:
            found = self.places[values] = self.shared(Location(*values))
        return found

    def citations(self, nid: int, eid: str) -> tuple[Citation, ...]:
        """The citations (for a check, a tuple as long, of no use but its length)."""
        this = self.this
        shared = self.shared
        keep = self.keep
        out = []
        for item in self.items(nid):
            kind = _TYPE(this, item)
            note = credibility = None
            if kind & _MAP:
                if kind & _PROPS:
                    raise Decline
                node = _FIND(this, item, "id")
                if node == _NONE:
                    raise Decline
                found = 1
                other = _FIND(this, item, "note")
                if other != _NONE:
                    found += 1
                    note = self.optional(_TYPE(this, other), _VAL(this, other))
                other = _FIND(this, item, "credibility")
                if other != _NONE:
                    found += 1
                    number = self.number(other)
                    if number != int(number) or not 1 <= number <= 6:
                        raise Decline
                    credibility = int(number)
                if found != _COUNT(this, item):
                    raise Decline
                kind = _TYPE(this, node)
            else:
                node = item
            view = _VAL(this, node)
            sid = self.text(kind, view)
            self.reference("source", sid, self.value_at(kind, view), eid)
            if keep:
                key = (sid, note, credibility)
                citation = self.cited.get(key)
                if citation is None:
                    citation = self.cited[key] = shared(Citation(sid, note, credibility))
                out.append(citation)
            else:
                out.append(_CITED)
        return shared(tuple(out)) if keep else tuple(out)

    def figures(self, nid: int, eid: str) -> dict[str, float]:
        this = self.this
        kind = _TYPE(this, nid)
        if kind & _PROPS or not kind & _MAP:
            raise Decline
        out: dict[str, float] = {}
        child = _FIRST(this, nid)
        while child != _NONE:
            kind = _TYPE(this, child)
            if kind & _PROPS or kind & _KEY_STYLE != _KEY_PLAIN:
                raise Decline
            view = _KEY(this, child)
            if view is None:
                raise Decline
            mid = str(view, "utf-8")
            if mid in out or mid in _NULLS or not mid.strip() or mid[0] in _RESERVED:
                raise Decline
            self.reference("metric", mid, self.line_col(self.offset(view)), eid)
            value = self.number(child)
            if abs(value) >= _FIGURE_LIMIT:
                raise Decline  # the schema says it is out of range
            out[mid] = value
            child = _NEXT(this, child)
        return out

    def related(self, nid: int, eid: str) -> tuple[str, ...]:
        this = self.this
        out = []
        for item in self.items(nid):
            kind = _TYPE(this, item)
            view = _VAL(this, item)
            rid = self.text(kind, view)
            if rid == eid:
                raise Decline
            self.reference("event", rid, self.value_at(kind, view), eid)
            out.append(rid)
        return self.shared(tuple(out)) if self.keep else tuple(out)

    def indicators(self, nid: int, eid: str) -> tuple[str, ...]:
        this = self.this
        out: list[str] = []
        for item in self.items(nid):
            kind = _TYPE(this, item)
            view = _VAL(this, item)
            iid = self.text(kind, view)
            self.reference("indicator", iid, self.value_at(kind, view), eid)
            if iid not in out:
                out.append(iid)
        return self.shared(tuple(out)) if self.keep else tuple(out)


#: What a check puts for each citation: it keeps only how many there are.
_CITED = Citation("", None, None)

_set_event = Event.__setstate__  # type: ignore[attr-defined]
_EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(Event))
_EVENT_DEFAULTS = {
    f.name: f.default for f in dataclasses.fields(Event) if f.default is not dataclasses.MISSING
}
_EVENT_DEFAULTS["figures"] = _NO_FIGURES


def _new_event(eid: str, date: EDate, title: str, pos: Pos, fields: dict[str, Any]) -> Event:
    """``Event(id=eid, date=date, title=title, pos=pos, **fields)``, without the frozen
    dataclass's ``__init__`` (a third of an event's reading): its slots set directly."""
    values = {**_EVENT_DEFAULTS, "id": eid, "date": date, "title": title, "pos": pos, **fields}
    event: Event = object.__new__(Event)
    _set_event(event, tuple(values[name] for name in _EVENT_FIELDS))
    return event
