"""A draft checked together with the whole log, then put in place as a new file, or kept.

The check reads the draft as one more included file of the loaded log: the
log's ids, metrics, kinds and time zone are known to the walk, so a
duplicate id, an unknown source or a bad date in the draft is reported
exactly as ``briefer check`` would report it once the file is there, and
under ``--strict`` (warnings count: a new event citing no source is refused).
Problems elsewhere in the log cannot come from a new file, so the log is
read as a check reads it, from the per-file cache, without its events: only
where each event's id is (:func:`briefer.loader.load_index`).

A valid draft becomes ``YYYY-MM-DD-<id>.yaml`` in the capture folder: written
whole to a temporary, then hard-linked to its name, which fails rather than
replace a file of that name (the ``O_EXCL`` of renames). Checking and
placing hold the capture folder's lock, so two captures at once see each
other's events and never make the same id twice.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefer.atomic import TEMP_SUFFIX, fsync_dir, new_file_mode, write_atomic
from briefer.errors import InvalidInput, LockHeld, OutputError
from briefer.loader import display_name, load_index, time_problems
from briefer.model import EventLog, Pos, Problem
from briefer.results import Deadline

__all__ = [
    "DRAFTS",
    "Placed",
    "Rejected",
    "capture",
    "capture_folder",
    "check_draft",
    "file_name",
]

#: Drafts kept after an invalid entry, inside the capture folder (a dot-folder: no
#: include pattern matches it, so a draft is never part of the log).
DRAFTS = ".drafts"
#: How long a capture waits for another to finish writing to the same folder.
LOCK_WAIT = 30.0
_ALLOWED_KEYS = ("sources", "events")
_LEADING_DATE = re.compile(r"\A\d{4}(-\d{2}){0,2}-")


@dataclass(frozen=True)
class Placed:
    """The event's new file, and the event's id."""

    path: Path
    event_id: str

    @property
    def display(self) -> str:
        return display_name(str(self.path))


@dataclass(frozen=True)
class Rejected:
    """An entry that was not valid: its problems, pointing into the kept draft."""

    problems: tuple[Problem, ...]
    draft: Path

    @property
    def display(self) -> str:
        return display_name(str(self.draft))


def capture_folder(log_path: str, log: EventLog) -> Path:
    """The folder new events go to; InvalidInput when the log names none or does not include it."""
    from briefer.schema.capture import capture_covered

    if log.capture is None:
        raise InvalidInput(
            f"{display_name(log_path)} names no capture folder; add "
            "'capture: events.d/captured/' to its header and 'events.d/captured/*.yaml' "
            "to its include:"
        )
    if not capture_covered(log.capture, list(log.includes)):
        raise InvalidInput(
            f"capture folder '{log.capture}' is not covered by include:, so a new event "
            f"there would not be part of the log; add '{log.capture}/*.yaml' to include:"
        )
    return Path(os.path.abspath(log_path)).parent / log.capture


def _seeded(log: EventLog, event_pos: Mapping[str, Pos]) -> object:
    """A walk that knows everything the log holds (its events by where their ids are),
    for one more file to be read into."""
    from briefer.schema import LogReader
    from briefer.schema.state import IdPositions

    reader = LogReader(tz=log.tzinfo, kinds=set(log.kinds))
    reader.header["timezone"] = log.timezone
    reader.metrics = dict(log.metrics)
    reader.source_id_pos = {sid: s.pos for sid, s in log.sources.items()}
    reader.event_pos = IdPositions()
    for eid, p in event_pos.items():
        reader.event_pos.add(eid, p.file, p.line, p.col)
    reader.judgment_pos = {j.id: j.pos for j in log.judgments}
    reader.indicator_pos = {i: ind.pos for i, ind in log.indicators.items()}
    return reader


def check_draft(
    log: EventLog, event_pos: Mapping[str, Pos], text: str, display: str, now: int
) -> list[Problem]:
    """Every problem the log would have in the file ``display`` holding ``text``
    (warnings included: a new entry meets ``check --strict``); ``event_pos`` is where
    the ids of the log's events are (its ``events`` need not be there)."""
    from briefer.schema import LogReader
    from briefer.yamlread import SourceText

    reader = _seeded(log, event_pos)
    assert isinstance(reader, LogReader)
    reader.begin(SourceText(display, text))
    root = reader.compose()
    if root is not None:
        _only_sources_and_events(reader, root)
        reader.walk_included(root)
        reader.check_references()
    deadlines = [
        Deadline(eid, reader.event_pos[eid], latest, related or eid in reader.related_named)
        for _, eid, latest, related in sorted(reader.deadline_facts)
    ]
    found = [*reader.problems, *time_problems(deadlines, now)]
    mine = [p for p in dict.fromkeys(found) if p.pos.file == display]
    return sorted(mine, key=lambda p: (p.pos.line, p.pos.col))


def _only_sources_and_events(reader: object, root: yaml.Node) -> None:
    """A captured file holds ``sources:`` and one event under ``events:``, nothing else."""
    from briefer.schema import LogReader

    assert isinstance(reader, LogReader)
    if not isinstance(root, yaml.MappingNode):
        return  # the walk says what is wrong with it
    top_level = LogReader.keys()
    for knode, vnode in root.value:
        key = getattr(knode, "value", None)
        if key in top_level and key not in _ALLOWED_KEYS:
            reader.error(
                knode,
                f"'{key}' does not belong in a captured event's file; "
                "it holds only sources: and events:",
            )
        if key == "events" and isinstance(vnode, yaml.SequenceNode) and len(vnode.value) > 1:
            reader.error(
                vnode.value[1],
                f"a captured file holds one event, not {len(vnode.value)}; "
                "run 'briefer add' once per event",
            )
    if not any(getattr(k, "value", None) == "events" for k, _ in root.value):
        reader.error(root, "missing 'events:' with the new event")


