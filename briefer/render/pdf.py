"""HTML → PDF with WeasyPrint, for documents built from untrusted text.

The HTML of a brief carries text from the event log, which anyone with commit
access can edit, so the PDF engine is boxed in:

- every resource (stylesheet, image, font, ``@import``, SVG ``<image>``) goes
  through :class:`~briefer.render.fetch.SafeFetcher`, which serves only files inside the assets
  folder (and the stylesheets' own folders) and small ``data:`` images, and
  refuses everything else — other local files, http(s), ftp — before any file
  is opened or any socket is made; it never follows a redirect because it
  never speaks HTTP;
- PDF attachments are disabled: ``rel=attachment`` is stripped from the parsed
  document (``<link>`` and ``<a>``), the document's attachment list is emptied
  before writing, and a finisher refuses to write a PDF that embeds a file;
- custom ``<meta>`` names are not copied into the PDF (``custom_metadata``
  stays off) and the metadata comes from :class:`PdfMetadata`, not the HTML.

Output is reproducible: WeasyPrint writes no clock time or random id when the
creation and modification dates are given, the file identifier is derived
from the content (``pdf_identifier=True`` → MD5 of the objects), and font
subset tags are hashes of the font, so the same HTML, metadata, fonts and
WeasyPrint version give byte-identical files. One clock remains: where
HarfBuzz's subsetter (Debian's ``libharfbuzz-subset0``) is missing, WeasyPrint
subsets fonts with fontTools, which stamps the current time into each embedded
font's ``head.modified``. :func:`_font_clock` pins that stamp to the brief's
as-of through ``SOURCE_DATE_EPOCH``, the reproducible-builds convention
fontTools honours.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from briefer.errors import OutputError
from briefer.render.fetch import FetchPolicy, safe_fetcher
from briefer.render.glyphs import missing_glyphs

__all__ = [
    "PdfMetadata",
    "write_pdf",
]

log = logging.getLogger("briefer.pdf")

# WeasyPrint keeps process-wide caches (fonts, Pango contexts) and we re-point
# its logger while rendering: one render at a time.
_render_lock = threading.Lock()


@dataclass(frozen=True)
class PdfMetadata:
    """What the PDF's document information says about it."""

    title: str
    """/Title: the brief's title."""
    author: str
    """/Author: who issues the brief (the log's owner or desk)."""
    keywords: tuple[str, ...]
    """/Keywords, joined with commas (so a keyword holding a comma becomes two)."""
    subject: str
    """/Subject: one line on what the brief covers."""
    created: datetime
    """/CreationDate and /ModDate: the brief's as-of, never the clock. Must be aware."""
    generator: str
    """/Creator: the program and version, e.g. ``briefer 0.1.0``."""

    def __post_init__(self) -> None:
        if self.created.tzinfo is None or self.created.utcoffset() is None:
            raise ValueError("PdfMetadata.created must be timezone-aware")

    @property
    def w3c_created(self) -> str:
        """``created`` as a W3C date-time (``2023-11-22T09:00:00+01:00``)."""
        return self.created.replace(microsecond=0).isoformat()


class _Collect(logging.Handler):
    """Keeps WeasyPrint's log records instead of letting them reach stderr."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _quiet_weasyprint() -> Iterator[_Collect]:
    """Route WeasyPrint's log to a collector (not the root logger) for one render."""
    logger = logging.getLogger("weasyprint")
    collector = _Collect()
    propagate = logger.propagate
    logger.addHandler(collector)
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate


def _strip_attachments(root: Any) -> None:
    """Remove the ``attachment`` link type, so nothing is ever embedded as a file."""
    for element in root.iter():
        rel = element.get("rel")
        if rel is not None and "attachment" in rel.lower().split():
            kept = [t for t in rel.split() if t.lower() != "attachment"]
            if kept:
                element.set("rel", " ".join(kept))
            else:
                del element.attrib["rel"]


def _short(url: str) -> str:
    """A URL for a one-line message: printable and at most 100 characters."""
    text = "".join(c if c.isprintable() else "?" for c in url)
    return text if len(text) <= 100 else text[:97] + "…"


def _import_weasyprint() -> Any:
    """``import weasyprint``, about 0.2 s faster on Linux.

    WeasyPrint tries several names per C library (``libpango-1.0-0``,
    ``pango-1.0``, …, ``libpango-1.0.so.0``); each name dlopen() cannot load
    goes to ``ctypes.util.find_library``, which runs ``ldconfig``/``gcc``/``ld``
    in subprocesses — ~20 of them, ~10 ms each. On Linux every list holds
    the library's soname, which dlopen() finds by itself (honouring
    LD_LIBRARY_PATH), so the lookups can be skipped while WeasyPrint loads.
    Elsewhere (macOS needs find_library for Homebrew paths) nothing changes.
    """
    import sys

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint  # type: ignore[import-untyped]

        return weasyprint
    import ctypes.util

    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    except OSError:
        # A library this system names differently: let WeasyPrint search properly.
        ctypes.util.find_library = find_library
        import weasyprint
    finally:
        ctypes.util.find_library = find_library
    return weasyprint


@contextlib.contextmanager
def _font_clock(when: datetime) -> Iterator[None]:
    """Make fontTools stamp ``when`` (not the clock) into the fonts it subsets.

    ``SOURCE_DATE_EPOCH`` is process-wide; it is set only while the render
    lock is held and put back as it was afterwards.
    """
    old = os.environ.get("SOURCE_DATE_EPOCH")
    # fontTools' head table counts from 1904; an as-of before 1970 would give a
    # negative epoch, which it also accepts, but clamp to 0 to stay conventional.
    os.environ["SOURCE_DATE_EPOCH"] = str(max(0, int(when.timestamp())))
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


