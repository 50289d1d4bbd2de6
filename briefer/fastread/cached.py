"""The main file's events list kept in the per-file cache, keyed by its own bytes.

A log of 100,000 events in one main file, with new events arriving as files of
their own (``briefer add``, SPEC §8), changes which files make up the log at
every capture; without this, each change would read the 100,000 events again.
The events list is filed like an included file's part (:mod:`briefer.filecache`)
under a digest of its bytes, the line it starts on (its positions depend on
it), the file's name, the time zone and the kinds. A load keeps the events; a
check files a lighter entry without them, and takes either.

A list with an error is never kept: the reference reader words errors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

from briefer import filecache
from briefer.fastread.split import Split
from briefer.schema.parts import absorb, part_of
from briefer.schema.walk import LogReader
from briefer.yamlfast import Unsupported

__all__ = ["read_cached"]


def _body_digest(data: bytes, parts: Split) -> str:
    """The digest of the events list's bytes (taken once: 58 MB at 100,000 events)."""
    body = memoryview(data)[parts.body_start : parts.body_end]
    return hashlib.blake2b(body, digest_size=20).hexdigest()


def _key(state: LogReader, digest: str, parts: Split, display: str, variant: str) -> str:
    name = f"{display}\0events from line {parts.events_line}\0{variant}"
    return filecache.part_key(name, digest, state.header.get("timezone", "UTC"), state.kinds)


def read_cached(
    state: LogReader,
    data: bytes,
    parts: Split,
    display: str,
    *,
    keep_events: bool,
    read: Callable[[LogReader], None],
) -> None:
    """The events of ``parts`` into ``state``: from the cache, else by ``read`` (into a
    fresh state, whose part is then filed)."""
    digest = _body_digest(data, parts)
    whole = _key(state, digest, parts, display, "events")
    part = filecache.lookup(whole, with_events=keep_events)
    light = None if keep_events else _key(state, digest, parts, display, "index")
    if part is None and light is not None:
        part = filecache.lookup(light, with_events=False)
    if part is None:
        alone = LogReader(tz=state.tz, kinds=set(state.kinds))
        alone.begin(state.file, props=False)
        read(alone)
        part = part_of(alone)
        if not any(p.severity == "error" for p in part.problems):
            if light is None:
                filecache.store(whole, part)
            else:
                filecache.store(light, replace(part, events=[]))
    if not absorb(state, part):
        raise Unsupported  # the main file's other sections name no event: never happens
