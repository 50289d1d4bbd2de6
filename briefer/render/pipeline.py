"""A render: compose the brief once, then write the files of the outputs asked for.

The brief is composed from the log (``briefer.brief``), its period and its
changes since the last brief (``briefer.series``), and the Markdown template;
each output of ``RenderRequest.formats`` (``briefer.render.outputs``) writes
its file from that, with the SVG charts beside them when an output shows them.

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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from briefer import __version__
from briefer.atomic import JOURNAL, TEMP_SUFFIX, recover, staged_files
from briefer.brief import BriefContext, MapSection, build_brief
from briefer.citations import marks_text
from briefer.dates import get_timezone
from briefer.delivery.message import bluf_lines, mail_subject
from briefer.errors import OutputError
from briefer.files import read_log_file
from briefer.model import EventLog
from briefer.query import Query
from briefer.records import event_snapshot
from briefer.render.outputs import OUTPUTS, Composed
from briefer.render.templating import make_environment, render_template
from briefer.series.assessments import record_indicators, record_judgments
from briefer.series.feed import FEED, atom_feed
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
    "RenderRequest",
    "RenderResult",
    "input_hash",
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
    #: Names of the outputs to write (see ``briefer.render.outputs.OUTPUTS``).
    formats: frozenset[str] = frozenset({"md"})
    reports_dir: Path = Path("reports")
    #: A file (its suffix replaced per output) or a folder; None: ``reports_dir``.
    output: Path | None = None
    #: ``output`` names a folder (the default file names go in it).
    output_is_dir: bool = False
    #: Override folders searched before the packaged templates, in order.
    template_dirs: tuple[Path, ...] = ()
    template: str = "brief"
    #: Keep compiled templates in the cache folder (``--no-cache``: compile them afresh).
    compiled_templates: bool = True
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
    #: Recorded in the manifest of ``reports_dir`` (not so with ``--output`` elsewhere).
    recorded: bool = False


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
    from briefer.render.charts import MetricPoint, metric_svg, timeline_svg

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
            MetricPoint(r.at, r.value, marks_text(r.marks), r.approximate) for r in figure.history
        ]
        first = min(p.at for p in points)
        span_start = min(first - 30 * 86400, start)
        name = f"{stem}-{figure.metric.id.replace('_', '-')}.svg"
        svg = metric_svg(figure.metric, points, tz=tz_, start=span_start, end=ctx.as_of)
        charts.append((name, figure.metric.label, svg))
    return charts


def _map_file(ctx: BriefContext, stem: str) -> tuple[MapSection, str] | None:
    """The map (SPEC §10), when a development of the period has coordinates."""
    from briefer.render.map import brief_map

    return brief_map(ctx, stem)


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
    # Outputs that show the charts come after them: the charts are listed and
    # published before the files made from them.
    chosen = [(o, md_path.with_suffix(o.suffix)) for n, o in OUTPUTS.items() if n in req.formats]
    plain = [(o, p) for o, p in chosen if not o.uses_charts]
    showing = [(o, p) for o, p in chosen if o.uses_charts]
    charts = _chart_files(ctx, stem) if showing else []
    drawn = _map_file(ctx, stem) if showing else None
    ctx = dataclasses.replace(
        ctx,
        charts=tuple((name, title) for name, title, _ in charts),
        map=drawn[0] if drawn else None,
    )
    if drawn:  # written, listed and served to the PDF engine like a chart
        charts.append((drawn[0].file, drawn[0].title, drawn[1]))
    env = make_environment(req.template_dirs, compiled=req.compiled_templates)
    markdown = render_template(env, f"{req.template}.md.j2", brief=ctx)
    brief = Composed(ctx, markdown, tuple(charts), env, req.template)
    chart_paths = [folder / name for name, _, _ in charts]
    written = [p for _, p in plain] + chart_paths + [p for _, p in showing]
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
                    judgments=record_judgments(ctx.judgments),
                    indicators=record_indicators(ctx.indicators),
                    subject=mail_subject(ctx),
                    bluf=bluf_lines(ctx),
                )
                kept = stage_report(stage, req.reports_dir, records, new, snapshots)
                # The feed of the series, published with the manifest it is made from.
                stage.put(req.reports_dir / FEED, atom_feed(kept, title=log.title, slug=slug))
            notes = [o.write(brief, stage, p) for o, p in plain]
            for (_, _, svg), path in zip(charts, chart_paths, strict=True):
                stage.put(path, svg)
            notes += [o.write(brief, stage, p) for o, p in showing]
            logger.info("publishing the brief")
    except OSError as exc:
        raise OutputError(f"cannot write the brief: {exc.strerror or exc}") from None
    refused = tuple(r for n in notes for r in n.refused)
    warnings = tuple(w for n in notes for w in n.warnings)
    return RenderResult(ctx, tuple(written), refused, warnings=warnings, recorded=record)
