"""The fast reader (briefer/fastread): the same walk state as the reference path, or none.

Each log here is read both ways, file by file, into a fresh walk state; the fast
way must give the very same events (every field and position), references (and
their positions), sources, metrics, indicators, judgments and problems, or give
up with ``Unsupported``. Variants of one small log go through every shape the
strict event reader reads and many it leaves to the schema (declined events) or
to PyYAML (files with errors).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from briefer import loader, reading
from briefer.fastread.split import Split, split
from briefer.schema import LogReader
from briefer.schema.events import read_event
from briefer.yamlfast import Unsupported, quiet_parse
from tests.helpers import REPO

BASE = """\
briefer: 1
title: Fast reader test
timezone: Europe/Belgrade
kinds: [custom]
metrics:
  troops: {label: Troops, unit: troops}
sources:
  - id: s1
    title: Source one
    url: https://example.org/a
  - id: s2
    title: Source two
indicators:
  - id: i1
    title: Indicator one
events:

  # ---- 2023 ----

  - id: e1
    date: 2023-09-24T07:30
    title: First event
    kind: incident
    summary: |
      Text with **bold** and *italics*.

      - a list item
    actors: [KFOR, "Kosovo Police"]
    location: {name: Banjska, region: North Kosovo, lat: 42.9, lon: 20.8}
    tags: [security]
    sources: [s1, {id: s2, note: "p. 3", credibility: 2}]
    significance: 4
    confidence: high
    figures: {troops: 4500}
    related: [e2]
    indicators: [i1, i1]
  - id: e2
    date: 2023-09-25
    title: 'Second: quoted'
    location: Jarinje
    sources:
      - s1
    related:
      - e1
# a comment at column 0
  - id: e3
    date: 2023-10/2023-12
    title: Third
    kind: custom
    sources: [{id: s2, note: "Priština, p. 4"}, s1]
judgments:
  - id: j1
    date: 2023-10-01
    statement: >-
      Serbia will withdraw its forces
      from the border.
    likelihood: likely
    confidence: moderate
    basis: [e1, s1]
