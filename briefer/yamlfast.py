"""The fast path: rapidyaml's tree, seen through PyYAML's node classes.

libyaml parses a large log quickly, but PyYAML's composer then calls back into
Python for every event and node, and that is nearly all the time a cold
``check`` of a 100,000-event log takes. rapidyaml parses the same file into a
C++ tree in a fraction of that; this module hands the schema that tree as
nodes that quack like PyYAML's (``ScalarNode`` and friends, with ``.value``,
``.style``, ``.tag``, ``.start_mark``, ``.end_mark``), so the schema and its
messages stay exactly as they are.

Nodes are cheap and lazy: a mapping or a list builds its children each time
its ``value`` is read (the walk reads each once), and a node's position is
worked out only when asked for, from where its text lies in the file. Most
nodes are never asked.

:mod:`briefer.fastread` reads a log's events straight from the tree and uses
these nodes for the rest of a file (its header, sources, judgments …) and for
any event its strict reader declines; a document can be a part of a file (a
chunk of events), placed on the file's lines.

Only *plain, simple* files go this way. Anything that could make the two
parsers disagree raises :class:`Unsupported`, and the loader reads the file
again the old way: anchors, aliases and tags (refused by the schema, whose
messages come from the old path), characters PyYAML reads differently or
refuses (control characters, NEL and the Unicode line and paragraph
separators, carriage returns, a tab at the start of a line, a BOM inside the
text), any syntax error, and any position this module cannot place exactly.
The loader also goes back to the old path for any file with an *error*, so
every error message and position comes from PyYAML by construction.
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
import sys
import threading
from bisect import bisect_right
from typing import Any

import ryml
from ryml import _ryml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["FastDocument", "Unsupported", "address", "compose", "quiet_parse"]

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class Unsupported(Exception):
    """This file (or this position in it) is for the old path."""


# The wrapper's flat functions, called with the tree's own SWIG object: four
# times faster than the proxy methods, and the build calls them per node.
_TYPE = _ryml.Tree_type
_FIRST = _ryml.Tree_first_child
_NEXT = _ryml.Tree_next_sibling
_KEY = _ryml.Tree_key
_VAL = _ryml.Tree_val
_NONE: int = ryml.NONE

_IS_KEY: int = ryml.KEY
_IS_MAP: int = ryml.MAP
_IS_SEQ: int = ryml.SEQ
_IS_DOC: int = ryml.DOC
_IS_STREAM: int = ryml.STREAM
_FLOW: int = ryml.FLOW_SL | ryml.FLOW_ML
#: Anchors, aliases and tags: the schema refuses them, with the old path's messages.
_PROPS: int = ryml.KEYANCH | ryml.VALANCH | ryml.KEYREF | ryml.VALREF | ryml.KEYTAG | ryml.VALTAG
_KEY_STYLE: int = ryml.KEY_STYLE
_VAL_STYLE: int = ryml.VAL_STYLE
_KEY_STYLES = {
    ryml.KEY_PLAIN: "",
    ryml.KEY_SQUO: "'",
    ryml.KEY_DQUO: '"',
    ryml.KEY_LITERAL: "|",
    ryml.KEY_FOLDED: ">",
}
_VAL_STYLES = {
    ryml.VAL_PLAIN: "",
    ryml.VAL_SQUO: "'",
    ryml.VAL_DQUO: '"',
    ryml.VAL_LITERAL: "|",
    ryml.VAL_FOLDED: ">",
}

#: Bytes PyYAML reads differently from rapidyaml, or refuses: C0 controls but
#: tab and newline (so a carriage return too), DEL; then, looked for only when
#: their lead byte is there at all, C1 controls (NEL is a line break to
#: PyYAML), U+2028/U+2029 (line breaks to PyYAML), U+FFFE/U+FFFF, a BOM, and a
#: tab among a line's leading spaces.
_CONTROLS = bytes(0 if b in (0x09, 0x0A) or 0x20 <= b < 0x7F or b > 0x7F else 1 for b in range(256))
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_ODD_SEQUENCES = (
    b"\xe2\x80\xa8",
    b"\xe2\x80\xa9",
    b"\xef\xbf\xbe",
    b"\xef\xbf\xbf",
    b"\xef\xbb\xbf",
)
_LEADING_TAB = re.compile(rb"(?:^|\n) *\t")


def _odd(raw: bytes) -> bool:
    """Does ``raw`` hold anything PyYAML and rapidyaml could read differently?"""
    if b"\x01" in raw.translate(_CONTROLS):  # faster than a regular expression
        return True
    if b"\xc2" in raw and _C1.search(raw) is not None:
        return True
    if any(seq in raw for seq in _ODD_SEQUENCES):
        return True
    return b"\t" in raw and _LEADING_TAB.search(raw) is not None


#: Plain scalars may not start with these (reserved indicators): PyYAML refuses
#: them, rapidyaml reads them as text.
_RESERVED = ("@", "`")

#: A block scalar's leading blank lines, then the indentation of its first line of text.
_FIRST_CONTENT = re.compile(rb"((?: *\n)*)( +)[^ \n]")

#: The header line of a block scalar, up to its end: where its indicator is.
_BLOCK_HEADER = re.compile(rb"(?<=[ \t])[|>][-+1-9]{0,2}[ \t]*(?:#[^\n]*)?\Z")


class _PyBuffer(ctypes.Structure):
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.py_object),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
_release_buffer.restype = None


def _buffer_address(view: Any) -> int:
    """Where a buffer's memory starts, through the buffer protocol."""
    info = _PyBuffer()
    if _get_buffer(view, ctypes.byref(info), 0) != 0:
        raise Unsupported
    try:
        return int(info.buf or 0)
    finally:
        _release_buffer(ctypes.byref(info))


