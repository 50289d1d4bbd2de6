"""Imports from other tools into the log format: ACLED CSV and TimelineJS JSON.

Each importer turns a file into plain YAML that ``briefer check`` accepts:
ids derived stably from the source's own ids (or a slug of headline and
date), dates at the precision the source states, HTML turned into Markdown,
and a source for every event. Items that cannot be expressed in the log
format are reported one line each (``FILE: item N (id): message``) and left
out; the rest is still converted.

``common`` holds what every importer shares (the result, ids, the YAML and its
check); ``acled`` and ``timelinejs`` one reader each; ``markup`` TimelineJS's
HTML as Markdown. A new importer is one module returning an ``ImportResult``.
"""

from __future__ import annotations

from briefer.exchange.imports.acled import ACLED_REQUIRED, acled_date, fatalities, import_acled
from briefer.exchange.imports.common import (
    ImportResult,
    LogIds,
    _Ids,
    drop_invalid,
    ids_in_log,
    slug,
    to_yaml,
)
from briefer.exchange.imports.markup import html_to_markdown, html_to_text
from briefer.exchange.imports.timelinejs import TIMELINE_MAX_BYTES, import_timelinejs

__all__ = [
    "ACLED_REQUIRED",
    "TIMELINE_MAX_BYTES",
    "ImportResult",
    "LogIds",
    "_Ids",
    "acled_date",
    "drop_invalid",
    "fatalities",
    "html_to_markdown",
    "html_to_text",
    "ids_in_log",
    "import_acled",
    "import_timelinejs",
    "slug",
    "to_yaml",
]
