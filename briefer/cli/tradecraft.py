"""``briefer judgments`` and ``briefer indicators``: the assessment side of the log (SPEC §7)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from briefer.cli.base import FORMAT_OPTION, Settings, cli, count, when
from briefer.cli.tables import aligned, terminal_width, wrapped
from briefer.terminal import printable

if TYPE_CHECKING:
    from briefer.model import EventLog, Judgment
    from briefer.tradecraft.indicators import IndicatorState

__all__ = ["indicators", "judgments"]

_AS_OF = click.option(
    "--as-of",
    "as_of_text",
    default="now",
    show_default=True,
    metavar="WHEN",
    help="As the log stood then (a date, date-time, now, or 7d back); a date means its end.",
)


def _as_of(log: EventLog, text: str) -> int:
    now = int(time.time()) // 60 * 60
    return when(text, now=now, tz=log.tzinfo, relative_to=now, end_of_day=True)


def _dump(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _footer(log: EventLog, what: str, as_of: int) -> None:
    """``2 judgments as of 30 Nov 2023 23:59 CET`` on stderr, on a terminal only (like list)."""
    if sys.stdout.isatty():
        click.echo(f"{what} as of {_shown(log, as_of)}", err=True)


def _shown(log: EventLog, instant: int) -> str:
    """``Thu 30 Nov 2023 23:59 CET``, in fixed English whatever the locale."""
    from briefer.brief import format_instant

    return format_instant(instant, log.tzinfo)


@cli.command()
@_AS_OF
@click.option("--history", is_flag=True, help="Also list each judgment's earlier revisions.")
@FORMAT_OPTION
@click.pass_obj
def judgments(settings: Settings, as_of_text: str, history: bool, fmt: str) -> None:
    """Print the key judgments current at --as-of: the latest revision of each.

    \b
    Table: per judgment, its id, date, likelihood term with its range, then
    the statement, then its confidence and basis (event and source ids);
    --history adds the revisions it replaced, oldest first (only those made
    by --as-of). JSON: a list of objects with id, date (as written), start
    (ISO 8601), statement, likelihood, likelihood_range ([low, high] in
    percent), confidence, basis (ids) and revises (an id or null); with
    --history each also has history, the earlier revisions as such objects,
    oldest first. Exit codes: 1 invalid log; 2 usage.
    """
    from briefer.records import judgment_record
    from briefer.tradecraft.judgments import current_judgments
    from briefer.tradecraft.judgments import history as revisions

    log = settings.load_valid()
    as_of = _as_of(log, as_of_text)
    by_id = {j.id: j for j in log.judgments}
    current = current_judgments(log.judgments, as_of)
    earlier = {j.id: list(revisions(j, by_id, as_of))[:-1] for j in current} if history else {}
    if fmt == "json":
        records = []
        for j in current:
            record = judgment_record(log, j)
            if history:
                record["history"] = [judgment_record(log, r) for r in earlier[j.id]]
            records.append(record)
        _dump(records)
        return
    if not current:
        click.echo(f"No judgments as of {_shown(log, as_of)}.", err=True)
        return
    click.echo("\n".join(_judgment_lines(log, current, earlier, terminal_width())))
    _footer(log, count(len(current), "judgment"), as_of)


def _judgment_head(log: EventLog, j: Judgment) -> list[str]:
    """Id, date, likelihood term with its range: a judgment's first line."""
    from briefer.tradecraft.terms import likelihood_of

    found = likelihood_of(j.likelihood)
    term = printable(j.likelihood) if found is None else f"{j.likelihood} ({found[0].range})"
    return [j.id, j.date.display(log.tzinfo), term]


