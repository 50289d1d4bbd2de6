"""Per-file cache entries: reading included files apart gives exactly the shared walk's result,
and an edit re-reads only the file it changed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from briefer.loader import load_log, parse
from tests.helpers import REPO, TEST_DATA, count_grown, count_walks, generate_log, write

BROKEN = TEST_DATA / "broken"


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def split_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("split")
    text = generate_log(1500, folder / "whole.yaml").read_text(encoding="utf-8")
    _bench("splitlog").write_split(text, 6, folder)
    return folder / "events.yaml"


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shared walk, parts read cold, parts from the cache: one and the same result."""
    monkeypatch.chdir(path.parent)
    data = path.read_bytes()
    shared = parse(path.name, data).result
    cold = parse(path.name, data, parts=True).result
    warm = parse(path.name, data, parts=True).result
    assert [str(p) for p in cold.problems] == [str(p) for p in shared.problems]
    assert cold == shared
    assert warm == shared


@pytest.mark.parametrize(
    "case",
    sorted(p.parent.name for p in BROKEN.glob("*/events.yaml")),
)
def test_broken_include_cases_read_apart_say_the_same(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_ways(BROKEN / case / "events.yaml", monkeypatch)


def test_a_split_generated_log_read_apart_is_the_same(
    split_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_ways(split_log, monkeypatch)


def test_an_id_repeated_across_files_is_reported_as_the_shared_walk_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path / "events.yaml",
        "briefer: 1\ntitle: T\ninclude: [more/*.yaml]\n"
        "sources: [{id: s1, title: S}]\n"
        "events: [{id: e1, date: 2023-09-01, title: E, sources: [s1]}]\n",
    )
    write(
        tmp_path / "more" / "a.yaml",
        "sources: [{id: s1, title: Again, url: 'ftp://x'}]\n"
        "events: [{id: e1, date: 2023-13-01, title: Again, sources: [nope]}]\n",
    )
    both_ways(tmp_path / "events.yaml", monkeypatch)
    result = parse("events.yaml", (tmp_path / "events.yaml").read_bytes(), parts=True).result
    assert [str(p) for p in result.problems] == [
        # The shared walk stops reading a source at its repeated id (no word of
        # its URL), and names no owner for a repeated event's references.
        "more/a.yaml:1:16: error: duplicate source id 's1' (first at events.yaml:4:16)",
        "more/a.yaml:2:15: error: duplicate event id 'e1' (first at events.yaml:5:15)",
        "more/a.yaml:2:25: error: event 'e1': date '2023-13-01': month must be 1..12",
        "more/a.yaml:2:61: error: unknown source 'nope'",
    ]


def test_an_edit_reads_only_the_file_it_changed(
    split_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "log"
    folder.mkdir()
    for path in [split_log, *sorted((split_log.parent / "events.d").glob("*.yaml"))]:
        write(folder / path.relative_to(split_log.parent), path.read_text(encoding="utf-8"))
    monkeypatch.chdir(folder)
    read = count_walks(monkeypatch)
    grown = count_grown(monkeypatch)
    first = load_log("events.yaml")
    assert first.log is not None
    assert len(read) == 6
    read.clear()
    part = folder / "events.d" / "part-003.yaml"
    source = next(iter(first.log.sources))
    part.write_text(
        part.read_text(encoding="utf-8")
        + f"  - id: appended\n    date: 2024-01-01\n    title: Appended\n    sources: [{source}]\n",
        encoding="utf-8",
    )
    edited = load_log("events.yaml")
    assert read == []  # only the appended item was read
    assert grown == ["events.d/part-003.yaml"]
    assert edited.log is not None
    assert "appended" in edited.log.by_id
    assert edited == load_log("events.yaml", use_cache=False)
    read.clear()
    assert load_log("events.yaml") == edited  # unchanged since: the whole-log entry
    assert read == []
    # An edit that is no append: that file is read whole.
    text = part.read_text(encoding="utf-8")
    part.write_text(text.replace("title: Appended", "title: Edited"), encoding="utf-8")
    edited = load_log("events.yaml")
    assert read == ["events.d/part-003.yaml"]
    assert grown == ["events.d/part-003.yaml"]
    assert edited == load_log("events.yaml", use_cache=False)


def test_a_damaged_or_foreign_entry_is_a_miss(
    split_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefer import cache

    both_ways(split_log, monkeypatch)  # fills the per-file entries
    entries = sorted((cache.cache_dir() / "files").glob("*.pickle"))
    assert entries
    for i, entry in enumerate(entries):
        raw = entry.read_bytes()
        # A flipped byte in the payload, a truncated file, another program's file.
        damaged = [raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:], raw[: len(raw) // 2], b"junk"]
        entry.write_bytes(damaged[i % 3])
    both_ways(split_log, monkeypatch)


@pytest.fixture
def stored_part(split_log: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """One file's part, as the per-file cache holds it (the cache filled first)."""
    from briefer import cache, filecache

    both_ways(split_log, monkeypatch)
    entry = sorted((cache.cache_dir() / "files").glob("*.pickle"))[0]
    part = filecache.lookup(entry.stem)
    assert part is not None
    assert part.events
    return part


def test_an_entry_reads_back_as_it_was_stored(stored_part: Any) -> None:
    from briefer import cache, filecache

    part = stored_part
    filecache.store("again", part)
    assert filecache.lookup("again") == part
    index = filecache.lookup("again", with_events=False)
    assert index is not None
    assert index.events == []
    # Each section's line comes first, its length padded to one width.
    raw = (cache.cache_dir() / "files" / "again.pickle").read_bytes()
    lines = raw.split(b"\n", 3)
    digest, length = lines[1].split()
    assert len(digest) == 40
    assert len(length) == 20
    # A flipped byte in the first section's payload is a miss too.
    start = len(lines[0]) + len(lines[1]) + 2
    flipped = raw[:start] + bytes([raw[start] ^ 1]) + raw[start + 1 :]
    (cache.cache_dir() / "files" / "again.pickle").write_bytes(flipped)
    assert filecache.lookup("again") is None


def test_the_folder_is_kept_to_its_size(split_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefer import cache, filecache

    monkeypatch.setattr(filecache, "MAX_ENTRIES", 4)
    both_ways(split_log, monkeypatch)
    assert len(list((cache.cache_dir() / "files").glob("*.pickle"))) <= 4


def test_a_check_leaves_no_body_and_fill_cache_writes_it(
    split_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefer import cache
    from briefer.loader import display_name, fill_cache

    monkeypatch.chdir(split_log.parent)
    checked = load_log("events.yaml", need_log=False)
    assert checked.log is None
    assert not checked.errors

    def cached() -> object:
        data = Path("events.yaml").read_bytes()
        key = cache.key(data)
        return cache.lookup("events.yaml", display_name("events.yaml"), key, need_log=True)

    assert cached() is None  # the check wrote the header alone
    fill_cache("events.yaml")
    whole = cached()
    assert whole is not None
    assert whole == load_log("events.yaml", use_cache=False)


@pytest.mark.skipif(sys.platform != "linux", reason="forks on Linux only")
@pytest.mark.parametrize("with_log", [True, False])
def test_included_files_read_by_several_processes_give_the_same_log(
    split_log: Path, monkeypatch: pytest.MonkeyPatch, with_log: bool
) -> None:
    from briefer import prefill

    monkeypatch.chdir(split_log.parent)
    data = split_log.read_bytes()
    shared = parse(split_log.name, data, with_log=with_log).result
    counts: list[int] = []
    real = prefill.prefill

    def spying(*args: Any, **kw: Any) -> int:
        counts.append(real(*args, **kw))
        return counts[-1]

    monkeypatch.setattr(prefill, "workers", lambda _size: 3)  # even under the runner's threads
    monkeypatch.setattr(prefill, "prefill", spying)
    walked = count_walks(monkeypatch)
    cold = parse(split_log.name, data, parts=True, with_log=with_log).result
    assert counts[0] == 3
    assert len(walked) == 2  # this process read its share; the children filed the others
    assert [str(p) for p in cold.problems] == [str(p) for p in shared.problems]
    assert cold == shared
    walked.clear()
    assert parse(split_log.name, data, parts=True, with_log=with_log).result == shared
    assert walked == []  # every part is kept now


def test_id_positions_keep_each_file_line_and_column_through_merges_and_pickling() -> None:
    import pickle

    from briefer.model import Pos
    from briefer.schema.state import IdPositions

    first, second, whole = IdPositions(), IdPositions(), IdPositions()
    first.add("a", "events.d/2024.yaml", 3, 5)
    first.add("b", "events.d/2024.yaml", 2**27, 2**28 - 1)  # the largest line and column
    second.add("c", "events.d/2025.yaml", 1, 1)
    second["d"] = Pos("events.d/2025.yaml", 70_000, 300)
    for part in (second, first, first):  # the second file comes first; merging twice is a no-op
        whole.merge(pickle.loads(pickle.dumps(part)))
    expected = {
        "a": Pos("events.d/2024.yaml", 3, 5),
        "b": Pos("events.d/2024.yaml", 2**27, 2**28 - 1),
        "c": Pos("events.d/2025.yaml", 1, 1),
        "d": Pos("events.d/2025.yaml", 70_000, 300),
    }
    assert dict(whole.items()) == expected
    assert whole.keys() & first.keys() == {"a", "b"}
    # Several files at once, and equality whatever the files' numbering.
    again = IdPositions()
    again.add("z", "events.yaml", 9, 9)
    again.merge(whole)
    assert dict(again.items()) == {**expected, "z": Pos("events.yaml", 9, 9)}
    del again["z"]
    assert again == whole
    assert again != first


def test_parts_stored_while_deferring_are_written_when_asked(stored_part: Any) -> None:
    from briefer import filecache

    part = stored_part
    with filecache.deferring() as later:
        filecache.store("later", part)
    assert later == [("later", part)]
    assert not filecache.kept("later")
    filecache.store("now", part)  # outside: written at once
    assert filecache.kept("now")
    filecache.store_all(later)
    assert filecache.lookup("later") == part
