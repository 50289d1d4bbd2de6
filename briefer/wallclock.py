"""Notes on naive times that a log's time zone skips or repeats (DST gap and fold)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from briefer.dates import EDate, Point

__all__ = ["wall_clock_notes"]


def wall_clock_notes(edate: EDate, tz: tzinfo) -> list[str]:
    """What to tell the analyst about naive times that ``tz`` skips or repeats.

    A time in a daylight-saving gap does not exist and one in a fold happens
    twice; :meth:`Point.bounds` reads both the way Python does (the offset in
    force before the change: a gap time moves forward, a fold time is the
    first of the two). Each note says which instant that is.
    """
    notes = []
    for point in (edate.start, edate.end):
        if point is not None and point.hour is not None and point.offset is None:
            note = _wall_clock_note(point, tz)
            if note is not None:
                notes.append(note)
    return notes


def _wall_clock_note(p: Point, zone: tzinfo) -> str | None:
    written = datetime(p.year, p.month or 1, p.day or 1, p.hour or 0, p.minute or 0, p.second or 0)
    first, second = written.replace(tzinfo=zone), written.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None  # the usual case: the wall time names exactly one instant
    used = datetime.fromtimestamp(p.bounds(zone)[0], zone)
    spec = "seconds" if p.second is not None else "minutes"
    clock = used.time().isoformat(spec)
    if used.date() != written.date():
        clock = f"{used.date().isoformat()} {clock}"
    name = getattr(zone, "key", None) or str(zone)
    text = written.isoformat(timespec=spec)
    if used.replace(tzinfo=None) != written:
        return (
            f"{text} does not exist in {name} (clocks went forward); "
            f"read as {clock} {used.tzname()}"
        )
    offset = used.isoformat()[-6:]  # "+02:00"
    return (
        f"{text} is ambiguous in {name} (clocks went back); read as the first, "
        f"{clock} {used.tzname()} ({offset}); write the offset to choose"
    )