"""

#: (what the variant does, the text it replaces in BASE, its replacement)
VARIANTS = [
    ("base", "", ""),
    (
        "flow event",
        "  - id: e3\n",
        "  - {id: e4, date: 2023-01-01, title: Flow, sources: [s1]}\n  - id: e3\n",
    ),
    ("quoted key", "    title: Third\n", '    "title": Third\n'),
    ("quoted first key", "  - id: e3\n", '  - "id": e3\n'),
    ("unknown key", "    title: Third\n", "    title: Third\n    colour: red\n"),
    ("duplicate key", "    title: Third\n", "    title: Third\n    title: Again\n"),
    ("reserved indicator", "title: Third", "title: @Third"),
    ("backquote", "title: Third", "title: `Third"),
    ("null title", "title: Third", "title: ~"),
    ("blank title", "title: Third", "title: '  '"),
    ("no-break space title", "title: Third", 'title: "\\u00a0"'),
    ("wall-clock gap", "date: 2023-10/2023-12", "date: 2023-03-26T02:30"),
    ("bad date", "date: 2023-10/2023-12", "date: 2023-13-01"),
    ("quoted number", "significance: 4", 'significance: "4"'),
    ("float significance", "significance: 4", "significance: 4.0"),
    ("underscored number", "figures: {troops: 4500}", "figures: {troops: 4_500}"),
    ("signed number", "lat: 42.9", "lat: +42.9"),
    ("negative float", "lon: 20.8", "lon: -.8"),
    ("latitude out of range", "lat: 42.9", "lat: 95"),
    ("huge figure", "figures: {troops: 4500}", "figures: {troops: 1e20}"),
    ("figure unknown metric", "figures: {troops: 4500}", "figures: {soldiers: 4500}"),
    ("duplicate figure", "figures: {troops: 4500}", "figures: {troops: 4500, troops: 1}"),
    ("no sources", "    sources: [{id: s2", "    tags: [{id: s2"),
    ("unknown source", "      - s1\n", "      - s9\n"),
    ("duplicate id", "  - id: e3\n", "  - id: e2\n"),
    (
        "empty summary",
        "    summary: |\n      Text with **bold** and *italics*.\n\n      - a list item\n",
        "    summary: ''\n",
    ),
    ("null summary", "    title: Third\n", "    title: Third\n    summary: ~\n"),
    ("lone actor", 'actors: [KFOR, "Kosovo Police"]', "actors: KFOR"),
    ("null actors", 'actors: [KFOR, "Kosovo Police"]', "actors:"),
    ("empty tags", "tags: [security]", "tags: []"),
    ("block list of tags", "tags: [security]", "tags:\n      - security\n      - 'north'"),
    ("mapping tags", "tags: [security]", "tags: {a: b}"),
    ("self-related", "related: [e2]", "related: [e1]"),
    ("unknown indicator", "indicators: [i1, i1]", "indicators: [i9]"),
    ("null note", 'note: "p. 3"', "note: ~"),
    ("credibility 7", "credibility: 2", "credibility: 7"),
    ("location without name", "location: Jarinje", "location: {region: North}"),
    ("location key twice", "location: Jarinje", "location: {name: A, name: B}"),
    ("folded title", "title: Third\n", "title: >-\n      A folded\n      title\n"),
    ("escaped title", "title: Third", 'title: "Tab\\there \\u00e9"'),
    ("control escape", "title: Third", 'title: "bell\\a"'),
    ("multi-line plain", "title: Third", "title: Third\n      continued"),
    ("anchor", "title: Third", "title: &t Third"),
    ("alias", "location: Jarinje", "location: *t"),
    ("tag", "title: Third", "title: !!str Third"),
    ("other tag", "title: Third", "title: !x Third"),
    ("merge key", "    title: Third\n", "    title: Third\n    <<: {kind: custom}\n"),
    ("unknown kind", "kind: custom", "kind: cusstom"),
    ("unknown confidence", "confidence: high", "confidence: hihg"),
    ("an item at column 0", "  - id: e3", "- id: e3"),
    ("a line beside the items", "  - id: e3\n", "  stray: 1\n  - id: e3\n"),
    ("flow events", "events:\n", "events: []\nxevents:\n"),
    ("quote across an item line", "title: First event", 'title: "First\n  - id: fake"'),
    ("unclosed bracket", "tags: [security]", "tags: [security"),
    ("syntax error", "title: Third", "title: Third: again"),
    ("tab indent", "    title: Third", "\ttitle: Third"),
    ("carriage returns", "title: Third\n", "title: Third\r\n"),
    ("byte-order mark", "briefer: 1", "\ufeffbriefer: 1"),
    ("non-ASCII before a key", "  - id: e3\n", "  - id: e3  # Priština\n"),
    ("comment after events", "events:\n", "events:  # the timeline\n"),
    ("events last", "judgments:", "xjudgments:"),
    ("two events keys", "judgments:", "events:\n  - id: e9\njudgments:"),
    ("events inside a quote", "title: Fast reader test", 'title: "Fast\nevents:\n  - id: z"'),
]


def _state(data: bytes, fast: bool, keep_events: bool = True) -> LogReader:
    reader = LogReader()
    reading.read_file(reader, data, "log.yaml", main=True, fast=fast, keep_events=keep_events)
    reader.check_references()
    return reader


def _snapshot(reader: LogReader) -> dict[str, object]:
    return {
        "events": sorted(reader.events, key=lambda e: e.id),
        "event_pos": reader.event_pos,
        "refs": sorted(
            ((r.what, r.target, r.pos, r.owner, r.owner_kind) for r in reader.all_refs()),
            key=str,
        ),
        "sources": reader.sources,
        "source_id_pos": reader.source_id_pos,
        "metrics": reader.metrics,
        "indicators": reader.indicators,
        "judgments": reader.judgments,
        "kinds": reader.kinds,
        "bad_sources": reader.bad_sources,
        "uncited": reader.uncited,
        "observed": reader.observed,
        "related_named": reader.related_named,
        "deadline_facts": reader.deadline_facts,
        "problems": sorted(str(p) for p in reader.problems),
    }


def _compare(data: bytes) -> LogReader | None:
    """The fast state (None when it gave up), checked against the reference one; and the
    fast state of a check against it, but for the events a check need not keep."""
    ref = _state(data, fast=False)
    try:
        fast = _state(data, fast=True)
    except Unsupported:
        return None
    assert _snapshot(fast) == _snapshot(ref)
    check = _state(data, fast=True, keep_events=False)
    # Only the events the schema read (declined ones) are kept by a check.
    assert {e.id for e in check.events} <= {e.id for e in fast.events}
    assert {**_snapshot(check), "events": None} == {**_snapshot(fast), "events": None}
    return fast


@pytest.mark.parametrize(("what", "old", "new"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_variant_reads_like_the_reference(what: str, old: str, new: str, tmp_path: Path) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1) if old else BASE
    data = text.encode("utf-8")
    _compare(data)
    path = tmp_path / "log.yaml"
    path.write_bytes(data)
    chosen = loader.parse(str(path), data, "log.yaml")
    ref = loader._parse(
        str(path), data, "log.yaml", parts=False, known={}, with_log=True, fast=False
    )
    assert ref is not None
    assert [str(p) for p in chosen.result.problems] == [str(p) for p in ref.result.problems]
    assert chosen.result == ref.result


def test_items_at_column_0(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = BASE[: BASE.index("judgments:")].split("\n")
    start = lines.index("events:") + 1
    dedented = [line[2:] if line.startswith("  ") else line for line in lines[start:]]
    text = "\n".join(lines[:start] + dedented)
    assert "\n- id: e2\n  date:" in text
    declined = _declined(monkeypatch)
    fast = _compare(text.encode())
    assert fast is not None
    assert not declined
    assert len(fast.events) == 3


def _declined(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Collects the ids of events the strict reader leaves to the schema."""
    seen: list[str] = []
    real = read_event

    def counting(state: LogReader, node: object) -> None:
        seen.append(str(node))
        real(state, node)  # type: ignore[arg-type]

    monkeypatch.setattr("briefer.fastread.chunks.read_event", counting)
    return seen


