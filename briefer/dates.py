"""The EDTF subset of the log format: parse, bounds, precision, display.

A date is written as in ISO 8601-2 (EDTF) level 0/1, restricted to what an
analyst needs: ``1999``, ``2008-02``, ``2008-02-17``, ``2023-09-24T07:30``
(optionally ``:SS`` and an offset ``+02:00`` or ``Z``), a trailing ``~``
(approximate), ``?`` (uncertain) or ``%`` (both), and intervals ``START/END``
where either side may be ``..`` (open).

Bounds are half-open ``[earliest, latest)`` in whole seconds since the Unix
epoch, so that comparisons and sorting stay cheap at 100,000 events. Naive
times are in the log's time zone. This module uses only the standard library
on the parsing path (``briefer check`` stays fast); pendulum is imported lazily
for display, where its localised formatting is worth the import.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from enum import IntEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefer.frozen import fast_pickle

__all__ = [
    "EARLIEST_INSTANT",
    "LATEST_INSTANT",
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTHS",
    "DateError",
    "EDate",
    "Point",
    "Precision",
    "day_of",
    "get_timezone",
    "parse_date",
]

#: The years a log may use. Python's datetime stops at years 1 and 9999; keeping
#: a whole year clear of both ends means every later step (the log's zone or any
#: offset, the exclusive end of ``9998``, an all-day ICS end, a brief's header)
#: stays inside datetime without checking again, and the rule does not depend
#: on the log's time zone, so changing ``timezone:`` cannot invalidate a date.
MIN_YEAR, MAX_YEAR = 2, 9998
#: The instants (epoch seconds) an as-of, a period start or a query bound may
#: take: the span of the years above in any zone (hence a day's margin), still
#: a year inside what datetime can show.
EARLIEST_INSTANT = int(datetime(MIN_YEAR - 1, 12, 31, tzinfo=UTC).timestamp())
LATEST_INSTANT = int(datetime(MAX_YEAR + 1, 1, 2, tzinfo=UTC).timestamp())


class DateError(ValueError):
    """A date that is not in the supported EDTF subset; the message says why."""


class Precision(IntEnum):
    """How much of a date was written; coarser sorts first."""

    YEAR = 1
    MONTH = 2
    DAY = 3
    MINUTE = 4
    SECOND = 5


@fast_pickle
@dataclass(frozen=True, slots=True)
class Point:
    """One end of a date: what was written, reduced to numbers."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    #: Offset from UTC in minutes when one was written, else None (log time zone).
    offset: int | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def precision(self) -> Precision:
        """The finest component written."""
        if self.second is not None:
            return Precision.SECOND
        if self.hour is not None:
            return Precision.MINUTE
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def bounds(self, tz: tzinfo) -> tuple[int, int]:
        """Half-open ``[earliest, latest)`` in epoch seconds.

        In ``tz`` unless an offset was written with the time.
        """
        zone: tzinfo = tz if self.offset is None else timezone(timedelta(minutes=self.offset))
        if self.hour is not None:
            start = datetime(
                self.year,
                self.month or 1,
                self.day or 1,
                self.hour,
                self.minute or 0,
                self.second or 0,
                tzinfo=zone,
            )
            step = 1 if self.second is not None else 60
            t0 = int(start.timestamp())
            return t0, t0 + step
        if self.day is not None:
            assert self.month is not None
            first = last = date(self.year, self.month, self.day)
        elif self.month is not None:
            first = date(self.year, self.month, 1)
            last = date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        else:
            first, last = date(self.year, 1, 1), date(self.year, 12, 31)
        return _midnight(first, zone), _after(last, zone)


def _midnight(d: date, zone: tzinfo) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=zone).timestamp())


def _after(last_day: date, zone: tzinfo) -> int:
    """The first instant after ``last_day`` (midnight next day; DST-safe)."""
    if last_day == date.max:
        return _midnight(last_day, zone) + 86400
    return _midnight(last_day + timedelta(days=1), zone)


