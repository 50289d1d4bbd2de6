"""What every importer shares: the result of an import, log ids, and its YAML.

``ImportResult`` collects converted sources and events and one message per item
left out; ``slug`` and ``_Ids`` make stable, distinct ids; ``ids_in_log`` reads
the ids a ``--fragment`` must avoid; ``drop_invalid`` checks the YAML exactly as
``briefer check`` would, and ``to_yaml`` prints it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from briefer.schema import EVENT_KEYS
from briefer.slugs import slugify


@dataclass
class ImportResult:
    """Converted sources and events, and a message per item that was left out."""

    title: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, dict[str, str]] = field(default_factory=dict)
    #: For each event, its item number and how to name it (``FILE: row N (ID)``).
    origins: list[tuple[int, str]] = field(default_factory=list)
    #: (item number, message) for every item left out.
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: Each event's YAML by id, once dumped (checking and printing need the same text).
    dumped: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.title = " ".join(_without_controls(self.title).split()) or "Imported events"

    @property
    def skipped(self) -> list[str]:
        """One line per item left out, in the order of the file."""
        return [text for _, text in sorted(self.problems, key=lambda p: p[0])]

    def add(self, event: dict[str, Any], number: int, where: str) -> None:
        """Keep a converted event and where it came from."""
        self.events.append(_ordered_event(_without_controls(event)))
        self.origins.append((number, where))

    def skip(self, number: int, where: str, message: str) -> None:
        """Leave an item out, saying why (on one line, whatever the file held)."""
        self.problems.append((number, _UNPRINTABLE.sub(" ", f"{where}: {message}")))


def slug(text: str, limit: int = 60) -> str:
    """A log id from any text (ASCII letters, digits and '-')."""
    return slugify(text, limit=limit)


@dataclass
class LogIds:
    """Ids the log an import is meant for already uses (for ``--fragment``)."""

    sources: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)


def ids_in_log(path: str) -> LogIds:
    """The source and event ids of the log at ``path`` and the files it includes.

    Read leniently, without validating: the log may be mid-edit, or include the
    very file the import is about to replace (already emptied by the shell's
    ``>``). What cannot be read adds nothing.
    """
    from briefer.files import expand_includes, read_log_file

    found = LogIds()

    def read(file: str) -> dict[str, Any]:
        try:
            # The same guarded reader as the loader: a FIFO or a device never hangs.
            text = read_log_file(file).decode("utf-8-sig")
            data = yaml.load(text, Loader=_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        for key, ids in (("sources", found.sources), ("events", found.events)):
            items = data.get(key)
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    ids.add(item["id"])
        return data

    include = read(path).get("include")
    patterns = [include] if isinstance(include, str) else include
    if isinstance(patterns, list):
        strings = [p for p in patterns if isinstance(p, str)]
        for match in expand_includes(strings, path, path):
            if match.path:
                read(match.path)
    return found


class _Ids:
    """Distinct ids: the first of a base as it is, later ones ``base-2``, ``base-3``, ..."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        # The next suffix to try for each base: a file of 10,000 rows that all
        # slug alike must not test 1, 2, ... n for every row.
        self.next: dict[str, int] = {}

    def new(self, base: str) -> str:
        """A new id from ``base`` ("item" when empty), never one given before."""
        base = base or "item"
        candidate = base
        if candidate in self.taken:
            n = self.next.get(base, 2)
            while f"{base}-{n}" in self.taken:
                n += 1
            candidate, self.next[base] = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate


# -- output ---------------------------------------------------------------------------


def _ordered_event(event: dict[str, Any]) -> dict[str, Any]:
    # The order the log format documents its keys in.
    return {k: event[k] for k in EVENT_KEYS if k in event and event[k] not in (None, [], "")}


def _shown(text: str, limit: int = 40) -> str:
    """A value from the file as it can be quoted in a one-line message."""
    text = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


# Also lone surrogates, which JSON's \ud800 escapes can produce and UTF-8 cannot encode.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _without_controls(value: Any) -> Any:
    """Text from the file without control characters (an ESC would reach terminals)."""
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    if isinstance(value, dict):
        return {k: _without_controls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_controls(v) for v in value]
    return value


# libyaml's emitter and parser when PyYAML has them: the same text, several times faster.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _dump(value: Any) -> str:
    return str(yaml.dump(value, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100))


def _document(result: ImportResult, *, fragment: bool, timezone: str) -> tuple[str, list[int]]:
    """The YAML text, and the line each event starts on (1-based)."""
    cited = {
        c if isinstance(c, str) else c["id"] for e in result.events for c in e.get("sources", ())
    }
    head: dict[str, Any] = {}
    if not fragment:
        head = {"briefer": 1, "title": result.title, "timezone": timezone}
        reported = {m for e in result.events for m in e.get("figures", {})}
        metrics = {k: v for k, v in result.metrics.items() if k in reported}
        if metrics:
            head["metrics"] = metrics
    head["sources"] = [s for s in result.sources if s["id"] in cited]
    parts = [_dump(head)]
    if not result.events:
        parts.append("events: []\n")
        return "".join(parts), []
    parts.append("events:\n")
    line = sum(p.count("\n") for p in parts) + 1
    starts = []
    # One event at a time: the same text as dumping the list whole (a block
    # sequence under a key is not indented), and each event's lines are known.
    for event in result.events:
        chunk = result.dumped.get(event["id"]) or result.dumped.setdefault(
            event["id"], _dump([event])
        )
        starts.append(line)
        line += chunk.count("\n")
        parts.append(chunk)
    return "".join(parts), starts


def drop_invalid(result: ImportResult, *, timezone: str = "UTC") -> None:
    """Leave out (and report) every event the log's own validator refuses.

    The converters already refuse what they know the log format cannot say;
    this is the guarantee behind them: the printed YAML is checked exactly as
    ``briefer check`` would check it, so an import never exits 0 with YAML that
    fails ``check``.
    """
    from briefer.loader import parse

    while result.events:
        text, starts = _document(result, fragment=False, timezone=timezone)
        problems = parse("import.yaml", text.encode("utf-8"), "import.yaml").result.problems
        refused: dict[int, str] = {}
        for problem in problems:
            if problem.severity != "error":
                continue
            index = bisect.bisect_right(starts, problem.pos.line) - 1
            if index < 0:
                # The header and sources come from this module alone: a bug here.
                raise RuntimeError(f"import produced an invalid log: {problem}")
            eid = result.events[index]["id"]
            message = problem.message.removeprefix(f"event '{eid}': ")
            refused.setdefault(index, message)
        if not refused:
            return
        for index in sorted(refused, reverse=True):
            number, where = result.origins[index]
            result.skip(number, where, refused[index])
            del result.events[index], result.origins[index]


def to_yaml(result: ImportResult, *, fragment: bool, timezone: str = "UTC") -> str:
    """The import as a full log, or only ``sources:``/``events:`` to include from one."""
    return _document(result, fragment=fragment, timezone=timezone)[0]
