"""Checks made once every file is read: unknown ids, and what is declared but never used."""

from __future__ import annotations

from collections.abc import Collection

from briefer.errors import did_you_mean
from briefer.schema.state import LogState, Reference


def check_references(state: LogState) -> None:
    """Report references to unknown ids, events citing nothing, unused metrics and sources.

    A source named in a judgment's basis counts as cited.
    """
    cited: set[str] = set()
    reported: set[str] = set()
    known: dict[str, Collection[str]] = {
        "source": state.source_id_pos,
        "metric": state.metrics,
        "event": state.event_pos.keys(),
        "indicator": state.indicator_pos,
        "judgment": state.judgment_pos,
        # A judgment's basis names events and sources alike.
        "basis": state.event_pos.keys() | state.source_id_pos.keys(),
    }

    def unknown(ref: Reference) -> None:
        choices = known[ref.what]
        if ref.what == "judgment":  # never suggest that a judgment revises itself
            choices = [c for c in choices if c != ref.owner]
        hint = did_you_mean(ref.target, choices)
        owner = f"{ref.owner_kind} '{ref.owner}': " if ref.owner else ""
        what = "event or source" if ref.what == "basis" else ref.what
        state.error(ref.pos, f"{owner}unknown {what} '{ref.target}'{hint}")

    for ref in state.refs:
        if ref.what in ("source", "basis"):
            cited.add(ref.target)
        elif ref.what == "metric":
            reported.add(ref.target)
        if ref.target not in known[ref.what]:
            unknown(ref)
    # Files read apart keep their references as columns: a Reference only for an unknown id.
    for block in state.ref_blocks:
        for i, (what, target) in enumerate(zip(block.what, block.target, strict=True)):
            if what in ("source", "basis"):
                cited.add(target)
            elif what == "metric":
                reported.add(target)
            if target not in known[what]:
                unknown(block.reference(i))
    for eid in state.uncited:
        if eid not in state.bad_sources:
            state.report(state.event_pos[eid], "warning", f"event '{eid}' cites no source")
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
