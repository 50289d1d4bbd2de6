"""Loading: the model built from a log, includes, the cache, and the shipped log."""

from __future__ import annotations

import io
import os
import pickle
import time
from pathlib import Path

import pytest

from briefer import cache, files
from briefer.loader import load_log
from briefer.model import Citation, Confidence, Location
from tests.helpers import MINIMAL, NOW, REPO, write

FULL = """\
briefer: 1
title: Kosovo–Serbia security situation
timezone: Europe/Belgrade
marking: "UNCLASSIFIED // OPEN SOURCE"
horizon: 2w
kinds: [cyber]
metrics:
  kfor_troops: {label: KFOR troops in Kosovo, unit: troops}
  plain: Just a label
sources:
  - id: nato
    title: NATO's role in Kosovo
    publisher: NATO
    published: 2023-11~
    url: https://www.nato.int/kfor
events:
  - id: later
    date: 2023-09-24T07:30
    title: 'Title: with "quotes" and [brackets]'
    kind: incident
    summary: |
      Line one with **bold**.

      Line two.
    actors: Kosovo Police
    location: {name: Banjska, region: North Kosovo, lat: 42.97, lon: 20.78}
    tags: [north-kosovo, violence]
    sources: [nato, {id: nato, note: "p. 3"}]
    significance: 5
    confidence: high
    figures: {kfor_troops: 4500, plain: 2.5}
    related: [earlier]
  - id: earlier
    date: 2023
    title: no
    sources: nato
  - id: same-day
    date: 2023-09-24
    title: 2023
    kind: cyber
    sources: [nato]
"""


def test_model_values(tmp_path: Path) -> None:
    result = load_log(str(write(tmp_path / "log.yaml", FULL)), use_cache=False, now=NOW)
    assert result.problems == ()
    log = result.log
    assert log is not None
    assert log.title == "Kosovo–Serbia security situation"
    assert log.marking == "UNCLASSIFIED // OPEN SOURCE"
    assert log.horizon == 14 * 86400
    assert "cyber" in log.kinds
    assert log.metrics["kfor_troops"].unit == "troops"
    assert log.metrics["plain"].label == "Just a label"
    assert log.sources["nato"].published is not None
    # earliest first; on the same instant the coarser date first
    assert [e.id for e in log.events] == ["earlier", "same-day", "later"]
    later = log.by_id["later"]
    assert later.title == 'Title: with "quotes" and [brackets]'
    assert later.summary == "Line one with **bold**.\n\nLine two."
    assert later.actors == ("Kosovo Police",)
    assert later.location == Location("Banjska", "North Kosovo", 42.97, 20.78)
    assert later.sources == (Citation("nato"), Citation("nato", "p. 3"))
    assert later.confidence is Confidence.HIGH
    assert later.figures == {"kfor_troops": 4500, "plain": 2.5}
    assert later.pos.line == 17
    # YAML 1.1 would have made these a boolean and an integer
    assert log.by_id["earlier"].title == "no"
    assert log.by_id["same-day"].title == "2023"
    assert log.by_id["earlier"].kind is None
    assert log.by_id["earlier"].significance == 3


def test_includes_are_merged_and_named_in_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = write(
        tmp_path / "events.yaml",
        MINIMAL + "include: [events.d/*.yaml, more/**/*.yaml]\n",
    )
    write(
        tmp_path / "events.d" / "b.yaml",
        "events:\n  - {id: from-b, date: 2024-01-02, title: B, sources: [s2]}\n",
    )
    write(tmp_path / "events.d" / "a.yaml", "sources:\n  - {id: s2, title: Second}\n")
    write(
        tmp_path / "more" / "deep" / "c.yaml",
        "events:\n  - {id: from-c, date: 2024-01-01, title: C, sources: [s1]}\n",
    )
    result = load_log(str(main), use_cache=False, now=NOW)
    assert result.problems == ()
    assert result.log is not None
    assert [e.id for e in result.log.events] == ["first", "from-c", "from-b"]
    assert len(result.log.files) == 4

    write(tmp_path / "events.d" / "c.yaml", "events:\n  - {id: first, date: 2024, title: dup}\n")
    monkeypatch.chdir(tmp_path)
    result = load_log("events.yaml", use_cache=False, now=NOW)
    assert [str(p) for p in result.problems] == [
        "events.d/c.yaml:2:10: error: duplicate event id 'first' (first at events.yaml:8:9)",
    ]
    assert result.log is None


