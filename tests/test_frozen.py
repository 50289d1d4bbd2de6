"""Quick pickles of frozen, slotted dataclasses (briefer.frozen)."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, dataclass, fields

import pytest

from briefer.frozen import CHUNK, Columns, fast_pickle, from_columns


@fast_pickle
@dataclass(frozen=True, slots=True)
class One:
    value: str


@fast_pickle
@dataclass(frozen=True, slots=True)
class Three:
    a: int
    b: str | None
    c: tuple[str, ...] = ()


@pytest.mark.parametrize("thing", [One("x"), Three(1, None, ("p", "q")), Three(2, "b")])
def test_a_round_trip_gives_an_equal_frozen_value(thing: One | Three) -> None:
    again = pickle.loads(pickle.dumps(thing, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == thing
    assert type(again) is type(thing)
    with pytest.raises(FrozenInstanceError):
        setattr(again, fields(again)[0].name, 5)  # any field, by name


def test_the_state_is_the_field_values_and_must_have_their_number() -> None:
    assert Three(1, "b", ("c",)).__getstate__() == (1, "b", ("c",))
    assert One("x").__getstate__() == ("x",)
    blank = object.__new__(Three)
    for wrong in [(1, "b"), (1, "b", (), "extra")]:
        with pytest.raises(ValueError, match="unpack"):
            blank.__setstate__(wrong)  # type: ignore[attr-defined]
    blank.__setstate__((7, None, ()))  # type: ignore[attr-defined]
    assert blank == Three(7, None)


def test_columns_unpickle_as_a_list_of_equal_values_sharing_what_they_shared() -> None:
    shared = ("p", "q")
    # More than a chunk's worth, and not a whole number of chunks.
    items = [Three(i, None if i % 2 else "b", shared) for i in range(2 * CHUNK + 5)]
    again = pickle.loads(pickle.dumps(Columns(Three, items), protocol=pickle.HIGHEST_PROTOCOL))
    assert again == items
    assert all(type(t) is Three for t in again)
    assert again[0].c is again[-1].c  # one tuple, as before, across chunks
    assert pickle.loads(pickle.dumps(Columns(One, []))) == []
    with pytest.raises(FrozenInstanceError):
        again[0].a = 7


def test_columns_that_do_not_fit_the_class_are_refused() -> None:
    with pytest.raises(ValueError, match="columns of 3 fields"):
        from_columns(Three, ([1], ["b"]))
    with pytest.raises(ValueError, match="columns of 3 fields"):
        from_columns(Three, ([1, 2], ["b"], [()]))
    columns, (chunks,) = Columns(Three, [Three(1, "b")]).__reduce__()
    assert columns(tuple(pickle.loads(pickle.dumps(c)) for c in chunks)) == [Three(1, "b")]
    with pytest.raises(ValueError, match="chunks of objects"):
        columns(("not a chunk",))


def test_an_event_log_pickles_its_events_as_columns_and_not_its_index() -> None:
    from briefer.dates import get_timezone, parse_date
    from briefer.model import Event, EventLog, Pos

    day = parse_date("2023-09-24", get_timezone("UTC"))
    events = tuple(
        Event(f"e{i}", day, f"Event {i}", Pos("events.yaml", i + 1, 5)) for i in range(3)
    )
    log = EventLog(path="events.yaml", title="Log", events=events)
    assert log.by_id["e1"] is events[1]
    again = pickle.loads(pickle.dumps(log, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == log
    assert type(again.events) is tuple
    assert again.events[0].date is again.events[2].date
    assert "by_id" not in vars(again)
    assert again.by_id["e2"] == events[2]
