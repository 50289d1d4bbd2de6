"""The browser's search index selects exactly what the query language's own filter does."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.model import EventLog
from briefer.query import FIELDS, parse_log_query
from briefer.tui.search import FIELD_ATTRS, SearchIndex
from tests.helpers import NOW, generate_log, load_valid

LOGS = Path(__file__).parent / "data" / "logs"
SHIPPED = Path(__file__).parent.parent / "events.yaml"


def field_queries(log: EventLog) -> list[str]:
    """Terms on every grouped field, with values taken from the log, plain and negated."""
    events = log.events
    tag = next((t for e in events for t in e.tags), "none")
    actor = next((a for e in events for a in e.actors), "none")
    place = next((e.location.name for e in events if e.location is not None), "none")
    source = next((c.source for e in events for c in e.sources), "none")
    kind = next((e.kind for e in events if e.kind is not None), "incident")
    terms = [
        f"tag:{tag}",
        f"kind:{kind}",
        f'actor:"{actor.split()[0]}"',
        f'place:"{place[:4]}"',
        f"source:{source}",
        "grade:B2",
        "grade:A",
        "grade:3",
        "reliability<=B",
        "credibility<=2",
        "after:2023-10",
        "before:2023-10-01",
        "sig>=4",
        "sig<3",
        "conf:high",
        "conf:moderate",
    ]
    terms += [f"indicator:{i}" for i in log.indicators]
    queries = [*terms, *(f"-{t}" for t in terms)]
    queries += [f"{t} kosovo" for t in terms] + [f"-{t} -police" for t in terms]
    return queries


@pytest.mark.parametrize("path", [SHIPPED, LOGS / "tradecraft.yaml", LOGS / "tui.yaml"])
def test_the_index_selects_what_the_query_filters(path: Path) -> None:
    log = load_valid(path)
    index = SearchIndex(log.events)  # groups built as queries ask for them
    built = SearchIndex(log.events)
    built.build_groups()  # as the browser does once a log is shown
    assert set(built.groups) == set(FIELD_ATTRS.values())
    every = list(range(len(log.events)))
    seen_fields: set[str] = set()
    for text in field_queries(log):
        query = parse_log_query(text, log, now=NOW)
        seen_fields.update(t.field for t in query.terms if t.field)
        expected = [i for i, e in enumerate(log.events) if query.matches(e)]
        assert index.select(query, None) == expected, text
        assert built.select(query, None) == expected, text
        assert index.select(query, every) == expected, text
        assert index.select(query, every[1::2]) == [i for i in expected if i % 2], text
    if log.indicators:
        assert seen_fields == set(FIELD_ATTRS)


def test_every_field_reads_what_the_index_groups_by() -> None:
    # A field left out is tested event by event (only id:, whose values are all distinct).
    assert set(FIELD_ATTRS) | {"id"} == set(FIELDS)


def test_equal_values_in_distinct_objects_share_a_group() -> None:
    log = load_valid(LOGS / "tui.yaml")
    index = SearchIndex(log.events)
    tags = index.group("tags")
    for i, event in enumerate(log.events):
        first = log.events[tags.of[i]]
        assert first.tags == event.tags
        assert tags.of[i] <= i


def test_an_empty_filter_shows_every_event_after_many_others() -> None:
    from briefer.tui.view import RECENT, LogView

    log = load_valid(SHIPPED)
    view = LogView(log, NOW)
    for n in range(RECENT + 5):  # more than the recent results kept
        view.apply(f"kosovo {n}", now=NOW)
    for text in ("", "  "):
        outcome = view.apply(text, now=NOW)
        assert outcome.error is None
        assert outcome.shown is not None
        assert list(outcome.shown) == list(range(len(log.events)))
    query = parse_log_query("", log, now=NOW)
    matching = [i for i, e in enumerate(log.events) if query.matches(e)]
    shown = view.apply("", now=NOW).shown
    assert shown is not None
    assert list(shown) == matching


def test_recent_results_hold_a_few_logs_worth_of_indices_and_narrow_the_same() -> None:
    from briefer.tui.view import RECENT_SIZE, LogView

    log = load_valid(SHIPPED)
    view = LogView(log, NOW)
    wide = ["-zzz", "-zzy", "-zzx", "-zzw", "-zzv", "-zzu", "k", "ko", "kos"]
    for text in wide:  # each of the first six shows every event
        view.apply(text, now=NOW)
    held = [s for s in view._recent.values() if not isinstance(s, range)]
    assert sum(map(len, held)) <= RECENT_SIZE * len(view)
    assert "kos" in view._recent  # the newest stays
    assert "-zzz" not in view._recent  # the oldest went
    shown = view.apply("kosovo", now=NOW).shown
    assert shown is not None
    query = parse_log_query("kosovo", log, now=NOW)
    assert list(shown) == [i for i, e in enumerate(log.events) if query.matches(e)]


def test_every_event_id_finds_its_own_index(tmp_path: Path) -> None:
    from briefer.tui.view import LogView

    log = load_valid(generate_log(3000, tmp_path / "events.yaml"))  # many events a day
    view = LogView(log, NOW)
    assert [view.index_by_id[e.id] for e in log.events] == list(range(len(log.events)))
    assert len(view.index_by_id) == len(log.events)
    assert set(view.index_by_id) == {e.id for e in log.events}
    assert "no-such-event" not in view.index_by_id
    assert view.index_by_id.get("no-such-event", -1) == -1
    not_an_id: object = 7
    assert not_an_id not in view.index_by_id
    with pytest.raises(KeyError):
        view.index_by_id["no-such-event"]
    # The view's own table: the log's dict of every event by id is never made.
    assert view.event(log.events[-1].id) is log.events[-1]
    assert "by_id" not in vars(log)


def test_groups_built_in_slices_are_the_groups_built_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from briefer.tui import search

    log = load_valid(LOGS / "tradecraft.yaml")
    pauses: list[int] = []
    monkeypatch.setattr(search, "_SLICE", 3)
    monkeypatch.setattr(search, "_yield", lambda: pauses.append(1))
    sliced = SearchIndex(log.events)
    sliced.build_groups()
    whole = SearchIndex(log.events)
    for attr in set(FIELD_ATTRS.values()):
        assert sliced.groups[attr].of == whole.group(attr).of, attr
        assert sliced.groups[attr].firsts == whole.group(attr).firsts, attr
    assert len(pauses) >= len(set(FIELD_ATTRS.values())) * (len(log.events) // 3)


@pytest.mark.parametrize("text", ["before:7d", "-after:7d", "before:now"])
def test_a_recent_result_that_moves_with_the_clock_holds_only_for_its_second(
    tmp_path: Path, text: str
) -> None:
    from briefer.tui.view import LogView

    log = load_valid(generate_log(3000, tmp_path / "events.yaml"))
    middle = log.events[len(log.events) // 2].date.earliest
    assert middle is not None
    # The clock when the bound (now, or 7 days back) lay an hour before the middle event;
    # then a month on, when more events lie before it.
    then = middle - 3600 + (7 * 86400 if "7d" in text else 0)
    later = then + 30 * 86400
    view = LogView(log, NOW)
    early = view.apply(text, now=then).shown
    assert early is not None
    for typed in (text, text + " k"):  # again, and refined
        shown = view.apply(typed, now=later).shown
        fresh = LogView(log, NOW).apply(typed, now=later).shown
        assert shown is not None
        assert fresh is not None
        assert list(shown) == list(fresh), typed
    assert len(view.apply(text, now=later).shown or ()) > len(early)
    # Within its second, a result narrows the next as any does; after it, not.
    assert view._candidates(text + " x", later) is view._recent[text]
    assert view._candidates(text + " x", later + 1) is view._all
