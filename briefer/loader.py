"""Files → a validated :class:`EventLog`: reading, includes, the cache, clock-dependent checks.

The rules themselves live in :mod:`briefer.schema`; this module decides which
files are read (the main file and what its ``include:`` globs match), asks the
parsed-log cache first, and adds the warnings that depend on the clock (which
the cache must not keep).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from briefer import reading
from briefer.files import Match, expand_includes, read_log_file
from briefer.model import BUILTIN_KINDS, EventLog, Pos, Problem, event_order
from briefer.reading import Reuse
from briefer.results import Deadline, FileRead, LoadResult, Parsed

if TYPE_CHECKING:  # the schema is imported when a log is parsed, not with this module
    from briefer.fastread.split import Split
    from briefer.filestamps import Stamps
    from briefer.preview import Preview
    from briefer.schema import LogReader
    from briefer.schema.parts import FilePart


class Early(NamedTuple):
    """Who wants a preview of the log being parsed before it is whole (see ``parse``)."""

    #: Given the preview's result (the preview's log, the problems found so far) and it.
    give: Callable[[LoadResult, Preview], None]
    #: The moment (epoch seconds) the preview is for.
    now: float


__all__ = ["LoadResult", "Parsed", "Reuse", "announced", "fill_cache", "load_index", "load_log"]
__all__ += ["Early", "parse", "time_problems"]
__all__ += ["with_time_problems"]


def display_name(path: str) -> str:
    """A path as users typed it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


def parse(
    path: str,
    data: bytes,
    display: str | None = None,
    *,
    parts: bool = False,
    known: dict[str, tuple[bytes | None, str]] | None = None,
    with_log: bool = True,
    fast: bool | None = None,
    stamps: Stamps | None = None,
    draft: FileRead | None = None,
    reuse: Reuse | None = None,
    index: bool = False,
    early: Early | None = None,
) -> Parsed:
    """Validate the log at ``path`` (whose bytes are ``data``) and everything it includes.

    With ``parts``, each included file is read on its own and its part kept in
    (and taken from) the per-file cache (:mod:`briefer.filecache`). ``known``
    holds included files' bytes already read (by the cache's check), so that
    no file is read twice, or only their digest (bytes None) when their stamps
    vouched for them (:mod:`briefer.filestamps`); with ``stamps`` (and ``parts``)
    the other included files are asked for there too; ``reuse`` holds events already in
    memory by the included file they came from (see :class:`Reuse`). Without ``with_log`` (a check)
    a valid log's result comes without the log, and cached parts without their events.

    With ``fast`` (the default when rapidyaml is there), the files are first
    read by the fast reader (:mod:`briefer.fastread`); a file it cannot read
    exactly like PyYAML, or a log with any error, is read again by PyYAML, so
    every error and its position comes from the reference reader.

    A ``draft`` (a file not yet in place, SPEC §8) is read after the included
    files as if an include had matched it: what the log would be with it.

    With ``index`` (and without ``with_log``) a valid log comes without its events
    but with every other section, and the result's ``event_pos`` says where each
    event's id is: what adding an event needs, read as cheaply as a check.

    ``early`` (with ``parts``) is given a preview of the log at its moment, made from
    the included files (or, in a log of one file, the runs of its events list) that
    hold the events around it (:mod:`briefer.nearby`) before the rest is read; not when
    those would be much of the log.
    """
    from briefer.yamlread import Unsupported, fast_available

    display = display or display_name(path)
    known = {} if known is None else known
    if fast is None:
        fast = fast_available()
    for fast_read in (True, False) if fast else (False,):
        for apart in (True, False) if parts else (False,):
            try:
                parsed = _parse(
                    path,
                    data,
                    display,
                    parts=apart,
                    known=dict(known),  # each attempt takes the bytes it reads from it
                    with_log=with_log,
                    fast=fast_read,
                    stamps=stamps,
                    draft=draft,
                    reuse=reuse,
                    index=index,
                    early=early,
                )
                early = None  # one preview, from the first attempt
            except Unsupported:
                break  # something only the reference reader reads exactly
            if parsed is None:
                continue  # read apart, the files cannot give the shared walk's result
            if fast_read and any(p.severity == "error" for p in parsed.result.problems):
                break  # every error is worded by the reference reader
            return parsed
    raise AssertionError("the reference path always gives a result")


