"""BriefContext → files: Markdown (Jinja), SVG charts, and HTML → PDF (WeasyPrint).

Everything a render writes is staged in temporary files beside the targets
and published only when every output succeeded, through a journal (see
``briefer.atomic``): the scope file and the manifest first, then the brief's
files. A failed render leaves the previous state; a killed one leaves either
that or a journal, which the next render finishes before anything else.
The lock, the journal and the temporaries live where the files go:
``reports/``, or the ``--output`` folder (which needs no ``reports/``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

import jinja2

from briefer import __version__
from briefer.atomic import JOURNAL, TEMP_SUFFIX, recover, staged_files
from briefer.brief import BriefContext, build_brief, shown_texts
from briefer.dates import get_timezone
from briefer.errors import OutputError
from briefer.files import read_log_file
from briefer.model import EventLog
from briefer.query import Query
from briefer.records import event_snapshot
from briefer.render.pdf import PdfMetadata
from briefer.render.templating import make_environment, render_template
from briefer.series.lock import folder_lock
from briefer.series.manifest import (
    SCOPES,
    ReportRecord,
    load_manifest,
    load_scope,
    log_slug,
    previous_report,
    report_number,
    stage_report,
    stem_for,
)
from briefer.series.period import changes_since, period_start, unchanged

__all__ = [
    "PrintableBrief",
    "RenderRequest",
    "RenderResult",
    "input_hash",
    "printable_brief",
    "render",
]

logger = logging.getLogger("briefer")

#: How far back the timeline chart reaches at least.
TIMELINE_SPAN = 365 * 86400


@dataclass(frozen=True)
class RenderRequest:
    """What to render and where."""

    as_of: int
    #: Start of the period; None means "since the last report, else 7 days".
    since: int | None = None
    #: ``--since last``: the previous report's as-of (an error if there is none).
    since_last: bool = False
    query: Query | None = None
    only_ids: tuple[str, ...] | None = None
    pdf: bool = False
    reports_dir: Path = Path("reports")
    #: A file (its suffix replaced per output) or a folder; None: ``reports_dir``.
    output: Path | None = None
    #: ``output`` names a folder (the default file names go in it).
    output_is_dir: bool = False
    #: Override folders searched before the packaged templates, in order.
    template_dirs: tuple[Path, ...] = ()
    template: str = "brief"
    #: Write nothing when neither the log nor the period's content changed since the last brief.
    if_changed: bool = False
    #: How long to wait for another render's lock before giving up (exit 4).
    lock_wait: float = 60.0


@dataclass(frozen=True)
class RenderResult:
    """What a render wrote."""

    context: BriefContext
    paths: tuple[Path, ...]
    #: Resources the PDF engine was refused (a template asking for something it may not have).
    refused: tuple[str, ...] = ()
    #: With ``if_changed``: the previous brief, when nothing was written because nothing changed.
    skipped: ReportRecord | None = None
    #: Problems the brief was written despite, one line each (the CLI prefixes "warning:").
    warnings: tuple[str, ...] = ()


def input_hash(files: Iterable[str]) -> str:
    """SHA-256 over the log's files (main first), shortened: which input made a brief."""
    digest = hashlib.sha256()
    for name in files:
        try:
            data = read_log_file(name)  # the loader's guard: no pipe or device read
        except OSError as exc:
            raise OutputError(f"cannot read {name}: {exc.strerror}") from None
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return "sha256:" + digest.hexdigest()[:16]


def _targets(req: RenderRequest, stem: str) -> tuple[Path, Path]:
    """The Markdown file and the folder charts and the PDF go beside it."""
    out = req.output
    if out is None:
        md = req.reports_dir / f"{stem}.md"
    elif req.output_is_dir or out.is_dir():
        md = out / f"{stem}.md"
    else:
        md = out.with_suffix(".md")
    return md, md.parent


