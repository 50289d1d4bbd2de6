"""The feed inbox (SPEC §8): real feeds from a real HTTP server on 127.0.0.1, real SQLite."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from briefer import __version__
from briefer.inbox.http import FetchError, Limits, get
from tests.feedserver import FeedServer, feed_server
from tests.helpers import PYTHON, child_env, load_valid, run_cli, write

HEADER = """\
briefer: 1
title: Inbox test log
timezone: Europe/Belgrade
capture: events.d/
include: [events.d/*.yaml]
feeds:
{feeds}
sources:
  - id: s1
    title: Talks report
    url: {base}/news/talks
events:
  - id: first
    date: 2023-09-24
    title: Something happened
    sources: [s1]
"""


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def log_with(tmp_path: Path, server: FeedServer, **feeds: str) -> Path:
    lines = "\n".join(
        f"  - {{id: {fid}, url: '{server.url(path)}'}}" for fid, path in feeds.items()
    )
    return write(tmp_path / "events.yaml", HEADER.format(feeds=lines, base=server.base))


def inbox(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    return run_cli("inbox", *args, cwd=tmp_path, env=env)


def rows(tmp_path: Path, *args: str) -> list[dict[str, object]]:
    done = inbox(tmp_path, "list", "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    records: list[dict[str, object]] = json.loads(done.stdout)
    return records


def db(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / ".briefer" / "inbox.sqlite")


def test_fetch_stores_rss_and_atom_with_dates_in_the_logs_zone(
    tmp_path: Path, server: FeedServer
) -> None:
    log_with(tmp_path, server, wire="/rss.xml", observer="/atom.xml")
    done = inbox(tmp_path, "fetch")
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == ["observer: 2 new items", "wire: 3 new items"]
    got = {r["title"]: r for r in rows(tmp_path)}
    kfor = got["KFOR increases patrols near Jarinje"]
    assert (kfor["published"], kfor["precision"]) == ("2023-11-22T08:30", "minute")  # 07:30 GMT
    assert kfor["summary"] == "Patrols were increased."
    assert got["Plates agreement announced"]["published"] == "2023-11-20T09:00"  # 10:00+02:00
    assert (got["Census scheduled"]["published"], got["Census scheduled"]["precision"]) == (
        "2023-11-18",
        "day",
    )
    assert got["No date on this one"]["published"] is None
    assert got["Talks resume in Brussels"]["in_log"] is True
    assert kfor["in_log"] is False
    # Newest first; the undated last.
    assert next(r["title"] for r in rows(tmp_path)) == "KFOR increases patrols near Jarinje"
    assert [r["title"] for r in rows(tmp_path)][-1] == "No date on this one"
    table = inbox(tmp_path)
    assert table.returncode == 0
    assert any("in log" in line and "Talks resume" in line for line in table.stdout.splitlines())


def test_every_request_names_briefer_and_a_304_stores_nothing_new(
    tmp_path: Path, server: FeedServer
) -> None:
    log_with(tmp_path, server, cond="/conditional.xml")
    first = inbox(tmp_path, "fetch")
    assert (first.returncode, first.stdout) == (0, "cond: 3 new items\n")
    [seen] = server.requests("/conditional.xml")
    assert seen.headers["User-Agent"] == f"briefer/{__version__} (feed inbox)"
    assert seen.headers.get("If-None-Match") is None
    assert seen.headers.get("If-Modified-Since") is None
    with db(tmp_path) as conn:
        stored = conn.execute("SELECT etag, last_modified FROM feeds").fetchall()
        count = conn.execute("SELECT count(*) FROM items").fetchone()
    assert stored == [('"v1"', "Wed, 22 Nov 2023 08:00:00 GMT")]
    second = inbox(tmp_path, "fetch")
    assert (second.returncode, second.stdout) == (0, "cond: not modified\n")
    again = server.requests("/conditional.xml")[1]
    assert again.headers["If-None-Match"] == '"v1"'
    assert again.headers["If-Modified-Since"] == "Wed, 22 Nov 2023 08:00:00 GMT"
    assert again.headers["User-Agent"] == f"briefer/{__version__} (feed inbox)"
    with db(tmp_path) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == count
        assert conn.execute("SELECT etag, last_modified FROM feeds").fetchall() == stored


def test_items_are_deduplicated_across_feeds_and_fetches(
    tmp_path: Path, server: FeedServer
) -> None:
    log_with(tmp_path, server, wire="/rss.xml", same="/conditional.xml")
    assert inbox(tmp_path, "fetch").returncode == 0
    assert inbox(tmp_path, "fetch", "--feed", "wire").stdout == "wire: 0 new items\n"
    with db(tmp_path) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (3,)


def test_bad_feeds_are_one_line_each_and_the_rest_is_stored(
    tmp_path: Path, server: FeedServer
) -> None:
    log_with(
        tmp_path,
        server,
        good="/atom.xml",
        sloppy="/malformed.xml",
        html="/not-a-feed",
        huge="/huge.xml",
        loop="/loop",
        tofile="/to-file",
        gone="/missing",
    )
    done = inbox(tmp_path, "fetch")
    assert done.returncode == 1
    errors = sorted(done.stderr.splitlines())
    url = server.url
    assert errors == sorted(
        [
            f"briefer: error: feed 'html' ({url('/not-a-feed')}): not an RSS or Atom feed "
            "(text/html is not an XML media type)",
            f"briefer: error: feed 'huge' ({url('/huge.xml')}): response is larger than 10 MiB",
            f"briefer: error: feed 'loop' ({url('/loop')}): more than 5 redirects",
            f"briefer: error: feed 'tofile' ({url('/to-file')}): refused address "
            "'file:///etc/passwd': scheme 'file' is not allowed (only http:// and https:// links)",
            f"briefer: error: feed 'gone' ({url('/missing')}): HTTP 404 Not Found",
            "briefer: warning: feed 'sloppy': malformed feed (<unknown>:2:42: undefined entity); "
            "kept 1 usable item",
            "briefer: error: 5 of 7 feeds failed",
        ]
    )
    # Six redirects followed (the first request and five more), then no more.
    assert [s.path for s in server.seen if s.path.startswith("/loop")] == [
        "/loop",
        *(f"/loop{n}" for n in range(1, 6)),
    ]
    titles = sorted(str(r["title"]) for r in rows(tmp_path))
    assert titles == [
        "Bridge reopened & traffic flows",
        "Census scheduled",
        "Plates agreement announced",
    ]


def test_client_limits_and_redirects(server: FeedServer) -> None:
    moved = get(server.url("/moved"))
    assert (moved.status, moved.url) == (200, server.url("/atom.xml"))
    with pytest.raises(FetchError, match="larger than 0 MiB"):
        get(server.url("/rss.xml"), limits=Limits(max_bytes=100))
    with pytest.raises(FetchError, match="more than 2 redirects"):
        get(server.url("/loop"), limits=Limits(max_redirects=2))
    with pytest.raises(FetchError, match="scheme 'ftp' is not allowed"):
        get("ftp://127.0.0.1/feed")
    server.release.clear()
    with pytest.raises(FetchError, match="timed out"):
        get(server.url("/stall"), limits=Limits(read_timeout=0.2))
    server.release.set()


HOSTILE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY leak SYSTEM "file:///etc/hostname">]>
<rss version="2.0"><channel><title>Hostile</title>
<item><title>Safe &amp; sound
events:
  - id: injected
    title: "boom" &amp;a *b !!python/object:os.system</title>
<link>{base}/hostile/1</link><guid>h-1</guid><pubDate>Wed, 22 Nov 2023 07:30:00 GMT</pubDate>
<description>&lt;script&gt;alert(1)&lt;/script&gt;Text &amp;leak; here</description></item>
<item><title>Leak: &leak;</title><link>javascript:alert(1)</link><guid>h-2</guid></item>
</channel></rss>
"""


def test_feed_text_cannot_change_the_written_file(tmp_path: Path, server: FeedServer) -> None:
    log = log_with(tmp_path, server, hostile="/hostile.xml")
    body = HOSTILE.format(base=server.base).encode()
    server.routes["/hostile.xml"] = (200, {"Content-Type": "application/rss+xml"}, body)
    fetched = inbox(tmp_path, "fetch")
    assert fetched.returncode == 0
    assert "briefer: warning: feed 'hostile': malformed feed" in fetched.stderr
    got = {r["item"]: r for r in rows(tmp_path)}
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    for record in got.values():
        assert "\n" not in str(record["title"])
        assert "<script" not in str(record["summary"])
        if hostname:
            assert hostname not in json.dumps(record)
    leak = next(r for r in got.values() if str(r["title"]).startswith("Leak"))
    assert leak["link"] is None  # not an http(s) address
    first = next(n for n, r in got.items() if str(r["title"]).startswith("Safe"))
    done = inbox(tmp_path, "accept", str(first))
    assert done.returncode == 0, done.stderr
    [path] = (tmp_path / "events.d").glob("*.yaml")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(doc) == ["sources", "events"]
    assert len(doc["events"]) == 1
    loaded = load_valid(log)
    assert "injected" not in loaded.by_id
    event = loaded.by_id[done.stdout.split()[1]]
    assert event.title == (
        'Safe & sound events: - id: injected title: "boom" &a *b !!python/object:os.system'
    )


def test_accept_goes_the_way_of_add(tmp_path: Path, server: FeedServer) -> None:
    log = log_with(tmp_path, server, wire="/rss.xml")
    assert inbox(tmp_path, "fetch").returncode == 0
    item = next(r for r in rows(tmp_path) if str(r["title"]).startswith("KFOR"))
    done = inbox(tmp_path, "accept", str(item["item"]), "--tag", "kfor", "--sig", "4")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "events.d/2023-11-22-kfor-increases-patrols-near-jarinje.yaml "
        "2023-11-22-kfor-increases-patrols-near-jarinje\n"
    )
    loaded = load_valid(log)
    event = loaded.by_id["2023-11-22-kfor-increases-patrols-near-jarinje"]
    assert (event.date.text, event.tags, event.significance) == ("2023-11-22T08:30", ("kfor",), 4)
    source = loaded.sources[event.sources[0].source]
    assert (source.id, source.publisher, source.url) == (
        "balkan-wire-2023-11-22",
        "Balkan Wire",
        server.url("/news/kfor-patrols"),
    )
    assert source.published is not None
    assert source.published.text == "2023-11-22T08:30"
    assert run_cli("check", "--strict", cwd=tmp_path).returncode == 0
    assert item["item"] not in [r["item"] for r in rows(tmp_path)]
    accepted = next(r for r in rows(tmp_path, "--all") if r["item"] == item["item"])
    assert (accepted["state"], accepted["event"]) == ("accepted", event.id)
    twice = inbox(tmp_path, "accept", str(item["item"]))
    assert twice.returncode == 1
    assert f"already accepted as event '{event.id}'" in twice.stderr
    # An item whose link is already a source cites that source.
    talks = next(r for r in rows(tmp_path) if str(r["title"]).startswith("Talks"))
    assert inbox(tmp_path, "accept", str(talks["item"])).returncode == 0
    assert load_valid(log).by_id["2023-11-21-talks-resume-in-brussels"].sources[0].source == "s1"


def test_accept_with_the_editor_shows_the_item_as_comments(
    tmp_path: Path, server: FeedServer
) -> None:
    log_with(tmp_path, server, wire="/rss.xml")
    assert inbox(tmp_path, "fetch").returncode == 0
    item = next(r for r in rows(tmp_path) if str(r["title"]).startswith("KFOR"))
    script = tmp_path / "editor.py"
    script.write_text(
        f"#!{PYTHON}\nimport sys\ntext = open(sys.argv[-1]).read()\n"
        "assert '# Patrols were increased.' in text, text\n"
        "open(sys.argv[-1], 'w').write(text.replace('title: KFOR', 'title: Edited KFOR'))\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    done = inbox(tmp_path, "accept", str(item["item"]), "--edit", env={"EDITOR": str(script)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[1] == "2023-11-22-edited-kfor-increases-patrols-near-jarinje"


def test_an_invalid_accept_leaves_the_item_new(tmp_path: Path, server: FeedServer) -> None:
    log_with(tmp_path, server, wire="/rss.xml")
    assert inbox(tmp_path, "fetch").returncode == 0
    item = next(r for r in rows(tmp_path) if str(r["title"]).startswith("KFOR"))
    done = inbox(tmp_path, "accept", str(item["item"]), "--kind", "rumour")
    assert done.returncode == 1
    assert "unknown kind 'rumour'" in done.stderr
    assert not list((tmp_path / "events.d").glob("*.yaml"))
    assert item["item"] in [r["item"] for r in rows(tmp_path)]


def test_dismiss(tmp_path: Path, server: FeedServer) -> None:
    log_with(tmp_path, server, wire="/rss.xml")
    assert inbox(tmp_path, "fetch").returncode == 0
    numbers = [r["item"] for r in rows(tmp_path)]
    bad = inbox(tmp_path, "dismiss", str(numbers[0]), "999")
    assert (bad.returncode, bad.stderr) == (
        1,
        "briefer: error: no item 999 in the inbox (see 'briefer inbox list --all')\n",
    )
    assert [r["item"] for r in rows(tmp_path)] == numbers  # nothing dismissed
    assert inbox(tmp_path, "dismiss", str(numbers[0]), str(numbers[1])).returncode == 0
    assert [r["item"] for r in rows(tmp_path)] == numbers[2:]
    assert inbox(tmp_path, "fetch").stdout == "wire: 0 new items\n"  # they stay dismissed
    assert [r["item"] for r in rows(tmp_path)] == numbers[2:]


def test_a_newer_inbox_is_refused(tmp_path: Path, server: FeedServer) -> None:
    log_with(tmp_path, server, wire="/rss.xml")
    assert inbox(tmp_path).returncode == 0  # made on first use
    with db(tmp_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        conn.execute("PRAGMA user_version = 99")
    done = inbox(tmp_path)
    assert done.returncode == 1
    assert "was made by a newer briefer (inbox version 99, this briefer knows 1)" in done.stderr


def wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def stored_count(tmp_path: Path) -> int:
    try:
        with db(tmp_path) as conn:
            return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_a_fetch_killed_midway_leaves_a_usable_inbox(tmp_path: Path, server: FeedServer) -> None:
    log_with(tmp_path, server, wire="/atom.xml", slow="/stall")
    child = subprocess.Popen(
        [PYTHON, "-m", "briefer", "inbox", "fetch"],
        cwd=tmp_path,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(server.stalled.is_set, "the stalling feed was asked for")
        wait_until(lambda: stored_count(tmp_path) == 2, "the other feed was stored")
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    with db(tmp_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT id FROM feeds").fetchall() == [("wire",)]
    server.release.set()
    again = inbox(tmp_path, "fetch")
    assert again.returncode == 0, again.stderr
    assert sorted(again.stdout.splitlines()) == ["slow: 3 new items", "wire: 0 new items"]
    assert len(rows(tmp_path)) == 5


@pytest.mark.slow
def test_two_fetches_at_once_share_the_inbox(tmp_path: Path, server: FeedServer) -> None:
    log_with(tmp_path, server, wire="/rss.xml", observer="/atom.xml", sloppy="/malformed.xml")
    command = [PYTHON, "-m", "briefer", "inbox", "fetch"]
    children = [
        subprocess.Popen(
            command, cwd=tmp_path, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [c.returncode for c in children] == [0, 0], outputs
    with db(tmp_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchone() == (6, 6)


@pytest.mark.slow
def test_the_scheduled_job_fetches_then_renders(tmp_path: Path, server: FeedServer) -> None:
    log = log_with(tmp_path, server, wire="/rss.xml", gone="/missing")
    cron = run_cli("schedule", "--cron", "--fetch", cwd=tmp_path)
    assert cron.returncode == 0, cron.stderr
    line = cron.stdout.splitlines()[-1]
    commands = line.split(" && ", 1)[1]
    assert commands.startswith("{ ")
    assert commands.endswith("; }")  # neither runs if the cd fails
    fetch_part, render_part = commands[2:-3].split("; ")
    assert fetch_part.endswith(f"--log {log} inbox fetch -q")
    assert " render --since last --if-changed --pdf -q" in render_part
    # The job as cron runs it (after a first brief starts the series): a failing feed is
    # reported, and the brief is still made.
    assert run_cli("render", "--as-of", "2023-10-01", cwd=tmp_path).returncode == 0
    added = run_cli(
        "add", "--title", "New since", "--date", "2023-11-01", "--source", "s1", cwd=tmp_path
    )
    assert added.returncode == 0, added.stderr
    job = subprocess.run(
        ["sh", "-c", line.split(" ", 5)[5]], env=child_env(), capture_output=True, text=True
    )
    assert job.returncode == 0, job.stderr
    assert "feed 'gone'" in job.stderr
    assert len(rows(tmp_path)) == 3
    assert list((tmp_path / "reports").glob("*.pdf"))
    units = run_cli("schedule", "--systemd", "--fetch", cwd=tmp_path).stdout
    assert "ExecStartPre=-" in units
    assert units.index("inbox fetch -q") < units.index("ExecStart=")