def _parse(
    path: str,
    data: bytes,
    display: str,
    *,
    parts: bool,
    known: dict[str, tuple[bytes | None, str]],
    with_log: bool,
    fast: bool,
    stamps: Stamps | None = None,
    draft: FileRead | None = None,
    reuse: Reuse | None = None,
    index: bool = False,
    early: Early | None = None,
) -> Parsed | None:
    """:func:`parse`; None when reading the files apart cannot give the shared walk's result.

    With ``fast``, Unsupported for a file the fast reader leaves to PyYAML."""
    from briefer.schema import LogReader, Stop
    from briefer.schema.parts import absorb

    reader = LogReader()
    inputs: list[FileRead] = []
    header: dict[str, Any] = {}
    patterns: list[str] = []
    try:
        ahead = None
        if parts and fast and with_log and early is not None:
            ahead = partial(_read_main_ahead, early=early)
        main_text = reading.read_file(
            reader,
            data,
            display,
            main=True,
            fast=fast,
            keep_events=with_log,
            cache=parts,
            ahead=ahead,
        )
        if main_text is None:
            return Parsed(LoadResult(None, tuple(reader.problems)), patterns, inputs)
        header, patterns = reader.header, reader.includes
        matches = expand_includes(patterns, path, display)
        fresh = {}
        if parts:
            first = None
            if fast and with_log and early is not None and stamps is not None:
                base = _log_of(reader, header, patterns, display, matches)
                first = _read_ahead(reader, base, matches, known, stamps, early)
            fresh = reading.prefill_parts(
                reader, matches, known, stamps, with_log=with_log, fast=fast, first=first
            )
        for match in matches:
            if not match.path:
                node = reader.include_nodes[match.nth]
                reader.begin(main_text)
                if match.problem:
                    reader.error(node, match.problem)
                elif _capture_pattern(header, match.pattern):
                    pass  # the capture folder is empty until the first event is captured
                else:
                    message = f"include pattern '{match.pattern}' matches no file"
                    reader.report(node, "warning", message)
                continue
            inc_display = match.display
            found = fresh.pop(match.path, None)  # read by this process a moment ago
            try:
                if found is not None:
                    part, digest = found
                else:
                    if match.path in known:
                        inc_data, inc_digest = known.pop(match.path)
                    elif parts and stamps is not None:
                        inc_data, inc_digest = stamps.digest(match.path)
                    else:
                        inc_data, inc_digest = None, ""
                    if parts:
                        part, digest = reading.included_part(
                            reader,
                            match.path,
                            inc_display,
                            inc_data,
                            inc_digest,
                            with_events=with_log,
                            fast=fast,
                            reuse=reuse,
                            grown=None if stamps is None else stamps.remembered(match.path),
                        )
                    elif inc_data is None:
                        inc_data = read_log_file(match.path)
            except OSError as exc:
                reader.error(Pos(inc_display, 0, 0), f"cannot read: {exc.strerror}")
                continue
            if parts:
                inputs.append(FileRead(match.path, inc_display, b"", digest))
                if not absorb(reader, part):
                    return None  # an id repeated across files: the shared walk reports it
            else:
                assert inc_data is not None
                inputs.append(FileRead(match.path, inc_display, inc_data))
                reading.walk_included(reader, inc_display, inc_data, fast=fast)
        if draft is not None:  # tiny, and never cached: the reference reader words its errors
            reading.walk_included(reader, draft.display, draft.data, fast=False)
        reader.check_references()
    except Stop:
        pass  # a foreign format version: its one error says all there is to say
    problems = tuple(_ordered(reader.problems, display))
    if any(p.severity == "error" for p in problems):
        return Parsed(LoadResult(None, problems), patterns, inputs)
    deadlines = tuple(
        Deadline(eid, reader.event_pos[eid], latest, related or eid in reader.related_named)
        for _, eid, latest, related in sorted(reader.deadline_facts)
    )
    if not with_log and not index:  # a check: included files' events were never even loaded
        return Parsed(LoadResult(None, problems, deadlines), patterns, inputs)
    log = _log_of(reader, header, patterns, display, inputs, with_events=with_log)
    where = None if with_log else reader.event_pos
    return Parsed(LoadResult(log, problems, deadlines), patterns, inputs, where)


