"""What a brief says: an EventLog, an as-of instant and a period → one BriefContext.

Computed once; the Markdown template, the HTML/PDF and the charts all read the
same context, so they cannot disagree. Citations are numbered (by
:class:`briefer.citations.Citations`) in the order the brief first cites them
(bottom line, key judgments, key figures, developments, watch list,
background), and every number resolves in ``sources``.

No I/O: the caller supplies the clock, the previous report and the input hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from briefer.citations import Citations, Reference, marks_text
from briefer.dates import MONTHS, EDate, day_of
from briefer.model import Event, EventLog, Metric
from briefer.query import Query
from briefer.series.changes import Changes
from briefer.tradecraft.sections import IndicatorLine, JudgmentLine, indicator_lines, judgment_lines
from briefer.watch import watch_events

__all__ = [
    "BriefContext",
    "BriefItem",
    "FigureLine",
    "MapSection",
    "Reading",
    "WatchItem",
    "build_brief",
    "day_of",
    "dtg",
    "format_instant",
    "shown_texts",
]

#: Readings of one metric this close together are "the same period" for disagreement:
#: the key figures and the metric charts both flag reports that differ within it.
DISAGREEMENT_WINDOW = 31 * 86400
#: Bottom line up front: at most this many developments.
BLUF_MAX = 5
#: Background: earlier events at least this significant.
BACKGROUND_MIN_SIGNIFICANCE = 4


@dataclass(frozen=True)
class BriefItem:
    """An event as the brief shows it: its displayed date and its citation numbers."""

    event: Event
    date: str
    refs: tuple[int, ...]
    #: (reference number, note) for citations that carry a quote or page.
    notes: tuple[tuple[int, str], ...] = ()
    #: ``("1", "3 B2")``: the citations in number order, with their grades.
    marks: tuple[str, ...] = ()

    @property
    def cite(self) -> str:
        """``[1][3 B2]`` in number order, or an empty string for an uncited event."""
        return marks_text(self.marks)


@dataclass(frozen=True)
class Reading:
    """One reported value of a metric."""

    value: float
    at: int
    date: str
    event: Event
    refs: tuple[int, ...]
    approximate: bool
    #: The citations as printed (see ``BriefItem.marks``).
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureLine:
    """A metric's line in Key figures."""

    metric: Metric
    latest: Reading | None
    #: Change from the last value before the period to the latest one; None if unknown.
    change: float | None
    #: The value before the period started, if any.
    previous: Reading | None
    #: Readings that disagree with the latest one in the same window (other sources).
    disagreeing: tuple[Reading, ...]
    #: Every reading up to as-of, oldest first (for the chart).
    history: tuple[Reading, ...]


@dataclass(frozen=True)
class WatchItem:
    """A forward-looking event: upcoming within the horizon, or passed during the period."""

    item: BriefItem
    countdown: str
    when: str
    passed: bool


@dataclass(frozen=True)
class MapSection:
    """The brief's map (SPEC §10), when a development has coordinates. Set by the renderer."""

    #: The SVG file beside the brief.
    file: str
    title: str
    #: Event id → the number of its marker, shown in the developments list.
    numbers: Mapping[str, int]


@dataclass(frozen=True)
class BriefContext:
    """Everything a brief says, in section order (SPEC §5)."""

    title: str
    marking: str | None
    timezone: str
    report_number: int | None
    as_of: int
    as_of_local: str
    as_of_utc: str
    dtg: str
    period_start: int
    period: str
    input_hash: str
    generator: str
    filter: str | None
    bluf: tuple[BriefItem, ...]
    #: Key judgments current at as-of (SPEC §7), and the indicators' states.
    judgments: tuple[JudgmentLine, ...]
    indicators: tuple[IndicatorLine, ...]
    figures: tuple[FigureLine, ...]
    developments: tuple[BriefItem, ...]
    watch: tuple[WatchItem, ...]
    background: tuple[BriefItem, ...]
    sources: tuple[Reference, ...]
    #: Some citation carries a grade: the Sources section explains the codes.
    graded: bool = False
    #: Events of the brief's scope (as-of and filter applied), for the charts.
    scope: tuple[Event, ...] = field(repr=False, default=())
    #: The log's kinds in their order, for the charts' lanes.
    kinds: tuple[str, ...] = ()
    #: Chart files written beside the Markdown: (file name, title). Set by the renderer.
    charts: tuple[tuple[str, str], ...] = ()
    #: Changes since the previous brief of the series; None for the first. Set by the renderer.
    changes: Changes | None = None
    #: The map, when an output shows it and a development has coordinates.
    map: MapSection | None = None