def _chart_files(ctx: BriefContext, stem: str) -> list[tuple[str, str, str]]:
    """(file name, title, svg) for the timeline and every reported metric."""
    from briefer.charts import MetricPoint, metric_svg, timeline_svg

    tz_ = _tz(ctx)
    start = min(ctx.period_start, ctx.as_of - TIMELINE_SPAN)
    end = ctx.as_of + 30 * 86400
    upcoming = [w.item.event for w in ctx.watch if not w.passed]
    if upcoming:
        last = max(e.date.latest or e.date.earliest or end for e in upcoming)
        end = max(end, last)
    shown = [e for e in ctx.scope if (e.date.latest or end) > start]
    charts = [
        (
            f"{stem}-timeline.svg",
            "Events by kind",
            timeline_svg(shown, tz=tz_, start=start, end=end, kinds=ctx.kinds),
        )
    ]
    for figure in ctx.figures:
        if not figure.history:
            continue
        points = [
            MetricPoint(r.at, r.value, "".join(f"[{n}]" for n in sorted(r.refs)), r.approximate)
            for r in figure.history
        ]
        first = min(p.at for p in points)
        span_start = min(first - 30 * 86400, start)
        name = f"{stem}-{figure.metric.id.replace('_', '-')}.svg"
        svg = metric_svg(figure.metric, points, tz=tz_, start=span_start, end=ctx.as_of)
        charts.append((name, figure.metric.label, svg))
    return charts


def _tz(ctx: BriefContext) -> tzinfo:
    return get_timezone(ctx.timezone)


def render(log: EventLog, req: RenderRequest) -> RenderResult:
    """Compute the brief and write its files, holding the lock of their folder throughout."""
    md_path, folder = _targets(req, stem_for(req.as_of, log.tzinfo, log_slug(log.title)))
    with folder_lock(folder, req.lock_wait):
        try:
            if recover(folder):
                logger.info("finished publishing a brief an interrupted render left")
        except OSError as exc:
            raise OutputError(
                f"cannot finish publishing the brief an interrupted render left in "
                f"{folder}/: {exc.strerror or exc}"
            ) from None
        ours = req.output is None or _same_folder(folder, req.reports_dir)
        _remove_stale_temporaries(folder, reports=ours)
        return _render_locked(log, req, md_path, record=ours)


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _remove_stale_temporaries(folder: Path, *, reports: bool) -> None:
    """Temporaries left by a render that was killed: nobody else writes while we hold the lock.

    In ``reports/``, which belongs to briefer, every hidden ``.tmp`` file (older
    versions named theirs without ``.briefer``); in any other folder only ours,
    and the PDF engine's beside them.
    """
    patterns = [f".*{TEMP_SUFFIX}", f".*{TEMP_SUFFIX}.*.tmp"]
    if reports:
        patterns = [".*.tmp"]
    for where in (folder, folder / SCOPES):
        for pattern in patterns:
            for leftover in where.glob(pattern):
                with contextlib.suppress(OSError):
                    leftover.unlink()
                    logger.info("removed %s, left by an interrupted render", leftover.name)


def _render_locked(
    log: EventLog, req: RenderRequest, md_path: Path, *, record: bool
) -> RenderResult:
    slug = log_slug(log.title)
    records = load_manifest(req.reports_dir)
    previous = previous_report(records, slug, req.as_of)
    start = period_start(
        previous,
        as_of=req.as_of,
        since=req.since,
        since_last=req.since_last,
        reports_dir=req.reports_dir,
    )
    number = report_number(records, slug, req.as_of)
    logger.info("composing brief %d of %s", number, log.title)
    ctx = build_brief(
        log,
        as_of=req.as_of,
        period_start=start,
        input_hash=input_hash(log.files),
        generator=f"briefer {__version__}",
        query=req.query,
        only_ids=req.only_ids,
        report_number=number,
    )
    snapshots = [event_snapshot(log, e) for e in ctx.scope]
    upcoming = tuple(w.item.event.id for w in ctx.watch if not w.passed)
    developments = tuple(i.event.id for i in ctx.developments)
    if previous is not None:
        before = load_scope(req.reports_dir, previous)
        ctx = dataclasses.replace(ctx, changes=changes_since(ctx, previous, before, snapshots))
        if req.if_changed and unchanged(ctx, previous, upcoming, developments):
            return RenderResult(ctx, (), skipped=previous)
    folder = md_path.parent
    stem = md_path.stem
    charts = _chart_files(ctx, stem) if req.pdf else []
    ctx = dataclasses.replace(ctx, charts=tuple((name, title) for name, title, _ in charts))
    env = make_environment(req.template_dirs)
    markdown = render_template(env, f"{req.template}.md.j2", brief=ctx)
    written = [md_path, *(folder / name for name, _, _ in charts)]
    if req.pdf:
        written.append(md_path.with_suffix(".pdf"))
    refused: tuple[str, ...] = ()
    warnings: list[str] = []
    try:
        with staged_files(journal=folder / JOURNAL) as stage:
            if record:
                # Staged first, so renamed first: no brief is ever in place unrecorded.
                new = ReportRecord(
                    number=number,
                    log=slug,
                    as_of=req.as_of,
                    period_start=start,
                    outputs=tuple(str(p) for p in written),
                    input_hash=ctx.input_hash,
                    watch=upcoming,
                    developments=developments,
                )
                stage_report(stage, req.reports_dir, records, new, snapshots)
            stage.put(md_path, markdown)
            for name, _, svg in charts:
                stage.put(folder / name, svg)
            if req.pdf:
                pdf_path = md_path.with_suffix(".pdf")
                logger.info("printing the PDF")
                target = stage.temp_for(pdf_path)
                refused = _render_pdf(ctx, markdown, charts, env, req, target, warnings)
            logger.info("publishing the brief")
    except OSError as exc:
        raise OutputError(f"cannot write the brief: {exc.strerror or exc}") from None
    return RenderResult(ctx, tuple(written), refused, warnings=tuple(warnings))


