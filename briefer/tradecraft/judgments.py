"""Which judgments stand at an instant, and how each came to be (its revisions)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from briefer.model import Judgment

__all__ = ["current_judgments", "history", "lineage", "made_by"]


def made_by(judgment: Judgment, instant: int) -> bool:
    """The judgment had been made at ``instant`` (its date starts on or before it)."""
    start = judgment.date.earliest
    return start is not None and start <= instant


def current_judgments(judgments: Iterable[Judgment], as_of: int) -> tuple[Judgment, ...]:
    """The latest revision of each judgment made on or before ``as_of``, in log order.

    Revisions dated after ``as_of`` are ignored entirely: an as-of brief shows
    what the analyst judged then, with no hint of what came later.
    """
    known = [j for j in judgments if made_by(j, as_of)]
    replaced = {j.revises for j in known if j.revises is not None}
    return tuple(j for j in known if j.id not in replaced)


def lineage(judgment: Judgment, by_id: Mapping[str, Judgment]) -> str:
    """The id of the first judgment of ``judgment``'s revision chain (its name in a series)."""
    seen = {judgment.id}
    while judgment.revises is not None and judgment.revises in by_id:
        judgment = by_id[judgment.revises]
        if judgment.id in seen:  # a cycle (refused by check): stop rather than loop
            break
        seen.add(judgment.id)
    return judgment.id


def history(
    judgment: Judgment, by_id: Mapping[str, Judgment], as_of: int | None = None
) -> Sequence[Judgment]:
    """``judgment`` and the ones it revises, oldest first (revisions after ``as_of`` left out)."""
    chain = [judgment]
    seen = {judgment.id}
    while chain[-1].revises is not None and chain[-1].revises in by_id:
        earlier = by_id[chain[-1].revises]
        if earlier.id in seen:
            break
        seen.add(earlier.id)
        chain.append(earlier)
    chain.reverse()
    if as_of is not None:
        chain = [j for j in chain if made_by(j, as_of)]
    return chain
