"""Where a brief's period starts, what changed since the last brief, and whether to skip it.

The period starts at ``--since`` when given, else at the previous brief's
as-of (``--since last`` insists on one), else ``DEFAULT_PERIOD`` before the
as-of. ``--if-changed`` skips a brief when the log and the period say nothing
the previous brief did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from briefer.brief import BriefContext
from briefer.dates import get_timezone
from briefer.errors import InvalidInput
from briefer.records import Snapshot
from briefer.series.assessments import compare_assessments
from briefer.series.changes import Changes, compare
from briefer.series.manifest import ReportRecord

__all__ = ["DEFAULT_PERIOD", "changes_since", "period_start", "unchanged"]

#: The default period when there is no earlier report.
DEFAULT_PERIOD = 7 * 86400


def period_start(
    previous: ReportRecord | None,
    *,
    as_of: int,
    since: int | None,
    since_last: bool,
    reports_dir: Path,
) -> int:
    """The start of the period; InvalidInput when there is none to be had."""
    if since is not None:
        start = since
    elif since_last or previous is not None:
        if previous is None:
            raise InvalidInput(f"--since last: no earlier brief of this log in {reports_dir}/")
        start = previous.as_of
    else:
        start = as_of - DEFAULT_PERIOD
    if start >= as_of:
        raise InvalidInput("the period must start before the as-of time")
    return start


def changes_since(
    ctx: BriefContext, previous: ReportRecord, before: Sequence[Snapshot], after: list[Snapshot]
) -> Changes:
    """What changed between ``previous``'s scope and this brief's, with deadlines passed since."""
    tz_ = get_timezone(ctx.timezone)
    passed = [
        (e.id, e.title, e.date.display(tz_))
        for e in ctx.scope
        if e.forward_looking
        and e.date.earliest is not None
        and previous.as_of < e.date.earliest <= ctx.as_of
    ]
    assessment = compare_assessments(
        previous.number, previous.judgments, previous.indicators, ctx.judgments, ctx.indicators
    )
    return compare(previous.number, previous.as_of, before, after, passed, assessment)


def unchanged(
    ctx: BriefContext,
    previous: ReportRecord,
    upcoming: tuple[str, ...],
    developments: tuple[str, ...],
) -> bool:
    """Same log, and nothing new in the period: no new development, deadline or watch
    item, and no judgment or indicator that moved (a revision dated in the period)."""
    if ctx.input_hash != previous.input_hash:
        return False
    if set(developments) - set(previous.developments):
        return False
    if ctx.changes is not None and (
        ctx.changes.deadlines_passed or not ctx.changes.assessment.none
    ):
        return False
    return set(upcoming) == set(previous.watch)
