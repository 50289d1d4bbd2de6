"""Included files' stamps: an unchanged file is not read again to prove it unchanged, and
no change slips past them (same size, an old modification time put back, a racy write)."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefer import cache, files, filestamps
from briefer.loader import load_log
from tests.helpers import write

MAIN = """\
briefer: 1
title: Split
timezone: UTC
include: [parts/*.yaml]
"""


def _part(n: int, title: str) -> str:
    return f"""\
sources:
  - id: src-{n}
    title: Source {n}
events:
  - id: event-{n}
    date: 2024-01-0{n}
    title: {title}
    sources: [src-{n}]
"""


@pytest.fixture
def log(tmp_path: Path) -> Path:
    for n in (1, 2, 3):
        write(tmp_path / "parts" / f"p{n}.yaml", _part(n, f"Title {n}"))
    return write(tmp_path / "events.yaml", MAIN)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The included files the stamps had to read, by name."""
    seen: list[str] = []
    real: Callable[[str], bytes] = files.read_log_file

    def counting(path: str) -> bytes:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(filestamps, "read_log_file", counting)
    return seen


@pytest.fixture
def no_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test a moment ago count as old (the margin is for clock ticks)."""
    monkeypatch.setattr(filestamps, "MARGIN_NS", 0)


def _titles(log: Path) -> list[str]:
    result = load_log(str(log))
    assert result.log is not None, result.problems
    return [e.title for e in result.log.events]


@pytest.mark.usefixtures("no_margin")
def test_a_warm_load_reads_no_unchanged_file(log: Path, reads: list[str]) -> None:
    assert _titles(log) == ["Title 1", "Title 2", "Title 3"]
    reads.clear()
    assert _titles(log) == ["Title 1", "Title 2", "Title 3"]
    assert reads == []
    assert load_log(str(log), need_log=False).problems == ()
    assert reads == []


@pytest.mark.usefixtures("no_margin")
def test_an_edit_reads_only_the_changed_file(log: Path, reads: list[str]) -> None:
    _titles(log)
    reads.clear()
    write(log.parent / "parts" / "p2.yaml", _part(2, "Changed"))
    assert _titles(log) == ["Title 1", "Changed", "Title 3"]
    assert reads == ["p2.yaml"]


@pytest.mark.usefixtures("no_margin")
def test_same_size_edit_with_old_mtime_put_back_is_seen(log: Path) -> None:
    part = log.parent / "parts" / "p1.yaml"
    _titles(log)
    before = part.stat()
    part.write_text(_part(1, "Title X"), encoding="utf-8")  # same length
    os.utime(part, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = part.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert _titles(log)[0] == "Title X"  # the change time moved: no tool can put it back


@pytest.mark.usefixtures("no_margin")
def test_a_replaced_file_is_seen(log: Path) -> None:
    part = log.parent / "parts" / "p3.yaml"
    _titles(log)
    new = log.parent / "new.tmp"
    new.write_text(_part(3, "Title Z"), encoding="utf-8")
    os.replace(new, part)  # how editors save: a new inode
    assert _titles(log)[2] == "Title Z"


def test_a_file_changed_within_the_margin_is_read_every_time(log: Path, reads: list[str]) -> None:
    _titles(log)
    reads.clear()
    assert _titles(log) == ["Title 1", "Title 2", "Title 3"]
    # Written a moment ago: racy, the main file as much as the included ones.
    assert sorted(reads) == ["events.yaml", "p1.yaml", "p2.yaml", "p3.yaml"]


def test_a_stamp_is_trusted_once_the_file_is_older_than_the_margin(
    log: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real() + 2 * filestamps.MARGIN_NS)
    _titles(log)
    reads.clear()
    _titles(log)
    assert reads == []


@pytest.mark.usefixtures("no_margin")
@pytest.mark.parametrize("damage", [b"", b"briefer-file-stamps 1\n\x80\x05garbage", b"junk"])
def test_a_damaged_memo_only_costs_a_read(log: Path, reads: list[str], damage: bytes) -> None:
    _titles(log)
    memo = cache.cache_dir() / "logs" / f"{cache.key_of_path(str(log))}.stamps"
    assert memo.exists()
    memo.write_bytes(damage)
    write(log.parent / "parts" / "p1.yaml", _part(1, "Fresh"))
    reads.clear()
    assert _titles(log)[0] == "Fresh"
    assert "p1.yaml" in reads


@pytest.mark.usefixtures("no_margin")
def test_a_memo_with_foreign_entries_is_ignored_entry_by_entry(log: Path) -> None:
    _titles(log)
    memo = cache.cache_dir() / "logs" / f"{cache.key_of_path(str(log))}.stamps"
    part = str(log.parent / "parts" / "p1.yaml")
    memo.write_bytes(b"briefer-file-stamps 1\n" + pickle.dumps({part: ("x", 1, None), 3: 4}))
    write(log.parent / "parts" / "p1.yaml", _part(1, "Again"))
    assert _titles(log)[0] == "Again"


@pytest.mark.usefixtures("no_margin")
def test_a_removed_include_is_forgotten(log: Path) -> None:
    _titles(log)
    (log.parent / "parts" / "p3.yaml").unlink()
    assert _titles(log) == ["Title 1", "Title 2"]
    stamps = filestamps.Stamps(str(log))
    assert sorted(Path(p).name for p in stamps._memo) == ["events.yaml", "p1.yaml", "p2.yaml"]


# -- the main file's events list, kept by its own bytes --------------------------------------


@pytest.fixture
def main_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose events lists were read from their bytes (not taken from the cache)."""
    from briefer.fastread import chunks

    seen: list[str] = []
    real = chunks.read_chunks

    def counting(state: object, data: bytes, bounds: object, display: str, **kw: bool) -> None:
        seen.append(display)
        real(state, data, bounds, display, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(chunks, "read_chunks", counting)
    return seen


def _big_main(tmp_path: Path) -> Path:
    events = "".join(
        f"  - id: e{n}\n    date: 2024-02-{n % 28 + 1:02d}\n    title: Event {n}\n"
        f"    sources: [s1]\n"
        for n in range(200)
    )
    text = MAIN + "sources:\n  - id: s1\n    title: S\nevents:\n" + events
    write(tmp_path / "parts" / "p1.yaml", _part(1, "Title 1"))
    return write(tmp_path / "events.yaml", text)


def test_a_new_included_file_does_not_read_the_main_files_events_again(
    tmp_path: Path, main_reads: list[str]
) -> None:
    log = _big_main(tmp_path)
    first = load_log(str(log))
    assert first.log is not None
    assert "events.yaml" in [Path(d).name for d in main_reads]
    main_reads.clear()
    write(tmp_path / "parts" / "p2.yaml", _part(2, "Captured"))  # what `briefer add` does
    second = load_log(str(log))
    assert second.log is not None
    assert "Captured" in [e.title for e in second.log.events]
    assert [Path(d).name for d in main_reads] == ["p2.yaml"]
    assert second == load_log(str(log), use_cache=False)
    main_reads.clear()
    write(tmp_path / "parts" / "p3.yaml", _part(3, "Captured too"))
    assert load_log(str(log), need_log=False).problems == ()  # a check takes the same entry
    assert [Path(d).name for d in main_reads] == ["p3.yaml"]


def test_the_main_files_events_are_read_again_when_their_lines_move(
    tmp_path: Path, main_reads: list[str]
) -> None:
    log = _big_main(tmp_path)
    load_log(str(log))
    text = log.read_text(encoding="utf-8")
    log.write_text(text.replace("sources:\n", "sources:\n  - id: s0\n    title: New\n"))
    main_reads.clear()
    moved = load_log(str(log))
    assert "events.yaml" in [Path(d).name for d in main_reads]  # same bytes, other lines
    assert moved == load_log(str(log), use_cache=False)
    assert moved.log is not None
    e0 = next(e for e in moved.log.events if e.id == "e0")
    assert e0.pos.line == text.splitlines().index("  - id: e0") + 1 + 2


@pytest.mark.usefixtures("no_margin")
def test_the_main_files_stamp_vouches_for_it_and_an_edit_is_seen(
    log: Path, reads: list[str]
) -> None:
    first = load_log(str(log))
    assert first.log is not None
    assert first.log.title == "Split"
    reads.clear()
    assert load_log(str(log), need_log=False).problems == ()
    assert reads == []  # neither the main file nor its includes read to prove them unchanged
    before = log.stat()
    log.write_text(MAIN.replace("title: Split", "title: Sp1it"), encoding="utf-8")  # same size
    os.utime(log, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = load_log(str(log))
    assert again.log is not None
    assert again.log.title == "Sp1it"
