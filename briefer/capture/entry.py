"""A new event as its file's YAML: built from flags or a feed item, written by an emitter.

Every value goes through PyYAML's emitter, which quotes and escapes whatever
needs it: a title such as ``x\\nevents: [...]`` or ``&a *b !!python/object``
stays one string. Text from outside (feeds) is also made one line of
printable characters first, since the log refuses control characters.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

import yaml

from briefer.capture.ids import event_id, source_id
from briefer.dates import DateError, parse_date
from briefer.durations import looks_like_duration, parse_when
from briefer.model import EventLog

__all__ = [
    "Entry",
    "NewSource",
    "build",
    "dump",
    "entry_date",
    "minute",
    "one_line",
]

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\ufeff]+")
_SPACES = re.compile(r"\s+")


def one_line(text: str, limit: int = 500) -> str:
    """Untrusted text as one line of printable characters, at most ``limit`` long."""
    flat = _SPACES.sub(" ", _UNPRINTABLE.sub(" ", text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class NewSource:
    """What is known of a source about to be created from a URL (a feed item's link)."""

    url: str
    title: str | None = None
    publisher: str | None = None
    #: A date as the log writes them, or None.
    published: str | None = None


@dataclass(frozen=True)
class Entry:
    """What the analyst said about a new event (``briefer add``'s flags, or a feed item's)."""

    title: str | None = None
    #: A WHEN of ``--as-of`` or any date of the log (``2023-11~``); None: now.
    date: str | None = None
    kind: str | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    place: str | None = None
    significance: int | None = None
    confidence: str | None = None
    #: Source ids or URLs, in order.
    sources: tuple[str, ...] = ()
    #: The title of the first URL among ``sources`` that is not yet a source.
    source_title: str | None = None
    related: tuple[str, ...] = ()
    #: What a feed item knows of its link (used when that URL becomes a new source).
    link: NewSource | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def minute(instant: int, tz: tzinfo) -> str:
    """``2023-11-22T09:30``: an instant in the log's zone, as the log writes it."""
    return datetime.fromtimestamp(instant, tz).strftime("%Y-%m-%dT%H:%M")


def entry_date(value: str | None, tz: tzinfo, now: int) -> str:
    """The date to write: ``now`` and durations back become a minute in the log's zone;
    any date of the log format (``2023-11~``, intervals) stays as written.

    Raises DateError with a message ready to show.
    """
    text = (value or "now").strip()
    if text == "now" or looks_like_duration(text):
        return minute(parse_when(text, now=now, tz=tz, relative_to=now, end_of_day=False), tz)
    try:
        parse_date(text, tz)
    except DateError as exc:
        raise DateError(f"{text!r}: {exc}") from None
    return text


def _is_url(text: str) -> bool:
    return "://" in text


def build(
    log: EventLog,
    entry: Entry,
    now: int,
    *,
    template: bool = False,
    taken: Container[str] | None = None,
) -> dict[str, Any]:
    """The new file's document: ``sources:`` (new ones) and ``events:`` (the one event).

    A URL among the entry's sources cites the log's source with that URL, else
    a new source made here. With ``template`` (the editor's starting point)
    an unknown title stays empty, and the id is made after editing. The id is
    one no event has: not in ``taken`` (default: the log's events' ids).
    """
    tz = log.tzinfo
    date = entry_date(entry.date, tz, now)
    title = one_line(entry.title) if entry.title else None
    by_url = {s.url: s.id for s in log.sources.values() if s.url}
    taken_sources = set(log.sources)
    new_sources: list[dict[str, Any]] = []
    cited: list[str] = []
    source_title = entry.source_title
    for ref in entry.sources:
        ref = ref.strip()
        if not _is_url(ref):
            cited.append(ref)
            continue
        if ref in by_url:
            cited.append(by_url[ref])
            continue
        known = entry.link if entry.link is not None and entry.link.url == ref else None
        publisher = known.publisher if known else None
        published = known.published if known else None
        sid = source_id(ref, publisher, published or date, tz, taken_sources)
        taken_sources.add(sid)
        by_url[ref] = sid
        new: dict[str, Any] = {"id": sid, "title": source_title or (known and known.title) or ref}
        source_title = None  # --source-title names the first new source only
        if publisher:
            new["publisher"] = publisher
        if published:
            new["published"] = published
        new["url"] = ref
        new_sources.append(new)
        cited.append(sid)
    event: dict[str, Any] = {}
    if not template:  # the editor's entry gets its id once its title is final
        event["id"] = event_id(date, title or "", tz, log.by_id if taken is None else taken)
    event["date"] = date
    event["title"] = title
    optional: Sequence[tuple[str, Any]] = (
        ("kind", entry.kind),
        ("summary", entry.summary),
        ("actors", list(entry.actors)),
        ("location", entry.place),
        ("tags", list(entry.tags)),
        ("sources", list(dict.fromkeys(cited))),
        ("significance", entry.significance),
        ("confidence", entry.confidence),
        ("related", list(entry.related)),
    )
    for key, value in optional:
        if value or (template and key in ("tags", "sources")):
            event[key] = value
    event.update(entry.extra)
    doc: dict[str, Any] = {}
    if new_sources:
        doc["sources"] = new_sources
    doc["events"] = [event]
    return doc


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line text as ``|`` blocks, short lists inline, nothing left empty
    as ``null`` (an empty value is written as nothing, for the analyst to fill in)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # List items indented under their key, as the shipped log writes them.
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _none(dumper: yaml.SafeDumper, value: None) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = all(isinstance(v, str) and "\n" not in v and len(v) < 60 for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(type(None), _none)
_Dumper.add_representer(list, _list)


def dump(doc: Mapping[str, Any]) -> str:
    """The document as YAML text (UTF-8 characters kept, keys in the order given)."""
    return yaml.dump(
        dict(doc), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, indent=2
    )