def format_instant(ts: int, tz: tzinfo) -> str:
    """``Wed 22 Nov 2023 09:00 CET`` in ``tz``."""
    moment = datetime.fromtimestamp(ts, tz)
    return f"{day_of(moment)} {moment:%H:%M} {moment.tzname()}"


def dtg(ts: int) -> str:
    """A military date-time group in UTC: ``220800Z NOV 23``."""
    m = datetime.fromtimestamp(ts, UTC)
    return f"{m:%d%H%M}Z {MONTHS[m.month].upper()} {m:%y}"


def _day(ts: int, tz: tzinfo) -> str:
    return day_of(datetime.fromtimestamp(ts, tz))


def _countdown(event_date: EDate, as_of: int, tz: tzinfo) -> tuple[str, bool]:
    """``in 9 days``, ``tomorrow``, ``today``, ``2 days ago``; and whether it has passed."""
    assert event_date.earliest is not None
    start = datetime.fromtimestamp(event_date.earliest, tz).date()
    today = datetime.fromtimestamp(as_of, tz).date()
    days = (start - today).days
    passed = (event_date.latest or event_date.earliest) <= as_of
    if days == 0:
        return ("today", passed)
    if days == 1:
        return ("tomorrow", passed)
    if days == -1:
        return ("yesterday", passed)
    if days > 0:
        return (f"in {days} days", passed)
    return (f"{-days} days ago", passed)


def _period_label(start: int, end: int, tz: tzinfo) -> str:
    days = (end - start) / 86400
    span = f"{days:.0f} days" if days >= 1.5 else f"{days * 24:.0f} hours"
    return f"{format_instant(start, tz)} – {format_instant(end, tz)} ({span})"


def _readings(
    metric: Metric, events: Sequence[Event], cites: Citations, tz: tzinfo
) -> list[Reading]:
    out = []
    for e in events:
        value = e.figures.get(metric.id)
        if value is None or e.date.earliest is None:
            continue
        refs, _ = cites.cite(e)
        approx = e.date.approximate or e.date.uncertain
        when = e.date.display(tz)
        out.append(Reading(value, e.date.earliest, when, e, refs, approx, cites.marks(e)))
    return out


def _figure(metric: Metric, readings: list[Reading], period_start: int) -> FigureLine:
    if not readings:
        return FigureLine(metric, None, None, None, (), ())
    latest = readings[-1]
    before = [r for r in readings if r.at < period_start]
    previous = before[-1] if before else None
    change = None
    if previous is not None and previous is not latest:
        change = latest.value - previous.value
    window = [r for r in readings if latest.at - r.at <= DISAGREEMENT_WINDOW and r is not latest]
    disagreeing = tuple(r for r in window if r.value != latest.value and r.refs != latest.refs)
    return FigureLine(metric, latest, change, previous, disagreeing, tuple(readings))


