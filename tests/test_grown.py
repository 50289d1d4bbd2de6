"""An included file that has only had events appended: only the new items are read, and the
result is the one reading the whole file gives, whatever was appended."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.loader import load_log
from briefer.reload import reload_log
from tests.helpers import count_grown, count_walks, write

MAIN = """\
briefer: 1
title: Appended to
timezone: Europe/Belgrade
sources:
  - {id: s1, title: First source}
  - {id: s2, title: Second source}
include: [events.d/*.yaml]
"""

YEAR = """\
events:
  - id: first
    date: 2024-03-01
    title: First event
    sources: [s1]
  - id: second
    date: 2024-03-30T02:30
    title: Second event, at a time that does not exist there
    sources: [s2]
  - id: talks
    date: 2024-12-01
    kind: deadline
    title: Talks due
    sources: [s1]
"""

ITEM = """\
  - id: added
    date: 2024-04-01
    title: Added event
    sources: [s2]
"""

#: appended text → whether its items alone are read (else the file is read whole)
APPENDS = {
    "one item": (ITEM, True),
    "two items": (ITEM + ITEM.replace("added", "added-too"), True),
    "blank lines and a comment first": ("\n# April\n\n" + ITEM, True),
    # (a deeper comment could be text of a block scalar ending the old last item)
    "an indented comment first": ("\n    # indented comment\n" + ITEM, False),
    "a time that does not exist": (ITEM.replace("2024-04-01", "2025-03-30T02:30"), True),
    "a source no file has": (ITEM.replace("[s2]", "[nowhere]"), True),
    "a follow-up of an old event": (ITEM + "    related: [talks]\n", True),
    "an id the file has": (ITEM.replace("added", "first"), False),
    "more of the last item": ("    tags: [late]\n", False),
    "more of the last item, then an item": ("    tags: [late]\n" + ITEM, False),
    "an invalid date": (ITEM.replace("2024-04-01", "2024-13-45"), False),
    "another top-level key": ("judgments: []\n", False),
    "an item at the wrong indentation": ("- id: outdented\n  date: 2024-05-01\n", False),
    "a flow item": ("  - {id: flow, date: 2024-05-01, title: Flow, sources: [s1]}\n", True),
    "an anchor": ("  - &a\n    id: anchored\n    date: 2024-05-01\n    title: A\n", False),
    "nothing but a comment": ("# nothing yet\n", False),
}


def make_log(folder: Path) -> Path:
    """The log: MAIN, including YEAR as 2024 and a copy of it as 2023."""
    write(folder / "events.d" / "2024.yaml", YEAR)
    write(
        folder / "events.d" / "2023.yaml", YEAR.replace("2024-", "2023-").replace("id: ", "id: y")
    )
    return write(folder / "events.yaml", MAIN)


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_log(tmp_path)


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


@pytest.mark.parametrize("name", list(APPENDS))
def test_an_append_reads_only_the_new_items_and_gives_what_a_whole_read_gives(
    log: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text, alone = APPENDS[name]
    first = load_log("events.yaml")
    assert first.log is not None
    walked = count_walks(monkeypatch)
    grown = count_grown(monkeypatch)
    append(log.parent / "events.d" / "2024.yaml", text)
    again = load_log("events.yaml")
    if alone:
        assert (walked, grown) == ([], ["events.d/2024.yaml"])
    else:
        assert grown == []
    assert again == load_log("events.yaml", use_cache=False)
    # a check after it reads what the load filed
    checked = load_log("events.yaml", need_log=False)
    assert checked.problems == again.problems


@pytest.mark.parametrize("name", ["one item", "a time that does not exist", "an id the file has"])
def test_a_reload_in_memory_takes_the_old_items_from_the_log_shown(
    log: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text, alone = APPENDS[name]
    includes: list[tuple[str, str]] = []
    first = load_log("events.yaml", includes=includes)
    assert first.log is not None
    grown = count_grown(monkeypatch)
    append(log.parent / "events.d" / "2024.yaml", text)
    again = reload_log("events.yaml", first.log, tuple(includes))
    assert grown == (["events.d/2024.yaml"] if alone else [])
    assert again.result == load_log("events.yaml", use_cache=False)
    if again.result.log is not None:
        old = first.log.by_id
        kept = [e for e in again.result.log.events if e.id in old]
        assert all(e is old[e.id] for e in kept)  # the very objects shown before


def test_a_file_that_ended_without_a_newline_is_read_whole(
    log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    year = log.parent / "events.d" / "2024.yaml"
    year.write_text(YEAR.rstrip("\n"), encoding="utf-8")
    assert load_log("events.yaml").log is not None
    grown = count_grown(monkeypatch)
    append(year, "\n" + ITEM)
    again = load_log("events.yaml")
    assert grown == []
    assert again == load_log("events.yaml", use_cache=False)
    assert again.log is not None
    assert "added" in again.log.by_id


def test_a_file_cut_short_then_grown_again_is_read_whole(
    log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same size as before is no proof: the old bytes must be the file's start."""
    year = log.parent / "events.d" / "2024.yaml"
    assert load_log("events.yaml").log is not None
    grown = count_grown(monkeypatch)
    year.write_text(YEAR.replace("First event", "First EVENT") + ITEM, encoding="utf-8")
    again = load_log("events.yaml")
    assert grown == []
    assert again == load_log("events.yaml", use_cache=False)
    assert again.log is not None
    assert again.log.by_id["first"].title == "First EVENT"


@pytest.mark.parametrize(
    "between",
    ["\t\n", "# a control character \x07 in a comment\n", "# \udcff not UTF-8\n", "\r\n"],
)
def test_what_the_whole_read_refuses_before_the_new_items_is_read_whole(
    log: Path, monkeypatch: pytest.MonkeyPatch, between: str
) -> None:
    year = log.parent / "events.d" / "2024.yaml"
    assert load_log("events.yaml").log is not None
    grown = count_grown(monkeypatch)
    with year.open("ab") as f:
        f.write((between + ITEM).encode("utf-8", "surrogateescape"))
    again = load_log("events.yaml")
    assert grown == []
    assert again == load_log("events.yaml", use_cache=False)
