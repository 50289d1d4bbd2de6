"""The schema's extension point: the walk reads the sections LogReader declares, in order."""

from __future__ import annotations

from typing import ClassVar

from yaml.nodes import Node

from briefer.model import Problem
from briefer.schema import LogReader
from briefer.schema.state import LogState, Section
from briefer.yamlread import SourceText

LOG = """\
briefer: 1
title: Test log
watchers:
  - desk-a
"""


def _walk(reader: LogReader, text: str) -> list[Problem]:
    reader.begin(SourceText("events.yaml", text))
    root = reader.compose()
    assert root is not None
    reader.walk_main(root)
    return reader.problems


def test_the_walk_reads_the_declared_sections_in_order() -> None:
    keys = LogReader.keys()
    assert keys == (
        "briefer",
        "title",
        "timezone",
        "marking",
        "horizon",
        "kinds",
        "metrics",
        "sources",
        "events",
        "indicators",
        "judgments",
        "include",
        "capture",
        "feeds",
    )
    assert len(set(keys)) == len(keys)
    assert [s.key for s in LogReader.sections if s.in_includes] == [
        "sources",
        "events",
        "indicators",
        "judgments",
    ]
    assert [s.key for s in LogReader.sections if s.missing] == ["briefer", "title"]


def test_a_new_section_is_a_reader_and_one_line() -> None:
    read: list[str] = []

    def read_watchers(state: LogState, node: Node) -> None:
        for item in state.sequence(node, "watchers"):
            text = state.string(item, "watcher", required=True)
            if text is not None:
                read.append(text)

    class WithWatchers(LogReader):
        sections: ClassVar[tuple[Section, ...]] = (
            *LogReader.sections,
            Section("watchers", read_watchers),
        )

    assert _walk(WithWatchers(), LOG) == []
    assert read == ["desk-a"]
    # The shipped reader does not know the key, and says which keys it does know.
    (problem,) = _walk(LogReader(), LOG)
    assert problem.message.startswith("log: unknown key 'watchers' (expected one of: briefer,")
