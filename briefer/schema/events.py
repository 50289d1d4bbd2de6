"""``events:``: the log's entries, one reader per field (main file or an included one).

Every field reader has the signature of :data:`FieldReader` and returns the
model value, or None when the field is invalid (reported) or empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from briefer.errors import did_you_mean
from briefer.model import Citation, Confidence, Event, Location
from briefer.schema.state import LogState, Reference, Section, named
from briefer.yamlread import describe, format_number

EVENT_KEYS = (
    "id",
    "date",
    "title",
    "kind",
    "summary",
    "actors",
    "location",
    "tags",
    "sources",
    "significance",
    "confidence",
    "figures",
    "related",
    "indicators",
)
_LOCATION_KEYS = ("name", "region", "lat", "lon")
_CITATION_KEYS = ("id", "credibility", "note")
_CONFIDENCES = tuple(c.value for c in Confidence)

#: (state, value node, "event 'x'" for messages, the event's id or "") → value or None.
FieldReader = Callable[[LogState, Node, str, str], Any]


def read_events(state: LogState, node: Node) -> None:
    """Each item of the list, as an event."""
    for item in state.sequence(node, "events", single_ok=False):
        read_event(state, item)


def read_event(state: LogState, node: Node) -> None:
    """One event: id, date and title are required; the other fields go through their reader."""
    pairs = state.mapping(node, EVENT_KEYS, named("event", node))
    if pairs is None:
        return
    pos = state.pos(node)
    eid = None
    if "id" not in pairs:
        state.error(node, "event: missing required key 'id'")
    else:
        eid = state.slug(pairs["id"][1], "event id")
    what = f"event '{eid}'" if eid else "event"
    if eid is not None:
        id_pos = state.pos(pairs["id"][1])
        first = state.event_pos.get(eid)
        if first is not None:
            state.error(id_pos, f"duplicate event id '{eid}' (first at {first})")
            eid = None
        else:
            state.event_pos[eid] = id_pos
    ok = eid is not None
    date = None
    if "date" not in pairs:
        state.error(node, f"{what}: missing required key 'date'")
        ok = False
    else:
        date = state.date(pairs["date"][1], f"{what}: date")
        if date is not None:
            date = state.shared(date)  # thousands of events share a day
        ok = ok and date is not None
    title = None
    if "title" not in pairs:
        state.error(node, f"{what}: missing required key 'title'")
        ok = False
    else:
        title = state.string(pairs["title"][1], f"{what}: title", required=True)
        ok = ok and title is not None
    fields: dict[str, Any] = {}
    for key, (_knode, vnode) in pairs.items():
        reader = EVENT_FIELDS.get(key)
        if reader is not None:
            before = len(state.problems)
            value = reader(state, vnode, what, eid or "")
            if value is not None:
                fields[key] = value
            if key == "sources" and eid and len(state.problems) > before:
                state.bad_sources.add(eid)
    if ok:
        assert eid is not None
        assert date is not None
        assert title is not None
        event = Event(id=eid, date=date, title=title, pos=pos, **fields)
        _ = event.haystack  # computed here, so that it comes out of the cache ready
        state.events.append(event)
        if not event.sources:
            state.uncited.append(eid)
        state.observed.update(event.indicators)
        state.related_named.update(event.related)
        if event.kind == "deadline":
            order: tuple[object, ...] = (*date.sort_key, eid)
            state.deadline_facts.append((order, eid, date.latest, bool(event.related)))


def read_kind(state: LogState, node: Node, what: str, _eid: str) -> str | None:
    """A built-in kind or one declared under ``kinds:``."""
    kind = state.string(node, f"{what}: kind", required=True)
    if kind is None:
        return None
    if kind not in state.kinds:
        hint = did_you_mean(kind, state.kinds) or " (declare it under 'kinds:' at the top)"
        # A kind that swallowed the lines below it (a missing "summary: |") is cut short.
        shown = kind if len(kind) <= 40 else f"{kind[:37]}…"
        state.error(node, f"{what}: unknown kind '{shown}'{hint}")
        return None
    return state.shared(kind)


def read_summary(state: LogState, node: Node, what: str, _eid: str) -> str | None:
    """Free text, stripped."""
    text = state.string(node, f"{what}: summary")
    return None if text is None else text.strip()


def _text_list(key: str) -> FieldReader:
    """A reader for a list of texts (a lone text counts as a list of one)."""

    def read_texts(state: LogState, node: Node, what: str, _eid: str) -> tuple[str, ...]:
        out = []
        for item in state.sequence(node, f"{what}: {key}"):
            value = state.string(item, f"{what}: {key} item", required=True)
            if value is not None:
                out.append(state.shared(value))
        return state.shared(tuple(out))

    return read_texts


read_actors = _text_list("actors")
read_tags = _text_list("tags")


def read_location(state: LogState, node: Node, what: str, _eid: str) -> Location | None:
    """A place name, or ``{name, region, lat, lon}``."""
    if isinstance(node, ScalarNode):
        name = state.string(node, f"{what}: location", required=True)
        return None if name is None else state.shared(Location(name))
    pairs = state.mapping(node, _LOCATION_KEYS, f"{what}: location")
    if pairs is None:
        return None
    if "name" not in pairs:
        state.error(node, f"{what}: location: missing required key 'name'")
        return None
    name = state.string(pairs["name"][1], f"{what}: location name", required=True)
    region = state.string(pairs["region"][1], f"{what}: region") if "region" in pairs else None
    coords: dict[str, float | None] = {"lat": None, "lon": None}
    for key, limit in (("lat", 90), ("lon", 180)):
        if key in pairs:
            value = state.number(pairs[key][1], f"{what}: {key}")
            if value is not None and not -limit <= value <= limit:
                state.error(
                    pairs[key][1],
                    f"{what}: {key} {format_number(value)} is out of range (-{limit}..{limit})",
                )
                value = None
            coords[key] = value
    if name is None:
        return None
    return state.shared(Location(name, region, coords["lat"], coords["lon"]))


def read_citations(state: LogState, node: Node, what: str, eid: str) -> tuple[Citation, ...]:
    """Source ids, or ``{id, note}``; the ids are checked once every source is known."""
    out = []
    for item in state.sequence(node, f"{what}: sources"):
        if isinstance(item, MappingNode):
            pairs = state.mapping(item, _CITATION_KEYS, f"{what}: source citation")
            if pairs is None:
                continue
            if "id" not in pairs:
                state.error(item, f"{what}: source citation: missing required key 'id'")
                continue
            sid = state.string(pairs["id"][1], f"{what}: source id", required=True)
            note = state.string(pairs["note"][1], f"{what}: note") if "note" in pairs else None
            credibility = (
                read_credibility(state, pairs["credibility"][1], what)
                if "credibility" in pairs
                else None
            )
            ref_node = pairs["id"][1]
        else:
            sid = state.string(item, f"{what}: source id", required=True)
            note, credibility, ref_node = None, None, item
        if sid is not None:
            state.refs.append(Reference("source", sid, state.pos(ref_node), eid))
            out.append(state.shared(Citation(sid, note, credibility)))
    return state.shared(tuple(out))


def read_credibility(state: LogState, node: Node, what: str) -> int | None:
    """An Admiralty credibility digit, 1 (confirmed by other sources) … 6 (cannot be judged)."""
    value = state.number(node, f"{what}: credibility")
    if value is None:
        return None
    if value != int(value) or not 1 <= value <= 6:
        state.error(
            node,
            f"{what}: credibility {format_number(value)} is out of range: a whole number "
            "1 (confirmed by other sources) … 6 (cannot be judged)",
        )
        return None
    return int(value)


def read_significance(state: LogState, node: Node, what: str, _eid: str) -> int | None:
    """A whole number 1..5."""
    value = state.number(node, f"{what}: significance")
    if value is None:
        return None
    if value != int(value) or not 1 <= value <= 5:
        state.error(
            node, f"{what}: significance must be a whole number 1..5, not {format_number(value)}"
        )
        return None
    return int(value)


def read_confidence(state: LogState, node: Node, what: str, _eid: str) -> Confidence | None:
    """high, moderate or low."""
    value = state.string(node, f"{what}: confidence", required=True)
    if value is None:
        return None
    if value not in _CONFIDENCES:
        hint = did_you_mean(value, _CONFIDENCES) or " (high, moderate or low)"
        state.error(node, f"{what}: unknown confidence '{value}'{hint}")
        return None
    return Confidence(value)


def read_figures(state: LogState, node: Node, what: str, eid: str) -> dict[str, float] | None:
    """``metric: number`` pairs; the metrics are checked once every one is known."""
    if not state.plain_data(node):
        return None
    if not isinstance(node, MappingNode):
        state.error(
            node, f"{what}: figures must be a mapping of metric: number, not {describe(node)}"
        )
        return None
    out: dict[str, float] = {}
    for knode, vnode in node.value:
        mid = state.string(knode, f"{what}: metric id", required=True)
        if mid is None:
            continue
        if mid in out:
            state.error(knode, f"{what}: figures: duplicate key '{mid}'")
            continue
        state.refs.append(Reference("metric", mid, state.pos(knode), eid))
        if _too_large(vnode):
            shown = vnode.value if len(vnode.value) <= 24 else f"{vnode.value[:20]}…"
            state.error(
                vnode,
                f"{what}: figure '{mid}' {shown} is out of range "
                "(a figure must be less than 1e15 in absolute value)",
            )
            continue
        value = state.number(vnode, f"{what}: figure '{mid}'")
        if value is not None:
            out[mid] = value
    return out


def read_related(state: LogState, node: Node, what: str, eid: str) -> tuple[str, ...]:
    """Ids of other events; checked once every event is known."""
    out = []
    for item in state.sequence(node, f"{what}: related"):
        rid = state.string(item, f"{what}: related id", required=True)
        if rid is None:
            continue
        if rid == eid:
            state.error(item, f"{what}: an event cannot be related to itself")
            continue
        state.refs.append(Reference("event", rid, state.pos(item), eid))
        out.append(rid)
    return state.shared(tuple(out))


def read_indicators(state: LogState, node: Node, what: str, eid: str) -> tuple[str, ...]:
    """Ids of the indicators the event observes; checked once every indicator is known."""
    out = []
    for item in state.sequence(node, f"{what}: indicators"):
        iid = state.string(item, f"{what}: indicator id", required=True)
        if iid is None:
            continue
        state.refs.append(Reference("indicator", iid, state.pos(item), eid))
        if iid not in out:
            out.append(iid)
    return state.shared(tuple(out))


#: The reader of each optional field (id, date and title are read by :func:`read_event`).
EVENT_FIELDS: dict[str, FieldReader] = {
    "kind": read_kind,
    "summary": read_summary,
    "actors": read_actors,
    "location": read_location,
    "tags": read_tags,
    "sources": read_citations,
    "significance": read_significance,
    "confidence": read_confidence,
    "figures": read_figures,
    "related": read_related,
    "indicators": read_indicators,
}

#: Figures are counts and amounts a brief prints, charts and exports: 15 digits
#: is beyond any of them, and keeps every value exact as a float (CSV, charts,
#: JSON) where a 400-digit integer overflows.
_FIGURE_LIMIT = 1e15
_NUMERAL = re.compile(
    r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?\Z|[-+]?\.[0-9]+([eE][-+]?[0-9]+)?\Z"
)


def _too_large(node: Node) -> bool:
    """True for a plain numeral whose size is at or beyond the figure limit (1e400 included)."""
    if not isinstance(node, ScalarNode) or node.style or not _NUMERAL.match(node.value):
        return False
    try:
        return abs(float(node.value)) >= _FIGURE_LIMIT
    except ValueError:  # not a number after all: number() says so
        return False


EVENTS = Section("events", read_events, in_includes=True)
