"""``reports/briefs.atom``: the series as an Atom feed, read back by a feed reader (feedparser)."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser

from briefer.series.feed import ENTRIES, atom_feed
from briefer.series.manifest import ReportRecord
from tests.helpers import MINIMAL, run_cli, write

LOG = (
    MINIMAL
    + """\
  - id: second
    date: 2023-11-20
    title: "Second <thing> & more"
    significance: 5
    sources: [s1]
"""
)


def _render(project: Path, as_of: str, *extra: str) -> None:
    done = run_cli("render", "--as-of", as_of, *extra, cwd=project)
    assert done.returncode == 0, done.stderr


def test_the_feed_lists_the_series_newest_first(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", LOG)
    _render(tmp_path, "2023-09-30T09:00", "--since", "2023-09-01")
    feed_file = tmp_path / "reports" / "briefs.atom"
    first = feedparser.parse(feed_file.read_bytes())
    assert first.bozo == 0, first.bozo_exception
    (only,) = first.entries
    _render(tmp_path, "2023-11-22T09:00", "--html")
    feed = feedparser.parse(feed_file.read_bytes())
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Test log: situation briefs"
    assert [e.title for e in feed.entries] == [
        "Test log — Report 2 — 220800Z NOV 23",
        "Test log — Report 1 — 300700Z SEP 23",
    ]
    newest, oldest = feed.entries
    assert oldest.id == only.id  # ids stay put when the feed is written again
    assert newest.id != oldest.id
    assert newest.id.startswith("urn:uuid:")
    assert newest.updated == "2023-11-22T08:00:00Z"
    assert feed.feed.updated == newest.updated
    assert newest.summary == "Second <thing> & more (20 Nov 2023)"
    assert oldest.summary == "Something happened (24 Sep 2023)"
    assert [(link.type, link.href) for link in newest.links] == [
        ("text/html", "2023-11-22-test-log.html"),
        ("text/markdown", "2023-11-22-test-log.md"),
    ]
    # The manifest holds what the feed is made from.
    manifest = json.loads((tmp_path / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"][1]["subject"] == newest.title
    assert manifest["reports"][1]["bluf"] == [newest.summary]
    # The same brief written again is the same entry; the bytes do not change.
    before = feed_file.read_bytes()
    _render(tmp_path, "2023-11-22T09:00", "--html")
    assert feed_file.read_bytes() == before


def test_the_feed_keeps_the_newest_and_old_records_still_make_entries() -> None:
    records = [
        ReportRecord(
            number=n,
            log="test-log",
            as_of=1700000000 + n * 86400,
            period_start=1700000000,
            outputs=(f"reports/{n}.md", f"reports/{n}.pdf", f"reports/{n}-timeline.svg"),
            input_hash="sha256:0",
        )
        for n in range(1, ENTRIES + 6)
    ]
    feed = feedparser.parse(atom_feed(records, title="T & <t>", slug="test-log"))
    assert feed.bozo == 0
    assert feed.feed.title == "T & <t>: situation briefs"
    assert len(feed.entries) == ENTRIES
    assert feed.entries[0].title == f"test-log — Report {ENTRIES + 5}"
    assert feed.entries[-1].title == "test-log — Report 6"
    assert [link.type for link in feed.entries[0].links] == ["application/pdf", "text/markdown"]
    empty = feedparser.parse(atom_feed([], title="T", slug="t"))
    assert empty.bozo == 0
    assert empty.entries == []
