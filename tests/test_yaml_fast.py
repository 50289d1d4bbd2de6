"""The fast YAML path (rapidyaml) against the reference one (PyYAML): same nodes, same results.

Three levels, each on the shipped log, every file under ``tests/data/`` (the
broken corpus and its includes too) and a generated 10,000-event log (the
strict event reader has its own tests in ``test_fast_reader.py``):

* nodes: every node the fast path builds has the reference node's class,
  tag, text and style, and, wherever it gives a position at all, the same
  line, column and index (the rest raise ``Unsupported``, which sends the
  file back to the reference path);
* a whole read: the loader's walk over fast nodes gives the very same events,
  problems and positions as over PyYAML's, or gives up with ``Unsupported``;
* the switch: ``BRIEFER_YAML=pyyaml`` keeps every read on the reference path.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefer import fastread, loader, yamlfast, yamlread
from briefer.yamlfast import Unsupported
from tests.helpers import REPO, TEST_DATA

FILES = sorted(
    [REPO / "events.yaml", *TEST_DATA.rglob("*.yaml")], key=lambda p: p.relative_to(REPO)
)
IDS = [p.relative_to(REPO).as_posix() for p in FILES]


def _reference(text: str) -> Node | None:
    loader_ = yaml.CBaseLoader(text)
    try:
        node: Node | None = loader_.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader_.dispose()
    return node


def _same_mark(ref: Node, fast: Node, which: str) -> int:
    """1 when the fast node placed itself (and agrees), 0 when it declined."""
    try:
        mark = getattr(fast, which)
    except Unsupported:
        return 0
    want = getattr(ref, which)
    assert (mark.line, mark.column, mark.index) == (want.line, want.column, want.index), which
    return 1


def _compare(ref: Node, fast: Node, path: str, counts: dict[str, int]) -> None:
    counts["nodes"] += 1
    assert isinstance(fast, type(ref)), path
    assert fast.tag == ref.tag, path
    counts["placed"] += _same_mark(ref, fast, "start_mark")
    if isinstance(ref, ScalarNode):
        assert isinstance(fast, ScalarNode)
        assert fast.value == ref.value, path
        assert fast.style == (ref.style or ""), path
        _same_mark(ref, fast, "end_mark")
    elif isinstance(ref, MappingNode):
        assert len(fast.value) == len(ref.value), path
        for (rk, rv), (fk, fv) in zip(ref.value, fast.value, strict=True):
            _compare(rk, fk, f"{path}/{rk.value}:key", counts)
            _compare(rv, fv, f"{path}/{rk.value}", counts)
    else:
        assert isinstance(ref, SequenceNode)
        assert len(fast.value) == len(ref.value), path
        for i, (r, f) in enumerate(zip(ref.value, fast.value, strict=True)):
            _compare(r, f, f"{path}/{i}", counts)


def _compare_file(path: Path) -> dict[str, int]:
    text = path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
    counts = {"nodes": 0, "placed": 0}
    try:
        fast = yamlfast.compose(text)
    except Unsupported:
        return counts
    ref = _reference(text)
    # What the fast path reads, PyYAML reads too: rapidyaml is never the more lenient.
    assert ref is not None, "the fast path read a file PyYAML refuses"
    # Declining part way (an anchor, a tag) sends the whole file the reference way.
    with contextlib.suppress(Unsupported):
        _compare(ref, fast, "", counts)
    return counts


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_fast_nodes_match_pyyaml(path: Path) -> None:
    _compare_file(path)


def test_fast_nodes_match_pyyaml_on_a_large_log(generated_log: Path) -> None:
    counts = _compare_file(generated_log)
    assert counts["nodes"] > 300_000
    assert counts["placed"] == counts["nodes"]  # a plain log: every node placed


#: The shared walk of every file, with the log (no per-file cache).
_ARGS: dict[str, Any] = {"parts": False, "known": {}, "with_log": True}


def _both(path: Path, display: str) -> tuple[loader.Parsed | None, loader.Parsed]:
    data = path.read_bytes()
    try:
        fast: loader.Parsed | None = loader._parse(str(path), data, display, **_ARGS, fast=True)
    except Unsupported:
        fast = None
    ref = loader._parse(str(path), data, display, **_ARGS, fast=False)
    assert ref is not None
    return fast, ref


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_fast_read_matches_reference(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)
    fast, ref = _both(path, path.name)
    if fast is not None:
        assert [str(p) for p in fast.result.problems] == [str(p) for p in ref.result.problems]
        assert fast.result == ref.result
    # What the loader hands on is the reference reading either way.
    chosen = loader.parse(str(path), path.read_bytes(), path.name)
    assert [str(p) for p in chosen.result.problems] == [str(p) for p in ref.result.problems]
    assert chosen.result == ref.result


def test_shipped_and_generated_logs_take_the_fast_path(generated_log: Path) -> None:
    for path in (REPO / "events.yaml", generated_log):
        fast, ref = _both(path, "events.yaml")
        assert fast is not None, path
        assert fast.result == ref.result
        assert fast.result.log is not None
        assert ref.result.log is not None
        assert [e.pos for e in fast.result.log.events] == [e.pos for e in ref.result.log.events]


def test_pyyaml_can_be_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFER_YAML", "pyyaml")
    assert not yamlread.fast_available()
    called: list[bool] = []
    monkeypatch.setattr(fastread, "read_file", lambda *a, **k: called.append(True))
    loader.parse("events.yaml", (REPO / "events.yaml").read_bytes())
    assert not called
    monkeypatch.delenv("BRIEFER_YAML")
    assert yamlread.fast_available()


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\r\nb: 2\r\n",  # carriage returns
        "a: x\u2028y\n",  # a line break to PyYAML only
        "a: x\x85y\n",  # NEL
        "a:\n\t- b\n",  # a tab indenting
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # a tag
        "---\na: 1\n---\nb: 2\n",  # two documents
        "",  # nothing
        "a: [1, 2\n",  # a syntax error
    ],
)
def test_what_the_fast_path_leaves_to_pyyaml(text: str) -> None:
    def read_all() -> None:
        node = yamlfast.compose(text)
        assert isinstance(node, MappingNode)
        for _key, value in node.value:
            _ = value.value

    with pytest.raises(Unsupported):
        read_all()


def test_fast_path_prints_nothing_on_a_syntax_error(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(Unsupported):
        yamlfast.compose("a: [1, 2\nb: {\n")
    out, err = capfd.readouterr()
    assert out == err == ""
