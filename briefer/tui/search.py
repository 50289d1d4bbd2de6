"""The browser's search index: what a filter keystroke reads instead of the events.

Built once per load, off the event loop (:class:`~briefer.tui.view.LogView`):

- each event's search text (``Event.haystack``, in ``search_form``), in one flat list;
- for each query field (after the log is shown: :meth:`SearchIndex.build_groups`,
  or at its first query if that comes sooner), the events grouped by the one
  attribute its predicate
  reads (:data:`FIELD_ATTRS`): a term is then tested once per distinct value
  (a few hundred tag sets, a few kinds) rather than once per event, and the
  events are kept through a flat table of group numbers. Values whose hash is
  computed in Python (dates, places, citations, confidence) are grouped by
  identity instead: the loader shares equal ones, and hashing 100,000 of them
  would cost more than it saves.
"""

from __future__ import annotations

import operator
import time
from array import array
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from briefer.model import Event
    from briefer.query import Query

__all__ = ["FIELD_ATTRS", "STEP", "SearchIndex", "finish"]

T = TypeVar("T")

#: Query field → the event attribute its predicate reads, and nothing else
#: (see ``briefer/query/fields.py``). A field not here is tested event by event.
FIELD_ATTRS: dict[str, str] = {
    "tag": "tags",
    "kind": "kind",
    "actor": "actors",
    "place": "location",
    "source": "sources",
    "grade": "sources",
    "reliability": "sources",
    "credibility": "sources",
    "after": "date",
    "before": "date",
    "sig": "significance",
    "conf": "confidence",
    "indicator": "indicators",
}
#: Attributes grouped by equal value (strings, numbers and tuples of strings hash in C).
_BY_VALUE = frozenset({"tags", "kind", "actors", "significance", "indicators"})
#: Events grouped at a time between pauses (a few milliseconds' work).
_SLICE = 5000
#: Events a filter tests between pauses (~5 ms of searching texts, at the most).
STEP = 10_000
#: Groups of equal values a filter tests between pauses (a few milliseconds' work).
GROUP_STEP = 2_000


def _yield() -> None:
    time.sleep(0)  # lets another thread take the interpreter's lock


class _Groups:
    """The events grouped by equal values (or the same object) of one attribute.

    A group is numbered by its first event's index, so building it is a few
    passes in C: no Python code runs per event.
    """

    def __init__(
        self, events: Sequence[Event], attr: str, pause: Callable[[], None] | None = None
    ) -> None:
        get = operator.attrgetter(attr)
        number: dict[object, int] = {}
        #: The group of each event: the index of the first event with its value.
        self.of = array("I")
        # In slices, with ``pause`` between them: a pass in C holds the interpreter's
        # lock throughout, and a thread building the groups would freeze the screen.
        step = len(events) if pause is None else _SLICE
        for start in range(0, len(events), max(step, 1)):
            values = map(get, events[start : start + step])
            keys = values if attr in _BY_VALUE else map(id, values)
            self.of.extend(map(number.setdefault, keys, range(start, len(events))))
            if pause is not None:
                pause()
        #: Each group's first event, ascending (flat: a group of each of 50,000 places
        #: would otherwise keep as many int objects).
        self.firsts = array("I", sorted(number.values()))
        self.events = events

    def passing(self, pred: Callable[[Event], bool]) -> Generator[None, None, bytearray]:
        """By event index: 1 at each group's first event if its events satisfy ``pred``;
        pausing (yielding) after each :data:`GROUP_STEP` groups (tens of thousands of
        places or dates take tens of milliseconds)."""
        ok = bytearray(len(self.of))
        events, firsts = self.events, self.firsts
        for start in range(0, len(firsts), GROUP_STEP):
            for first in firsts[start : start + GROUP_STEP]:
                if pred(events[first]):
                    ok[first] = 1
            yield
        return ok


