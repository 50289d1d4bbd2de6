"""``reports/briefs.atom``: an Atom feed (RFC 4287) of the briefs in the manifest.

One entry per recorded brief, newest first, at most :data:`ENTRIES`: its
title is the brief's mail subject (marking, title, report number, DTG), its
summary the bottom line, its links the brief's Markdown, HTML and PDF files
(relative: they sit beside the feed). Ids are ``urn:uuid:`` names derived
from the log, the report number and the as-of, so an entry keeps its id
whenever the feed is written again, and a brief written again for the same
as-of is the same entry, updated. Times are the briefs' as-of, never the
clock, so the same manifest gives the same bytes.

The feed is written by every render that records a brief, staged with the
manifest (:mod:`briefer.atomic`), so the two never disagree.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import PurePath

from briefer import __version__
from briefer.series.manifest import ReportRecord

__all__ = ["ENTRIES", "FEED", "atom_feed", "entry_id"]

FEED = "briefs.atom"
#: How many briefs the feed lists: feed readers want the recent ones.
ENTRIES = 50
_NAMESPACE = uuid.UUID("6f1d3c52-8a4e-5b7d-9c2f-0b1e4a7d3c95")
_TYPES = {".html": "text/html", ".pdf": "application/pdf", ".md": "text/markdown"}
# XML 1.0 forbids these even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def entry_id(record: ReportRecord) -> str:
    """The stable id of ``record``'s entry."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{record.log}/{record.number}/{record.as_of}')}"


def _text(value: str) -> str:
    """Text or an attribute value for XML (html.escape: xml.sax would import urllib)."""
    return escape(_NOT_XML.sub("", value), quote=True)


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(record: ReportRecord) -> list[str]:
    title = record.subject or f"{record.log} — Report {record.number}"
    if record.bluf is None:
        summary = f"Report {record.number} of {record.log}."
    else:
        summary = "\n".join(record.bluf) or "No new developments in this period."
    lines = [
        "  <entry>",
        f"    <id>{entry_id(record)}</id>",
        f"    <title>{_text(title)}</title>",
        f"    <updated>{_when(record.as_of)}</updated>",
        f"    <published>{_when(record.as_of)}</published>",
        f'    <summary type="text">{_text(summary)}</summary>',
    ]
    outputs = sorted(
        (PurePath(o).name for o in record.outputs if PurePath(o).suffix in _TYPES),
        key=lambda name: list(_TYPES).index(PurePath(name).suffix),
    )
    for name in outputs:
        kind = _TYPES[PurePath(name).suffix]
        lines.append(f'    <link rel="alternate" type="{kind}" href="{_text(name)}"/>')
    lines.append("  </entry>")
    return lines


def atom_feed(records: Sequence[ReportRecord], *, title: str, slug: str) -> str:
    """The feed of ``records`` (the manifest's), titled after the log being rendered."""
    newest = sorted(records, key=lambda r: (r.as_of, r.log, r.number), reverse=True)[:ENTRIES]
    updated = _when(newest[0].as_of) if newest else _when(0)
    feed_id = f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'feed/{slug}')}"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{feed_id}</id>",
        f"  <title>{_text(title)}: situation briefs</title>",
        f"  <updated>{updated}</updated>",
        "  <author><name>briefer</name></author>",
        f'  <generator version="{_text(__version__)}">briefer</generator>',
        f'  <link rel="self" href="{FEED}"/>',
    ]
    for record in newest:
        lines += _entry(record)
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