#: Allocations between two runs of the youngest generation's collection while
#: WeasyPrint works (Python's default is 700), then how many of those before
#: the middle one, and of those before the full one (defaults 10 and 10).
_EASED_THRESHOLDS = (10_000, 50, 100)


@contextlib.contextmanager
def _collector_eased() -> Iterator[None]:
    """Run Python's cycle collector seldom while WeasyPrint lays out and draws.

    A long brief makes hundreds of thousands of objects (boxes, styles, text
    lines) that live until the PDF is written; the collector, run every 700
    allocations, walks them again and again: 1.3 s of a 1,000-development
    render's 14 s CPU, 0.4 s with this. What existed before (the log, the
    brief) is frozen out of its walks; the settings are put back afterwards.
    Peak memory and the PDF's bytes are unchanged (bench/README.md). In a
    process that froze objects of its own, they are left frozen as they were.
    """
    thresholds = gc.get_threshold()
    ours = gc.get_freeze_count() == 0
    if ours:
        gc.freeze()
    gc.set_threshold(*_EASED_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if ours:
            gc.unfreeze()


def _write_out(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target``; a disk failure part-way removes what was written."""
    out = open(target, "wb")  # noqa: SIM115 - closed below, and removed if incomplete
    try:
        with out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


def write_pdf(
    html: str,
    target: Path,
    *,
    assets_dir: Path,
    metadata: PdfMetadata,
    stylesheets: Sequence[Path] = (),
    policy: FetchPolicy | None = None,
    uncovered: list[str] | None = None,
) -> tuple[str, ...]:
    """Print ``html`` to ``target``; return the refused resource URLs.

    Relative URLs in ``html`` resolve against ``assets_dir``, the only folder
    (with the stylesheets' folders) resources are served from. ``stylesheets``
    (e.g. the resolved ``brief.css``) apply as author styles. Refusals are also
    logged as warnings on ``briefer.pdf``; WeasyPrint's own messages go there
    at debug level. ``policy`` replaces the default :class:`FetchPolicy` (tests
    pass one to inspect what was asked). ``uncovered``, if given, receives the
    characters no available font has a glyph for (printed as empty boxes), in
    order of first appearance, each once.

    Raises :class:`~briefer.errors.OutputError` (exit 3) when WeasyPrint or the
    disk fails; no partial file is left at ``target`` or beside it. The PDF is
    printed in memory first, so an engine failure leaves ``target`` as it was;
    ``target`` is written in place, with no temporary of its own: a caller that
    publishes several files together (the render pipeline) passes one staged
    with :mod:`briefer.atomic`.
    """
    # WeasyPrint costs ~0.4-0.6 s to import (Pango, HarfBuzz, fontTools); only
    # PDF renders should pay it, and `briefer check` must work without Pango.
    try:
        weasyprint = _import_weasyprint()
    except (ImportError, OSError) as exc:  # OSError: Pango/HarfBuzz libraries missing
        raise OutputError(f"PDF engine unavailable: {_one_line(exc)}") from None

    if policy is None:
        roots = (assets_dir, *(sheet.parent for sheet in stylesheets))
        policy = FetchPolicy(roots=tuple(dict.fromkeys(roots)))
    fetcher = safe_fetcher(policy)
    base_url = assets_dir.resolve().as_uri() + "/"
    target = Path(target)

    with (
        _render_lock,
        _font_clock(metadata.created),
        _quiet_weasyprint() as collected,
        _collector_eased(),
    ):
        try:
            document_html = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            _strip_attachments(document_html.etree_element)
            css = [
                weasyprint.CSS(
                    string=sheet.read_text(encoding="utf-8"),
                    base_url=sheet.resolve().parent.as_uri() + "/",
                    url_fetcher=fetcher,
                )
                for sheet in stylesheets
            ]
            document = document_html.render(stylesheets=css)
            info = document.metadata
            info.title = metadata.title
            info.authors = [metadata.author] if metadata.author else []
            info.description = metadata.subject or None
            info.keywords = [k for k in metadata.keywords if k]
            info.generator = metadata.generator
            info.created = info.modified = metadata.w3c_created
            info.attachments = []
            info.custom = {}
            data = document.write_pdf(
                None,
                attachments=None,
                pdf_identifier=True,
                custom_metadata=False,
                finisher=_refuse_embedded_files,
            )
            _write_out(target, data)
        except Exception as exc:
            for record in collected.records:
                log.debug("weasyprint: %s", record.getMessage())
            raise OutputError(f"cannot write PDF {target}: {_one_line(exc)}") from exc

    for record in collected.records:
        log.debug("weasyprint: %s", record.getMessage())
    if uncovered is not None:
        for char in missing_glyphs(collected.records):
            if char not in uncovered:
                uncovered.append(char)
    refused = tuple(url for url, _ in policy.refused)
    for url, reason in policy.refused:
        log.warning("PDF: did not load %s (%s)", _short(url), reason)
    return refused


class _EmbeddedFile(Exception):
    """WeasyPrint embedded a file although attachments were disabled."""


def _refuse_embedded_files(document: Any, pdf: Any) -> None:
    """Fail closed: abort the render if any file got embedded after all.

    Runs as WeasyPrint's finisher, after every object is built and before any
    byte is written. The layers above should make this unreachable; if a
    WeasyPrint upgrade adds another way to attach files, the render fails
    instead of shipping a PDF with a file in it.
    """
    for obj in pdf.objects:
        fields = obj if isinstance(obj, dict) else getattr(obj, "extra", None)
        if not isinstance(fields, dict):
            continue
        if fields.get("Type") in ("/EmbeddedFile", "/Filespec") or (
            fields.get("Subtype") == "/FileAttachment"
        ):
            raise _EmbeddedFile("refusing to write a PDF with an embedded file")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "…"
