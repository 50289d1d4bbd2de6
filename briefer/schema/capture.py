"""``capture:`` and ``feeds:`` (SPEC §8): where new events go, and the news feeds to fetch.

``capture:`` names a folder, relative to the main file and inside its folder;
the log's ``include:`` must cover it, or the events captured there would not
be part of the log (a warning, made once the includes are known). ``feeds:``
is a list of ``{id, url, title?}``.
"""

from __future__ import annotations

import posixpath

from yaml.nodes import Node

from briefer.model import Feed
from briefer.schema.state import LogState, Section, named

__all__ = ["CAPTURE", "FEEDS", "capture_covered", "normal_folder"]

_FEED_KEYS = ("id", "url", "title")
#: The name of a file an include pattern must match for the capture folder to count as covered.
_PROBE = "2000-01-01-probe.yaml"


def normal_folder(text: str) -> str | None:
    """``events.d/captured/`` → ``events.d/captured``; None if it leaves the log's folder."""
    text = text.strip().replace("\\", "/")
    normal = posixpath.normpath(text)
    if text.startswith(("/", "~")) or normal in (".", "..") or normal.startswith("../"):
        return None
    return normal


def read_capture(state: LogState, node: Node) -> None:
    """The folder ``briefer add`` writes new event files to."""
    value = state.string(node, "capture", required=True)
    if value is None:
        return
    folder = normal_folder(value)
    if folder is None:
        state.error(
            node,
            f"capture: '{value}' must be a folder inside the log's folder "
            "(e.g. events.d/captured/)",
        )
        return
    state.header["capture"] = folder
    state.header["capture_pos"] = state.pos(node)


def read_feeds(state: LogState, node: Node) -> None:
    """``{id, url, title?}`` per feed; ids unique, URLs http(s)."""
    feeds: list[Feed] = []
    seen: dict[str, int] = {}
    for item in state.sequence(node, "feeds", single_ok=False):
        pairs = state.mapping(item, _FEED_KEYS, named("feed", item))
        if pairs is None:
            continue
        missing = [k for k in ("id", "url") if k not in pairs]
        if missing:
            state.error(item, f"feed: missing required key '{missing[0]}'")
            continue
        fid = state.slug(pairs["id"][1], "feed id")
        if fid is None:
            continue
        if fid in seen:
            state.error(pairs["id"][1], f"duplicate feed id '{fid}' (first at line {seen[fid]})")
            continue
        seen[fid] = pairs["id"][1].start_mark.line + 1
        url = state.url(pairs["url"][1], f"feed '{fid}': url")
        title = (
            state.string(pairs["title"][1], f"feed '{fid}': title") if "title" in pairs else None
        )
        if url is not None:
            feeds.append(Feed(fid, url, title))
    state.header["feeds"] = tuple(feeds)


def _segments_match(pattern: list[str], path: list[str]) -> bool:
    """Does a glob split at '/' match a path split at '/' (``**``: any number of folders)?"""
    from fnmatch import fnmatchcase

    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_segments_match(rest, path[i:]) for i in range(len(path) + 1))
    return bool(path) and fnmatchcase(path[0], head) and _segments_match(rest, path[1:])


def capture_covered(folder: str, patterns: list[str]) -> bool:
    """Would one of the include patterns match a new file ``YYYY-MM-DD-ID.yaml`` in ``folder``?"""
    probe = [*folder.split("/"), _PROBE] if folder != "." else [_PROBE]
    return any(
        _segments_match(posixpath.normpath(p).split("/"), probe) for p in patterns if p.strip()
    )


def check_capture(state: LogState) -> None:
    """Warn when the capture folder is not covered by ``include:``."""
    folder = state.header.get("capture")
    if folder is None or capture_covered(folder, state.includes):
        return
    state.report(
        state.header["capture_pos"],
        "warning",
        f"capture folder '{folder}' is not covered by include:, so events captured there "
        f"are not part of the log; add '{folder}/*.yaml' to include:",
    )


CAPTURE = Section("capture", read_capture, check=check_capture)
FEEDS = Section("feeds", read_feeds)