def test_the_base_log_is_read_by_the_strict_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    declined = _declined(monkeypatch)
    fast = _compare(BASE.encode())
    assert fast is not None
    assert not declined
    assert len(fast.events) == 3
    assert not fast.problems


def test_declined_events_are_read_by_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    declined = _declined(monkeypatch)
    text = BASE.replace("  - id: e3\n", '  - "id": e3\n')  # a first key it cannot place
    fast = _compare(text.encode())
    assert fast is not None
    assert len(set(declined)) == 1  # by a load, then by a check
    assert len(fast.events) == 3


def test_a_warning_in_an_event_comes_from_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    declined = _declined(monkeypatch)
    fast = _compare(BASE.replace("date: 2023-10/2023-12", "date: 2023-03-26T02:30").encode())
    assert fast is not None
    assert len(set(declined)) == 1  # by a load, then by a check
    assert [p.severity for p in fast.problems] == ["warning"]


@pytest.mark.parametrize("name", ["events.yaml", "generated"])
def test_large_logs_are_read_strictly_and_exactly(
    name: str, generated_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = generated_log if name == "generated" else REPO / "events.yaml"
    data = path.read_bytes()
    parts = split(data)
    assert parts is not None
    assert sum(1 for _ in parts.chunks(data, size=1 << 14)) > 1
    declined = _declined(monkeypatch)
    # Small chunks: many chunk edges, and the line counting across them.
    monkeypatch.setattr(Split.bounds, "__defaults__", (1 << 14, None))
    fast = _compare(data)
    assert fast is not None
    assert not declined
    assert fast.events
    assert not _state(data, fast=True, keep_events=False).events


def test_split_keeps_every_line_of_the_skeleton() -> None:
    data = BASE.encode()
    parts = split(data)
    assert parts is not None
    assert parts.skeleton.count(b"\n") == data.count(b"\n")
    assert parts.skeleton.splitlines()[parts.events_line] == b"events:"
    chunks = list(parts.chunks(data, size=1))
    assert [c.items for c in chunks] == [1, 1, 1]
    lines = data.splitlines()
    for chunk in chunks:
        assert (
            chunk.text.splitlines() == lines[chunk.line : chunk.line + len(chunk.text.splitlines())]
        )


@pytest.mark.parametrize(
    "text",
    [
        "briefer: 1\n",  # no events
        "events: []\n",  # a flow list
        "events:\n  x: 1\n",  # not a list
        "events:\n  - a\n x: 1\n",  # a line left of the items
        "events:\n  - a\n  x: 1\n",  # a line at the items' column that is no item
        "events:\n  - a\nevents:\n  - b\n",  # the key twice
    ],
)
def test_split_leaves_other_layouts_whole(text: str) -> None:
    data = text.encode()
    parts = split(data)
    if parts is not None:  # found, but its items do not hold up
        with pytest.raises(Unsupported):  # the reference reader reads it
            list(parts.chunks(data))


def test_a_syntax_error_in_the_events_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    data = BASE.replace("tags: [security]", "tags: [security").encode()
    path = tmp_path / "log.yaml"
    path.write_bytes(data)
    with pytest.raises(Unsupported):
        _state(data, fast=True)
    result = loader.parse(str(path), data, "log.yaml").result
    assert any(p.severity == "error" for p in result.problems)
    out, err = capfd.readouterr()
    assert out == err == ""


def test_muting_rapidyaml_leaves_file_descriptor_2_alone(capfd: pytest.CaptureFixture[str]) -> None:
    # Threads parse broken YAML while another writes to file descriptor 2: every
    # line written arrives (the descriptor is never redirected), none of rapidyaml's.
    errors: list[BaseException] = []

    def parse_broken() -> None:
        import ryml

        for _ in range(50):
            try:
                quiet_parse(bytearray(b"a: [1, 2\n"), ryml.Tree())
            except Unsupported:
                pass
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

    def write() -> None:
        for i in range(200):
            os.write(2, f"line {i}\n".encode())

    threads = [threading.Thread(target=parse_broken) for _ in range(3)]
    threads.append(threading.Thread(target=write))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    _out, err = capfd.readouterr()
    assert err.splitlines() == [f"line {i}" for i in range(200)]


INCLUDED = """\
sources:
  - id: s3
    title: Source three
events:
  - id: e10
    date: 2023-11-01
    title: In an included file
    sources: [s3, s1]
    related: [e1]
"""


@pytest.mark.parametrize("broken", [False, True])
def test_included_files_read_apart_like_the_reference(
    broken: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    main = BASE.replace("judgments:", "include: [more/*.yaml]\njudgments:")
    included = INCLUDED.replace("title: In", "title: ~\n    kind: In") if broken else INCLUDED
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "a.yaml").write_text(included, encoding="utf-8")
    (tmp_path / "log.yaml").write_text(main, encoding="utf-8")
    data = main.encode()
    want = loader.parse("log.yaml", data, "log.yaml", fast=False).result
    assert any(p.severity == "error" for p in want.problems) == broken
    if not broken:  # read by the fast reader, the included file apart
        fast = loader._parse(
            "log.yaml", data, "log.yaml", parts=True, known={}, with_log=True, fast=True
        )
        assert fast is not None
        assert fast.result == want
    for _ in range(2):  # the second time, the included file's part comes from its cache
        got = loader.parse("log.yaml", data, "log.yaml", parts=True).result
        assert [str(p) for p in got.problems] == [str(p) for p in want.problems]
        assert got == want