def _log_of(
    reader: LogReader,
    header: dict[str, Any],
    patterns: list[str],
    display: str,
    inputs: Sequence[FileRead | Match],
    *,
    with_events: bool = True,
) -> EventLog:
    """The log the walk in ``reader`` has read so far (``inputs``: its included files)."""
    events = sorted(reader.events, key=event_order) if with_events else []
    return EventLog(
        path=display,
        title=header.get("title") or "",
        timezone=header.get("timezone", "UTC"),
        marking=header.get("marking"),
        horizon=header.get("horizon", 30 * 86400),
        kinds=tuple(sorted(reader.kinds, key=lambda k: (k not in BUILTIN_KINDS, k))),
        metrics=reader.metrics,
        sources=reader.sources,
        events=tuple(events),
        files=(display, *(i.display for i in inputs if i.display)),
        judgments=tuple(sorted(reader.judgments, key=lambda j: (*j.date.sort_key, j.id))),
        indicators=reader.indicators,
        capture=header.get("capture"),
        includes=tuple(patterns),
        feeds=tuple(header.get("feeds", ())),
    )


def _read_ahead(
    reader: LogReader,
    base: EventLog,
    matches: list[Match],
    known: dict[str, tuple[bytes | None, str]],
    stamps: Stamps,
    early: Early,
) -> reading.First | None:
    """What gives ``early`` the log's preview, read from the included files that hold the
    events around its moment (:class:`briefer.nearby.Ahead`), before the other files are
    read; None when that cannot be done cheaply. The parts it reads are kept in the
    per-file cache as any are."""
    from briefer.nearby import Ahead

    if any(p.severity == "error" for p in reader.problems):
        return None
    files, shown_as = [], {}
    try:
        for m in matches:
            if m.path and m.path not in shown_as:
                if m.path not in known:
                    known[m.path] = stamps.digest(m.path)
                data = known[m.path][0]
                if data is None:  # its stamp vouched for it: its part is kept, not cold
                    return None
                files.append((m.path, data))
                shown_as[m.path] = m.display
    except OSError:
        return None  # the walk reports it
    ahead = Ahead(base, files, early.now)
    if ahead.first is None:
        return None

    def run() -> dict[str, tuple[FilePart, str]]:
        got: dict[str, tuple[FilePart, str]] = {}

        def read(path: str) -> FilePart:
            data, digest = known[path]
            got[path] = reading.included_part(
                reader, path, shown_as[path], data, digest, with_events=True, fast=True
            )
            return got[path][0]

        try:
            found = ahead.run(read)
        except Exception:  # as a prefilled part: the walk reads it again, and says what is wrong
            return got
        if found is not None:
            _give(early, reader, *found)
        return got

    size = sum(len(data) for path, data in files if path in ahead.first)
    return reading.First(run, frozenset(ahead.first), size)


