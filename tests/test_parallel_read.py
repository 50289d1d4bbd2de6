"""A large events list read by several processes gives exactly what one process gives, and
anything unusual falls back to one process."""

from __future__ import annotations

import itertools
import os
import re
import sys
import threading
from pathlib import Path

import pytest

from briefer.fastread import parallel
from briefer.fastread.split import split
from briefer.loader import parse

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="forks on Linux only"),
    pytest.mark.slow,
]


def three_processes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every events list is read by three processes (even under the test runner's threads);
    returns what each :func:`parallel.read` call answered (False: it fell back to one)."""
    answers: list[bool] = []
    real = parallel.read

    def three(*args: object, **kw: object) -> bool:
        kw["count"] = 3
        answers.append(real(*args, **kw))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(parallel, "read", three)
    return answers


@pytest.mark.parametrize("with_log", [True, False])
def test_several_processes_read_a_large_log_exactly_as_one(
    generated_log: Path, monkeypatch: pytest.MonkeyPatch, with_log: bool
) -> None:
    monkeypatch.chdir(generated_log.parent)
    data = generated_log.read_bytes()
    alone = parse(generated_log.name, data, with_log=with_log).result
    calls = three_processes(monkeypatch)
    together = parse(generated_log.name, data, with_log=with_log).result
    assert calls == [True]
    assert together == alone
    assert [str(p) for p in together.problems] == [str(p) for p in alone.problems]
    assert together.deadlines  # what the steps across files took from every run's events
    if with_log:
        assert together.log is not None
        assert [e.id for e in together.log.events] == [e.id for e in alone.log.events]  # type: ignore[union-attr]


def test_runs_are_contiguous_and_cover_every_chunk(generated_log: Path) -> None:
    """Each run's chunks, found by the process that reads it, are those of the whole list
    cut at the runs' starts: the same items, on the same lines."""
    data = generated_log.read_bytes()
    parts = split(data)
    assert parts is not None
    whole = parts.bounds(data, 1 << 14)
    for count in (2, 3, 8):
        runs = parts.runs(data, count)
        assert len(runs) == count
        assert runs[0][0] == parts.body_start
        assert runs[-1][1] == parts.body_end
        assert all(a[1] == b[0] for a, b in itertools.pairwise(runs))
        sizes = [end - start for start, end in runs]
        assert max(sizes) < 2 * min(sizes)
        apart = [b for run in runs for b in parts.bounds(data, 1 << 14, run)]
        assert apart[0].start == parts.body_start
        assert apart[-1].end == parts.body_end
        assert all(a.end == b.start for a, b in itertools.pairwise(apart))
        assert all(b.line == data.count(b"\n", 0, b.start) for b in apart)
        assert sum(b.items for b in apart) == sum(b.items for b in whole)


def test_a_line_beside_the_items_leaves_the_log_to_the_reference_reader(
    generated_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line at the items' indentation that is no item (a syntax error) is found by the
    run that holds it; the log is then read as one, and by PyYAML, which words the error."""
    text = generated_log.read_text(encoding="utf-8")
    at = text.index("\n  - id:", len(text) * 3 // 4)
    log = tmp_path / "events.yaml"
    log.write_text(f"{text[:at]}\n  stray: 1{text[at:]}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data = log.read_bytes()
    reference = parse(log.name, data, with_log=False, fast=False).result
    calls = three_processes(monkeypatch)
    result = parse(log.name, data, with_log=False).result
    assert calls == [False]
    assert result == reference
    assert [p.severity for p in result.problems] == ["error"]


def test_an_id_repeated_across_runs_falls_back_to_one_process(
    tmp_path: Path, generated_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = generated_log.read_text(encoding="utf-8")
    ids = re.findall(r"^  - id: (\S+)$", text.split("\nevents:\n", 1)[1], flags=re.M)
    first, last = ids[0], ids[-1]
    log = tmp_path / "events.yaml"
    head, _, tail = text.rpartition(f"\n  - id: {last}\n")
    log.write_text(f"{head}\n  - id: {first}\n{tail}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data = log.read_bytes()
    alone = parse(log.name, data).result
    results = three_processes(monkeypatch)
    together = parse(log.name, data).result
    assert results == [False]  # the runs saw no clash alone; together they refused
    assert together == alone
    assert any(f"'{first}'" in str(p) and p.severity == "error" for p in together.problems)


def test_a_child_that_dies_leaves_the_reading_to_this_process(
    generated_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(generated_log.parent)
    data = generated_log.read_bytes()
    alone = parse(generated_log.name, data, with_log=False).result
    parent = os.getpid()
    real_run = parallel.read_run

    def dying(*args: object, **kw: object) -> object:
        if os.getpid() != parent:
            os._exit(7)  # killed, say, by the out-of-memory killer
        return real_run(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "read_run", dying)
    done = three_processes(monkeypatch)
    assert parse(generated_log.name, data, with_log=False).result == alone
    assert done == [False]


def test_small_lists_and_threaded_processes_are_read_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert parallel.workers(parallel.MIN_BYTES - 1) == 1
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    assert parallel.workers(parallel.MIN_BYTES) == 4
    monkeypatch.setenv("BRIEFER_WORKERS", "1")
    assert parallel.workers(parallel.MIN_BYTES) == 1
    monkeypatch.setenv("BRIEFER_WORKERS", "2")
    assert parallel.workers(parallel.MIN_BYTES) == 2
    monkeypatch.delenv("BRIEFER_WORKERS")
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert parallel.workers(parallel.MIN_BYTES) == 1


@pytest.mark.parametrize("with_log", [True, False])
def test_read_in_runs_through_the_cache_the_log_is_the_same(
    generated_log: Path, monkeypatch: pytest.MonkeyPatch, with_log: bool
) -> None:
    """The events list filed as one part after several processes read it keeps every
    run's references (else every source would be "never cited")."""
    monkeypatch.chdir(generated_log.parent)
    data = generated_log.read_bytes()
    alone = parse(generated_log.name, data, with_log=with_log).result
    done = three_processes(monkeypatch)
    cold = parse(generated_log.name, data, parts=True, with_log=with_log).result
    warm = parse(generated_log.name, data, parts=True, with_log=with_log).result
    assert done == [True]  # the second came from the cache
    assert [str(p) for p in cold.problems] == [str(p) for p in alone.problems]
    assert cold == alone
    assert warm == alone
