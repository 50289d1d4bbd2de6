"""The fast reader: one log file's bytes → the walk's state, for a file that reads plainly.

A valid log is read here; a log with anything doubtful is read by the reference
path (PyYAML's nodes and :mod:`briefer.schema`), which words every problem.
:func:`read_file` fills a :class:`~briefer.schema.LogReader` with one file's
sections exactly as the reference walk does, or raises :class:`Unsupported`
(and the loader reads the file again the reference way, as it does for any log
with an error):

* the file is split (:mod:`briefer.fastread.split`) into its *skeleton* (the
  file with the events' lines left blank: header, metrics, sources, indicators,
  judgments, include) and the events, in chunks of whole items;
* the skeleton is composed by rapidyaml into lazy PyYAML-like nodes
  (:mod:`briefer.yamlfast`) and walked by the schema itself: it is small;
* each chunk of events is parsed into a fresh rapidyaml tree, read by the
  strict reader (:mod:`briefer.fastread.events`) and dropped, so no tree ever
  holds the whole file. An event the strict reader declines is read by the
  schema's own :func:`~briefer.schema.events.read_event`, through lazy nodes of
  that chunk.

The file's bytes are never decoded whole: each part is checked for UTF-8 as it
is read. A file without a plain ``events:`` list is read as one skeleton.
"""

from __future__ import annotations

from collections.abc import Callable

from yaml.nodes import MappingNode, Node, ScalarNode

from briefer import filecache
from briefer.cache import file_digest
from briefer.fastread.split import Split, split
from briefer.schema.parts import main_part_of, restore_main
from briefer.schema.walk import LogReader
from briefer.yamlfast import FastDocument, Unsupported, _odd
from briefer.yamlread import SourceText

#: Called with the file's walk (its other sections read), its bytes, its layout and its
#: name, before its events are read (see ``briefer.loader``: a cold start's preview).
Ahead = Callable[[LogReader, bytes, Split, str], None]

__all__ = ["Ahead", "Unsupported", "read_file"]


def read_file(
    state: LogReader,
    data: bytes,
    display: str,
    *,
    main: bool,
    keep_events: bool = True,
    cache: bool = False,
    ahead: Ahead | None = None,
) -> SourceText:
    """Walk one file (the main one, or an included one) into ``state``; its skeleton's text.

    Without ``keep_events`` (a check) the events may be left out of ``state.events``
    (what the checks across files need of them is kept); with ``cache`` the events list
    goes through the per-file cache; ``ahead`` is called before a large events list is
    read (not when the cache holds it). Raises Unsupported for
    anything the reference path must read (the state is then to be thrown away)."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise Unsupported  # a byte-order mark: rare, and it shifts every offset
    parts = split(data)
    skeleton = data if parts is None else parts.skeleton
    if _odd(skeleton):
        raise Unsupported
    try:
        text = skeleton.decode("utf-8")
    except UnicodeDecodeError:
        raise Unsupported from None
    source = SourceText(display, text)
    state.begin(source, props=False)  # rapidyaml's nodes with properties are refused
    # A main file's sections but its events, through the per-file cache: the same bytes
    # walked again leave the same state (the walk starts from a fresh one).
    key = _main_key(display, skeleton) if main and cache else None
    kept = None if key is None else filecache.lookup_main(key)
    if kept is None or not restore_main(state, kept):
        root = FastDocument(skeleton).root()
        if parts is not None:
            _check_events_key(root, parts.events_line)
        if main:
            state.walk_main(root)
            if key is not None and (walked := main_part_of(state)) is not None:
                filecache.store(key, walked)
        else:
            state.walk_included(root)
    if parts is not None:
        _read_events(state, data, parts, display, keep_events=keep_events, cache=cache, ahead=ahead)
    return source


def _main_key(display: str, skeleton: bytes) -> str:
    """What the walk of a main file's sections but its events is filed under."""
    return filecache.part_key(f"{display}\0main file", file_digest(skeleton), "", ())


def _check_events_key(root: Node, line: int) -> None:
    """The skeleton has the top-level ``events:`` key on ``line``, now with no value."""
    if not isinstance(root, MappingNode):
        raise Unsupported
    keys = [(k, v) for k, v in root.value if isinstance(k, ScalarNode) and k.value == "events"]
    if len(keys) != 1:
        raise Unsupported
    key, value = keys[0]
    if key.style or key.start_mark.line != line:
        raise Unsupported
    if not isinstance(value, ScalarNode) or value.style or value.value:
        raise Unsupported


def _read_events(
    state: LogReader,
    data: bytes,
    parts: Split,
    display: str,
    *,
    keep_events: bool = True,
    cache: bool = False,
    ahead: Ahead | None = None,
) -> None:
    """Each chunk of the events list, parsed, read and dropped; a large list by several
    processes at once where that is safe (:mod:`briefer.fastread.parallel`); with
    ``cache``, through the per-file cache (:mod:`briefer.fastread.cached`)."""
    from briefer.fastread import parallel
    from briefer.fastread.cached import read_cached
    from briefer.fastread.chunks import read_chunks

    called: list[bool] = []

    def first() -> None:  # once
        if ahead is not None and not called:
            called.append(True)
            ahead(state, data, parts, display)

    def read(into: LogReader) -> None:
        # Read ahead while the other processes start on the list, or else first.
        if not parallel.read(into, data, parts, display, keep_events=keep_events, first=first):
            first()
            read_chunks(into, data, parts.bounds(data), display, keep=keep_events)

    if cache:
        read_cached(state, data, parts, display, keep_events=keep_events, read=read)
    else:
        read(state)