def _view_pointer_offset() -> int | None:
    """Where a memoryview object keeps its data pointer (CPython's ``view.buf``), if found.

    Reading it there costs a tenth of the buffer protocol's round trip, and the
    walk asks for a position per entry and per reference. The offset is looked
    for, then checked on views of other memory; not found, the protocol it is."""
    if sys.implementation.name != "cpython":
        return None
    keep = bytearray(64)
    views = [memoryview(keep)[i:] for i in (0, 3, 17)]
    wanted = [_buffer_address(v) for v in views]
    for offset in range(2 * ctypes.sizeof(ctypes.c_void_p), 160, ctypes.sizeof(ctypes.c_void_p)):
        found = [ctypes.c_void_p.from_address(id(v) + offset).value for v in views]
        if found == wanted:
            return offset
    return None


_VIEW_POINTER = _view_pointer_offset()
_pointer_at = ctypes.c_void_p.from_address


def address(view: Any) -> int:
    """Where a memoryview's memory starts (one rapidyaml hands out, or one of our buffer)."""
    if _VIEW_POINTER is not None and type(view) is memoryview:
        return int(_pointer_at(id(view) + _VIEW_POINTER).value or 0)
    return _buffer_address(view)


class Mark:
    """A position as PyYAML marks it: 0-based line and column (in characters), character index."""

    __slots__ = ("column", "index", "line")

    def __init__(self, line: int, column: int, index: int) -> None:
        self.line = line
        self.column = column
        self.index = index


class _Locator:
    """Byte offset → :class:`Mark`, counting lines and characters from the nearest known point.

    Every point asked for becomes a known one, so each count is short even when
    the walk asks out of file order (a key near the end first, as the fast
    reader does, then the sections before it)."""

    def __init__(self, raw: bytes, line: int = 0) -> None:
        self.raw = raw
        self.ascii = raw.isascii()
        self.offsets = [0]
        self.lines = [line]
        self.chars = [0]

    def mark(self, offset: int) -> Mark:
        raw = self.raw
        i = bisect_right(self.offsets, offset) - 1
        start = self.offsets[i]
        line = self.lines[i] + raw.count(b"\n", start, offset)
        line_start = raw.rfind(b"\n", 0, offset) + 1
        if self.ascii:
            index, column = offset, offset - line_start
        else:
            index = self.chars[i] + len(raw[start:offset].decode("utf-8"))
            column = len(raw[line_start:offset].decode("utf-8"))
        if offset > start:
            self.offsets.insert(i + 1, offset)
            self.lines.insert(i + 1, line)
            self.chars.insert(i + 1, index)
        return Mark(line, column, index)


