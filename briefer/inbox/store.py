"""The inbox: a SQLite database at ``.briefer/inbox.sqlite`` beside the log (SPEC §8).

Made on first use and brought up to date by numbered migrations (its
``user_version`` says which have run; a database from a newer briefer is
refused rather than guessed at). Write-ahead logging and a busy timeout let
two fetches (or a fetch and the browser) use it at once; each feed's items
and its conditional-GET validators are stored in one transaction, so a fetch
killed at any moment leaves every feed either stored whole or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefer.errors import InvalidInput, OutputError
from briefer.inbox.feeds import Item

__all__ = ["FeedState", "Inbox", "Stored", "inbox_path"]

#: Each step brings the database from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE feeds (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            title TEXT,
            etag TEXT,
            last_modified TEXT,
            checked_at INTEGER
        )""",
        """CREATE TABLE items (
            n INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            feed TEXT NOT NULL,
            title TEXT NOT NULL,
            link TEXT,
            summary TEXT NOT NULL DEFAULT '',
            published_at INTEGER,
            precision TEXT,
            fetched_at INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'accepted', 'dismissed')),
            event TEXT
        )""",
        "CREATE INDEX items_by_date ON items (published_at DESC, n DESC)",
        "CREATE INDEX items_by_link ON items (link)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
#: How long a write waits for another process's transaction, in seconds.
BUSY_TIMEOUT = 30.0


def inbox_path(log_path: str) -> Path:
    """``.briefer/inbox.sqlite`` in the log's folder."""
    return Path(log_path).resolve().parent / ".briefer" / "inbox.sqlite"


@dataclass(frozen=True)
class FeedState:
    """What the last fetch of a feed left for the next: its validators."""

    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Stored:
    """One item as the inbox holds it."""

    n: int
    feed: str
    title: str
    link: str | None
    summary: str
    published_at: int | None
    precision: str | None
    state: str
    event: str | None


class Inbox:
    """The inbox database, opened (made, migrated) for the log at ``log_path``."""

    def __init__(self, log_path: str, *, create: bool = True) -> None:
        self.path = inbox_path(log_path)
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot create {self.path.parent}: {exc.strerror}") from None
        try:
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"{self.path}: {exc}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Inbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise InvalidInput(
                f"{self.path} was made by a newer briefer (inbox version {version}, this "
                f"briefer knows {SCHEMA_VERSION}); upgrade briefer"
            )
        while version < SCHEMA_VERSION:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                (now,) = self.db.execute("PRAGMA user_version").fetchone()
                if now == version:  # another process may have migrated meanwhile
                    for statement in MIGRATIONS[version]:
                        self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version = {version + 1}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            (version,) = self.db.execute("PRAGMA user_version").fetchone()

    # -- feeds ---------------------------------------------------------------------

    def feed_state(self, feed_id: str, url: str) -> FeedState:
        """The validators of the last fetch of ``feed_id``; none if its URL has changed."""
        row = self.db.execute(
            "SELECT url, etag, last_modified FROM feeds WHERE id = ?", (feed_id,)
        ).fetchone()
        if row is None or row[0] != url:
            return FeedState(url, None, None)
        return FeedState(url, row[1], row[2])

    def store(
        self,
        feed_id: str,
        url: str,
        title: str | None,
        items: Sequence[Item],
        *,
        etag: str | None,
        last_modified: str | None,
        now: int,
    ) -> int:
        """Store a feed's items (new ones only) and its validators in one transaction;
        how many items were new."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            new = 0
            for item in items:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO items (key, feed, title, link, summary, published_at,"
                    " precision, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        item.key,
                        feed_id,
                        item.title,
                        item.link,
                        item.summary,
                        item.published_at,
                        item.precision,
                        now,
                    ),
                )
                new += cursor.rowcount
            self.db.execute(
                "INSERT INTO feeds (id, url, title, etag, last_modified, checked_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url,"
                " title = excluded.title, etag = excluded.etag,"
                " last_modified = excluded.last_modified, checked_at = excluded.checked_at",
                (feed_id, url, title, etag, last_modified, now),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return new

    def feed_titles(self) -> dict[str, str]:
        """Feed id → the title the feed gave itself (when it did)."""
        rows = self.db.execute("SELECT id, title FROM feeds WHERE title IS NOT NULL")
        return dict(rows.fetchall())

    # -- items ---------------------------------------------------------------------

    def items(self, *, everything: bool = False) -> list[Stored]:
        """New items (or all), newest first; items without a date after those with one."""
        where = "" if everything else "WHERE state = 'new'"
        rows = self.db.execute(
            "SELECT n, feed, title, link, summary, published_at, precision, state, event"
            f" FROM items {where} ORDER BY published_at IS NULL, published_at DESC, n DESC"
        )
        return [Stored(*row) for row in rows.fetchall()]

    def item(self, n: int) -> Stored | None:
        row = self.db.execute(
            "SELECT n, feed, title, link, summary, published_at, precision, state, event"
            " FROM items WHERE n = ?",
            (n,),
        ).fetchone()
        return None if row is None else Stored(*row)

    def set_state(self, numbers: Iterable[int], state: str, event: str | None = None) -> None:
        """Mark items accepted (as ``event``) or dismissed, all in one transaction."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for n in numbers:
                self.db.execute(
                    "UPDATE items SET state = ?, event = ? WHERE n = ?", (state, event, n)
                )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