def test_cache_round_trip_and_invalidation(tmp_path: Path) -> None:
    main = write(tmp_path / "events.yaml", MINIMAL + "include: [events.d/*.yaml]\n")
    inc = write(tmp_path / "events.d" / "a.yaml", "sources:\n  - {id: s2, title: Two}\n")
    first = load_log(str(main), now=NOW)
    assert [p.message for p in first.problems] == ["source 's2' is never cited"]
    entries = list((cache.cache_dir() / "logs").glob("*.pickle"))
    assert len(entries) == 1
    # a hit returns the same result without parsing
    assert cache.lookup(str(main), str(main), cache.key(main.read_bytes())) == first

    # an included file changing invalidates the entry
    inc.write_text("sources:\n  - {id: s2, title: Two}\n  - {id: s3, title: Three}\n")
    assert cache.lookup(str(main), str(main), cache.key(main.read_bytes())) is None
    second = load_log(str(main), now=NOW)
    assert len(second.problems) == 2

    # so does a new file matching the include pattern
    write(tmp_path / "events.d" / "b.yaml", "sources: []\n")
    assert cache.lookup(str(main), str(main), cache.key(main.read_bytes())) is None


def test_pickled_log_round_trips_with_shared_values(tmp_path: Path) -> None:
    main = write(tmp_path / "events.yaml", FULL)
    log = load_log(str(main), use_cache=False, now=NOW).log
    assert log is not None
    for event in log.events:
        assert event.haystack  # computed (and kept) before pickling; must survive it
    again = pickle.loads(pickle.dumps(log, protocol=pickle.HIGHEST_PROTOCOL))
    assert again.events == log.events
    assert [e.haystack for e in again.events] == [e.haystack for e in log.events]
    # equal actors, places and citations are one object each, in memory and in the cache
    citations = [c for e in again.events for c in e.sources]
    assert len({id(c) for c in citations}) == len(set(citations))