def _strip_marking(markdown: str, marking: str | None) -> str:
    """The page margins carry the marking in the PDF; drop its body lines there."""
    if not marking:
        return markdown
    from briefer.render.templating import md_escape

    banner = md_escape(marking)
    lines = markdown.split("\n")
    if lines and lines[0] == banner:
        lines = lines[1:]
    while lines and lines[-1] == "":
        lines.pop()
    if lines and lines[-1] == banner:
        lines.pop()
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class PrintableBrief:
    """The brief as the PDF engine gets it: HTML, its stylesheet and metadata."""

    html: str
    css: Path
    metadata: PdfMetadata


def printable_brief(
    ctx: BriefContext,
    markdown: str,
    chart_names: Sequence[str],
    env: jinja2.Environment,
    template: str = "brief",
) -> PrintableBrief:
    """The brief's Markdown as HTML inside ``brief.html.j2`` (charts referenced by name)."""
    from markupsafe import Markup

    from briefer.render.markdown import markdown_to_html

    body = markdown_to_html(
        _strip_marking(markdown, ctx.marking), images=chart_names, citations=True, breakable=True
    )
    keywords = sorted({t for item in ctx.developments for t in item.event.tags})
    meta = PdfMetadata(
        title=ctx.title,
        author=ctx.generator,
        keywords=tuple(keywords),
        subject=f"Situation brief, {ctx.period}",
        created=datetime.fromtimestamp(ctx.as_of, _tz(ctx)),
        generator=ctx.generator,
    )
    html = render_template(
        env,
        _html_template(env, template),
        body=Markup(body),
        title=ctx.title,
        marking=ctx.marking,
        as_of=ctx.as_of_local,
        as_of_utc=ctx.as_of_utc,
        report_number=ctx.report_number,
        generator=ctx.generator,
        lang="en",
        meta=meta,
        brief=ctx,
    )
    return PrintableBrief(html, _find(env, "brief.css"), meta)


def _render_pdf(
    ctx: BriefContext,
    markdown: str,
    charts: Sequence[tuple[str, str, str]],
    env: jinja2.Environment,
    req: RenderRequest,
    target: Path,
    warnings: list[str],
) -> tuple[str, ...]:
    from briefer.render.pdf import uncovered_warnings, write_pdf

    doc = printable_brief(ctx, markdown, [n for n, _, _ in charts], env, req.template)
    # The charts are served to the PDF engine from a private folder: the only
    # files it may read besides the stylesheet.
    with tempfile.TemporaryDirectory(prefix="briefer-assets-") as assets:
        for name, _, svg in charts:
            (Path(assets) / name).write_text(svg, encoding="utf-8")
        uncovered: list[str] = []
        refused = write_pdf(
            doc.html,
            target,
            assets_dir=Path(assets),
            metadata=doc.metadata,
            stylesheets=[doc.css],
            uncovered=uncovered,
        )
    warnings.extend(uncovered_warnings(uncovered, shown_texts(ctx)))
    return refused


def _html_template(env: jinja2.Environment, name: str) -> str:
    wanted = f"{name}.html.j2"
    try:
        env.get_template(wanted)
    except jinja2.TemplateNotFound:
        return "brief.html.j2"
    except jinja2.TemplateError:
        pass  # reported with its line when rendered
    return wanted


def _find(env: jinja2.Environment, name: str) -> Path:
    """The first ``name`` on the template search path (user overrides first)."""
    loader = env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    for folder in loader.searchpath:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    raise OutputError(f"{name} not found")