def _read_main_ahead(
    reader: LogReader, data: bytes, layout: Split, display: str, *, early: Early
) -> None:
    """Give ``early`` the preview of a log of one large file, read from the runs of its
    events list that hold the events around its moment (:class:`briefer.nearby.Ahead`,
    each run of items taken as a file), before the whole list is read. Nothing when the
    log includes files (their events may be anywhere) or that cannot be done cheaply."""
    from briefer.fastread.parallel import read_run
    from briefer.fastread.split import CHUNK_BYTES
    from briefer.nearby import Ahead

    if reader.includes or any(p.severity == "error" for p in reader.problems):
        return
    try:
        # Runs of about a chunk each (a few lines looked for: each run's items are found
        # only if it is read), as the runs of several processes are cut.
        cuts = layout.runs(data, max(1, (layout.body_end - layout.body_start) // CHUNK_BYTES))
        view = memoryview(data)
        runs = {str(i): run for i, run in enumerate(cuts)}
        base = _log_of(reader, reader.header, reader.includes, display, ())
        ahead = Ahead(base, [(n, view[a:b]) for n, (a, b) in runs.items()], early.now)
        found = ahead.run(lambda n: read_run(reader, data, layout, runs[n], display, True))
    except Exception:  # as a declined run: the whole read says what is wrong
        return
    if found is not None:
        _give(early, reader, *found)


def _give(early: Early, reader: LogReader, shown: Preview, parts: Mapping[str, FilePart]) -> None:
    """Give ``early`` the preview read ahead, with the problems found so far (the main
    file's and those ``parts`` read for it); nothing if there is an error among them."""
    problems = [*reader.problems, *(p for part in parts.values() for p in part.problems)]
    if not any(p.severity == "error" for p in problems):
        early.give(LoadResult(shown.log, tuple(_ordered(problems, shown.log.path))), shown)


def _capture_pattern(header: dict[str, Any], pattern: str) -> bool:
    """Does ``pattern`` cover the log's capture folder (which may well be empty)?"""
    from briefer.schema.capture import capture_covered

    folder = header.get("capture")
    return folder is not None and capture_covered(folder, [pattern])


def _ordered(problems: list[Problem], main: str) -> list[Problem]:
    """Deduplicated, main file first, then by position: the order an editor shows them."""
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.pos.file != main, p.pos.file, p.pos.line, p.pos.col))


def time_problems(deadlines: Iterable[Deadline], now: int) -> list[Problem]:
    """Clock-dependent warnings (kept out of the cache): past deadlines with no follow-up."""
    message = "event '{}': deadline has passed with no follow-up event in 'related'"
    return [
        Problem(d.pos, "warning", message.format(d.id))
        for d in deadlines
        if d.latest is not None and d.latest <= now and not d.followed
    ]


def load_log(
    path: str,
    *,
    use_cache: bool = True,
    now: int | None = None,
    need_log: bool = True,
    includes: list[tuple[str, str]] | None = None,
) -> LoadResult:
    """Load and validate the log at ``path``, through the parsed-log cache when allowed.

    With ``need_log=False`` (``briefer check``) a cached result may come without
    its log: only the problems are wanted, and they are cheap to read back.
    ``includes`` receives the (path, digest) of each included file read.
    """
    from briefer import cache
    from briefer.filestamps import Stamps

    display = display_name(path)
    #: Included files' bytes the cache's check read, for the parse not to read them again.
    known: dict[str, tuple[bytes | None, str]] = {}
    stamps = Stamps(path) if use_cache else None
    main_path = os.path.abspath(path)
    try:
        result, data, digest = None, None, ""
        if stamps is None:
            data = read_log_file(path)
        else:
            # Its stamp may vouch for it (a warm check need not read 58 MB). A check keeps the
            # bytes hashed; a load drops them before a cached log is unpickled (peak memory).
            hashed, digest = stamps.digest(main_path)
            data_key = cache.key_of_digest(digest)
            data = hashed if not need_log else None
            result = cache.lookup(
                path,
                display,
                data_key,
                need_log=need_log,
                known=known,
                stamps=stamps,
                includes=includes,
            )
            if result is None and data is None:  # the file may have changed since its stamp
                data, digest = read_log_file(path), ""
    except OSError as exc:
        problem = Problem(Pos(display, 0, 0), "error", f"cannot read: {exc.strerror}")
        return LoadResult(None, (problem,))
    if result is None:
        assert data is not None
        parsed = parse(
            path, data, display, parts=use_cache, known=known, with_log=need_log, stamps=stamps
        )
        result = parsed.result
        if includes is not None:
            includes[:] = [(i.path, i.digest or cache.file_digest(i.data)) for i in parsed.inputs]
        if use_cache:
            # A check needs no log: leave its pickling to a load that does.
            cache.store(path, display, data, parsed, with_log=need_log, digest=digest)
            if stamps is not None:
                stamps.keep_only([main_path, *(i.path for i in parsed.inputs)])
    if stamps is not None:
        stamps.save()
    return with_time_problems(result, display, now)