def test_every_module_a_pickled_log_names_is_in_the_cache_key() -> None:
    # An edited module that shapes the pickle (a class it names) makes old entries misses.
    result = load_log(str(REPO / "events.yaml"), use_cache=False, now=NOW)
    named: set[str] = set()

    class Recording(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> object:
            named.add(module)
            return super().find_class(module, name)

    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    Recording(io.BytesIO(data)).load()
    ours = {m.removeprefix("briefer.").replace(".", "/") + ".py" for m in named}
    ours = {m for m in ours if (REPO / "briefer" / m).exists()}
    assert {"model.py", "frozen.py", "dates.py"} <= ours
    assert ours <= set(cache.shaping_modules())


def test_corrupt_cache_entries_are_misses(tmp_path: Path) -> None:
    main = write(tmp_path / "events.yaml", MINIMAL)
    good = load_log(str(main), now=NOW)
    (entry,) = (cache.cache_dir() / "logs").glob("*.pickle")
    raw = entry.read_bytes()
    for damaged in (
        raw[: len(raw) // 2],
        raw[:-1] + b"x",
        b"",
        b"garbage",
        raw.replace(b"briefer", b"Briefer", 1),
    ):
        entry.write_bytes(damaged)
        assert cache.lookup(str(main), str(main), cache.key(main.read_bytes())) is None
        assert load_log(str(main), now=NOW) == good
    # a valid pickle of something else, framed as the current format writes it, is a miss too
    entry.write_bytes(raw)
    with entry.open("rb") as f:
        assert f.read(len(cache._MAGIC)) == cache._MAGIC
        head = cache._read_part(f)
        body = f.read()
    assert head is not None
    rebuilt = cache._MAGIC + cache._part_line(head) + head + body
    assert rebuilt == raw  # the framing below is the one lookup reads
    payload = pickle.dumps({"not": "an entry"})
    entry.write_bytes(cache._MAGIC + cache._part_line(payload) + payload + body)
    assert cache.lookup(str(main), str(main), cache.key(main.read_bytes())) is None


def test_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = write(tmp_path / "not-a-dir", "x")
    monkeypatch.setenv("BRIEFER_CACHE_DIR", str(blocker))
    main = write(tmp_path / "events.yaml", MINIMAL)
    assert load_log(str(main), now=NOW).log is not None


def test_clock_dependent_warnings_are_not_cached(tmp_path: Path) -> None:
    text = (
        MINIMAL + "  - {id: dl, date: 2030-01-01, title: Deadline, kind: deadline, sources: [s1]}\n"
    )
    main = write(tmp_path / "events.yaml", text)
    assert load_log(str(main), now=NOW).problems == ()
    later = int(time.mktime((2031, 1, 1, 0, 0, 0, 0, 0, -1)))
    (problem,) = load_log(str(main), now=later).problems
    assert problem.message == "event 'dl': deadline has passed with no follow-up event in 'related'"


def test_shipped_log_is_valid_and_curated() -> None:
    result = load_log(str(REPO / "events.yaml"), use_cache=False, now=NOW)
    assert result.problems == ()
    log = result.log
    assert log is not None
    assert len(log.events) >= 15
    assert log.marking
    assert all(e.sources for e in log.events)
    ids = {e.id for e in log.events}
    assert {"banjska-attack", "plates-deadline-2023"} <= ids
    assert log.by_id["banjska-attack"].date.text == "2023-09-24"
    assert log.by_id["plates-deadline-2023"].kind == "deadline"
    kfor = [(e.id, e.figures["kfor_troops"]) for e in log.events if "kfor_troops" in e.figures]
    assert {v for _, v in kfor} >= {3700, 4500}
    titles = {s.title for s in log.sources.values()}
    assert "Pentagon to Send 1,000 Troops to Kosovo Amid Tensions with Serbia" in titles
    assert "British Troops Patrolling Kosovo-Serbia Border" in titles
    article_dates = [s.published for s in log.sources.values() if s.url is None]
    assert article_dates
    assert all(d is not None and d.approximate for d in article_dates)


def _problems(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(folder)
    return [str(p) for p in load_log("events.yaml", use_cache=False, now=NOW).problems]


OUTSIDE_RULE = "included files must be in the folder of events.yaml or below it"
needs_links = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")


@needs_links
def test_include_links_inside_the_folder_are_read_once(tmp_path: Path) -> None:
    """A link to a file in the project is fine; a file reached twice is read once."""
    main = write(tmp_path / "events.yaml", MINIMAL + "include: [events.d/*.yaml, '**/*.yaml']\n")
    write(tmp_path / "events.d" / "a.yaml", "sources:\n  - {id: s2, title: Two}\n")
    os.symlink("a.yaml", tmp_path / "events.d" / "also-a.yaml")
    os.symlink("../events.yaml", tmp_path / "events.d" / "main.yaml")
    result = load_log(str(main), use_cache=False, now=NOW)
    assert [p.message for p in result.problems] == ["source 's2' is never cited"]
    assert result.log is not None
    assert len(result.log.files) == 2


@needs_links
def test_include_links_leading_outside_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    write(project / "events.yaml", MINIMAL + "include: [events.d/*.yaml]\n")
    write(project / "events.d" / "a.yaml", "sources: []\n")
    write(tmp_path / "elsewhere" / "secret.yaml", "sources: []\n")
    os.symlink("../../elsewhere/secret.yaml", project / "events.d" / "b.yaml")
    assert _problems(project, monkeypatch) == [
        "events.yaml:12:11: error: include pattern 'events.d/*.yaml' reaches outside the "
        f"log's folder; {OUTSIDE_RULE} (events.d/b.yaml is a link to elsewhere)"
    ]
    # a folder link counts the same, wherever it stands in the pattern
    (project / "events.d" / "b.yaml").unlink()
    os.symlink("../elsewhere", project / "shared")
    write(project / "events.yaml", MINIMAL + "include: [shared/*.yaml]\n")
    assert _problems(project, monkeypatch) == [
        "events.yaml:12:11: error: include pattern 'shared/*.yaml' reaches outside the "
        f"log's folder; {OUTSIDE_RULE} (shared is a link to elsewhere)"
    ]


def test_include_matches_are_sorted(tmp_path: Path) -> None:
    main = write(tmp_path / "events.yaml", MINIMAL + "include: [b/*.yaml, a/**/*.yaml]\n")
    for name in ("b/z.yaml", "b/a.yaml", "b/m.yaml", "a/y/1.yaml", "a/x.yaml", "a/b/2.yaml"):
        write(tmp_path / name, "sources: []\n")
    result = load_log(str(main), use_cache=False, now=NOW)
    assert result.log is not None
    shown = [Path(f).relative_to(tmp_path).as_posix() for f in result.log.files]
    assert shown == [
        "events.yaml",
        *("b/a.yaml", "b/m.yaml", "b/z.yaml"),
        *("a/b/2.yaml", "a/x.yaml", "a/y/1.yaml"),
    ]


def test_include_walk_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "events.yaml", MINIMAL + "include: ['**/*.yaml', other/*.yaml]\n")
    for n in range(8):
        write(tmp_path / "events.d" / f"{n}.yaml", "sources: []\n")
    monkeypatch.setattr(files, "MAX_INCLUDE_ENTRIES", 5)
    message = (
        "include patterns may look at 5 files and folders, and '{}' needs more; "
        "name the folders to search (e.g. events.d/*.yaml)"
    )
    assert _problems(tmp_path, monkeypatch) == [
        f"events.yaml:12:11: error: {message.format('**/*.yaml')}",
        f"events.yaml:12:24: error: {message.format('other/*.yaml')}",
    ]


def test_files_over_the_size_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "events.yaml", MINIMAL + "include: [events.d/*.yaml]\n")
    write(tmp_path / "events.d" / "big.yaml", "sources: []\n" + "#" * 400 + "\n")
    size = len(MINIMAL) + 100
    monkeypatch.setattr(files, "MAX_FILE_BYTES", size)
    too_large = f"file is larger than {size // (1024 * 1024)} MiB, the most briefer reads"
    assert _problems(tmp_path, monkeypatch) == [
        f"events.d/big.yaml: error: cannot read: {too_large}"
    ]
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    too_large = "file is larger than 0 MiB, the most briefer reads"
    assert _problems(tmp_path, monkeypatch) == [f"events.yaml: error: cannot read: {too_large}"]


def test_size_limit_fits_a_large_log() -> None:
    """The 100,000-event bench log is about 58 MB: well inside the limit."""
    assert files.MAX_FILE_BYTES >= 4 * 58 * 1000 * 1000


def test_urls_that_are_accepted(tmp_path: Path) -> None:
    urls = [
        "https://bücher.example/kosovo",
        "https://xn--bcher-kva.example/",
        "HTTPS://WWW.NATO.INT/",
        "http://[2001:db8::1]:8080/a?q=ü#frag",
        "https://sq.wikipedia.org/wiki/Mitrovicë",
        "https://example.com:443/a%20b",
        "http://192.0.2.1/",
    ]
    sources = "".join(f"  - {{id: u{i}, title: U, url: '{u}'}}\n" for i, u in enumerate(urls))
    cites = ", ".join(f"u{i}" for i in range(len(urls)))
    text = MINIMAL.replace("sources:\n", "sources:\n" + sources).replace("[s1]", f"[s1, {cites}]")
    result = load_log(str(write(tmp_path / "events.yaml", text)), use_cache=False, now=NOW)
    assert result.problems == ()
    assert result.log is not None
    assert [result.log.sources[f"u{i}"].url for i in range(len(urls))] == urls
