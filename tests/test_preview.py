"""A large log's preview: the events a browser opening near a moment shows first."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest

from briefer import cache
from briefer.loader import announced, fill_cache, load_log
from briefer.model import EventLog
from briefer.preview import UNKNOWN, Preview, preview_of
from briefer.results import LoadResult
from tests.helpers import generate_log, load_valid

#: 1 Jan 2015, 00:00 UTC: the middle of a generated log (1999-2026).
MIDDLE = 1420070400


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EventLog]:
    path = generate_log(6000, tmp_path_factory.mktemp("preview") / "events.yaml")
    return path, load_valid(path)


def test_a_small_log_has_no_preview(big: tuple[Path, EventLog]) -> None:
    _path, log = big
    assert preview_of(log, MIDDLE, around=len(log.events) // 4) is None


def test_the_preview_holds_the_events_around_the_moment(big: tuple[Path, EventLog]) -> None:
    _path, log = big
    around = 10  # a few weeks of this log: the watch list's window reaches beyond
    events = log.events
    # a moment six weeks after a deadline in the middle of the log
    deadline = [e for e in events if e.forward_looking][len(events) // 50]
    moment = (deadline.date.earliest or 0) + 42 * 86400
    preview = preview_of(log, moment, around=around)
    assert preview is not None
    kept = preview.log.events
    assert preview.total == len(events)
    # the events just before and after the moment, in the log's order, without gaps
    starts = [e.date.earliest or 0 for e in events]
    here = next(i for i, s in enumerate(starts) if s >= moment)
    near = [e.id for e in events[here - around : here + around]]
    ids = [e.id for e in kept]
    assert [i for i in ids if i in set(near)] == near
    # and the watch list's forward-looking events of the weeks around it, beyond those
    window = 2 * log.horizon
    forward = [
        e.id
        for e in events
        if e.forward_looking
        and abs((e.date.earliest or 0) - moment) <= window
        and e.id not in set(near)
    ]
    assert deadline.id in forward
    assert set(forward) <= set(ids)
    assert len(ids) == len(near) + len(forward)
    order = {e.id: i for i, e in enumerate(events)}
    assert ids == sorted(ids, key=order.__getitem__)  # still in the log's order
    # every other section is the whole log's
    assert preview.log.sources == log.sources
    assert preview.log.judgments == log.judgments
    assert preview.log.title == log.title
    # it covers a browser opening near the moment, not one opening years away
    assert preview.covers(moment)
    assert preview.first is not None
    assert preview.last is not None
    assert not preview.covers(preview.first - 1)
    assert not preview.covers(preview.last + 1)


def test_a_preview_at_the_end_of_the_log_covers_every_later_moment(
    big: tuple[Path, EventLog],
) -> None:
    _path, log = big
    preview = preview_of(log, 4102444800)  # 2100: after every event
    assert preview is not None
    assert preview.log.events[-1] == log.events[-1]
    assert preview.last is None
    assert preview.covers(4102444800 * 2)


def test_the_cache_hands_out_the_preview_before_the_log(big: tuple[Path, EventLog]) -> None:
    path, _log = big
    whole = load_log(str(path))  # fills the cache
    assert whole.log is not None
    key = cache.key(path.read_bytes())
    seen: list[tuple[LoadResult, Preview]] = []
    found = cache.lookup(
        str(path), str(path), key, preview=lambda result, part: seen.append((result, part))
    )
    assert found is not None
    assert found.log == whole.log
    ((early, part),) = seen
    assert early.log is part.log
    assert early.problems == whole.problems
    assert part.total == len(whole.log.events)
    whole_ids = {e.id for e in whole.log.events}
    assert {e.id for e in part.log.events} < whole_ids
    # without a callback the preview is skipped, not read
    again = cache.lookup(str(path), str(path), key)
    assert again is not None
    assert again.log == whole.log


def test_a_damaged_preview_is_a_miss(big: tuple[Path, EventLog]) -> None:
    path, _log = big
    load_log(str(path))
    (entry,) = [
        p
        for p in (cache.cache_dir() / "logs").glob("*.pickle")
        if p.stem == cache.key_of_path(str(path))
    ]
    raw = entry.read_bytes()
    with entry.open("rb") as f:
        f.read(len(cache._MAGIC))
        assert cache._read_part(f) is not None
        at = f.tell()
        assert cache._read_part(f) is not None  # the preview
        end = f.tell()
    key = cache.key(path.read_bytes())
    # not a preview, framed as one
    other = pickle.dumps(["not", "a", "preview"])
    entry.write_bytes(raw[:at] + cache._part_line(other) + other + raw[end:])
    assert cache.lookup(str(path), str(path), key, preview=lambda r, p: None) is None
    # a preview whose bytes do not match its digest
    entry.write_bytes(raw[: end - 5] + b"xxxxx" + raw[end:])
    assert cache.lookup(str(path), str(path), key, preview=lambda r, p: None) is None
    entry.write_bytes(raw)
    assert cache.lookup(str(path), str(path), key, preview=lambda r, p: None) is not None


class Announcements(io.BytesIO):
    """Standard output as the browser reads it from the loader; notes whether the
    whole-log entry was there when the preview was written."""

    def __init__(self, entry: Path) -> None:
        super().__init__()
        self.entry = entry
        self.entry_then: list[bool] = []

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.entry_then.append(self.entry.exists())
        return super().write(data)


def test_the_loader_announces_the_preview_before_it_writes_the_cache(
    big: tuple[Path, EventLog],
) -> None:
    path, log = big
    entry = cache.cache_dir() / "logs" / f"{cache.key_of_path(str(path))}.pickle"
    out = Announcements(entry)
    fill_cache(str(path), announce=out)
    assert out.entry_then
    assert not any(out.entry_then)  # written before the entry
    assert entry.exists()
    length, _, payload = out.getvalue().partition(b"\n")
    assert int(length) == len(payload)
    found = announced(payload)
    assert found is not None
    part, shown = found
    assert part.log is shown.log
    # a log this large is read ahead (see test_nearby): how many events in all is not known
    assert shown.total == UNKNOWN
    assert {e.id for e in shown.log.events} < {e.id for e in log.events}
    assert set(part.problems) <= set(load_log(str(path)).problems)
    # the next time the cache holds the log: nothing parsed, nothing announced
    again = Announcements(entry)
    fill_cache(str(path), announce=again)
    assert again.getvalue() == b""


def test_a_small_log_is_not_announced(tmp_path: Path) -> None:
    path = generate_log(300, tmp_path / "events.yaml")
    out = io.BytesIO()
    fill_cache(str(path), announce=out)
    assert out.getvalue() == b""


@pytest.mark.parametrize(
    "payload", [b"", b"not a pickle", pickle.dumps(("a", "b")), pickle.dumps([1, 2])]
)
def test_what_is_not_an_announced_preview_is_refused(payload: bytes) -> None:
    assert announced(payload) is None