def _judgment_lines(
    log: EventLog,
    judgments: Sequence[Judgment],
    earlier: dict[str, list[Judgment]],
    width: int,
    indent: str = "",
) -> list[str]:
    """Per judgment its first line (aligned with the others'), statement, confidence and
    basis, and the revisions it replaced."""
    heads = aligned([_judgment_head(log, j) for j in judgments], width, indent=indent)
    out = []
    for head, j in zip(heads, judgments, strict=True):
        out.append(head)
        out += wrapped(printable(j.statement), width, indent=indent + "    ")
        basis = ", ".join(j.basis) or "none given"
        about = f"Confidence: {j.confidence.value}. Basis: {basis}"
        out += wrapped(about, width, indent=indent + "    ")
        if earlier.get(j.id):
            out.append(f"{indent}    Revises, oldest first:")
            out += _judgment_lines(log, earlier[j.id], {}, width, indent + "      ")
    return out


@cli.command()
@_AS_OF
@FORMAT_OPTION
@click.pass_obj
def indicators(settings: Settings, as_of_text: str, fmt: str) -> None:
    """Print the indicators and whether each is observed at --as-of.

    \b
    An indicator is observed when an event observing it falls within its
    window (or the log's horizon) before --as-of. Table: grouped by scenario,
    per indicator its id, status, the date of the last observation, how many
    events observed it up to --as-of and its window, then its title. JSON: a list of
    objects with id, title, scenario, window_seconds (as the log declares it;
    null: the horizon), window_effective_seconds, status ("observed" or "not
    observed"), last (the latest observing event: id, date as written, start
    in ISO 8601; null if none) and observations (a count). Exit codes:
    1 invalid log; 2 usage.
    """
    from briefer.tradecraft.indicators import indicator_states

    log = settings.load_valid()
    as_of = _as_of(log, as_of_text)
    states = indicator_states(
        log.indicators, log.events, as_of=as_of, period_start=as_of, horizon=log.horizon
    )
    if fmt == "json":
        _dump([_indicator_json(log, s) for s in states])
        return
    if not states:
        click.echo("The log has no indicators.", err=True)
        return
    click.echo("\n".join(_indicator_lines(log, states, terminal_width())))
    observed = sum(s.observed for s in states)
    _footer(log, f"{observed} of {count(len(states), 'indicator')} observed", as_of)


def _indicator_json(log: EventLog, state: IndicatorState) -> dict[str, Any]:
    from briefer.records import event_record, indicator_record

    last = None
    if state.last is not None:
        record = event_record(log, state.last)
        last = {k: record[k] for k in ("id", "date", "start")}
    return {
        **indicator_record(state.indicator),
        "window_effective_seconds": _window(log, state),
        "status": state.status,
        "last": last,
        "observations": len(state.history),
    }


def _window(log: EventLog, state: IndicatorState) -> int:
    window = state.indicator.window
    return log.horizon if window is None else window


def _indicator_lines(log: EventLog, states: Sequence[IndicatorState], width: int) -> list[str]:
    """A header, then per indicator a row and its title, under scenario headings if any."""
    from briefer.durations import format_duration

    tz = log.tzinfo
    grouped = any(s.indicator.scenario for s in states)
    order = {sc: i for i, sc in enumerate(dict.fromkeys(s.indicator.scenario for s in states))}
    states = sorted(states, key=lambda s: order[s.indicator.scenario])
    rows = [["INDICATOR", "STATUS", "LAST SEEN", "SEEN", "WINDOW"]]
    for s in states:
        last = "-" if s.last is None else s.last.date.display(tz)
        window = format_duration(_window(log, s))
        rows.append([s.indicator.id, s.status, last, str(len(s.history)), window])
    indent = "  " if grouped else ""
    lines = aligned(rows, width, indent=indent)
    out = [lines[0]]
    scenario: object = object()
    for line, s in zip(lines[1:], states, strict=True):
        if grouped and s.indicator.scenario != scenario:
            scenario = s.indicator.scenario
            out.append(printable(s.indicator.scenario or "(no scenario)"))
        out.append(line)
        out += wrapped(printable(s.indicator.title), width, indent=indent + "    ")
    return out
