"""Chunks of the events list read one after the other: each parsed into a fresh rapidyaml
tree, read by the strict reader (:mod:`briefer.fastread.events`) and dropped, so no tree
ever holds the whole file. An event the strict reader declines is read by the schema's own
:func:`~briefer.schema.events.read_event`, through lazy nodes of that chunk."""

from __future__ import annotations

import ryml
from ryml import _ryml

from briefer.fastread.events import Decline, EventReader
from briefer.fastread.split import Bounds
from briefer.schema.events import read_event
from briefer.schema.walk import LogReader
from briefer.yamlfast import FastDocument, Unsupported, _odd, quiet_parse

__all__ = ["read_chunks"]

_FLOW_OR_DOC = ryml.FLOW_SL | ryml.FLOW_ML | ryml.DOC | (ryml.STREAM & ~ryml.SEQ)


def _utf8(raw: bytes) -> None:
    """Unsupported unless ``raw`` is UTF-8 (the reference path names the bad byte)."""
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Unsupported from None


def read_chunks(
    state: LogReader, data: bytes, bounds: list[Bounds], display: str, *, keep: bool = True
) -> None:
    """The chunks of events at ``bounds`` into ``state``, one after the other (without
    ``keep``, for a check, with only what the checks across files need of them)."""
    reader = EventReader(state, display, keep=keep)
    first = _ryml.Tree_first_child
    following = _ryml.Tree_next_sibling
    for where in bounds:
        chunk = where.chunk(data)
        raw = chunk.text
        if _odd(raw):
            raise Unsupported
        _utf8(raw)
        buffer = bytearray(raw)
        tree = ryml.Tree()
        quiet_parse(buffer, tree)
        this = tree.this
        root = tree.root_id()
        kind = _ryml.Tree_type(this, root)
        if not kind & ryml.SEQ or kind & _FLOW_OR_DOC:
            raise Unsupported
        if _ryml.Tree_num_children(this, root) != chunk.items:
            raise Unsupported
        reader.begin(tree, buffer, raw, chunk.line)
        doc = None
        item = first(this, root)
        while item != ryml.NONE:
            try:
                reader.event(item)
            except Decline:
                if doc is None:
                    doc = FastDocument(raw, parsed=(buffer, tree), line=chunk.line)
                start = len(state.refs)
                read_event(state, doc.node(item))
                reader.adopt(start)
            item = following(this, item)
    reader.flush()
