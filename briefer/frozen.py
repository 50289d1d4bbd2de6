"""Fast pickling for the frozen, slotted dataclasses a log is made of.

A 100,000-event log is about 600,000 small objects. For frozen dataclasses with
``slots=True`` the standard library unpickles each one through a generic
``__setstate__`` that looks up the class's fields for every object; that alone
took 2.5 s of a 3 s warm load. ``fast_pickle`` gives a class a state that is a
plain tuple of its field values, restored straight through the slot descriptors.

That state is a tuple, and a pickle keeps every tuple it restores until the
whole load is done, so that a later reference to it could be resolved: one per
object, freed together at the end, and left as holes among the objects that
stay (about 30 MB of a 100,000-event log, never given back). :class:`Columns`
pickles a long list of such objects as one list per field instead.
"""

from __future__ import annotations

import dataclasses
import operator
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import accumulate, chain
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["CHUNK", "Codec", "Columns", "Texts", "fast_pickle", "from_columns", "made", "maker"]
__all__ += ["packing", "special_columns"]

T = TypeVar("T")

#: Each fast_pickle class's field names, and a function making one from its field values.
_MAKERS: dict[type, tuple[tuple[str, ...], Callable[..., Any]]] = {}


class Codec(Protocol):
    """How :class:`Columns` pickles one field of a class (:func:`special_columns`): ``of``
    makes a column of the values (picklable, sized, iterable as the values again, and
    emptied by ``clear``)."""

    def of(self, values: Iterable[Any]) -> Any:
        """The column of these values."""
        ...


#: The fields of a class that :class:`Columns` pickles otherwise than as a list.
_SPECIAL: dict[type, dict[str, Codec]] = {}

#: A chunk's columns → its objects, made otherwise than :func:`from_columns` would (see
#: :func:`packing`), by class.
Packer = Callable[[tuple[Any, ...]], list[Any]]
_PACKERS: ContextVar[Mapping[type, Packer] | None] = ContextVar("packers", default=None)


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
    _MAKERS[cls] = (names, maker(cls, setters))
    return cls


#: Objects a :class:`Columns` pickles together (see there).
CHUNK = 2048


class Columns(Generic[T]):
    """A sequence of one fast_pickle class's objects, to be pickled as one list per field.

    It unpickles as a plain list of the objects. Values the objects share (one
    date for a day's events) are still pickled once. The lists are cut into
    chunks of :data:`CHUNK` objects, each made into its objects before the next
    is read: unpickling a list of 100,000 strings is tens of milliseconds of C
    that holds the interpreter's lock, and a browser reading its log in a thread
    would freeze that long.
    """

    __slots__ = ("cls", "items")

    def __init__(self, cls: type[T], items: Sequence[T]) -> None:
        self.cls = cls
        self.items = items

    def __reduce__(self) -> tuple[Callable[..., list[T]], tuple[tuple[_Chunk[T], ...]]]:
        items = self.items
        chunks = (_Chunk(self.cls, items[i : i + CHUNK]) for i in range(0, len(items), CHUNK))
        return _joined, (tuple(chunks),)


class _Chunk(Generic[T]):
    """One chunk of a :class:`Columns`: it unpickles as a list of its objects."""

    __slots__ = ("cls", "items")

    def __init__(self, cls: type[T], items: Sequence[T]) -> None:
        self.cls = cls
        self.items = items

    def __reduce__(self) -> tuple[Callable[..., list[T]], tuple[type[T], tuple[Any, ...]]]:
        names, _make = _MAKERS[self.cls]
        special = _SPECIAL.get(self.cls, {})
        columns = tuple(
            special[name].of(values) if name in special else list(values)
            for name in names
            for values in [map(operator.attrgetter(name), self.items)]
        )
        return from_columns, (self.cls, columns)


