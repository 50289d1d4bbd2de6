"""The watch-list rule, shared by the brief and the browser (SPEC §5 item 6)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from briefer.model import EventLog
from briefer.watch import watch_events
from tests.helpers import load_valid, write

LOG = """\
briefer: 1
title: Watch
timezone: UTC
horizon: 10d
sources:
  - {id: s, title: S}
events:
  - {id: before-period, date: 2023-10-01, title: Old deadline, kind: deadline, sources: [s]}
  - {id: passed, date: 2023-11-10, title: Passed deadline, kind: deadline, sources: [s]}
  - {id: running, date: 2023-11-18/2023-11-25, title: Summit, kind: scheduled, sources: [s]}
  - {id: at-as-of, date: "2023-11-20T12:00", title: Due now, kind: deadline, sources: [s]}
  - {id: no-watch, date: 2023-11-21, title: A clash, kind: incident, sources: [s]}
  - {id: soon, date: 2023-11-23, title: Soon, kind: deadline, sources: [s]}
  - {id: edge, date: "2023-11-30T12:00", title: At the horizon, kind: scheduled, sources: [s]}
  - {id: beyond, date: 2023-12-15, title: Beyond, kind: deadline, sources: [s]}
"""

AS_OF = int(datetime(2023, 11, 20, 12, tzinfo=UTC).timestamp())
PERIOD = int(datetime(2023, 11, 1, tzinfo=UTC).timestamp())


def load(tmp_path: Path) -> EventLog:
    return load_valid(write(tmp_path / "events.yaml", LOG))


def test_upcoming_is_after_as_of_within_the_horizon_and_passed_is_in_the_period(
    tmp_path: Path,
) -> None:
    log = load(tmp_path)
    found = watch_events(log.events, as_of=AS_OF, period_start=PERIOD, horizon=log.horizon)
    assert [e.id for e in found.upcoming] == ["soon", "edge"]
    # Still running at as-of, or due at as-of exactly: no longer ahead, so passed.
    assert [e.id for e in found.passed] == ["passed", "running", "at-as-of"]


def test_nothing_to_watch(tmp_path: Path) -> None:
    log = load(tmp_path)
    found = watch_events(log.events, as_of=AS_OF, period_start=AS_OF, horizon=0)
    assert (found.upcoming, [e.id for e in found.passed]) == ((), ["at-as-of"])