class FastDocument:
    """One parsed file: rapidyaml's tree, the bytes it points into, and what places its nodes."""

    def __init__(
        self, raw: bytes, *, parsed: tuple[bytearray, Any] | None = None, line: int = 0
    ) -> None:
        """Parse ``raw``, or take the (buffer, tree) it was parsed into; ``line``: its first line.

        A document of part of a file (a chunk of events) gives the lines of the
        file; its marks' ``index`` counts from the part's start."""
        self.raw = raw
        if parsed is None:
            self.buffer = bytearray(raw)  # parsed in place: scalars point into it
            self.tree = ryml.Tree()
            quiet_parse(self.buffer, self.tree)
        else:
            self.buffer, self.tree = parsed
        self.this = self.tree.this
        self.base = _buffer_address(self.buffer)
        self.locator = _Locator(raw, line)
        #: The mapping built last, as (node id, pairs): the schema reads an entry's
        #: pairs twice in a row (its id for messages, then its keys), and PyYAML
        #: gives the same node objects both times.
        self._last: tuple[int, list[tuple[Node, Node]]] = (-1, [])

    # -- building nodes ---------------------------------------------------------

    def root(self) -> Node:
        """The single document's node (``Unsupported`` for none, several, or a lone scalar)."""
        nid = self.tree.root_id()
        kind = _TYPE(self.this, nid)
        if kind & _IS_STREAM:
            first = _FIRST(self.this, nid)
            if first == _NONE or _NEXT(self.this, first) != _NONE:
                raise Unsupported
            nid, kind = first, _TYPE(self.this, first)
        if kind & _PROPS:
            raise Unsupported
        if kind & _IS_MAP:
            return FastMapping(self, nid)
        if kind & _IS_SEQ:
            return FastSequence(self, nid)
        raise Unsupported  # empty, or a lone scalar: the old path says what is wrong

    def node(self, nid: int) -> Node:
        """The node of a list's item (or of a mapping's value)."""
        kind = _TYPE(self.this, nid)
        if kind & _PROPS:
            raise Unsupported
        if kind & _IS_MAP:
            return FastMapping(self, nid)
        if kind & _IS_SEQ:
            return FastSequence(self, nid)
        return self._scalar(nid, kind)

    def pairs(self, nid: int) -> list[tuple[Node, Node]]:
        """A mapping's (key, value) nodes."""
        if self._last[0] == nid:
            return self._last[1]
        this = self.this
        out: list[tuple[Node, Node]] = []
        append = out.append
        child = _FIRST(this, nid)
        try:
            while child != _NONE:
                kind = _TYPE(this, child)
                if kind & _PROPS or not kind & _IS_KEY:
                    raise Unsupported
                key = FastScalar(
                    str(_KEY(this, child), "utf-8"),
                    _KEY_STYLES.get(kind & _KEY_STYLE, ""),
                    self,
                    child,
                    True,
                )
                if not key.style and key.value.startswith(_RESERVED):
                    raise Unsupported
                value: Node
                if kind & _IS_MAP:
                    value = FastMapping(self, child)
                elif kind & _IS_SEQ:
                    value = FastSequence(self, child)
                else:
                    value = self._scalar(child, kind)
                append((key, value))
                child = _NEXT(this, child)
        except (TypeError, UnicodeDecodeError):  # a key that is not text (None)
            raise Unsupported from None
        self._last = (nid, out)
        return out

    def _scalar(self, nid: int, kind: int) -> FastScalar:
        """A value scalar (``Unsupported`` for a plain one PyYAML refuses to start so)."""
        view = _VAL(self.this, nid)
        value = "" if view is None else str(view, "utf-8")
        style = _VAL_STYLES.get(kind & _VAL_STYLE, "")
        if not style and value.startswith(_RESERVED):
            raise Unsupported
        return FastScalar(value, style, self, nid, False)

    def items(self, nid: int) -> list[Node]:
        """A list's item nodes."""
        this = self.this
        out: list[Node] = []
        append = out.append
        child = _FIRST(this, nid)
        try:
            while child != _NONE:
                kind = _TYPE(this, child)
                if kind & _PROPS:
                    raise Unsupported
                if kind & _IS_MAP:
                    append(FastMapping(self, child))
                elif kind & _IS_SEQ:
                    append(FastSequence(self, child))
                else:
                    append(self._scalar(child, kind))
                child = _NEXT(this, child)
        except UnicodeDecodeError:
            raise Unsupported from None
        return out

    # -- placing nodes ------------------------------------------------------------

    def _offset(self, view: Any) -> int:
        """Where a scalar's text starts in the file (``Unsupported`` when not in the file)."""
        if view is None:
            raise Unsupported  # an empty value has no text to point at
        offset = address(view) - self.base
        if not 0 <= offset <= len(self.raw):
            raise Unsupported  # an unescaped scalar that grew went to the arena
        return offset

    def scalar_start(self, nid: int, is_key: bool, style: str) -> int:
        """The byte offset PyYAML's ``start_mark`` has for a scalar."""
        offset = self._offset(_KEY(self.this, nid) if is_key else _VAL(self.this, nid))
        raw = self.raw
        if style in ("'", '"'):
            if raw[offset - 1 : offset] != style.encode():
                raise Unsupported
            return offset - 1
        if style in ("|", ">"):
            # Its text starts on the line after the header; PyYAML marks the indicator.
            if raw[offset - 1 : offset] != b"\n":
                raise Unsupported
            line_start = raw.rfind(b"\n", 0, offset - 1) + 1
            found = _BLOCK_HEADER.search(raw, line_start, offset - 1)
            if found is None:
                raise Unsupported
            return found.start()
        return offset

    def scalar_end(self, nid: int, is_key: bool, style: str, value: str) -> int:
        """The byte offset of PyYAML's ``end_mark`` for a one-line scalar written as is,
        or a block scalar (``|`` or ``>``)."""
        start = self.scalar_start(nid, is_key, style)
        text = value.encode("utf-8")
        raw = self.raw
        if style in ("|", ">"):
            return self._block_end(nid, is_key)
        if style == "":
            end = start + len(text)
            written = raw[start:end]
        elif style in ("'", '"'):
            end = start + 1 + len(text) + 1
            written = raw[start + 1 : end - 1]
            if raw[end - 1 : end] != style.encode():
                raise Unsupported
        else:
            raise Unsupported
        if written != text:
            raise Unsupported  # escapes, folding or doubled quotes: not the text as written
        return end

    def _block_end(self, nid: int, is_key: bool) -> int:
        """Where PyYAML ends a block scalar: past its last line and the blank lines after it,
        at the first line that starts left of the scalar's indentation (or the end)."""
        raw = self.raw
        offset = self._offset(_KEY(self.this, nid) if is_key else _VAL(self.this, nid))
        header = raw.rfind(b"\n", 0, offset - 1) + 1
        if re.search(rb"[|>][^ #\n]*[1-9]", raw[header:offset]):
            raise Unsupported  # an explicit indentation: not worked out here
        first = _FIRST_CONTENT.match(raw, offset)
        if first is None:
            raise Unsupported  # no content line
        indent = len(first.group(2))
        if any(len(blank) > indent for blank in first.group(1).split(b"\n")):
            raise Unsupported  # leading blank lines longer than the text's indentation
        stop = re.compile(rb"^ {0,%d}[^ \n]" % (indent - 1), re.MULTILINE)
        found = stop.search(raw, first.end())
        return len(raw) if found is None else found.start()

    def container_start(self, nid: int) -> int:
        """A mapping's or list's first byte as PyYAML marks it (``{``, ``[``, ``-``, first key)."""
        this = self.this
        kind = _TYPE(this, nid)
        child = _FIRST(this, nid)
        if child == _NONE:
            raise Unsupported  # an empty flow collection
        child_kind = _TYPE(this, child)
        if kind & _IS_MAP:
            style = _KEY_STYLES.get(child_kind & _KEY_STYLE, "")
            first = self.scalar_start(child, True, style)
            if not kind & _FLOW:
                return first
            opener = b"{"
        else:
            if child_kind & (_IS_MAP | _IS_SEQ):
                first = self.container_start(child)
            else:
                style = _VAL_STYLES.get(child_kind & _VAL_STYLE, "")
                first = self.scalar_start(child, False, style)
            opener = b"[" if kind & _FLOW else b"-"
        at = first - 1
        raw = self.raw
        while at >= 0 and raw[at] in b" \t\n":
            at -= 1
        if at < 0 or raw[at : at + 1] != opener:
            raise Unsupported  # a comment or a property in between
        return at