def load_index(
    path: str, *, use_cache: bool = True, now: int | None = None
) -> tuple[LoadResult, Mapping[str, Pos]]:
    """The log without its events, and where each event's id is (``parse(index=True)``).

    What adding an event needs (its id must be new; sources, metrics and ids it
    names must exist), at the cost of a check: the events' parts are read back
    from the per-file cache without the events. An invalid log has no log and no ids.
    """
    from briefer.filestamps import Stamps

    display = display_name(path)
    stamps = Stamps(path) if use_cache else None
    try:
        data = read_log_file(path)
    except OSError as exc:
        problem = Problem(Pos(display, 0, 0), "error", f"cannot read: {exc.strerror}")
        return LoadResult(None, (problem,)), {}
    parsed = parse(path, data, display, parts=use_cache, with_log=False, index=True, stamps=stamps)
    if stamps is not None:
        stamps.save()
    return with_time_problems(parsed.result, display, now), parsed.event_pos or {}


def with_time_problems(result: LoadResult, display: str, now: int | None) -> LoadResult:
    """``result`` with the clock-dependent warnings at ``now`` (None: the real time) added."""
    extra = time_problems(result.deadlines, int(time.time()) if now is None else now)
    if extra:
        problems = tuple(_ordered([*result.problems, *extra], display))
        result = LoadResult(result.log, problems, result.deadlines)
    return result


def fill_cache(path: str, announce: BinaryIO | None = None) -> None:
    """Make sure the parsed-log cache holds this log whole, its body included, so that
    another process (the browser) reads it from there; a warm entry is not unpickled.

    With ``announce``, a log that had to be parsed has its preview (:mod:`briefer.preview`)
    written there first, as :func:`announced` reads it: pickling and writing the whole
    log take seconds that the browser need not wait for to show today's events.
    """
    from briefer import cache
    from briefer.filestamps import Stamps

    display = display_name(path)
    known: dict[str, tuple[bytes | None, str]] = {}
    stamps = Stamps(path)
    try:
        data = read_log_file(path)
        data_key = cache.key(data)
        found = cache.lookup(
            path, display, data_key, need_log=False, need_body=True, known=known, stamps=stamps
        )
        if found is None:
            sent: list[Preview] = []

            def early(part: LoadResult, shown: Preview) -> None:
                assert announce is not None
                _send(part, shown, announce)
                sent.append(shown)

            hurry = None if announce is None else Early(early, time.time())
            parsed = parse(path, data, display, parts=True, known=known, stamps=stamps, early=hurry)
            shown = None
            if parsed.result.log is not None:
                from briefer.preview import preview_of

                shown = preview_of(parsed.result.log, time.time())
                if announce is not None and shown is not None and not sent:
                    part = LoadResult(shown.log, parsed.result.problems, parsed.result.deadlines)
                    _send(part, shown, announce)
            cache.store(path, display, data, parsed, preview=shown)
            stamps.keep_only([i.path for i in parsed.inputs])
    except OSError:
        return  # the browser's own load reports it
    finally:
        stamps.save()


def _send(part: LoadResult, shown: Preview, out: BinaryIO) -> None:
    """Write a preview to ``out``: a ``LENGTH\\n`` line, then the pickled (``part``: the
    result with the preview's log, ``shown``)."""
    import pickle

    payload = pickle.dumps((part, shown), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        out.write(b"%d\n" % len(payload))
        out.write(payload)
        out.flush()
    except OSError:
        pass  # nobody reads it any more: the cache still gets the log


def announced(payload: bytes) -> tuple[LoadResult, Preview] | None:
    """What :func:`fill_cache` announced (the payload after its length line); None if it
    is not that."""
    import pickle

    from briefer.preview import Preview

    try:
        found = pickle.loads(payload)
    except Exception:  # not ours, or cut short: the browser waits for the cache instead
        return None
    if not (isinstance(found, tuple) and len(found) == 2):
        return None
    part, shown = found
    if not (isinstance(part, LoadResult) and isinstance(shown, Preview)):
        return None
    return part, shown
