"""Durations and the WHEN values an analyst types (``--as-of``, ``--since``).

A duration (``30d``, ``2w``, ``1m``) in a log's header or a query counts back
from a given instant; :func:`parse_when` reads ``now``, such a duration or a
date of :mod:`briefer.dates`, and :func:`check_instant` keeps the result among
the years a log may use.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from briefer.dates import (
    EARLIEST_INSTANT,
    LATEST_INSTANT,
    MAX_YEAR,
    MIN_YEAR,
    DateError,
    parse_date,
)

__all__ = [
    "check_instant",
    "format_duration",
    "looks_like_duration",
    "parse_duration",
    "parse_when",
]

_DURATION = re.compile(r"(?P<n>\d+)\s*(?P<unit>[hdwmy])", re.ASCII)
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400, "y": 365 * 86400}
#: Longer than any timeline needs, and short enough that now ± a duration stays
#: among the years a log may use.
_MAX_DURATION = 1000 * 365 * 86400


def looks_like_duration(text: str) -> bool:
    """True when ``text`` is digits (of any script) and a unit letter: parse it as a duration.

    Deliberately wider than :func:`parse_duration` accepts, so that ``²d`` or
    ``٣w`` get a duration's error message rather than a date's.
    """
    return text[-1:] in ("h", "d", "w", "m", "y") and text[:-1].isdigit()


def parse_duration(text: str) -> int:
    """``30d``, ``2w``, ``1m`` (30 days), ``1y`` (365 days), ``12h`` → seconds."""
    m = _DURATION.fullmatch(text.strip())
    if m is None:
        digits = "" if text.isascii() else "; write the number with the digits 0-9"
        raise DateError(f"not a duration: {text!r} (expected e.g. 30d, 2w, 1m){digits}")
    digits = m["n"].lstrip("0")
    if not digits:
        raise DateError(f"a duration must be positive, not {text.strip()!r}")
    # int() refuses thousands of digits (a ValueError of its own); ten are already too many.
    if len(digits) > 10 or int(digits) * _UNIT_SECONDS[m["unit"]] > _MAX_DURATION:
        shown = text.strip() if len(text) <= 24 else f"{text.strip()[:20]}…"
        raise DateError(f"duration {shown!r} is too long (at most 1000y)")
    return int(digits) * _UNIT_SECONDS[m["unit"]]


def format_duration(seconds: int) -> str:
    """Seconds as the largest whole unit: ``30d``, ``2w``, ``1y``, ``12h`` (``90s`` otherwise)."""
    for unit in ("y", "w", "d", "h"):
        size = _UNIT_SECONDS[unit]
        if seconds > 0 and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def check_instant(seconds: int, what: str) -> int:
    """``seconds`` if it lies among the years a log may use, else DateError naming ``what``."""
    if not EARLIEST_INSTANT <= seconds <= LATEST_INSTANT:
        raise DateError(f"{what} falls outside the years {MIN_YEAR}..{MAX_YEAR}")
    return seconds


def parse_when(value: str, *, now: int, tz: tzinfo, relative_to: int, end_of_day: bool) -> int:
    """A WHEN of SPEC §4: ``now``, a duration back (``7d``), or a date/date-time.

    A duration counts back from ``relative_to``. A date without a time means
    its end when it is an as-of (the brief as written that evening) and its
    start when it begins a period. DateError's message is ready to show.
    """
    text = value.strip()
    if text == "now":
        return now
    if looks_like_duration(text):
        # The result must stay among the log's years: it is shown as a date later.
        return check_instant(relative_to - parse_duration(text), f"{text!r} back")
    try:
        parsed = parse_date(text, tz)
    except DateError as exc:
        raise DateError(f"{text!r}: {exc}") from None
    if parsed.interval or parsed.earliest is None or parsed.latest is None:
        raise DateError(f"{text!r}: give a single date or date-time, not an interval")
    if end_of_day and parsed.precision <= parsed.precision.DAY:
        return parsed.latest - 60
    return parsed.earliest