class FastScalar(ScalarNode):
    """A scalar: its text and style now, its position when asked."""

    __slots__ = ("_doc", "_is_key", "_nid", "style", "value")
    tag = _STR

    def __init__(self, value: str, style: str, doc: FastDocument, nid: int, is_key: bool) -> None:
        self.value = value
        self.style = style
        self._doc = doc
        self._nid = nid
        self._is_key = is_key

    @property
    def start_mark(self) -> Mark:  # type: ignore[override]
        doc = self._doc
        return doc.locator.mark(doc.scalar_start(self._nid, self._is_key, self.style))

    @property
    def end_mark(self) -> Mark:  # type: ignore[override]
        doc = self._doc
        offset = doc.scalar_end(self._nid, self._is_key, self.style, self.value)
        return doc.locator.mark(offset)


class _FastContainer:
    """What a mapping and a list share: the tree node they stand for, and where it starts."""

    __slots__ = ("_doc", "_nid")

    def __init__(self, doc: FastDocument, nid: int) -> None:
        self._doc = doc
        self._nid = nid

    @property
    def start_mark(self) -> Mark:
        return self._doc.locator.mark(self._doc.container_start(self._nid))

    @property
    def end_mark(self) -> Mark:
        raise Unsupported


class FastMapping(_FastContainer, MappingNode):  # type: ignore[misc]  # marks as properties
    """A mapping whose pairs are built from the tree each time they are read."""

    __slots__ = ()
    tag = _MAP

    @property
    def value(self) -> list[tuple[Node, Node]]:
        return self._doc.pairs(self._nid)