class Texts:
    """A column of strings as one UTF-8 buffer and where each string ends.

    Pickled as two flat values rather than a string object each, and emptied
    once read (:func:`from_columns`): a column of long strings that a program
    keeps otherwise (the browser compresses summaries) is never held as strings.
    """

    __slots__ = ("data", "ends")

    def __init__(self, data: bytearray, ends: array[int]) -> None:
        self.data = data
        self.ends = ends

    @classmethod
    def of(cls, texts: Iterable[str]) -> Texts:
        """The column of these strings."""
        encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        return cls(bytearray(b"".join(encoded)), array("I", accumulate(map(len, encoded))))

    def __len__(self) -> int:
        return len(self.ends)

    def __iter__(self) -> Iterator[str]:
        data, start = self.data, 0
        for end in self.ends:
            yield data[start:end].decode("utf-8", "surrogatepass")
            start = end

    def clear(self) -> None:
        """Let go of the buffer."""
        del self.data[:]
        del self.ends[:]

    def __reduce__(self) -> tuple[type[Texts], tuple[bytearray, array[int]]]:
        return Texts, (self.data, self.ends)


def special_columns(cls: type, **codecs: Codec) -> None:
    """Have :class:`Columns` pickle these fields of ``cls`` through their codecs (as
    ``summary=Texts``)."""
    _SPECIAL[cls] = codecs


def _joined(chunks: tuple[list[T], ...]) -> list[T]:
    """The chunks' objects, in order, in one list."""
    if not all(isinstance(chunk, list) for chunk in chunks):
        raise ValueError("chunks of objects expected")
    return list(chain.from_iterable(chunks))


def from_columns(cls: type[T], columns: tuple[Any, ...]) -> list[T]:
    """The objects of one chunk; ValueError if the columns do not fit ``cls``.

    The columns (lists, or a :class:`Codec`'s) are emptied: the unpickler would keep
    every list it made until the whole load is done (13 MB at 100,000 events), and
    only the objects are needed.
    """
    names, make = _MAKERS[cls]
    if len(columns) != len(names) or len({len(c) for c in columns}) > 1:
        raise ValueError(f"columns of {len(names)} fields expected")
    packers = _PACKERS.get()
    packer = None if packers is None else packers.get(cls)
    objects = list(map(make, *columns)) if packer is None else packer(columns)
    for column in columns:
        column.clear()
    return objects


def made(cls: type[T], values: Sequence[Any]) -> T:
    """One ``cls`` of these field values, in order (what unpickles one of a subclass)."""
    return _MAKERS[cls][1](*values)  # type: ignore[no-any-return]


@contextmanager
def packing(cls: type[T], packer: Packer) -> Iterator[None]:
    """Within: the objects of ``cls`` that :class:`Columns` unpickle (in this thread or
    context) are made by ``packer``, from their chunk's columns, which it must not keep."""
    token = _PACKERS.set({**(_PACKERS.get() or {}), cls: packer})
    try:
        yield
    finally:
        _PACKERS.reset(token)


def maker(cls: type[T], setters: Sequence[Callable[[Any, Any], None]]) -> Callable[..., T]:
    """A function of one value for each setter, in order, making one ``cls`` (no
    ``__init__``): ``setters`` are its slots' descriptors' ``__set__``."""
    values = ", ".join(f"v{i}" for i in range(len(setters)))
    make: Callable[..., T] = _written(
        f"make({values})", "self = new(cls)", setters, "return self", new=object.__new__, cls=cls
    )
    return make


def _written(
    signature: str,
    first: str,
    setters: Sequence[Callable[[Any, Any], None]],
    last: str,
    **names: Any,
) -> Callable[..., Any]:
    """The function ``signature`` written out: ``first``, one ``s{i}(self, v{i})`` call for
    each setter, then ``last``; ``names`` are in its scope."""
    lines = [first, *(f"s{i}(self, v{i})" for i in range(len(setters))), last]
    source = f"def {signature}:\n" + "".join(f"    {line}\n" for line in lines if line)
    scope: dict[str, Any] = {f"s{i}": setter for i, setter in enumerate(setters)} | names
    exec(source, scope)  # code made here from slot numbers alone
    function: Callable[..., Any] = scope[signature.partition("(")[0]]
    return function


def _setstate(setters: tuple[Callable[[Any, Any], None], ...]) -> Callable[[Any, Any], None]:
    """``__setstate__`` for these slots, written out: one unpacking and one call per slot.

    A loop over the slots was most of a warm load's time in Python (a 100,000-event log
    restores about 300,000 objects); code without the loop takes about a sixth less.
    The unpacking, like ``zip(strict=True)``, refuses a state of another length.
    """
    values = ", ".join(f"v{i}" for i in range(len(setters)))
    setstate: Callable[[Any, Any], None] = _written(
        "__setstate__(self, state)", f"{values}, = state", setters, ""
    )
    return setstate