def file_name(event_id: str, date: str, log: EventLog) -> str:
    """``YYYY-MM-DD-<id>.yaml``; a date the id starts with (as made ids do) is not repeated."""
    from briefer.capture.entry import minute
    from briefer.dates import parse_date

    parsed = parse_date(date, log.tzinfo)
    instant = parsed.earliest if parsed.earliest is not None else parsed.latest
    day = minute(instant, log.tzinfo)[:10] if instant is not None else "0000-00-00"
    rest = _LEADING_DATE.sub("", event_id) or event_id
    return f"{day}-{rest}.yaml"


def _event_of(text: str) -> tuple[str, str]:
    """The id and the date (as written) of a valid draft's one event."""
    # A valid draft is plain data (no tags, anchors or aliases): safe_load reads it as it is.
    doc = yaml.safe_load(text)
    event = doc["events"][0]
    return str(event["id"]), str(event["date"])


def _link_new(folder: Path, name: str, data: bytes) -> Path:
    """``data`` as a new file in ``folder`` named ``name`` (``-2``… if taken); never overwrites."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=TEMP_SUFFIX)
    try:
        with open(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, new_file_mode(folder / name))
        stem = name.removesuffix(".yaml")
        for n in range(1, 1000):
            target = folder / (name if n == 1 else f"{stem}-{n}.yaml")
            try:
                os.link(tmp, target)
            except FileExistsError:
                continue
            fsync_dir(folder)
            return target
        raise InvalidInput(f"{display_name(str(folder))}: no free name for {name}")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _draft_names(folder: Path, stem: str) -> Iterator[Path]:
    drafts = folder / DRAFTS
    for n in range(1, 10_000):
        yield drafts / (f"{stem}.yaml" if n == 1 else f"{stem}-{n}.yaml")


def new_draft(folder: Path, stem: str, text: str = "") -> Path:
    """A new draft file under ``folder/.drafts/`` holding ``text``, its name taken by no other."""
    (folder / DRAFTS).mkdir(parents=True, exist_ok=True)
    for path in _draft_names(folder, stem):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with open(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return path
    raise InvalidInput(f"{display_name(str(folder / DRAFTS))}: too many drafts; remove some")


def _free_draft(folder: Path, stem: str) -> Path:
    """The name :func:`new_draft` would give now (the draft is made only if it is needed)."""
    return next(p for p in _draft_names(folder, stem) if not p.exists())


def last_draft(folder: Path) -> Path | None:
    """The most recently written draft, if any."""
    drafts = [p for p in (folder / DRAFTS).glob("*.yaml") if p.is_file()]
    return max(drafts, key=lambda p: (p.stat().st_mtime_ns, p.name), default=None)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The capture lock, in ``.briefer/`` beside the log (briefer's own folder, with the inbox)."""
    from briefer.series.lock import folder_lock

    try:
        with folder_lock(folder, wait=LOCK_WAIT):
            yield
    except LockHeld:
        raise LockHeld(
            f"another capture of this log is under way; gave up after {LOCK_WAIT:g} s"
        ) from None


def capture(
    log_path: str,
    make_text: Callable[[EventLog, Mapping[str, Pos]], str],
    *,
    now: int,
    draft: Path | None = None,
    draft_stem: str = "new",
    use_cache: bool = True,
) -> Placed | Rejected:
    """Check the entry ``make_text`` writes (given the log as it is now, without its
    events, and where each event's id is) with the whole log; put it in place, or keep
    it as a draft (``draft``, else a new one) and say why.

    The log must be valid (InvalidInput otherwise, its errors printed by the caller).
    """
    lock_folder = Path(os.path.abspath(log_path)).parent / ".briefer"
    with _locked(lock_folder):
        # Under the lock: another capture may have added an event a moment ago.
        result, event_pos = load_index(log_path, use_cache=use_cache, now=now)
        if result.log is None:
            raise InvalidLogError(result.errors)
        log = result.log
        folder = capture_folder(log_path, log)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            shown = display_name(str(folder))
            raise OutputError(f"cannot create {shown}/: {exc.strerror}") from None
        text = make_text(log, event_pos)
        where = draft if draft is not None else _free_draft(folder, draft_stem)
        problems = check_draft(log, event_pos, text, display_name(str(where)), now)
        if problems:
            if draft is None:
                draft = new_draft(folder, draft_stem, text)
                problems = _moved(problems, display_name(str(where)), display_name(str(draft)))
            else:
                write_atomic(draft, text)
            return Rejected(tuple(problems), draft)
        event_id, date = _event_of(text)
        try:
            path = _link_new(folder, file_name(event_id, date, log), text.encode("utf-8"))
        except OSError as exc:
            shown = display_name(str(folder))
            raise OutputError(f"cannot write in {shown}/: {exc.strerror or exc}") from None
    if draft is not None:
        with contextlib.suppress(OSError):
            draft.unlink()
    return Placed(path, event_id)


def _moved(problems: list[Problem], old: str, new: str) -> list[Problem]:
    """The problems of the draft ``old``, now kept as ``new`` (another capture took the name)."""
    if old == new:
        return problems
    return [Problem(Pos(new, p.pos.line, p.pos.col), p.severity, p.message) for p in problems]


class InvalidLogError(InvalidInput):
    """The log itself is invalid: nothing can be added until it is fixed."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        where = problems[0].pos.file if problems else "the log"
        n = len(problems)
        super().__init__(
            f"{where} is invalid ({n} error{'s' if n != 1 else ''}); fix it before adding events"
        )