def build_brief(
    log: EventLog,
    *,
    as_of: int,
    period_start: int,
    input_hash: str,
    generator: str,
    query: Query | None = None,
    only_ids: Iterable[str] | None = None,
    report_number: int | None = None,
) -> BriefContext:
    """Compute the brief of ``log`` as it would have been written at ``as_of``.

    Events after ``as_of`` are left out, except forward-looking ones, which feed
    the watch list. ``query`` and ``only_ids`` narrow the events considered.
    """
    tz = log.tzinfo
    events: Iterable[Event] = log.events
    if only_ids is not None:
        wanted = set(only_ids)
        events = [e for e in events if e.id in wanted]
    if query is not None:
        events = query.filter(events)

    def known_by(e: Event) -> bool:
        return e.date.earliest is not None and e.date.earliest <= as_of

    past = [e for e in events if known_by(e)]
    upcoming = [e for e in events if e.forward_looking and not known_by(e)]
    in_period = [e for e in past if e.date.earliest is not None and e.date.earliest >= period_start]
    developments = sorted(
        (e for e in in_period if not e.forward_looking),
        key=lambda e: (e.date.sort_key, e.id),
        reverse=True,
    )
    bluf = sorted(developments, key=lambda e: (-e.significance, -(e.date.earliest or 0), e.id))
    bluf = bluf[:BLUF_MAX]
    watching = watch_events(
        past + upcoming, as_of=as_of, period_start=period_start, horizon=log.horizon
    )
    background = [
        e
        for e in past
        if e.date.earliest is not None
        and e.date.earliest < period_start
        and e.significance >= BACKGROUND_MIN_SIGNIFICANCE
    ]

    cites = Citations(log.sources)

    def item(e: Event) -> BriefItem:
        refs, notes = cites.cite(e)
        return BriefItem(e, e.date.display(tz), refs, notes, cites.marks(e))

    # Sources are numbered in the order the brief cites them, section by section.
    bluf_items = tuple(item(e) for e in bluf)
    judgments = judgment_lines(log, as_of, cites, tz)
    figures = tuple(
        _figure(metric, _readings(metric, past, cites, tz), period_start)
        for metric in log.metrics.values()
    )
    development_items = tuple(item(e) for e in developments)
    watch: list[WatchItem] = []
    for e in watching.upcoming:
        countdown, _ = _countdown(e.date, as_of, tz)
        assert e.date.earliest is not None
        watch.append(WatchItem(item(e), countdown, _day(e.date.earliest, tz), False))
    for e in watching.passed:
        countdown, _ = _countdown(e.date, as_of, tz)
        assert e.date.earliest is not None
        watch.append(WatchItem(item(e), f"passed {countdown}", _day(e.date.earliest, tz), True))
    background_items = tuple(item(e) for e in background)
    return BriefContext(
        title=log.title,
        marking=log.marking,
        timezone=log.timezone,
        report_number=report_number,
        as_of=as_of,
        as_of_local=format_instant(as_of, tz),
        as_of_utc=format_instant(as_of, UTC),
        dtg=dtg(as_of),
        period_start=period_start,
        period=_period_label(period_start, as_of, tz),
        input_hash=input_hash,
        generator=generator,
        filter=query.text if query else None,
        bluf=bluf_items,
        judgments=judgments,
        indicators=indicator_lines(log, log.events, as_of=as_of, period_start=period_start, tz=tz),
        figures=figures,
        developments=development_items,
        watch=tuple(watch),
        background=background_items,
        sources=cites.references(),
        graded=cites.graded,
        scope=tuple(past) + tuple(upcoming),
        kinds=log.kinds,
    )


def shown_texts(ctx: BriefContext) -> list[tuple[str, str]]:
    """The log's text a brief prints, labelled by where it comes from, in brief order.

    Labels are ``event 'ID'``, ``metric 'ID'``, ``source 'ID'``, ``judgment 'ID'``,
    ``indicator 'ID'`` and ``the log``,
    for messages that point the user at the entry to look at.
    """
    out: list[tuple[str, str]] = [("the log", f"{ctx.title}\n{ctx.marking or ''}")]
    out += [(f"judgment '{j.judgment.id}'", j.judgment.statement) for j in ctx.judgments]
    out += [
        (f"indicator '{i.state.indicator.id}'", f"{i.title}\n{i.scenario or ''}")
        for i in ctx.indicators
    ]
    seen: set[str] = set()
    items = [*ctx.bluf, *ctx.developments, *(w.item for w in ctx.watch), *ctx.background]
    for event, notes in [(i.event, [n for _, n in i.notes]) for i in items] + [
        (e, []) for e in ctx.scope
    ]:
        if event.id in seen:
            continue
        seen.add(event.id)
        location = str(event.location) if event.location else ""
        parts = [event.title, event.summary or "", location, event.kind or "", *notes]
        out.append((f"event '{event.id}'", "\n".join(parts)))
    for figure in ctx.figures:
        text = f"{figure.metric.label}\n{figure.metric.unit or ''}"
        out.append((f"metric '{figure.metric.id}'", text))
    for ref in ctx.sources:
        src = ref.source
        out.append((f"source '{src.id}'", f"{src.title}\n{src.publisher or ''}\n{src.url or ''}"))
    return out