@fast_pickle
@dataclass(frozen=True, slots=True)
class EDate:
    """A parsed date or interval with its bounds in a given time zone."""

    #: The date exactly as written in the log.
    text: str
    start: Point | None
    #: The end of an interval; None for a single date.
    end: Point | None = None
    #: True when written as an interval (``START/END``), even with open ends.
    interval: bool = False
    #: Earliest instant, epoch seconds; None when the start is open (``../X``).
    earliest: int | None = None
    #: First instant after the date, epoch seconds; None when the end is open.
    latest: int | None = None

    @property
    def precision(self) -> Precision:
        """The precision of the start (or the end, for ``../END``)."""
        point = self.start or self.end
        assert point is not None
        return point.precision

    @property
    def approximate(self) -> bool:
        """True if any written end is marked ``~`` or ``%``."""
        return any(p is not None and p.approximate for p in (self.start, self.end))

    @property
    def uncertain(self) -> bool:
        """True if any written end is marked ``?`` or ``%``."""
        return any(p is not None and p.uncertain for p in (self.start, self.end))

    @property
    def sort_key(self) -> tuple[float, int]:
        """Earliest bound (open start first), then coarser precision first."""
        return (float("-inf") if self.earliest is None else self.earliest, int(self.precision))

    def display(self, tz: str | tzinfo) -> str:
        """Human form following the precision: ``17 Feb 2008``, ``c. Nov 2023``, …"""
        zone = get_timezone(tz) if isinstance(tz, str) else tz
        if not self.interval:
            assert self.start is not None
            return _display_point(self.start, zone)
        left = "" if self.start is None else _display_point(self.start, zone)
        right = "" if self.end is None else _display_point(self.end, zone)
        if not left:
            return f"until {right}"
        if not right:
            return f"since {left}"
        return f"{left} – {right}"


#: Month names by number (index 0 unused) for dates, briefs and charts: English
#: abbreviations, fixed rather than from the locale, so a brief does not change with it.
MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_of(moment: datetime) -> str:
    """``Wed 22 Nov 2023``: fixed English names, whatever the locale."""
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month]} {moment.year}"


def _display_point(p: Point, zone: tzinfo) -> str:
    if p.hour is not None:
        import pendulum  # lazily: only display needs it, and it costs ~60 ms to import

        earliest = p.bounds(zone)[0]
        moment = pendulum.from_timestamp(earliest, tz=_pendulum_tz(pendulum, zone))
        fmt = "D MMM YYYY HH:mm:ss zz" if p.second is not None else "D MMM YYYY HH:mm zz"
        text = moment.format(fmt)
    elif p.day is not None:
        text = f"{p.day} {MONTHS[p.month or 1]} {p.year}"
    elif p.month is not None:
        text = f"{MONTHS[p.month]} {p.year}"
    else:
        text = str(p.year)
    if p.approximate:
        text = f"c. {text}"
    if p.uncertain:
        text = f"{text}?"
    return text


def _pendulum_tz(pendulum: Any, zone: tzinfo) -> Any:
    """Our stdlib zone as pendulum's: by IANA key, else as a fixed offset."""
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return pendulum.timezone(key)
    offset = zone.utcoffset(None)
    return pendulum.FixedTimezone(0 if offset is None else int(offset.total_seconds()))


@lru_cache(maxsize=64)
def get_timezone(name: str) -> tzinfo:
    """The IANA time zone ``name``; raises DateError for an unknown name."""
    if name in ("UTC", "Z", "Etc/UTC"):
        return UTC
    try:
        return ZoneInfo(name)
    # OSError: a folder of the zone database ('Europe') or a name too long for a file.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise DateError(
            f"unknown time zone {name!r} (use an IANA name such as 'Europe/Belgrade')"
        ) from None


