"""Checks made once every file is read: unknown ids, and what is declared but never used."""

from __future__ import annotations

from collections.abc import Collection

from briefer.errors import did_you_mean
from briefer.schema.state import LogState


def check_references(state: LogState) -> None:
    """Report references to unknown ids, events citing nothing, unused metrics and sources."""
    cited: set[str] = set()
    reported: set[str] = set()
    known: dict[str, Collection[str]] = {
        "source": state.source_id_pos,
        "metric": state.metrics,
        "event": state.event_pos,
    }
    for ref in state.refs:
        if ref.what == "source":
            cited.add(ref.target)
        elif ref.what == "metric":
            reported.add(ref.target)
        if ref.target not in known[ref.what]:
            hint = did_you_mean(ref.target, known[ref.what])
            owner = f"event '{ref.owner}': " if ref.owner else ""
            state.error(ref.pos, f"{owner}unknown {ref.what} '{ref.target}'{hint}")
    for event in state.events:
        if not event.sources and event.id not in state.bad_sources:
            state.report(
                state.event_pos[event.id], "warning", f"event '{event.id}' cites no source"
            )
    if any(p.severity == "error" for p in state.problems):
        # An error elsewhere (a misspelt key, a refused value) can hide the very
        # citation or figure these would miss: fix the errors first.
        return
    for mid, metric in state.metrics.items():
        if mid not in reported:
            state.report(
                metric.pos, "warning", f"metric '{mid}' is never reported in any event's figures"
            )
    for sid, spos in state.source_id_pos.items():
        if sid not in cited:
            state.report(spos, "warning", f"source '{sid}' is never cited")