class FastSequence(_FastContainer, SequenceNode):  # type: ignore[misc]  # marks as properties
    """A list whose items are built from the tree each time they are read."""

    __slots__ = ()
    tag = _SEQ

    @property
    def value(self) -> list[Node]:
        return self._doc.items(self._nid)


class _Quiet:
    """rapidyaml prints a parse error on C's ``stderr`` before raising: this mutes that stream.

    The C library's ``stderr`` *stream* (a ``FILE *`` variable in glibc and on
    macOS) is pointed at ``/dev/null`` while rapidyaml parses, under a lock; the
    file descriptor 2 is never touched, so Python's ``sys.stderr`` and every
    other thread's output (the browser reads logs in a worker thread) go on as
    before. Where the stream cannot be swapped, the parse goes ahead unmuted, and
    rapidyaml's two lines appear only for a file it cannot parse, which the
    reference reader then reads and reports properly.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stream: Any = None
        self.null: int | None = None
        if sys.platform != "darwin" and platform.libc_ver()[0] != "glibc":
            return  # musl's stderr is a constant; Windows has no such variable
        name = "__stderrp" if sys.platform == "darwin" else "stderr"
        try:
            libc = ctypes.CDLL(None)
            stream = ctypes.c_void_p.in_dll(libc, name)
            fopen = libc.fopen
            fopen.restype = ctypes.c_void_p
            fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
            null = fopen(os.devnull.encode(), b"w")
        except (OSError, ValueError, AttributeError, TypeError):
            return
        if null:
            self.stream, self.null = stream, null

    def parse(self, buffer: bytearray, tree: Any) -> None:
        """Parse ``buffer`` in place into ``tree``; any parse error raises Unsupported."""
        if self.stream is None:
            self._parse(buffer, tree)
            return
        with self.lock:
            saved = self.stream.value
            self.stream.value = self.null
            try:
                self._parse(buffer, tree)
            finally:
                self.stream.value = saved

    @staticmethod
    def _parse(buffer: bytearray, tree: Any) -> None:
        try:
            _ryml.parse_substr(buffer, tree)
        except Exception:  # ExceptionParse and friends: the reference reader words the error
            raise Unsupported from None


quiet_parse = _Quiet().parse


def compose(text: str) -> Node:
    """``text``'s single document as lazy nodes, or ``Unsupported``."""
    raw = text.encode("utf-8")
    if _odd(raw):
        raise Unsupported
    return FastDocument(raw).root()