class SearchIndex:
    """Search texts and per-attribute groups of a log's events; :meth:`select` uses them."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.events = events
        self.texts: list[str] = [e.haystack for e in events]
        #: Attribute → its groups, as they are built.
        self.groups: dict[str, _Groups] = {}

    def group(self, attr: str) -> _Groups:
        """The events grouped by ``attr`` (built at the first call)."""
        found = self.groups.get(attr)
        if found is None:  # two threads may both build it: the same groups either way
            found = self.groups[attr] = _Groups(self.events, attr)
        return found

    def build_groups(self) -> None:
        """Group the events by every field's attribute (a fifth of a large log's view: it
        runs once the log is shown, in a thread, so that it delays neither a first paint
        nor a reload; it lets the screen have the interpreter every few milliseconds)."""
        for attr in sorted(set(FIELD_ATTRS.values())):
            if attr not in self.groups:
                self.groups[attr] = _Groups(self.events, attr, pause=_yield)

    def tester(self, query: Query) -> Callable[[int], bool]:
        """Whether the event at an index matches ``query``, one event at a time: for a few
        thousand events (see ``LogView.peek``), where :meth:`select`'s passes cost more."""
        checks = [
            # Free text on the flat list of texts, as select does; a field's predicate is
            # negated already for a negated term.
            self._text_test(term.needle, term.negate)
            if term.field is None
            else self._event_test(pred)
            for term, pred in zip(query.terms, query.predicates, strict=True)
        ]
        if len(checks) == 1:
            return checks[0]

        def test(i: int) -> bool:
            return all(check(i) for check in checks)

        return test

    def _text_test(self, low: str, negate: bool) -> Callable[[int], bool]:
        texts = self.texts

        def test(i: int) -> bool:
            return (low in texts[i]) != negate

        return test

    def _event_test(self, pred: Callable[[Event], bool]) -> Callable[[int], bool]:
        events = self.events

        def test(i: int) -> bool:
            return pred(events[i])

        return test

    def select(self, query: Query, candidates: Sequence[int] | None) -> list[int]:
        """Indices (ascending) of the events among ``candidates`` (default: all) matching.

        :meth:`Query.select`, with the terms reordered (every term must match, so
        the order does not change the result): free text first, on the flat list
        of texts, negated too; then the other terms, through their field's groups
        (or event by event for a field without them), on what is left.
        """
        return finish(self.selecting(query, candidates))

    def selecting(
        self, query: Query, candidates: Sequence[int] | None
    ) -> Generator[None, None, list[int]]:
        """:meth:`select`, pausing (yielding) after each :data:`STEP` events it tests: a
        filter of 100,000 events takes up to ~50 ms of searching their texts, which the
        browser does between keystrokes and frames rather than all at once."""
        texts = self.texts
        picked: Sequence[int] = range(len(texts)) if candidates is None else candidates
        terms = sorted(
            zip(query.terms, query.predicates, strict=True), key=lambda t: t[0].field is not None
        )
        for term, pred in terms:
            keep = yield from self._keeper(term.field, term.needle, term.negate, pred)
            left: list[int] = []
            for start in range(0, len(picked), STEP):
                left += keep(picked[start : start + STEP])
                yield
            picked = left
        return list(picked)

    def _keeper(
        self, field: str | None, needle: str, negate: bool, pred: Callable[[Event], bool]
    ) -> Generator[None, None, Callable[[Sequence[int]], list[int]]]:
        """What keeps, of some events' indices, those passing one term (made in steps)."""
        if field is None:
            texts = self.texts
            if negate:
                return lambda part: [i for i in part if needle not in texts[i]]
            return lambda part: [i for i in part if needle in texts[i]]
        attr = FIELD_ATTRS.get(field)
        if attr is not None:
            groups = self.group(attr)
            ok, of = (yield from groups.passing(pred)), groups.of

            def grouped(part: Sequence[int]) -> list[int]:
                if isinstance(part, range):  # the whole log's: the table read in order
                    return [
                        i for i, g in enumerate(of[part.start : part.stop], part.start) if ok[g]
                    ]
                return [i for i in part if ok[of[i]]]

            return grouped
        events = self.events
        return lambda part: [i for i in part if pred(events[i])]


def finish(steps: Generator[None, None, T]) -> T:
    """What a stepwise computation (such as :meth:`SearchIndex.selecting`) gives, run through."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: T = done.value
            return result
