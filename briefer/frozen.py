"""Fast pickling for the frozen, slotted dataclasses a log is made of.

A 100,000-event log is about 600,000 small objects. For frozen dataclasses with
``slots=True`` the standard library unpickles each one through a generic
``__setstate__`` that looks up the class's fields for every object; that alone
took 2.5 s of a 3 s warm load. ``fast_pickle`` gives a class a state that is a
plain tuple of its field values, restored straight through the slot descriptors.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["fast_pickle"]

T = TypeVar("T")


def fast_pickle(cls: type[T]) -> type[T]:
    """Class decorator for a frozen ``slots=True`` dataclass: compact, quick pickles."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    # Member descriptors write the slot directly, past the frozen __setattr__.
    setters: tuple[Callable[[Any, Any], None], ...] = tuple(
        cls.__dict__[name].__set__ for name in names
    )
    get_all = operator.attrgetter(*names)

    def __getstate__(self: Any) -> tuple[Any, ...]:
        values = get_all(self)
        return values if len(names) > 1 else (values,)

    setattr(cls, "__getstate__", __getstate__)  # noqa: B010 - assigning dunders on purpose
    setattr(cls, "__setstate__", _setstate(setters))  # noqa: B010
    return cls


def _setstate(setters: tuple[Callable[[Any, Any], None], ...]) -> Callable[[Any, Any], None]:
    """``__setstate__`` for these slots, written out: one unpacking and one call per slot.

    A loop over the slots was most of a warm load's time in Python (a 100,000-event log
    restores about 300,000 objects); code without the loop takes about a sixth less.
    The unpacking, like ``zip(strict=True)``, refuses a state of another length.
    """
    values = ", ".join(f"v{i}" for i in range(len(setters)))
    calls = "".join(f"    s{i}(self, v{i})\n" for i in range(len(setters)))
    source = f"def __setstate__(self, state):\n    {values}, = state\n{calls}"
    scope: dict[str, Any] = {f"s{i}": setter for i, setter in enumerate(setters)}
    exec(source, scope)  # code made here from slot numbers alone
    setstate: Callable[[Any, Any], None] = scope["__setstate__"]
    return setstate
