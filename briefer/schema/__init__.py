"""The log format's rules (SPEC §2): composed YAML nodes → model values and problems.

Every rule lives here, checked in one walk over the nodes of the main file and
its includes; cross-references (sources, metrics, related events) are checked
once every id is known. See :mod:`briefer.yamlread` for how nodes are read.

- ``walk.py``: :class:`LogReader`, the list of sections and the order they are read in.
- ``state.py``: what a walk collects, the readers sections share (slug, date,
  url), and :class:`Section`, the shape of one top-level key.
- ``header.py``: the main file's header (version, title, time zone, marking,
  horizon, kinds), ``metrics:`` and ``include:``.
- ``sources.py`` and ``events.py``: ``sources:`` and ``events:`` (one reader per event field).
- ``references.py``: the checks made once every file is read.

A new part of the log (say ``judgments:``) is a module defining a
:class:`Section` and one line in :attr:`LogReader.sections`.
"""

from __future__ import annotations

from briefer.schema.events import EVENT_KEYS
from briefer.schema.header import FORMAT_VERSION
from briefer.schema.state import Stop
from briefer.schema.walk import LogReader

__all__ = ["EVENT_KEYS", "FORMAT_VERSION", "LogReader", "Stop"]
