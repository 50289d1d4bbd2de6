"""``briefer inbox``: fetch the log's feeds, list the items, accept or dismiss them (SPEC §8)."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click

from briefer.cli.base import FORMAT_OPTION, Settings, cli, count
from briefer.cli.capture import entry_from_flags, entry_options, run_capture
from briefer.cli.tables import aligned, terminal_width
from briefer.errors import InvalidInput
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.inbox.store import Inbox, Stored
    from briefer.model import EventLog

__all__ = ["inbox"]


class _DefaultList(click.Group):
    """``briefer inbox`` alone (or with list's options) lists the items."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=_DefaultList)
def inbox() -> None:
    """The feed inbox: items of the log's feeds: waiting to become events.

    \b
    briefer inbox fetch            download the feeds into .briefer/inbox.sqlite
    briefer inbox [list] [--all]   the new items, newest first (ITEM is the number)
    briefer inbox accept ITEM      the item as an event, as 'briefer add' writes one
    briefer inbox dismiss ITEM…    hide items
    """


def _open(settings: Settings) -> Inbox:
    from briefer.inbox.store import Inbox

    return Inbox(settings.log_path)


@inbox.command()
@click.option("--feed", "only", multiple=True, metavar="ID", help="Only this feed (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.pass_obj
def fetch(settings: Settings, only: tuple[str, ...], quiet: bool) -> None:
    """Download the log's feeds: into the inbox (new items only).

    A feed that fails is one line on stderr, and the exit status is 1; the
    other feeds are still stored.
    """
    from briefer.inbox.fetch import FeedResult, fetch_feeds

    log = settings.load_valid()
    if not log.feeds:
        raise InvalidInput(f"{log.path} lists no feeds: (add feeds: [{{id, url}}] to its header)")
    unknown = sorted(set(only) - {f.id for f in log.feeds})
    if unknown:
        raise click.BadParameter(f"no feed {unknown[0]!r} in the log", param_hint="--feed")
    failed = 0

    def report(result: FeedResult) -> None:
        nonlocal failed
        name = f"feed '{result.feed.id}'"
        if result.error is not None:
            failed += 1
            message = f"{name} ({result.feed.url}): {result.error}"
            click.echo(f"briefer: error: {printable(message)}", err=True)
            return
        if result.warning is not None:
            click.echo(f"briefer: warning: {name}: {printable(result.warning)}", err=True)
        if not quiet:
            said = "not modified" if result.unchanged else f"{count(result.new, 'new item')}"
            click.echo(f"{result.feed.id}: {said}")

    with _open(settings) as box:
        results = fetch_feeds(
            log, box, now=int(time.time()), only=set(only) or None, on_result=report
        )
    if failed:
        raise InvalidInput(f"{failed} of {count(len(results), 'feed')} failed")


@inbox.command("list")
@click.option("--all", "everything", is_flag=True, help="Accepted and dismissed items too.")
@FORMAT_OPTION
@click.pass_obj
def list_items(settings: Settings, everything: bool, fmt: str) -> None:
    """The new items (with --all, every item), newest first."""
    from briefer.inbox.items import in_log, item_date, log_urls

    log = settings.load_valid()
    with _open(settings) as box:
        items = box.items(everything=everything)
    urls = log_urls(log)
    if fmt == "json":
        records = [_record(i, log, in_log(i, urls)) for i in items]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if not items:
        click.echo("The inbox is empty (briefer inbox fetch fills it).", err=True)
        return
    rows = []
    for i in items:
        flag = "in log" if in_log(i, urls) else ""
        if i.state != "new":
            flag = i.state if i.event is None else f"{i.state} as {i.event}"
        date = item_date(i, log) or "-"
        rows.append((str(i.n), date, i.feed, flag or "-", printable(i.title)))
    click.echo("\n".join(aligned(rows, terminal_width())))


def _record(item: Stored, log: EventLog, known: bool) -> dict[str, Any]:
    from briefer.inbox.items import item_date

    return {
        "item": item.n,
        "feed": item.feed,
        "title": item.title,
        "link": item.link,
        "published": item_date(item, log),
        "precision": item.precision,
        "summary": item.summary,
        "state": item.state,
        "event": item.event,
        "in_log": known,
    }


def _item(box: Inbox, n: int) -> Stored:
    found = box.item(n)
    if found is None:
        raise InvalidInput(f"no item {n} in the inbox (see 'briefer inbox list --all')")
    return found


@inbox.command()
@click.argument("item", type=int)
@entry_options
@click.pass_obj
def accept(settings: Settings, /, item: int, edit: bool, **flags: Any) -> None:
    """Turn inbox ITEM into an event, as 'briefer add' does (its flags override the item's).

    The item's link becomes the event's source (the log's source with that URL,
    or a new one, with the feed as publisher). Prints the new file and the id.
    """
    from briefer.inbox.items import entry_for, notes_for

    log = settings.load_valid()
    with _open(settings) as box:
        stored = _item(box, item)
        if stored.state == "accepted":
            raise InvalidInput(f"item {item} was already accepted as event '{stored.event}'")
        feed = next((f for f in log.feeds if f.id == stored.feed), None)
        publisher = (feed.title if feed else None) or box.feed_titles().get(stored.feed)
        base = entry_for(stored, log, publisher or stored.feed)
        entry = entry_from_flags(flags, title=base.title, date=base.date)
        entry = replace(entry, sources=(*base.sources, *entry.sources), link=base.link)
        placed = run_capture(
            settings,
            entry,
            edit=edit,
            notes=notes_for(stored, publisher or stored.feed),
            after=lambda p: box.set_state([item], "accepted", p.event_id),
        )
    click.echo(f"{placed.display} {placed.event_id}")


@inbox.command()
@click.argument("items", type=int, nargs=-1, required=True)
@click.pass_obj
def dismiss(settings: Settings, items: tuple[int, ...]) -> None:
    """Hide inbox ITEMs from the list (they stay known, so a fetch does not bring them back)."""
    with _open(settings) as box:
        for n in items:
            _item(box, n)
        box.set_state(items, "dismissed")
    click.echo(f"dismissed {count(len(items), 'item')}", err=True)
