"""``judgments:``: key judgments in ICD 203 terms, and their revisions (SPEC §7).

Read from the main file or an included one. Once every file is read,
:func:`check_judgments` follows ``revises`` chains (cycles, revisions dated
before what they revise, two revisions of one judgment) and checks that the
log keeps to one row of the likelihood table.
"""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from briefer.errors import did_you_mean
from briefer.model import Confidence, Judgment, Pos
from briefer.schema.state import LogState, Reference, Section, named
from briefer.tradecraft.terms import find_in_statement, likelihood_of, term_names

_JUDGMENT_KEYS = ("id", "date", "statement", "likelihood", "confidence", "basis", "revises")
_CONFIDENCES = tuple(c.value for c in Confidence)
_ROWS = ("first", "second")


def read_judgments(state: LogState, node: Node) -> None:
    """Each item of the list, as a judgment."""
    for item in state.sequence(node, "judgments", single_ok=False):
        read_judgment(state, item)


def read_judgment(state: LogState, node: Node) -> None:
    """One judgment: id, date, statement, likelihood and confidence are required."""
    pairs = state.mapping(node, _JUDGMENT_KEYS, named("judgment", node))
    if pairs is None:
        return
    if "id" not in pairs:
        state.error(node, "judgment: missing required key 'id'")
        return
    jid = state.slug(pairs["id"][1], "judgment id")
    if jid is None:
        return
    what = f"judgment '{jid}'"
    id_pos = state.pos(pairs["id"][1])
    if jid in state.judgment_pos:
        state.error(id_pos, f"duplicate judgment id '{jid}' (first at {state.judgment_pos[jid]})")
        return
    state.judgment_pos[jid] = id_pos
    missing = [k for k in ("date", "statement", "likelihood", "confidence") if k not in pairs]
    for key in missing:
        state.error(node, f"{what}: missing required key '{key}'")
    date = state.date(pairs["date"][1], f"{what}: date") if "date" in pairs else None
    statement = None
    if "statement" in pairs:
        snode = pairs["statement"][1]
        statement = state.string(snode, f"{what}: statement", required=True)
        if statement is not None:
            statement = " ".join(statement.split())
            _lint_statement(state, snode, what)
    likelihood = (
        _read_likelihood(state, pairs["likelihood"][1], what) if "likelihood" in pairs else None
    )
    confidence = (
        _read_confidence(state, pairs["confidence"][1], what) if "confidence" in pairs else None
    )
    basis: list[str] = []
    if "basis" in pairs:
        for item in state.sequence(pairs["basis"][1], f"{what}: basis"):
            ref = state.string(item, f"{what}: basis id", required=True)
            if ref is not None and ref not in basis:
                basis.append(ref)
                state.refs.append(Reference("basis", ref, state.pos(item), jid, "judgment"))
    if not basis:
        where = pairs["basis"][1] if "basis" in pairs else pairs["id"][1]
        state.report(
            where,
            "warning",
            f"{what} has no basis (list the events and sources it rests on under 'basis:')",
        )
    revises = None
    if "revises" in pairs:
        rnode = pairs["revises"][1]
        revises = state.string(rnode, f"{what}: revises", required=True)
        if revises == jid:
            state.error(rnode, f"{what}: a judgment cannot revise itself")
            revises = None
        elif revises is not None:
            state.refs.append(Reference("judgment", revises, state.pos(rnode), jid, "judgment"))
    if date is None or statement is None or likelihood is None or confidence is None:
        return
    pos = state.pos(node)
    judgment = Judgment(jid, date, statement, likelihood, confidence, pos, tuple(basis), revises)
    state.judgments.append(judgment)


def _read_likelihood(state: LogState, node: Node, what: str) -> str | None:
    """A term of ICD 203's table (either row); its row is noted for the one-row check."""
    term = state.string(node, f"{what}: likelihood", required=True)
    if term is None:
        return None
    found = likelihood_of(term)
    if found is None:
        hint = did_you_mean(term.lower(), term_names()) or (
            " (an ICD 203 term: almost no chance, very unlikely, unlikely, roughly even chance, "
            "likely, very likely, almost certain; or remote … nearly certain)"
        )
        state.error(node, f"{what}: unknown likelihood '{term}'{hint}")
        return None
    state.likelihood_rows.append((found[1], term, state.pos(node)))
    return " ".join(term.split())


