"""Events whose summaries are kept compressed (briefer.packed): the browser's, equal in every
way that shows to the events they stand for."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from briefer.frozen import CHUNK, Texts
from briefer.model import Event, EventLog, Location, Pos, Positions
from briefer.packed import BLOCK, PackedEvent, packed_events
from tests.helpers import browse, generate_log, load_valid, log_file, wait_for

#: Summaries a pickle must give back exactly: empty, beyond Latin-1, four bytes a letter, a
#: lone surrogate (a YAML escape can make one), a NUL.
ODD = ["", "Zvečan — Звечан", "\U0001f600 and 中文", "lone \ud800 surrogate", "nul \0 inside"]


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> EventLog:
    """More events than a chunk holds, some with odd summaries."""
    folder = tmp_path_factory.mktemp("packed")
    generated = load_valid(generate_log(CHUNK + BLOCK + 7, folder / "events.yaml"))
    events = list(generated.events)
    for i, text in enumerate(ODD):
        events[i * 500] = replace(events[i * 500], summary=text, title=text or "t")
    return replace(generated, events=tuple(events))


def test_a_log_unpickled_packed_equals_the_log_and_gives_every_summary_back(log: EventLog) -> None:
    data = pickle.dumps(log, protocol=pickle.HIGHEST_PROTOCOL)
    with packed_events():
        packed = pickle.loads(data)
    assert {type(e) for e in packed.events} == {PackedEvent}
    assert [e.summary for e in packed.events] == [e.summary for e in log.events]
    assert [e.pos for e in packed.events] == [e.pos for e in log.events]
    assert [e.title for e in packed.events] == [e.title for e in log.events]
    assert packed == log  # both ways: an Event compares with the PackedEvent it stands for
    assert log == packed
    assert packed.events[500] != log.events[501]
    assert packed.events[500].haystack == log.events[500].haystack
    # Outside, as everywhere but the browser: plain events.
    assert {type(e) for e in pickle.loads(data).events} == {Event}


def test_equal_places_and_actors_unpickled_packed_are_one_object(log: EventLog) -> None:
    # Apart in the pickle (as in the per-file cache's parts), equal values become one.
    events = list(log.events)
    place = Location("Zvečan", "Mitrovica", 42.91, 20.84)
    names = ["KFOR", "EULEX"]
    for i in range(0, len(events), 97):
        again = Location("Zvečan", "Mitrovica", 42.91, 20.84)
        events[i] = replace(events[i], location=again, actors=tuple(names))
    apart = replace(log, events=tuple(events))
    data = pickle.dumps(apart, protocol=pickle.HIGHEST_PROTOCOL)
    plain = pickle.loads(data).events[::97]
    assert len({id(e.location) for e in plain}) > 1
    assert len({id(e.actors) for e in plain}) > 1
    with packed_events():
        packed = pickle.loads(data)
    assert packed == apart
    assert len({id(e.location) for e in packed.events[::97]}) == 1
    assert packed.events[0].location == place
    assert len({id(e.actors) for e in packed.events[::97]}) == 1


def test_a_packed_event_pickles_as_the_event_it_stands_for(log: EventLog) -> None:
    with packed_events():
        packed = pickle.loads(pickle.dumps(log, protocol=pickle.HIGHEST_PROTOCOL))
    again = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
    assert {type(e) for e in again.events} == {Event}
    assert again == log
    one = pickle.loads(pickle.dumps(packed.events[1000], protocol=pickle.HIGHEST_PROTOCOL))
    assert type(one) is Event
    assert one == log.events[1000]
    assert one.summary == ODD[2]


def test_a_text_column_gives_its_strings_back_and_lets_go_of_them() -> None:
    column = pickle.loads(pickle.dumps(Texts.of(ODD), protocol=pickle.HIGHEST_PROTOCOL))
    assert len(column) == len(ODD)
    assert list(column) == ODD
    column.clear()
    assert len(column) == 0
    assert not column.data


def test_a_position_column_gives_its_positions_back_and_lets_go_of_them() -> None:
    positions = [
        Pos("events.yaml", 3, 5),
        Pos("events.d/2024.yaml", 2**27, 2**28 - 1),  # the largest line and column
        Pos("events.yaml", 1, 1),
        Pos("events.d/Zvečan.yaml", 70_000, 300),
    ]
    column = pickle.loads(pickle.dumps(Positions.of(positions), protocol=pickle.HIGHEST_PROTOCOL))
    assert len(column) == 4
    assert list(column) == positions
    assert column.files == ["events.yaml", "events.d/2024.yaml", "events.d/Zvečan.yaml"]
    column.clear()
    assert len(column) == 0
    assert not column.files


def test_a_packed_log_reads_one_summary_among_many_blocks_in_any_order(log: EventLog) -> None:
    with packed_events():
        packed = pickle.loads(pickle.dumps(log, protocol=pickle.HIGHEST_PROTOCOL))
    for i in [len(log.events) - 1, 0, BLOCK, BLOCK - 1, CHUNK, 500, CHUNK + 1, 2300]:
        assert packed.events[i].summary == log.events[i].summary


async def test_the_browser_holds_a_cached_log_packed_and_shows_its_summaries(
    tmp_path: Path,
) -> None:
    from briefer.loader import load_log

    path = log_file(tmp_path)
    load_log(str(path))  # fills the cache, as an earlier session would
    async with browse(path) as (app, pilot):
        assert app.view is not None
        assert {type(e) for e in app.view.events} == {PackedEvent}
        assert app.result == load_log(str(path), use_cache=False)
        app.timeline.move_to_id("banjska")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.query("#detail-summary")))
        markdown = app.query_one("#detail-summary")
        assert "Kosovo Police" in markdown.source  # type: ignore[attr-defined]
