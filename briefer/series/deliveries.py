"""What the manifest keeps about delivering a brief: each mail attempt, and what the mail says.

A brief's record (:class:`~briefer.series.manifest.ReportRecord`) carries its
``subject`` (the mail's subject line, also the feed entry's title), its
``bluf`` (the bottom line, one line an item: the feed entry's summary) and
its ``deliveries``, one :class:`Delivery` per attempt, sent or failed, in the
order they were made (:func:`briefer.delivery.deliver.record_delivery` adds one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Delivery", "optional_lines", "parse_deliveries"]


@dataclass(frozen=True)
class Delivery:
    """One attempt to mail a brief."""

    #: When it was made (Unix time, the clock's, not the brief's as-of).
    at: int
    #: The recipients asked for.
    to: tuple[str, ...]
    #: The message's Message-ID header (set also when the attempt failed).
    message_id: str
    #: ``sent`` or ``failed``.
    outcome: str
    #: The server, ``host:port``.
    server: str
    #: The server's reply or what went wrong, one line; empty when sent.
    reply: str = ""

    def to_json(self) -> dict[str, Any]:
        """The attempt as the manifest keeps it."""
        return {
            "at": self.at,
            "to": list(self.to),
            "message_id": self.message_id,
            "outcome": self.outcome,
            "server": self.server,
            "reply": self.reply,
        }

    @classmethod
    def from_json(cls, data: object) -> Delivery:
        """An attempt read back; ValueError saying what is wrong with it."""
        if not isinstance(data, dict):
            raise ValueError("a delivery is not an object")
        to = data.get("to")
        if not isinstance(to, list) or not all(isinstance(t, str) for t in to):
            raise ValueError('a delivery\'s "to" is not a list of addresses')
        at = data.get("at")
        if type(at) is not int:
            raise ValueError('a delivery\'s "at" is not an instant')
        texts = {k: data.get(k, "") for k in ("message_id", "outcome", "server", "reply")}
        if not all(isinstance(v, str) for v in texts.values()):
            raise ValueError("a delivery's fields are not text")
        if texts["outcome"] not in ("sent", "failed"):
            raise ValueError(f'a delivery\'s "outcome" is {texts["outcome"]!r}')
        return cls(at=at, to=tuple(to), **texts)


def parse_deliveries(data: dict[str, Any]) -> tuple[Delivery, ...]:
    """The ``deliveries`` of a record read back (none before they were recorded)."""
    value = data.get("deliveries", [])
    if not isinstance(value, list):
        raise ValueError('"deliveries" is not a list')
    return tuple(Delivery.from_json(d) for d in value)


def optional_lines(data: dict[str, Any], key: str) -> tuple[str, ...] | None:
    """A list of strings under ``key``, or None when a record written before it has none."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'"{key}" is not a list of strings')
    return tuple(value)
