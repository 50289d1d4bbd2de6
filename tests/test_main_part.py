"""A main file's walk kept in the per-file cache (``briefer.schema.parts.MainPart``): read
back, it gives the very result walking the file again gives, problems and positions too."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from briefer import filecache
from briefer.fastread import _main_key
from briefer.fastread.split import split
from briefer.loader import load_log
from briefer.schema.parts import MainPart
from briefer.schema.walk import LogReader
from tests.helpers import NOW, shared_log, write

#: Warnings the main file's own walk gives (a built-in kind declared again) and one the
#: loader words at an include pattern's place after it (a pattern matching nothing).
HEADER = """\
kinds: [incident, protest]
include: [events.d/*.yaml, nowhere/*.yaml]
"""
INCLUDED = """\
events:
  - id: included-one
    date: 2024-03-01
    title: An event of an included file
    kind: protest
"""


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry for each walk of a main file from here on."""
    seen: list[int] = []
    walk = LogReader.walk_main

    def counting(self: LogReader, root: object) -> object:
        seen.append(1)
        return walk(self, root)  # type: ignore[arg-type]

    monkeypatch.setattr(LogReader, "walk_main", counting)
    return seen


def key_of(main: Path) -> str:
    """What the part of the main file at ``main``, shown as ``events.yaml``, is kept under."""
    data = main.read_bytes()
    layout = split(data)
    return _main_key("events.yaml", data if layout is None else layout.skeleton)


def kept_part(main: Path) -> MainPart | None:
    """The part kept of the main file at ``main``."""
    return filecache.lookup_main(key_of(main))


def log_at(folder: Path, text: str) -> str:
    main = write(folder / "events.yaml", text.replace("events:\n", HEADER + "events:\n", 1))
    write(folder / "events.d" / "a.yaml", INCLUDED)
    return str(main)


@pytest.mark.parametrize("name", ["tradecraft", "tradecraft-series", "tui"])
def test_a_main_file_read_back_gives_what_its_walk_gives(
    name: str, tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = log_at(tmp_path, shared_log(name))
    walked = load_log("events.yaml", use_cache=False, now=NOW)
    assert walked.log is not None
    messages = [str(p) for p in walked.problems]
    assert any("kind 'incident' is built-in" in m for m in messages)
    assert any("'nowhere/*.yaml' matches no file" in m for m in messages)
    first = load_log(path, now=NOW)  # walked, and its part kept
    assert kept_part(tmp_path / "events.yaml") is not None
    # An included file changed: the log is read again, its main file from the part kept.
    write(tmp_path / "events.d" / "a.yaml", INCLUDED.replace("An event", "One event"))
    walks.clear()
    again = load_log("events.yaml", now=NOW)
    assert walks == []
    fresh = load_log("events.yaml", use_cache=False, now=NOW)
    assert [str(p) for p in again.problems] == [str(p) for p in fresh.problems] == messages
    assert again == fresh
    assert again.log is not None
    assert first.log is not None
    assert again.log.sources == first.log.sources
    assert again.log.judgments == first.log.judgments


def test_a_changed_main_file_is_walked_again(
    tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log_at(tmp_path, shared_log("tradecraft"))
    load_log("events.yaml", now=NOW)
    text = (tmp_path / "events.yaml").read_text(encoding="utf-8")
    write(tmp_path / "events.yaml", text.replace("title: Tradecraft log", "title: Retitled"))
    walks.clear()
    again = load_log("events.yaml", now=NOW)
    assert walks == [1]
    assert again.log is not None
    assert again.log.title == "Retitled"
    assert again == load_log("events.yaml", use_cache=False, now=NOW)


def test_a_main_file_with_an_error_is_walked_each_time(
    tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = shared_log("tradecraft").replace("reliability: F", "reliability: Z", 1)
    log_at(tmp_path, text)
    first = load_log("events.yaml", now=NOW)
    assert first.log is None
    assert any("reliability 'Z' is out of range" in str(p) for p in first.problems)
    write(tmp_path / "events.d" / "a.yaml", INCLUDED.replace("An event", "One event"))
    assert kept_part(tmp_path / "events.yaml") is None  # nothing of it was kept
    walks.clear()
    again = load_log("events.yaml", now=NOW)
    assert walks
    assert again.problems == first.problems


@pytest.mark.parametrize("payload", [b"not a pickle", pickle.dumps({"header": {}})])
def test_a_main_part_that_cannot_be_read_back_is_walked_again(
    payload: bytes, tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log_at(tmp_path, shared_log("tradecraft"))
    filecache.store(key_of(tmp_path / "events.yaml"), MainPart(payload))
    walks.clear()
    loaded = load_log("events.yaml", now=NOW)
    assert walks == [1]
    assert loaded == load_log("events.yaml", use_cache=False, now=NOW)