_POINT = re.compile(
    r"""
    (?P<year>\d{4})
    (?:-(?P<month>\d{2})
      (?:-(?P<day>\d{2})
        (?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?
          (?P<tz>Z|[+-]\d{2}:?\d{2})?
        )?
      )?
    )?
    (?P<qual>[~?%])?
    """,
    re.VERBOSE | re.ASCII,
)


def _parse_point(text: str) -> Point:
    m = _POINT.fullmatch(text)
    if m is None:
        raise DateError(_explain(text))
    g = m.groupdict()
    year = int(g["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"year must be {MIN_YEAR}..{MAX_YEAR}")
    month = int(g["month"]) if g["month"] else None
    if month is not None and not 1 <= month <= 12:
        raise DateError("month must be 1..12")
    day = int(g["day"]) if g["day"] else None
    if day is not None:
        assert month is not None
        ndays = calendar.monthrange(year, month)[1]
        if not 1 <= day <= ndays:
            raise DateError(f"day must be 1..{ndays} in {MONTHS[month]} {year}")
    hour = int(g["hour"]) if g["hour"] else None
    if hour is not None and hour > 23:
        raise DateError("hour must be 0..23")
    minute = int(g["minute"]) if g["minute"] else None
    if minute is not None and minute > 59:
        raise DateError("minute must be 0..59")
    second = int(g["second"]) if g["second"] else None
    if second is not None and second > 59:
        raise DateError("second must be 0..59")
    offset = None
    if g["tz"]:
        tz = g["tz"]
        if tz != "Z":
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            oh, om = int(digits[:2]), int(digits[2:])
            if oh > 14 or om > 59:
                raise DateError(f"offset {tz} is out of range (at most ±14:00)")
            offset = sign * (oh * 60 + om)
        else:
            offset = 0
    qual = g["qual"]
    return Point(
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset,
        approximate=qual in ("~", "%"),
        uncertain=qual in ("?", "%"),
    )


def _explain(text: str) -> str:
    """Say what is wrong with a date that did not match, as specifically as we can."""
    if not text:
        return "empty date"
    if re.fullmatch(r"\d{1,3}([-~?%].*)?", text) or re.fullmatch(r"\d{5,}.*", text):
        return f"year must have four digits ({MIN_YEAR:04d}..{MAX_YEAR})"
    if re.fullmatch(r"\d{4}-\d{1}(-.*)?", text):
        return "month must have two digits (e.g. 2008-02)"
    if re.fullmatch(r"\d{4}-\d{2}-\d{1}([T ].*)?", text):
        return "day must have two digits (e.g. 2008-02-07)"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d.*", text):
        return "separate date and time with 'T' (e.g. 2023-09-24T07:30)"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}", text):
        return "a time needs minutes (e.g. 2023-09-24T07:30)"
    if re.fullmatch(r"\d{4}.*[~?%].+", text):
        return "a qualifier (~ ? %) may only stand at the end of the date"
    if re.fullmatch(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}", text):
        return "write dates as YYYY-MM-DD"
    return "not a date (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM, optionally ~ ? %)"


def parse_date(text: str, tz: tzinfo) -> EDate:
    """Parse ``text`` (a date or interval) with naive times in ``tz``."""
    text = text.strip()
    if "/" in text:
        left, _, right = text.partition("/")
        if "/" in right:
            raise DateError("an interval has exactly one '/'")
        if left == ".." and right == "..":
            raise DateError("an interval needs at least one end")
        if left == "" or right == "":
            raise DateError("write an open end of an interval as '..' (e.g. 2023-01/..)")
        start = None if left == ".." else _parse_point(left)
        end = None if right == ".." else _parse_point(right)
        earliest = None if start is None else start.bounds(tz)[0]
        latest = None if end is None else end.bounds(tz)[1]
        if earliest is not None and latest is not None and latest <= earliest:
            raise DateError("interval ends before it starts")
        return EDate(text, start, end, True, earliest, latest)
    point = _parse_point(text)
    earliest, latest = point.bounds(tz)
    return EDate(text, point, None, False, earliest, latest)
