"""Reading YAML as plain data, with a FILE:LINE:COL position for every problem.

Files are composed once by libyaml into nodes that carry their positions; the
schema walks those nodes itself instead of letting PyYAML construct Python
objects, so positions, validation and the model come out of a single pass
that costs about what PyYAML's own constructor would. Scalars are resolved
with PyYAML's *base* resolver (everything is a string) and typed by the field
they belong to, which also spares analysts YAML 1.1 surprises (``title: no``
stays the text "no").

Refused, because the log is plain data: anchors and aliases (so a "billion
laughs" file costs nothing), tags other than ``!!str``, merge keys and
duplicate keys (which PyYAML would silently resolve to the last one).

Two ways to read a file: libyaml through PyYAML (the reference, every message
and position of every problem comes from it, :meth:`NodeReader.compose`), and
the fast reader (:mod:`briefer.fastread`, on rapidyaml), many times faster on a
large log, which raises :class:`Unsupported` for a file it cannot read exactly
like the reference; the loader then reads the file again the reference way, as
it does for any file with an error. ``BRIEFER_YAML=pyyaml`` in the environment,
or a missing rapidyaml, keeps every read on the reference way.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefer.errors import did_you_mean
from briefer.model import Pos, Problem, Severity

#: Control characters (C0 but tab and newline, DEL, C1). YAML lets a quoted
#: scalar spell them as escapes ("\e", "\x9b"); in a title or a name they only
#: serve to drive a terminal or hide text, so the log refuses them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

__all__ = [
    "NodeReader",
    "SourceText",
    "Unsupported",
    "decode",
    "describe",
    "fast_available",
    "is_null",
]

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

# PyYAML's C parser when available (it is in the wheels we depend on); the pure
# Python one gives the same nodes, only slower.
_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

Pairs = dict[str, tuple[ScalarNode, Node]]

try:
    from briefer import yamlfast
    from briefer.yamlfast import Unsupported
except ImportError:  # rapidyaml has no wheel for this platform: the reference path only
    yamlfast = None  # type: ignore[assignment]

    class Unsupported(Exception):  # type: ignore[no-redef]
        """Never raised without rapidyaml."""


def fast_available() -> bool:
    """Can files be composed the fast way (rapidyaml importable, not switched off)?"""
    return yamlfast is not None and os.environ.get("BRIEFER_YAML", "").lower() != "pyyaml"


def decode(data: bytes, display: str) -> tuple[str | None, Problem | None]:
    """Decode a file strictly as UTF-8; a problem names the first bad byte's line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        message = f"file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        return None, Problem(Pos(display, line, col), "error", message)
    return text.removeprefix("\ufeff"), None


@dataclass(frozen=True)
class SourceText:
    """One file being read: its name as shown to the user and its text."""

    display: str
    text: str

    @property
    def props_possible(self) -> bool:
        """Anchors, aliases and tags need '&', '*' or '!'; most logs have none,
        so most nodes skip the check entirely."""
        return "&" in self.text or "!" in self.text or "*" in self.text


def is_null(node: ScalarNode) -> bool:
    """A plain ``~``/``null``/empty scalar. Plain style is None (Python parser) or "" (C)."""
    return not node.style and node.value in _NULLS