def _read_confidence(state: LogState, node: Node, what: str) -> Confidence | None:
    value = state.string(node, f"{what}: confidence", required=True)
    if value is None:
        return None
    if value not in _CONFIDENCES:
        hint = did_you_mean(value, _CONFIDENCES) or " (high, moderate or low)"
        state.error(node, f"{what}: unknown confidence '{value}'{hint}")
        return None
    return Confidence(value)


def _lint_statement(state: LogState, node: Node, what: str) -> None:
    """Warn at each likelihood or confidence expression written inside a statement."""
    if not isinstance(node, ScalarNode):
        return
    raw = state.file.text[node.start_mark.index : node.end_mark.index]
    found_raw = find_in_statement(raw)
    # The source text gives exact positions; escapes in a quoted scalar can hide
    # words from it, so the value decides what is reported.
    found = found_raw if len(found_raw) == len(find_in_statement(node.value)) else None
    for i, finding in enumerate(find_in_statement(node.value)):
        where = state.pos(node)
        if found is not None:
            offset = found[i].start
            before = raw[:offset]
            line = node.start_mark.line + before.count("\n")
            col = (
                node.start_mark.column + offset
                if "\n" not in before
                else offset - before.rfind("\n") - 1
            )
            where = Pos(where.file, line + 1, col + 1)
        if finding.kind == "likelihood":
            message = (
                f"{what}: statement says '{finding.words}': a likelihood belongs in "
                "'likelihood:', not in the statement (ICD 203 keeps likelihood and "
                "confidence in separate sentences)"
            )
        else:
            message = (
                f"{what}: statement says '{finding.words}': confidence belongs in "
                "'confidence:', not in the statement (ICD 203 keeps likelihood and "
                "confidence in separate sentences)"
            )
        state.report(where, "warning", message)


def check_judgments(state: LogState) -> None:
    """Across the log: revision chains, and one row of the likelihood table."""
    by_id = {j.id: j for j in state.judgments}
    revised_by: dict[str, Judgment] = {}
    revises_at = _revises_positions(state) if state.judgments else {}
    in_cycle: set[str] = set()
    for judgment in state.judgments:
        target = by_id.get(judgment.revises or "")
        if target is None:
            continue
        where = revises_at.get(judgment.id, judgment.pos)
        if (target.date.earliest or 0) > (judgment.date.earliest or 0):
            state.error(
                where,
                f"judgment '{judgment.id}' (dated {judgment.date.text}) cannot revise "
                f"'{target.id}', which is dated later ({target.date.text})",
            )
        first = revised_by.setdefault(target.id, judgment)
        if first is not judgment:
            state.error(
                where,
                f"judgment '{judgment.id}': '{target.id}' is already revised by "
                f"'{first.id}' (at {state.judgment_pos[first.id]}); revise '{first.id}' instead",
            )
        if judgment.id not in in_cycle:
            cycle = _cycle_from(judgment, by_id)
            if cycle:
                in_cycle.update(cycle)
                state.error(
                    where,
                    f"judgment '{judgment.id}': its 'revises' chain is a cycle ("
                    + " → ".join([*cycle, cycle[0]])
                    + ")",
                )
    if state.likelihood_rows:
        row0, term0, pos0 = state.likelihood_rows[0]
        for row, term, pos in state.likelihood_rows[1:]:
            if row != row0:
                state.report(
                    pos,
                    "warning",
                    f"likelihood '{term}' is from the {_ROWS[row]} row of ICD 203's terms, "
                    f"but '{term0}' (at {pos0}) is from the {_ROWS[row0]}: use one row in a log",
                )


def _revises_positions(state: LogState) -> dict[str, Pos]:
    """Where each judgment's ``revises:`` value stands, by judgment id."""
    return {r.owner: r.pos for r in state.all_refs() if r.what == "judgment"}


def _cycle_from(judgment: Judgment, by_id: dict[str, Judgment]) -> list[str]:
    """The ids of a cycle that ``judgment``'s chain returns to itself through, else []."""
    chain = [judgment.id]
    current = judgment
    while current.revises is not None and current.revises in by_id:
        current = by_id[current.revises]
        if current.id == judgment.id:
            return chain
        if current.id in chain:
            return []  # a cycle further up the chain: reported at one of its members
        chain.append(current.id)
    return []


JUDGMENTS = Section("judgments", read_judgments, in_includes=True, check=check_judgments)
