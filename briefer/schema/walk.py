"""The walk over the log's files: which sections exist and the order they are read in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from yaml.nodes import Node

from briefer.schema.capture import CAPTURE, FEEDS
from briefer.schema.events import EVENTS
from briefer.schema.header import (
    HORIZON,
    INCLUDE,
    KINDS,
    MARKING,
    METRICS,
    TIMEZONE,
    TITLE,
    VERSION,
)
from briefer.schema.indicators import INDICATORS
from briefer.schema.judgments import JUDGMENTS
from briefer.schema.references import check_references
from briefer.schema.sources import SOURCES
from briefer.schema.state import LogState, Section


@dataclass
class LogReader(LogState):
    """Walks the main file, then each included one, then checks references across them."""

    #: Every top-level key, in the order a file's sections are read and keys are
    #: listed in messages. The header comes first (dates need the time zone,
    #: events the kinds); a new part of the log is a module and one line here.
    sections: ClassVar[tuple[Section, ...]] = (
        VERSION,
        TITLE,
        TIMEZONE,
        MARKING,
        HORIZON,
        KINDS,
        METRICS,
        SOURCES,
        EVENTS,
        INDICATORS,
        JUDGMENTS,
        INCLUDE,
        CAPTURE,
        FEEDS,
    )

    def walk_main(self, root: Node) -> tuple[dict[str, Any], list[str]]:
        """The main file: its header values and include patterns (its sources and events kept)."""
        pairs = self.mapping(root, self.keys(), "log")
        if pairs is None:
            return {}, []
        for section in self.sections:
            if section.key in pairs:
                section.read(self, pairs[section.key][1])
            elif section.missing is not None:
                self.error(root, section.missing)
        return self.header, self.includes

    def walk_included(self, root: Node) -> None:
        """An included file: only the sections an include may hold."""
        pairs = self.mapping(root, self.keys(), "included file")
        if pairs is None:
            return
        allowed = [s.key for s in self.sections if s.in_includes]
        for key, (knode, _) in pairs.items():
            if key not in allowed:
                self.error(
                    knode,
                    f"'{key}' belongs in the main log file; included files hold only "
                    + ", ".join(f"{k}:" for k in allowed[:-1])
                    + f" and {allowed[-1]}:",
                )
        for section in self.sections:
            if section.in_includes and section.key in pairs:
                section.read(self, pairs[section.key][1])

    def check_references(self) -> None:
        """Once every file is read: unknown ids, what is never used, each section's checks."""
        check_references(self)
        for section in self.sections:
            if section.check is not None:
                section.check(self)

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The top-level keys a log file may hold."""
        return tuple(s.key for s in cls.sections)
