"""Generate a synthetic but realistic ``briefer: 1`` event log for benchmarks.

Usage::

    python bench/genlog.py N [-o FILE] [--seed S] [--judgments J] [--indicators I] [--grades]

Writes a log of N events (default: to stdout) that looks like an analyst's
long-running log of the Kosovo–Serbia security situation: a header with a few
metrics, about N/50 sources, and N events from 1999 to 2026 with mixed date
precision (years, months, days, minute times, approximate ``~``, uncertain
``?``, intervals), Markdown summaries, actors, locations, tags, sources,
figures and related events.

The output is deterministic: the same N and seed give byte-identical output.
The log is valid and warning-free under the format in SPEC.md section 2: every
source is cited, every metric reported, every event has a source, and every
``deadline`` has a later follow-up event in ``related``.

Tradecraft (SPEC section 7) is optional: ``--grades`` gives every source a
``reliability:`` letter and about a third of the citations a ``credibility:``
digit; ``--indicators I`` declares I indicators, each observed by some events
(``indicators:`` on about 4 % of the events, matched to their kind);
``--judgments J`` adds J key judgments in revision chains of 1–4 (``revises:``
the previous link, dated later), in one row of ICD 203's likelihood terms, with
statements free of likelihood words and a ``basis:`` of 1–4 earlier events and
sometimes a source. Each part draws from its own seeded random stream, so the
events, sources and their order are the same with or without any of them; only
the tradecraft keys (and the header comment) differ from the plain log.

Only the standard library is used; the YAML text is written directly.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

# Run as a script (python bench/genlog.py) or imported with bench/ on the path.
from genlog_words import (
    ALL_ACTORS,
    ASSESSMENTS,
    BUILDINGS,
    CITIES,
    CONFIDENCE,
    CONFIDENCE_CUM,
    COUNTRIES,
    CREDIBILITY_CUM,
    CROSSINGS,
    FORCES,
    GENERIC_SENTENCES,
    INFRA,
    JUDGMENT_CONFIDENCE,
    JUDGMENTS,
    KIND_WEIGHTS,
    KINDS,
    KOSOVO_PLACES,
    LEAD_SENTENCES,
    LIKELIHOOD_TERMS,
    LOCATION_STRINGS,
    MEASURES,
    METRICS,
    NORTH_PLACES,
    ORGS,
    PEOPLE,
    PLACE_BY_NAME,
    PLACES,
    PUBLISHERS,
    QUOTES,
    RELIABILITY,
    RELIABILITY_CUM,
    SERBIA_PLACES,
    SIGNIFICANCE_CUM,
    SIGNPOSTS,
    SOURCE_HEADLINES,
    SOURCE_NOTES,
    TAGS_BY_KIND,
    TEMPLATES,
    TOPICS,
    WINDOWS,
    YEAR_WEIGHTS,
    Metric,
)

T = TypeVar("T")


class FastRandom(random.Random):
    """``random.Random`` with cheaper uniform picks, built on ``random()`` alone.

    ``pick`` and ``between`` replace ``choice`` and ``randint`` in the hot loop
    (several times faster); their results depend only on the seed.
    """

    def pick(self, seq: Sequence[T]) -> T:
        """A uniformly chosen element of the non-empty ``seq``."""
        return seq[int(self.random() * len(seq))]

    def between(self, a: int, b: int) -> int:
        """A uniformly chosen integer in ``a..b`` inclusive."""
        return a + int(self.random() * (b - a + 1))


# --------------------------------------------------------------------------- #
# YAML scalar quoting
# --------------------------------------------------------------------------- #

_YAML_WORDS = frozenset(
    {"", "~", "=", "<<", "null", "true", "false", "yes", "no", "on", "off", "y", "n"}
)
_BAD_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`0123456789+. \t")
_BAD_FLOW = frozenset(",[]{}:#\"'")


_SCALAR_CACHE: dict[tuple[str, bool], str] = {}


def scalar(text: str, flow: bool = False) -> str:
    """Like ``to_scalar``, memoised (titles and names repeat a lot)."""
    key = (text, flow)
    out = _SCALAR_CACHE.get(key)
    if out is None:
        out = _SCALAR_CACHE[key] = to_scalar(text, flow)
    return out


def to_scalar(text: str, flow: bool = False) -> str:
    """Return ``text`` as a YAML scalar: plain when that is safe, else double-quoted.

    ``flow`` is true for scalars written inside ``[...]`` or ``{...}``, where
    commas, brackets and colons are indicators too.
    """
    if (
        text[:1] in _BAD_FIRST
        or text[-1:] in (" ", "\t", ":")
        or text.lower() in _YAML_WORDS
        or ": " in text
        or " #" in text
        or "\n" in text
        or "\t" in text
        or (flow and not _BAD_FLOW.isdisjoint(text))
    ):
        # A JSON string is a valid YAML double-quoted scalar.
        return json.dumps(text, ensure_ascii=False)
    return text


FIRST_DAY = dt.date(1999, 1, 1).toordinal()
LAST_DAY = dt.date(2026, 12, 31).toordinal()

# --------------------------------------------------------------------------- #
# Generation
# --------------------------------------------------------------------------- #


@dataclass
class Event:
    """One generated event, before it is written out."""

    day: int  # base day (proleptic ordinal) the event happened on
    kind: str
    date: str = ""  # the date as written
    # The event starts on a known day (day or minute precision, no qualifier):
    # usable as a deadline's follow-up.
    exact_day: bool = False
    id: str = ""
    title: str = ""
    sources: list[int] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    figures: list[int] = field(default_factory=list)
    # Tradecraft: a credibility digit per entry of ``sources`` (0 = ungraded;
    # empty when no grades) and the ids of the indicators the event observes.
    credibility: list[int] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)


_YMD_CACHE: dict[int, str] = {}


def ymd(ordinal: int) -> str:
    """Format a day ordinal as ``YYYY-MM-DD``."""
    text = _YMD_CACHE.get(ordinal)
    if text is None:
        d = dt.date.fromordinal(ordinal)
        text = _YMD_CACHE[ordinal] = f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    return text


def make_date(rng: FastRandom, ev: Event) -> None:
    """Choose a written date for ``ev`` (precision, qualifiers, intervals)."""
    day = ev.day
    ymd_s = ymd(day)
    r = rng.random()
    if ev.kind in ("deadline", "scheduled"):
        if r < 0.25:
            ev.date = f"{ymd_s}T{rng.pick((9, 10, 12, 18, 23)):02d}:{rng.pick((0, 30)):02d}"
        else:
            ev.date = ymd_s
        ev.exact_day = True
        return
    early = day < 732000  # before ~2005: coarser precision is more common
    if ev.kind == "background":
        r = r * 0.35  # background entries: mostly years and months
    elif early:
        r = r * 0.8
    if r < 0.04:
        ev.date = ymd_s[:4]
    elif r < 0.16:
        ev.date = ymd_s[:7]
    elif r < 0.19:
        # An interval of a few days (or, rarely, months).
        end = min(day + rng.between(1, 14), LAST_DAY)
        if rng.random() < 0.85:
            ev.date = f"{ymd_s}/{ymd(end)}"
        else:
            ev.date = f"{ymd_s[:7]}/{ymd(min(day + rng.between(31, 120), LAST_DAY))[:7]}"
        return
    elif r < 0.27:
        hh = rng.between(0, 23)
        mm = rng.pick((0, 0, 15, 30, 45, rng.between(0, 59)))
        ev.date = f"{ymd_s}T{hh:02d}:{mm:02d}"
        q = rng.random()
        if q < 0.08:
            ev.date += "Z"
        elif q < 0.16:
            d = dt.date.fromordinal(day)
            ev.date += "+02:00" if 4 <= d.month <= 10 else "+01:00"
        ev.exact_day = True
        return
    else:
        ev.date = ymd_s
    q = rng.random()
    if q < 0.11:
        ev.date += "~"
    elif q < 0.125:
        ev.date += "?"
    elif q < 0.13:
        ev.date += "%"
    elif len(ev.date) == 10:
        ev.exact_day = True


def interp(curve: Sequence[tuple[int, float]], year: float) -> float:
    """Linearly interpolate ``curve`` at ``year``."""
    if year <= curve[0][0]:
        return curve[0][1]
    for (y0, v0), (y1, v1) in itertools.pairwise(curve):
        if year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return curve[-1][1]


def figure_value(rng: FastRandom, metric: Metric, day: int) -> int:
    """A plausible value of ``metric`` on ``day``."""
    year = 1999 + (day - FIRST_DAY) / 365.25
    value = interp(metric.curve, year) * rng.uniform(0.9, 1.1)
    return max(1, round(value / metric.rounding) * metric.rounding)


class Generator:
    """Builds the whole log text for N events from one seeded RNG."""

    def __init__(
        self, n: int, seed: int, judgments: int = 0, indicators: int = 0, grades: bool = False
    ) -> None:
        self.n = n
        self.seed = seed
        self.n_judgments = judgments
        self.n_indicators = indicators
        self.grades = grades
        self.rng = FastRandom(seed)
        rng = self.rng
        self.metrics = METRICS[: 2 + (rng.random() < 0.6)]
        self.marking = rng.pick(("UNCLASSIFIED // OPEN SOURCE", "TLP:CLEAR", "TLP:GREEN"))
        self.used_ids: set[str] = set()

    # -- events ------------------------------------------------------------ #

    def make_events(self) -> list[Event]:
        """Dates, kinds and ids for all events, in chronological order."""
        rng = self.rng
        years = list(YEAR_WEIGHTS)
        cum: list[float] = []
        total = 0.0
        for y in years:
            total += YEAR_WEIGHTS[y]
            cum.append(total)
        starts = {y: dt.date(y, 1, 1).toordinal() for y in years}
        days: list[int] = []
        for y in rng.choices(years, cum_weights=cum, k=self.n):
            length = 366 if y % 4 == 0 else 365
            days.append(starts[y] + int(rng.random() * length))
        days.sort()
        kinds = rng.choices(KINDS, weights=KIND_WEIGHTS, k=self.n)
        events = [Event(day, kind) for day, kind in zip(days, kinds, strict=True)]
        for ev in events:
            make_date(rng, ev)
        return events

    def unique_id(self, stem: str, day: int) -> str:
        """An event id from ``stem`` and the date, unique in the log."""
        used = self.used_ids
        ymd_s = ymd(day)
        candidate = f"{stem}-{ymd_s[:4]}"
        if candidate in used:
            candidate = f"{stem}-{ymd_s}"
            k = 2
            base = candidate
            while candidate in used:
                candidate = f"{base}-{k}"
                k += 1
        used.add(candidate)
        return candidate

    def fill(self) -> dict[str, str]:
        """Random values for the template fields of one event.

        One 64-bit draw is split into mixed-radix digits, one per field (the
        product of the list lengths is far below 2**64, so the bias is nil).
        """
        bits = self.rng.getrandbits(64)
        bits, k = divmod(bits, 5)
        place_pool = PLACES if k < 2 else NORTH_PLACES
        bits, k = divmod(bits, len(place_pool))
        place = place_pool[k]
        bits, k = divmod(bits, len(SERBIA_PLACES))
        serbplace = SERBIA_PLACES[k]
        bits, k = divmod(bits, len(FORCES))
        force = FORCES[k][0]
        bits, k = divmod(bits, len(PEOPLE))
        person = PEOPLE[k]
        bits, k = divmod(bits, len(ORGS))
        org = ORGS[k]
        bits, k = divmod(bits, len(TOPICS))
        topic = TOPICS[k]
        bits, k = divmod(bits, len(CROSSINGS))
        crossing = CROSSINGS[k]
        bits, k = divmod(bits, len(COUNTRIES))
        country = COUNTRIES[k]
        bits, k = divmod(bits, len(INFRA))
        infra = INFRA[k]
        bits, k = divmod(bits, len(BUILDINGS))
        building = BUILDINGS[k]
        bits, k = divmod(bits, len(CITIES))
        city = CITIES[k]
        bits, k = divmod(bits, len(QUOTES))
        quote = QUOTES[k]
        n = 2 + bits % 59
        return {
            "place": place.name,
            "place_s": place.slug,
            "region": place.region,
            "serbplace": serbplace.name,
            "serbplace_s": serbplace.slug,
            "force": force,
            "person": person[0],
            "person_s": person[1],
            "org": org[0],
            "org_s": org[1],
            "topic": topic[0],
            "topic_s": topic[1],
            "crossing": crossing[0],
            "crossing_s": crossing[1],
            "country_c": country[0][:1].upper() + country[0][1:],
            "country_s": country[1],
            "infra": infra,
            "building": building,
            "city": city,
            "quote": quote,
            "n": str(n),
        }

    # -- sources ------------------------------------------------------------ #

    def assign_sources(self, events: list[Event]) -> list[list[int]]:
        """Give every event 1–2 sources; return, per source, the events citing it."""
        rng = self.rng
        n = len(events)
        s = max(1, n // 50)
        citing: list[list[int]] = [[] for _ in range(s)]
        for i, ev in enumerate(events):
            primary = i * s // n  # covers every source at least once
            ev.sources.append(primary)
            citing[primary].append(i)
            if s > 1 and rng.random() < 0.25:
                other = min(s - 1, max(0, primary + rng.between(-3, 3)))
                if other != primary:
                    ev.sources.append(other)
                    citing[other].append(i)
        return citing

    def source_text(self, cited_by: list[int], events: list[Event]) -> tuple[str, str, str, str]:
        """(id, YAML text, publisher, url or "") for a source cited by ``cited_by``."""
        rng = self.rng
        pub = rng.pick(PUBLISHERS)
        last_day = max(events[i].day for i in cited_by)
        published = min(last_day + rng.between(0, 3), LAST_DAY)
        pub_s = ymd(published)
        sid = f"{pub.slug}-{pub_s}"
        if sid in self.used_ids:
            k = 2
            while f"{sid}-{k}" in self.used_ids:
                k += 1
            sid = f"{sid}-{k}"
        self.used_ids.add(sid)
        place = rng.pick(KOSOVO_PLACES)
        topic = rng.pick(TOPICS)[0]
        month = dt.date.fromordinal(published).strftime("%B %Y")
        title = rng.pick(SOURCE_HEADLINES).format(
            place=place.name, topic=topic, month=month, week=rng.between(1, 52)
        )
        lines = [f"  - id: {sid}\n    title: {scalar(title)}\n"]
        r = rng.random()
        if r < 0.93:
            lines.append(f"    publisher: {scalar(pub.name)}\n")
        r = rng.random()
        if r < 0.8:
            lines.append(f"    published: {pub_s}\n")
        elif r < 0.9:
            lines.append(f"    published: {pub_s[:7]}\n")
        elif r < 0.95:
            lines.append(f"    published: {pub_s[:7]}~\n")
        url = ""
        if rng.random() < 0.95:
            url = f"https://{pub.domain}/{pub_s.replace('-', '/')}/{sid}"
            lines.append(f"    url: {url}\n")
        return sid, "".join(lines), pub.name, url

    # -- writing ------------------------------------------------------------ #

    def summary(self, ev: Event, f: dict[str, str], urls: list[tuple[str, str]]) -> str:
        """A 1–4 sentence Markdown summary as an indented ``|`` block body."""
        rng = self.rng
        sentences: list[str] = []
        leads = LEAD_SENTENCES[ev.kind]
        sentences.append(rng.pick(leads).format_map(f))
        for _ in range(rng.pick((0, 0, 1, 1, 1, 2, 2, 3))):
            s = rng.pick(GENERIC_SENTENCES).format_map(f)
            if s not in sentences:
                sentences.append(s)
        if urls and rng.random() < 0.15:
            pub, url = urls[0]
            sentences.append(f"See the [{pub} report]({url}).")
        if rng.random() < 0.2:
            sentences.append(f"**Assessment:** {rng.pick(ASSESSMENTS)}.")
        lines = [f"      {s}\n" for s in sentences]
        if rng.random() < 0.1:
            lines.append("\n      Reported measures:\n\n")
            for m in rng.sample(MEASURES, rng.between(2, 4)):
                lines.append(f"      - {m}\n")
        return "".join(lines)

    def event_text(
        self, ev: Event, f: dict[str, str], source_ids: list[str], urls: list[tuple[str, str]]
    ) -> str:
        """The YAML text of one event."""
        rng = self.rng
        out = [
            f"  - id: {ev.id}\n",
            f"    date: {ev.date}\n",
            f"    title: {scalar(ev.title)}\n",
            f"    kind: {ev.kind}\n",
            "    summary: |\n",
            self.summary(ev, f, urls),
        ]
        if rng.random() < 0.92:
            actors: list[str] = [f["force"] if ev.kind in ("incident", "deployment") else f["org"]]
            for _ in range(rng.pick((0, 1, 1, 2))):
                a = rng.pick(ALL_ACTORS)
                if a not in actors:
                    actors.append(a)
            out.append(f"    actors: [{', '.join(scalar(a, True) for a in actors)}]\n")
        r = rng.random()
        if r < 0.6:
            place = PLACE_BY_NAME[f["place"]]
            lat = round(place.lat + rng.uniform(-0.02, 0.02), rng.pick((2, 4)))
            lon = round(place.lon + rng.uniform(-0.02, 0.02), rng.pick((2, 4)))
            out.append(
                f"    location: {{name: {scalar(place.name, True)}, "
                f"region: {scalar(place.region, True)}, lat: {lat}, lon: {lon}}}\n"
            )
        elif r < 0.75:
            out.append(f"    location: {scalar(f['place'])}\n")
        elif r < 0.9:
            out.append(f"    location: {scalar(rng.pick(LOCATION_STRINGS))}\n")
        pool = TAGS_BY_KIND[ev.kind]
        first = rng.between(0, len(pool) - 1)
        tags = [pool[(first + k) % len(pool)] for k in range(rng.between(1, 3))]
        out.append(f"    tags: [{', '.join(tags)}]\n")
        cred = ev.credibility or [0] * len(source_ids)
        if rng.random() < 0.15:
            out.append("    sources:\n")
            for sid, c in zip(source_ids, cred, strict=True):
                grade = f", credibility: {c}" if c else ""
                if rng.random() < 0.6:
                    note = json.dumps(rng.pick(SOURCE_NOTES), ensure_ascii=False)
                    out.append(f"      - {{id: {sid}{grade}, note: {note}}}\n")
                elif c:
                    out.append(f"      - {{id: {sid}{grade}}}\n")
                else:
                    out.append(f"      - {sid}\n")
        else:
            cites = (
                f"{{id: {sid}, credibility: {c}}}" if c else sid
                for sid, c in zip(source_ids, cred, strict=True)
            )
            out.append(f"    sources: [{', '.join(cites)}]\n")
        if rng.random() < 0.85:
            sig = 1 + bisect.bisect(SIGNIFICANCE_CUM, rng.random() * SIGNIFICANCE_CUM[-1])
            out.append(f"    significance: {sig}\n")
        if rng.random() < 0.8:
            conf = CONFIDENCE[bisect.bisect(CONFIDENCE_CUM, rng.random() * CONFIDENCE_CUM[-1])]
            out.append(f"    confidence: {conf}\n")
        if ev.figures:
            figs = ", ".join(
                f"{self.metrics[m].id}: {figure_value(rng, self.metrics[m], ev.day)}"
                for m in ev.figures
            )
            out.append(f"    figures: {{{figs}}}\n")
        if ev.related:
            out.append(f"    related: [{', '.join(ev.related)}]\n")
        if ev.indicators:
            out.append(f"    indicators: [{', '.join(ev.indicators)}]\n")
        return "".join(out)

    def header(self) -> str:
        """Top-level keys and metric declarations."""
        lines = [
            "# Kosovo–Serbia security situation: synthetic event log for benchmarks.\n",
            f"# Generated by bench/genlog.py ({self.n} events, seed {self.seed}{self.extras()}).\n",
            "briefer: 1\n",
            "title: Kosovo–Serbia security situation\n",
            "timezone: Europe/Belgrade\n",
            f"marking: {json.dumps(self.marking)}\n",
            "horizon: 30d\n",
            "metrics:\n",
        ]
        for m in self.metrics:
            lines.append(
                f"  {m.id}: {{label: {scalar(m.label, True)}, unit: {scalar(m.unit, True)}}}\n"
            )
        return "".join(lines)

    def extras(self) -> str:
        """The tradecraft options, for the header comment ("" without any)."""
        parts = [f"{self.n_judgments} judgments"] if self.n_judgments else []
        if self.n_indicators:
            parts.append(f"{self.n_indicators} indicators")
        if self.grades:
            parts.append("grades")
        return "".join(f", {p}" for p in parts)

    def link(self, events: list[Event]) -> None:
        """Related events, deadline follow-ups and metric figures."""
        rng = self.rng
        n = len(events)
        starts = [ev.day for ev in events]
        for i, ev in enumerate(events):
            if ev.kind == "deadline":
                # A follow-up: an event on a later known day, a little after the deadline.
                j = bisect.bisect_right(starts, ev.day, lo=i)
                skip = rng.between(0, 4)
                follow = -1
                while j < n:
                    if events[j].exact_day:
                        follow = j
                        if skip == 0:
                            break
                        skip -= 1
                    j += 1
                if follow < 0:
                    ev.kind = "scheduled"  # nothing after it: keep it forward-looking
                else:
                    ev.related.append(events[follow].id)
            elif i > 0 and rng.random() < 0.07:
                for _ in range(rng.between(1, 2)):
                    target = events[max(0, i - rng.between(1, 300))].id
                    if target not in ev.related:
                        ev.related.append(target)
            if rng.random() < 0.02:
                ev.figures.append(rng.randrange(len(self.metrics)))
        # Every metric is reported at least once.
        for m in range(len(self.metrics)):
            ev = events[(m + 1) * n // (len(self.metrics) + 1)]
            if m not in ev.figures:
                ev.figures.append(m)
        for ev in events:
            ev.figures.sort()

    def generate(self) -> str:
        """The complete log text."""
        rng = self.rng
        events = self.make_events()
        fills: list[dict[str, str]] = []
        for ev in events:
            f = self.fill()
            title_t, stem_t = rng.pick(TEMPLATES[ev.kind])
            ev.title = title_t.format_map(f)
            ev.id = self.unique_id(stem_t.format_map(f), ev.day)
            fills.append(f)
        self.link(events)
        citing = self.assign_sources(events)
        sources_out: list[str] = []
        source_ids: list[str] = []
        source_urls: list[tuple[str, str]] = []
        for cited_by in citing:
            sid, text, pub, url = self.source_text(cited_by, events)
            source_ids.append(sid)
            source_urls.append((pub, url))
            sources_out.append(text)
        if self.grades:
            sources_out = self.grade(events, sources_out)
        indicators_out = self.observe(events) if self.n_indicators else []
        judgments_out = self.judge(events, source_ids) if self.n_judgments else []
        out = [self.header(), "sources:\n", *sources_out, "events:\n"]
        year = ""
        for ev, f in zip(events, fills, strict=True):
            ev_year = ymd(ev.day)[:4]
            if ev_year != year:
                year = ev_year
                out.append(f"\n  # ---- {year} ----\n")
            urls = [source_urls[s] for s in ev.sources if source_urls[s][1]]
            out.append("\n")
            out.append(self.event_text(ev, f, [source_ids[s] for s in ev.sources], urls))
        if indicators_out:
            out += ["\nindicators:\n", *indicators_out]
        if judgments_out:
            out += ["\njudgments:\n", *judgments_out]
        return "".join(out)

    # -- tradecraft (SPEC §7), each part from its own random stream ------------ #

    def grade(self, events: list[Event], sources_out: list[str]) -> list[str]:
        """A reliability letter on every source; credibility on about a third of citations."""
        rng = FastRandom(f"{self.seed}-grades")
        graded = []
        for text in sources_out:
            letter = RELIABILITY[bisect.bisect(RELIABILITY_CUM, rng.random() * 100)]
            graded.append(f"{text}    reliability: {letter}\n")
        for ev in events:
            ev.credibility = [
                1 + bisect.bisect(CREDIBILITY_CUM, rng.random() * 100) if rng.random() < 0.35 else 0
                for _ in ev.sources
            ]
        return graded

    def observe(self, events: list[Event]) -> list[str]:
        """Declare the indicators and let events observe them; their YAML text.

        About 4 % of events observe one indicator (a fifth of those two) whose
        signpost fits the event's kind; an indicator nobody picked is observed
        by an event spread evenly over the log, so none is left unobserved.
        """
        rng = FastRandom(f"{self.seed}-indicators")
        ids: list[str] = []
        by_kind: dict[str, list[int]] = {}
        out: list[str] = []
        for k in range(self.n_indicators):
            post = rng.pick(SIGNPOSTS)
            place = rng.pick(KOSOVO_PLACES)
            iid = self.unique(f"{post.stem}-{place.slug}")
            ids.append(iid)
            for kind in post.kinds:
                by_kind.setdefault(kind, []).append(k)
            title = post.title.format(place=place.name)
            text = f"  - id: {iid}\n    title: {scalar(title)}\n    scenario: {post.scenario}\n"
            window = rng.pick(WINDOWS)
            out.append(text + (f"    window: {window}\n" if window else ""))
        seen = [False] * len(ids)
        for ev in events:
            pool = by_kind.get(ev.kind)
            if not pool or rng.random() >= 0.04:
                continue
            for _ in range(1 + (rng.random() < 0.2)):
                k = rng.pick(pool)
                if ids[k] not in ev.indicators:
                    ev.indicators.append(ids[k])
                    seen[k] = True
        for k in (k for k, s in enumerate(seen) if not s):
            ev = events[(2 * k + 1) * len(events) // (2 * len(ids))]
            if ids[k] not in ev.indicators:
                ev.indicators.append(ids[k])
        return out

    def judge(self, events: list[Event], source_ids: list[str]) -> list[str]:
        """The key judgments' YAML text: revision chains over the log's later years."""
        rng = FastRandom(f"{self.seed}-judgments")
        n = len(events)
        out: list[str] = []
        while len(out) < self.n_judgments:
            length = min(rng.pick((1, 1, 2, 2, 3, 4)), self.n_judgments - len(out))
            template, stem = rng.pick(JUDGMENTS)
            i = rng.between(n // 4, n - 1)
            year = int(ymd(events[i].day)[:4]) + 1
            f = self.judgment_fill(rng, year)
            statement = scalar(template.format_map(f))
            rank = rng.between(1, 5)
            previous = None
            for _ in range(length):
                day = ymd(events[i].day)
                jid = self.unique(f"{stem.format_map(f)}-{day}")
                basis = [
                    events[max(0, i - rng.between(0, 400))].id for _ in range(rng.between(1, 4))
                ]
                if rng.random() < 0.25:
                    basis.append(source_ids[rng.pick(events[i].sources)])
                lines = [
                    f"  - id: {jid}\n",
                    f"    date: {day}\n",
                    f"    statement: {statement}\n",
                    f"    likelihood: {LIKELIHOOD_TERMS[rank]}\n",
                    f"    confidence: {rng.pick(JUDGMENT_CONFIDENCE)}\n",
                    f"    basis: [{', '.join(dict.fromkeys(basis))}]\n",
                ]
                if previous is not None:
                    lines.append(f"    revises: {previous}\n")
                out.append("".join(lines))
                previous = jid
                rank = min(6, max(0, rank + rng.pick((-1, 0, 0, 1))))
                i = min(n - 1, i + rng.between(20, 2000))  # a later day (events are sorted)
        return out

    @staticmethod
    def judgment_fill(rng: FastRandom, year: int) -> dict[str, str]:
        """Values for a judgment template's fields."""
        place = rng.pick(KOSOVO_PLACES)
        person = rng.pick(PEOPLE)
        org = rng.pick(ORGS)
        topic = rng.pick(TOPICS)
        crossing = rng.pick(CROSSINGS)
        return {
            "place": place.name,
            "place_s": place.slug,
            "person": person[0],
            "person_s": person[1],
            "org": org[0],
            "org_s": org[1],
            "topic": topic[0],
            "topic_s": topic[1],
            "crossing": crossing[0],
            "crossing_s": crossing[1],
            "year": str(year),
        }

    def unique(self, stem: str) -> str:
        """``stem``, or ``stem-2``, ``stem-3``…: an id not yet used in the log."""
        candidate, k = stem, 2
        while candidate in self.used_ids:
            candidate, k = f"{stem}-{k}", k + 1
        self.used_ids.add(candidate)
        return candidate


def generate(
    n: int, seed: int = 1, judgments: int = 0, indicators: int = 0, grades: bool = False
) -> str:
    """Return the text of a synthetic log of ``n`` events (tradecraft optional)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return Generator(n, seed, judgments, indicators, grades).generate()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument(
        "--judgments", type=int, default=0, metavar="J", help="key judgments (default: 0)"
    )
    parser.add_argument(
        "--indicators", type=int, default=0, metavar="I", help="indicators (default: 0)"
    )
    parser.add_argument(
        "--grades", action="store_true", help="source reliability and citation credibility"
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.judgments < 0 or args.indicators < 0:
        parser.error("--judgments and --indicators must not be negative")
    text = generate(args.n, args.seed, args.judgments, args.indicators, args.grades)
    if args.output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        args.output.write_bytes(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
