"""The log format's rules (SPEC §2): composed YAML nodes → model values and problems.

Every rule lives here, checked in one walk over the nodes of the main file and
its includes; cross-references (sources, metrics, related events) are checked
once every id is known. See :mod:`briefer.yamlread` for how nodes are read.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any, TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode

from briefer.dates import (
    DateError,
    EDate,
    get_timezone,
    parse_date,
    parse_duration,
    wall_clock_notes,
)
from briefer.errors import did_you_mean
from briefer.model import (
    BUILTIN_KINDS,
    Citation,
    Confidence,
    Event,
    Location,
    Metric,
    Pos,
    Source,
)
from briefer.urls import shown, url_problem
from briefer.yamlread import NodeReader, Pairs, describe, format_number, is_null

__all__ = ["EVENT_KEYS", "FORMAT_VERSION", "LogReader", "Stop"]

FORMAT_VERSION = 1

T = TypeVar("T")

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# Metric ids read like identifiers in the spec's own example (kfor_troops).
_METRIC_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")

_TOP_KEYS = (
    "briefer",
    "title",
    "timezone",
    "marking",
    "horizon",
    "kinds",
    "metrics",
    "sources",
    "events",
    "include",
)
_INCLUDED_KEYS = ("sources", "events")
_SOURCE_KEYS = ("id", "title", "publisher", "published", "url")
_METRIC_KEYS = ("label", "unit")
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
)
_LOCATION_KEYS = ("name", "region", "lat", "lon")
_CITATION_KEYS = ("id", "note")
_CONFIDENCES = tuple(c.value for c in Confidence)


class Stop(Exception):
    """Abandons a walk whose remaining problems would only be noise (a foreign format version)."""


@dataclass
class _Ref:
    """A reference to check once every id is known."""

    what: str  # "source", "metric" or "event"
    target: str
    pos: Pos
    owner: str  # the referring event's id


@dataclass
class LogReader(NodeReader):
    """Walks the log's files, building model values and collecting problems."""

    tz: tzinfo = UTC
    kinds: set[str] = field(default_factory=lambda: set(BUILTIN_KINDS))
    metrics: dict[str, Metric] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    source_id_pos: dict[str, Pos] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    event_pos: dict[str, Pos] = field(default_factory=dict)
    refs: list[_Ref] = field(default_factory=list)
    #: Events whose sources: held something, but nothing valid (no "cites no source" then).
    bad_sources: set[str] = field(default_factory=set)
    #: The include patterns' nodes, to point at one that matches nothing.
    include_nodes: list[ScalarNode] = field(default_factory=list)
    #: One object per distinct actor, tag, kind, place and citation: a 100,000-event log
    #: repeats them endlessly, and sharing them keeps the loaded log (and its cache) small.
    _shared: dict[object, Any] = field(default_factory=dict)

    def shared(self, value: T) -> T:
        """The first equal value seen before, else ``value`` itself."""
        found: T = self._shared.setdefault(value, value)
        return found

    def slug(self, node: Node, what: str, pattern: re.Pattern[str] = _SLUG) -> str | None:
        value = self.string(node, what, required=True)
        if value is None:
            return None
        if not pattern.match(value):
            metric = pattern is _METRIC_ID
            suggestion = _slugify(value, keep="_" if metric else "")
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

    # -- the document ----------------------------------------------------------

    def walk_main(self, root: Node) -> tuple[dict[str, Any], list[str]]:
        """The main file: header values and include patterns, then its sources and events."""
        header: dict[str, Any] = {}
        pairs = self.mapping(root, _TOP_KEYS, "log")
        if pairs is None:
            return header, []
        if "briefer" not in pairs:
            self.error(
                root, "missing required key 'briefer' (the format version: add 'briefer: 1')"
            )
        else:
            vnode = pairs["briefer"][1]
            version = self.number(vnode, "briefer (the format version)")
            if version is not None and version != FORMAT_VERSION:
                self.error(
                    vnode,
                    f"unsupported format version {format_number(version)}: "
                    f"this briefer reads 'briefer: {FORMAT_VERSION}'",
                )
                raise Stop
        if "title" not in pairs:
            self.error(root, "missing required key 'title' (the log's title, used on every brief)")
        else:
            header["title"] = self.string(pairs["title"][1], "title", required=True)
        if "timezone" in pairs:
            vnode = pairs["timezone"][1]
            name = self.string(vnode, "timezone", required=True)
            if name is not None:
                try:
                    self.tz = get_timezone(name)
                    header["timezone"] = name
                except DateError as exc:
                    hint = did_you_mean(name, _timezone_names())
                    why = f"unknown time zone '{name}'{hint}" if hint else str(exc)
                    self.error(vnode, f"timezone: {why}")
        if "marking" in pairs:
            header["marking"] = self.string(pairs["marking"][1], "marking", required=True)
        if "horizon" in pairs:
            vnode = pairs["horizon"][1]
            text = self.string(vnode, "horizon", required=True)
            if text is not None:
                try:
                    header["horizon"] = parse_duration(text)
                except DateError as exc:
                    self.error(vnode, f"horizon: {exc}")
        if "kinds" in pairs:
            for item in self.sequence(pairs["kinds"][1], "kinds"):
                kind = self.slug(item, "kind")
                if kind is None:
                    continue
                if kind in self.kinds:
                    what = "built-in" if kind in BUILTIN_KINDS else "already declared"
                    self.report(item, "warning", f"kind '{kind}' is {what}")
                self.kinds.add(kind)
        if "metrics" in pairs:
            self.walk_metrics(pairs["metrics"][1])
        includes: list[str] = []
        if "include" in pairs:
            for item in self.sequence(pairs["include"][1], "include"):
                pattern = self.string(item, "include pattern", required=True)
                if pattern is not None:
                    includes.append(pattern)
                    assert isinstance(item, ScalarNode)
                    self.include_nodes.append(item)
        self.walk_body(pairs)
        return header, includes

    def walk_included(self, root: Node) -> None:
        pairs = self.mapping(root, _TOP_KEYS, "included file")
        if pairs is None:
            return
        for key, (knode, _) in pairs.items():
            if key not in _INCLUDED_KEYS:
                self.error(
                    knode,
                    f"'{key}' belongs in the main log file; included files hold only "
                    "sources: and events:",
                )
        self.walk_body(pairs)

    def walk_body(self, pairs: Pairs) -> None:
        if "sources" in pairs:
            for item in self.sequence(pairs["sources"][1], "sources", single_ok=False):
                self.walk_source(item)
        if "events" in pairs:
            for item in self.sequence(pairs["events"][1], "events", single_ok=False):
                self.walk_event(item)

    def walk_metrics(self, node: Node) -> None:
        if not self.plain_data(node):
            return
        if not isinstance(node, MappingNode):
            self.error(
                node, f"metrics must be a mapping of id: {{label, unit}}, not {describe(node)}"
            )
            return
        seen: dict[str, int] = {}
        for knode, vnode in node.value:
            mid = self.slug(knode, "metric id", _METRIC_ID)
            if mid is None:
                continue
            if mid in seen:
                self.error(knode, f"metrics: duplicate key '{mid}' (first at line {seen[mid]})")
                continue
            seen[mid] = knode.start_mark.line + 1
            label, unit = mid, None
            if isinstance(vnode, ScalarNode) and not is_null(vnode):
                label = self.string(vnode, f"metric '{mid}' label") or mid
            elif not (isinstance(vnode, ScalarNode) and is_null(vnode)):
                pairs = self.mapping(vnode, _METRIC_KEYS, f"metric '{mid}'")
                if pairs is None:
                    continue
                if "label" in pairs:
                    label = (
                        self.string(pairs["label"][1], f"metric '{mid}' label", required=True)
                        or mid
                    )
                if "unit" in pairs:
                    unit = self.string(pairs["unit"][1], f"metric '{mid}' unit")
            self.metrics[mid] = Metric(mid, label, self.pos(knode), unit)

    def walk_source(self, node: Node) -> None:
        pairs = self.mapping(node, _SOURCE_KEYS, _named("source", node))
        if pairs is None:
            return
        if "id" not in pairs:
            self.error(node, "source: missing required key 'id'")
            return
        sid = self.slug(pairs["id"][1], "source id")
        if sid is None:
            return
        what = f"source '{sid}'"
        id_pos = self.pos(pairs["id"][1])
        if sid in self.source_id_pos:
            self.error(id_pos, f"duplicate source id '{sid}' (first at {self.source_id_pos[sid]})")
            return
        title = None
        if "title" not in pairs:
            self.error(node, f"{what}: missing required key 'title'")
        else:
            title = self.string(pairs["title"][1], f"{what}: title", required=True)
        publisher = (
            self.string(pairs["publisher"][1], f"{what}: publisher")
            if "publisher" in pairs
            else None
        )
        published = (
            self.date(pairs["published"][1], f"{what}: published") if "published" in pairs else None
        )
        url = None
        if "url" in pairs:
            url = self.url(pairs["url"][1], f"{what}: url")
        self.source_id_pos[sid] = id_pos
        if title is not None:
            self.sources[sid] = Source(sid, title, self.pos(node), publisher, published, url)

    def url(self, node: Node, what: str) -> str | None:
        value = self.string(node, what, required=True)
        if value is None:
            return None
        why = url_problem(value)
        if why is not None:
            self.error(node, f"{what} '{shown(value)}': {why}")
            return None
        return value

    def walk_event(self, node: Node) -> None:
        pairs = self.mapping(node, EVENT_KEYS, _named("event", node))
        if pairs is None:
            return
        pos = self.pos(node)
        eid = None
        if "id" not in pairs:
            self.error(node, "event: missing required key 'id'")
        else:
            eid = self.slug(pairs["id"][1], "event id")
        what = f"event '{eid}'" if eid else "event"
        if eid is not None:
            id_pos = self.pos(pairs["id"][1])
            first = self.event_pos.get(eid)
            if first is not None:
                self.error(id_pos, f"duplicate event id '{eid}' (first at {first})")
                eid = None
            else:
                self.event_pos[eid] = id_pos
        ok = eid is not None
        date = None
        if "date" not in pairs:
            self.error(node, f"{what}: missing required key 'date'")
            ok = False
        else:
            date = self.date(pairs["date"][1], f"{what}: date")
            if date is not None:
                date = self.shared(date)  # thousands of events share a day
            ok = ok and date is not None
        title = None
        if "title" not in pairs:
            self.error(node, f"{what}: missing required key 'title'")
            ok = False
        else:
            title = self.string(pairs["title"][1], f"{what}: title", required=True)
            ok = ok and title is not None
        fields: dict[str, Any] = {}
        for key, (_knode, vnode) in pairs.items():
            handler = _EVENT_FIELDS.get(key)
            if handler is not None:
                before = len(self.problems)
                value = handler(self, vnode, what, eid or "")
                if value is not None:
                    fields[key] = value
                if key == "sources" and eid and len(self.problems) > before:
                    self.bad_sources.add(eid)
        if ok:
            assert eid is not None
            assert date is not None
            assert title is not None
            event = Event(id=eid, date=date, title=title, pos=pos, **fields)
            _ = event.haystack  # computed here, so that it comes out of the cache ready
            self.events.append(event)

    # -- event fields (each returns the model value, or None when absent/invalid) --

    def f_kind(self, node: Node, what: str, _eid: str) -> str | None:
        kind = self.string(node, f"{what}: kind", required=True)
        if kind is None:
            return None
        if kind not in self.kinds:
            hint = did_you_mean(kind, self.kinds) or " (declare it under 'kinds:' at the top)"
            # A kind that swallowed the lines below it (a missing "summary: |") is cut short.
            shown = kind if len(kind) <= 40 else f"{kind[:37]}…"
            self.error(node, f"{what}: unknown kind '{shown}'{hint}")
            return None
        return self.shared(kind)

    def f_summary(self, node: Node, what: str, _eid: str) -> str | None:
        text = self.string(node, f"{what}: summary")
        return None if text is None else text.strip()

    def f_strings(self, node: Node, what: str, key: str) -> tuple[str, ...] | None:
        out = []
        for item in self.sequence(node, f"{what}: {key}"):
            value = self.string(item, f"{what}: {key} item", required=True)
            if value is not None:
                out.append(self.shared(value))
        return self.shared(tuple(out))

    def f_actors(self, node: Node, what: str, _eid: str) -> tuple[str, ...] | None:
        return self.f_strings(node, what, "actors")

    def f_tags(self, node: Node, what: str, _eid: str) -> tuple[str, ...] | None:
        return self.f_strings(node, what, "tags")

    def f_location(self, node: Node, what: str, _eid: str) -> Location | None:
        if isinstance(node, ScalarNode):
            name = self.string(node, f"{what}: location", required=True)
            return None if name is None else self.shared(Location(name))
        pairs = self.mapping(node, _LOCATION_KEYS, f"{what}: location")
        if pairs is None:
            return None
        if "name" not in pairs:
            self.error(node, f"{what}: location: missing required key 'name'")
            return None
        name = self.string(pairs["name"][1], f"{what}: location name", required=True)
        region = self.string(pairs["region"][1], f"{what}: region") if "region" in pairs else None
        coords: dict[str, float | None] = {"lat": None, "lon": None}
        for key, limit in (("lat", 90), ("lon", 180)):
            if key in pairs:
                value = self.number(pairs[key][1], f"{what}: {key}")
                if value is not None and not -limit <= value <= limit:
                    self.error(
                        pairs[key][1],
                        f"{what}: {key} {format_number(value)} is out of range (-{limit}..{limit})",
                    )
                    value = None
                coords[key] = value
        if name is None:
            return None
        return self.shared(Location(name, region, coords["lat"], coords["lon"]))

    def f_sources(self, node: Node, what: str, eid: str) -> tuple[Citation, ...] | None:
        out = []
        for item in self.sequence(node, f"{what}: sources"):
            if isinstance(item, MappingNode):
                pairs = self.mapping(item, _CITATION_KEYS, f"{what}: source citation")
                if pairs is None:
                    continue
                if "id" not in pairs:
                    self.error(item, f"{what}: source citation: missing required key 'id'")
                    continue
                sid = self.string(pairs["id"][1], f"{what}: source id", required=True)
                note = self.string(pairs["note"][1], f"{what}: note") if "note" in pairs else None
                ref_node = pairs["id"][1]
            else:
                sid = self.string(item, f"{what}: source id", required=True)
                note, ref_node = None, item
            if sid is not None:
                self.refs.append(_Ref("source", sid, self.pos(ref_node), eid))
                out.append(self.shared(Citation(sid, note)))
        return self.shared(tuple(out))

    def f_significance(self, node: Node, what: str, _eid: str) -> int | None:
        value = self.number(node, f"{what}: significance")
        if value is None:
            return None
        if value != int(value) or not 1 <= value <= 5:
            self.error(
                node,
                f"{what}: significance must be a whole number 1..5, not {format_number(value)}",
            )
            return None
        return int(value)

    def f_confidence(self, node: Node, what: str, _eid: str) -> Confidence | None:
        value = self.string(node, f"{what}: confidence", required=True)
        if value is None:
            return None
        if value not in _CONFIDENCES:
            hint = did_you_mean(value, _CONFIDENCES) or " (high, moderate or low)"
            self.error(node, f"{what}: unknown confidence '{value}'{hint}")
            return None
        return Confidence(value)

    def f_figures(self, node: Node, what: str, eid: str) -> dict[str, float] | None:
        if not self.plain_data(node):
            return None
        if not isinstance(node, MappingNode):
            self.error(
                node, f"{what}: figures must be a mapping of metric: number, not {describe(node)}"
            )
            return None
        out: dict[str, float] = {}
        for knode, vnode in node.value:
            mid = self.string(knode, f"{what}: metric id", required=True)
            if mid is None:
                continue
            if mid in out:
                self.error(knode, f"{what}: figures: duplicate key '{mid}'")
                continue
            self.refs.append(_Ref("metric", mid, self.pos(knode), eid))
            if _too_large(vnode):
                shown = vnode.value if len(vnode.value) <= 24 else f"{vnode.value[:20]}…"
                self.error(
                    vnode,
                    f"{what}: figure '{mid}' {shown} is out of range "
                    "(a figure must be less than 1e15 in absolute value)",
                )
                continue
            value = self.number(vnode, f"{what}: figure '{mid}'")
            if value is not None:
                out[mid] = value
        return out

    def f_related(self, node: Node, what: str, eid: str) -> tuple[str, ...] | None:
        out = []
        for item in self.sequence(node, f"{what}: related"):
            rid = self.string(item, f"{what}: related id", required=True)
            if rid is None:
                continue
            if rid == eid:
                self.error(item, f"{what}: an event cannot be related to itself")
                continue
            self.refs.append(_Ref("event", rid, self.pos(item), eid))
            out.append(rid)
        return self.shared(tuple(out))

    # -- cross-references and warnings -------------------------------------------

    def check_references(self) -> None:
        cited: set[str] = set()
        reported: set[str] = set()
        known: dict[str, Collection[str]] = {
            "source": self.source_id_pos,
            "metric": self.metrics,
            "event": self.event_pos,
        }
        for ref in self.refs:
            if ref.what == "source":
                cited.add(ref.target)
            elif ref.what == "metric":
                reported.add(ref.target)
            if ref.target not in known[ref.what]:
                hint = did_you_mean(ref.target, known[ref.what])
                owner = f"event '{ref.owner}': " if ref.owner else ""
                self.error(ref.pos, f"{owner}unknown {ref.what} '{ref.target}'{hint}")
        for event in self.events:
            if not event.sources and event.id not in self.bad_sources:
                self.report(
                    self.event_pos[event.id], "warning", f"event '{event.id}' cites no source"
                )
        if any(p.severity == "error" for p in self.problems):
            # An error elsewhere (a misspelt key, a refused value) can hide the very
            # citation or figure these would miss: fix the errors first.
            return
        for mid, metric in self.metrics.items():
            if mid not in reported:
                self.report(
                    metric.pos,
                    "warning",
                    f"metric '{mid}' is never reported in any event's figures",
                )
        for sid, spos in self.source_id_pos.items():
            if sid not in cited:
                self.report(spos, "warning", f"source '{sid}' is never cited")


_EVENT_FIELDS: dict[str, Callable[[LogReader, Node, str, str], Any]] = {
    "kind": LogReader.f_kind,
    "summary": LogReader.f_summary,
    "actors": LogReader.f_actors,
    "location": LogReader.f_location,
    "tags": LogReader.f_tags,
    "sources": LogReader.f_sources,
    "significance": LogReader.f_significance,
    "confidence": LogReader.f_confidence,
    "figures": LogReader.f_figures,
    "related": LogReader.f_related,
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


def _named(what: str, node: Node) -> str:
    """``event 'banjska-attack'`` when the mapping has a plain id, for messages about its keys."""
    if isinstance(node, MappingNode):
        for knode, vnode in node.value:
            if getattr(knode, "value", None) == "id" and isinstance(vnode, ScalarNode):
                if _SLUG.match(vnode.value):
                    return f"{what} '{vnode.value}'"
                break
    return what


def _slugify(text: str, keep: str = "") -> str:
    return re.sub(rf"[^a-z0-9{keep}]+", "-", text.lower()).strip("-")


def _timezone_names() -> list[str]:
    # Only asked for when a time zone is misspelt: listing them reads the disk.
    return sorted(zoneinfo.available_timezones())
