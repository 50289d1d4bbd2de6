"""``indicators:``: the signposts events observe (SPEC §7); main file or an included one."""

from __future__ import annotations

from yaml.nodes import Node

from briefer.model import Indicator
from briefer.schema.state import LogState, Section, named

_INDICATOR_KEYS = ("id", "title", "scenario", "window")


def read_indicators(state: LogState, node: Node) -> None:
    """Each item of the list, as an indicator."""
    for item in state.sequence(node, "indicators", single_ok=False):
        read_indicator(state, item)


def read_indicator(state: LogState, node: Node) -> None:
    """One ``{id, title, scenario, window}`` mapping; id and title are required."""
    pairs = state.mapping(node, _INDICATOR_KEYS, named("indicator", node))
    if pairs is None:
        return
    if "id" not in pairs:
        state.error(node, "indicator: missing required key 'id'")
        return
    iid = state.slug(pairs["id"][1], "indicator id")
    if iid is None:
        return
    what = f"indicator '{iid}'"
    id_pos = state.pos(pairs["id"][1])
    if iid in state.indicator_pos:
        state.error(id_pos, f"duplicate indicator id '{iid}' (first at {state.indicator_pos[iid]})")
        return
    state.indicator_pos[iid] = id_pos
    title = None
    if "title" not in pairs:
        state.error(node, f"{what}: missing required key 'title'")
    else:
        title = state.string(pairs["title"][1], f"{what}: title", required=True)
    scenario = (
        state.string(pairs["scenario"][1], f"{what}: scenario") if "scenario" in pairs else None
    )
    window = state.duration(pairs["window"][1], f"{what}: window") if "window" in pairs else None
    if title is not None:
        title = " ".join(title.split())
        scenario = " ".join(scenario.split()) if scenario else None
        state.indicators[iid] = Indicator(iid, title, state.pos(node), scenario, window)


def check_observed(state: LogState) -> None:
    """Warn about an indicator no event observes (after errors are fixed: they can hide one)."""
    if any(p.severity == "error" for p in state.problems):
        return
    for iid, pos in state.indicator_pos.items():
        if iid not in state.observed:
            state.report(
                pos,
                "warning",
                f"indicator '{iid}' is never observed by any event "
                "(name it under an event's 'indicators:')",
            )


INDICATORS = Section("indicators", read_indicators, in_includes=True, check=check_observed)