def describe(node: Node) -> str:
    """A short phrase for what a node is, for "must be X, not Y" messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode):
        if is_null(node):
            return "an empty value"
        value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        if node.style in ("'", '"'):
            return f"quoted text '{value}'"
        return f"text '{value}'" if node.style else f"'{value}'"
    return "something else"


def format_number(value: float) -> str:
    """``5`` rather than ``5.0`` for whole numbers."""
    return str(int(value)) if value == int(value) else str(value)


def _parse_number(text: str) -> float | None:
    if not text.isascii():  # int() would take "５" (a full-width digit)
        return None
    try:
        return int(text)
    except ValueError:
        pass  # not an integer; try a float
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag.removeprefix(prefix) if tag.startswith(prefix) else tag


@dataclass
class NodeReader:
    """Typed access to composed nodes, collecting a problem for everything wrong."""

    problems: list[Problem] = field(default_factory=list)
    file: SourceText = field(default_factory=lambda: SourceText("", ""))
    #: Nodes already refused as anchored: an alias yields the very same node object.
    refused: set[int] = field(default_factory=set)
    _props: bool = False

    def begin(self, file: SourceText, *, props: bool = True) -> None:
        """Start reading nodes of ``file`` (``props=False``: nodes that cannot have any)."""
        self.file = file
        self._props = props and file.props_possible

    def pos(self, node: Node) -> Pos:
        """Where ``node`` starts."""
        mark = node.start_mark
        return Pos(self.file.display, mark.line + 1, mark.column + 1)

    def report(self, where: Node | Pos, severity: Severity, message: str) -> None:
        """Record a problem at a node or position."""
        pos = where if isinstance(where, Pos) else self.pos(where)
        self.problems.append(Problem(pos, severity, message))

    def error(self, where: Node | Pos, message: str) -> None:
        """Record an error at a node or position."""
        self.report(where, "error", message)

    def compose(self) -> Node | None:
        """The current file's single document, or None (reported) if it has none or is bad."""
        text = self.file.text
        try:
            loader = _Loader(text)
            try:
                node: Node | None = loader.get_single_node()
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            self.error(*self._yaml_problem(exc))
            return None
        except yaml.reader.ReaderError as exc:
            before = text[: exc.position]
            line = before.count("\n") + 1
            col = exc.position - (before.rfind("\n") + 1) + 1
            self.error(
                Pos(self.file.display, line, col),
                f"invalid YAML: character U+{exc.character:04X} is not allowed",
            )
            return None
        if node is None or (isinstance(node, ScalarNode) and is_null(node)):
            self.error(Pos(self.file.display, 1, 1), "file is empty")
            return None
        return node

    def _yaml_problem(self, exc: yaml.MarkedYAMLError) -> tuple[Pos, str]:
        """PyYAML's error → a position on an existing line and a message in plain words."""
        problem = exc.problem or ""
        context = exc.context or ""
        mark = exc.problem_mark
        last_line = self.file.text.count("\n") + (0 if self.file.text.endswith("\n") else 1)
        if exc.context_mark is not None and (mark is None or mark.line + 1 > last_line):
            # Running off the end (an unclosed quote or bracket): point where it opened.
            mark = exc.context_mark
        at_problem = exc.problem_mark
        if (
            at_problem is not None
            and self.file.text[at_problem.index : at_problem.index + 1] == "\t"
        ):
            message = "a tab cannot indent YAML; use spaces"
        elif "another document" in problem:
            message = "a log holds one YAML document; remove the second '---'"
        elif "while scanning a quoted scalar" in context and "end of stream" in problem:
            message = "this quote is never closed"
        else:
            message = problem.removeprefix("but ") or context or "not valid YAML"
            if context and problem and exc.context_mark is not mark and exc.context_mark:
                message += f" ({context} at line {exc.context_mark.line + 1})"
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return Pos(self.file.display, line, col), f"invalid YAML: {message}"

    def plain_data(self, node: Node) -> bool:
        """False (and reported) for anchored, aliased or tagged nodes: the log is plain data."""
        if self._props:
            index = node.start_mark.index
            if id(node) in self.refused:
                return False
            if self._anchored(index):
                self.refused.add(id(node))
                self.error(node, "YAML anchors and aliases are not allowed (write the value out)")
                return False
        if node.tag not in (_STR, _SEQ, _MAP):
            tag = _short_tag(node.tag)
            self.error(node, f"YAML tag '{tag}' is not allowed (the log is plain data)")
            return False
        return True

    def _anchored(self, index: int) -> bool:
        """Does the node starting at ``index`` carry an anchor (``&a``, ``!tag &a``)?"""
        text = self.file.text
        if text.startswith("!", index):  # node properties may come in either order
            while index < len(text) and not text[index].isspace():
                index += 1
            while index < len(text) and text[index] in " \t":
                index += 1
        return text.startswith("&", index)

    def mapping(self, node: Node, allowed: tuple[str, ...], what: str) -> Pairs | None:
        """The pairs of a mapping node by key; unknown and duplicate keys reported."""
        if not self.plain_data(node):
            return None
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping (key: value lines), not {describe(node)}")
            return None
        out: Pairs = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                self.error(knode, f"{what}: keys must be plain words")
                continue
            if not self.plain_data(knode):
                continue
            key = knode.value
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.error(knode, f"{what}: duplicate key '{key}' (first at line {first})")
                continue
            if key not in allowed:
                if key == "<<":
                    self.error(knode, f"{what}: YAML merge keys are not allowed")
                else:
                    hint = did_you_mean(key, allowed) or f" (expected one of: {', '.join(allowed)})"
                    self.error(knode, f"{what}: unknown key '{key}'{hint}")
                continue
            out[key] = (knode, vnode)
        return out

    def sequence(self, node: Node, what: str, *, single_ok: bool = True) -> list[Node]:
        """Items of a list; a lone scalar counts as a one-item list when ``single_ok``."""
        if not self.plain_data(node):
            return []
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, ScalarNode) and is_null(node):
            return []  # "events:" with nothing after it yet
        if single_ok and isinstance(node, ScalarNode):
            return [node]
        self.error(node, f"{what} must be a list, not {describe(node)}")
        return []

    def string(self, node: Node, what: str, *, required: bool = False) -> str | None:
        """A scalar's text; None (reported if ``required``) when empty; errors for collections."""
        if not self.plain_data(node):
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be text, not {describe(node)}")
            return None
        value: str = node.value
        if is_null(node) or not value.strip():
            if required:
                self.error(node, f"{what} must not be empty")
            return None
        control = _CONTROL.search(value)
        if control is not None:
            code = f"U+{ord(control.group()):04X}"
            self.error(node, f"{what} holds the control character {code}; remove it")
            return None
        return value

    def number(self, node: Node, what: str) -> float | None:
        """A plain numeric scalar (int or float); quoted numbers are text, hence errors."""
        if not self.plain_data(node):
            return None
        if isinstance(node, ScalarNode) and not node.style and not is_null(node):
            value = _parse_number(node.value)
            if value is not None:
                return value
        self.error(node, f"{what} must be a number, not {describe(node)}")
        return None
