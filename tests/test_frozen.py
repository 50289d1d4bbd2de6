"""Quick pickles of frozen, slotted dataclasses (briefer.frozen)."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, dataclass, fields

import pytest

from briefer.frozen import fast_pickle


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
