"""The main file's header (version, title, time zone, marking, horizon, kinds), metrics, include."""

from __future__ import annotations

import zoneinfo

from yaml.nodes import MappingNode, Node, ScalarNode

from briefer.dates import DateError, get_timezone
from briefer.errors import did_you_mean
from briefer.model import BUILTIN_KINDS, Metric
from briefer.schema.state import METRIC_ID, LogState, Section, Stop
from briefer.yamlread import describe, format_number, is_null

FORMAT_VERSION = 1

_METRIC_KEYS = ("label", "unit")


def read_format_version(state: LogState, node: Node) -> None:
    """``briefer: 1``; any other version stops the walk (its rules are not these)."""
    version = state.number(node, "briefer (the format version)")
    if version is not None and version != FORMAT_VERSION:
        state.error(
            node,
            f"unsupported format version {format_number(version)}: "
            f"this briefer reads 'briefer: {FORMAT_VERSION}'",
        )
        raise Stop


def read_title(state: LogState, node: Node) -> None:
    """The log's title."""
    state.header["title"] = state.string(node, "title", required=True)


def read_timezone(state: LogState, node: Node) -> None:
    """The zone the log's dates are written in; later dates are read in it."""
    name = state.string(node, "timezone", required=True)
    if name is None:
        return
    try:
        state.tz = get_timezone(name)
        state.header["timezone"] = name
    except DateError as exc:
        hint = did_you_mean(name, _timezone_names())
        why = f"unknown time zone '{name}'{hint}" if hint else str(exc)
        state.error(node, f"timezone: {why}")


def read_marking(state: LogState, node: Node) -> None:
    """The handling marking printed on every page."""
    state.header["marking"] = state.string(node, "marking", required=True)


def read_horizon(state: LogState, node: Node) -> None:
    """How far ahead the watch list looks (a duration such as ``30d``)."""
    seconds = state.duration(node, "horizon")
    if seconds is not None:
        state.header["horizon"] = seconds


def read_kinds(state: LogState, node: Node) -> None:
    """Event kinds declared on top of the built-in ones."""
    for item in state.sequence(node, "kinds"):
        kind = state.slug(item, "kind")
        if kind is None:
            continue
        if kind in state.kinds:
            what = "built-in" if kind in BUILTIN_KINDS else "already declared"
            state.report(item, "warning", f"kind '{kind}' is {what}")
        state.kinds.add(kind)


def read_metrics(state: LogState, node: Node) -> None:
    """``id: label`` or ``id: {label, unit}`` for each metric events report figures of."""
    if not state.plain_data(node):
        return
    if not isinstance(node, MappingNode):
        state.error(node, f"metrics must be a mapping of id: {{label, unit}}, not {describe(node)}")
        return
    seen: dict[str, int] = {}
    for knode, vnode in node.value:
        mid = state.slug(knode, "metric id", METRIC_ID)
        if mid is None:
            continue
        if mid in seen:
            state.error(knode, f"metrics: duplicate key '{mid}' (first at line {seen[mid]})")
            continue
        seen[mid] = knode.start_mark.line + 1
        label, unit = mid, None
        if isinstance(vnode, ScalarNode) and not is_null(vnode):
            label = state.string(vnode, f"metric '{mid}' label") or mid
        elif not (isinstance(vnode, ScalarNode) and is_null(vnode)):
            pairs = state.mapping(vnode, _METRIC_KEYS, f"metric '{mid}'")
            if pairs is None:
                continue
            if "label" in pairs:
                label = (
                    state.string(pairs["label"][1], f"metric '{mid}' label", required=True) or mid
                )
            if "unit" in pairs:
                unit = state.string(pairs["unit"][1], f"metric '{mid}' unit")
        state.metrics[mid] = Metric(mid, label, state.pos(knode), unit)


def _timezone_names() -> list[str]:
    # Only asked for when a time zone is misspelt: listing them reads the disk.
    return sorted(zoneinfo.available_timezones())


VERSION = Section(
    "briefer",
    read_format_version,
    missing="missing required key 'briefer' (the format version: add 'briefer: 1')",
)
TITLE = Section(
    "title",
    read_title,
    missing="missing required key 'title' (the log's title, used on every brief)",
)
TIMEZONE = Section("timezone", read_timezone)
MARKING = Section("marking", read_marking)
HORIZON = Section("horizon", read_horizon)
KINDS = Section("kinds", read_kinds)
METRICS = Section("metrics", read_metrics)


def read_includes(state: LogState, node: Node) -> None:
    """Glob patterns of further files holding sources and events (the loader expands them)."""
    for item in state.sequence(node, "include"):
        pattern = state.string(item, "include pattern", required=True)
        if pattern is not None:
            state.includes.append(pattern)
            assert isinstance(item, ScalarNode)
            state.include_nodes.append(item)


INCLUDE = Section("include", read_includes)
