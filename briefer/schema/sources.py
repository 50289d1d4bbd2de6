"""``sources:``: the documents events cite (main file or an included one)."""

from __future__ import annotations

from yaml.nodes import Node

from briefer.errors import did_you_mean
from briefer.model import Source
from briefer.schema.state import LogState, Section, named
from briefer.tradecraft.grades import RELIABILITY

_SOURCE_KEYS = ("id", "title", "publisher", "published", "url", "reliability")


def read_sources(state: LogState, node: Node) -> None:
    """Each item of the list, as a source."""
    for item in state.sequence(node, "sources", single_ok=False):
        read_source(state, item)


def read_source(state: LogState, node: Node) -> None:
    """One ``{id, title, publisher, published, url}`` mapping; ids are unique across files."""
    pairs = state.mapping(node, _SOURCE_KEYS, named("source", node))
    if pairs is None:
        return
    if "id" not in pairs:
        state.error(node, "source: missing required key 'id'")
        return
    sid = state.slug(pairs["id"][1], "source id")
    if sid is None:
        return
    what = f"source '{sid}'"
    id_pos = state.pos(pairs["id"][1])
    if sid in state.source_id_pos:
        state.error(id_pos, f"duplicate source id '{sid}' (first at {state.source_id_pos[sid]})")
        return
    title = None
    if "title" not in pairs:
        state.error(node, f"{what}: missing required key 'title'")
    else:
        title = state.string(pairs["title"][1], f"{what}: title", required=True)
    publisher = (
        state.string(pairs["publisher"][1], f"{what}: publisher") if "publisher" in pairs else None
    )
    published = (
        state.date(pairs["published"][1], f"{what}: published") if "published" in pairs else None
    )
    url = state.url(pairs["url"][1], f"{what}: url") if "url" in pairs else None
    reliability = (
        read_reliability(state, pairs["reliability"][1], what) if "reliability" in pairs else None
    )
    state.source_id_pos[sid] = id_pos
    if title is not None:
        state.sources[sid] = Source(
            sid, title, state.pos(node), publisher, published, url, reliability
        )


def read_reliability(state: LogState, node: Node, what: str) -> str | None:
    """An Admiralty reliability letter, A (completely reliable) … F (cannot be judged)."""
    value = state.string(node, f"{what}: reliability", required=True)
    if value is None:
        return None
    if value not in RELIABILITY:
        hint = (
            f" (did you mean '{value.strip().upper()}'?)"
            if value.strip().upper() in RELIABILITY
            else did_you_mean(value, RELIABILITY)
        )
        state.error(
            node,
            f"{what}: reliability '{value}' is out of range: A (completely reliable) … "
            f"F (cannot be judged){hint}",
        )
        return None
    return value


SOURCES = Section("sources", read_sources, in_includes=True)
