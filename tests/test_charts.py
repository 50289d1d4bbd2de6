"""SVG charts: well-formed, escaped, deterministic, and drawing what they claim."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from datetime import datetime

from briefer.charts import MetricPoint, metric_svg, timeline_svg
from briefer.dates import get_timezone, parse_date
from briefer.model import BUILTIN_KINDS, Citation, Event, Metric, Pos

TZ = get_timezone("Europe/Belgrade")
SVG = "{http://www.w3.org/2000/svg}"


def ts(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, tzinfo=TZ).timestamp())


def event(
    eid: str, date: str, kind: str | None = "incident", title: str = "T", sig: int = 3
) -> Event:
    return Event(
        id=eid,
        date=parse_date(date, TZ),
        title=title,
        pos=Pos("t.yaml", 1, 1),
        kind=kind,
        significance=sig,
        sources=(Citation("s"),),
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_timeline_lanes_only_for_present_kinds_in_order() -> None:
    events = [event("a", "2023-09-24", "incident"), event("b", "2023-10~", "deployment")]
    svg = timeline_svg(events, tz=TZ, start=ts(2023, 1, 1), end=ts(2024, 1, 1), kinds=BUILTIN_KINDS)
    root = parse(svg)
    labels = texts(root)
    assert labels.index("incident") < labels.index("deployment")  # in the order of the kinds
    assert "political" not in labels
    assert root.find(f"{SVG}title") is not None
    # the approximate month is drawn as a dashed bar
    assert 'stroke-dasharray="3,2"' in svg


def test_timeline_escapes_hostile_text_and_references_nothing() -> None:
    hostile = '<script>alert(1)</script> & "quotes"'
    events = [event("a", "2023-09-24", None, title=hostile)]
    svg = timeline_svg(
        events, tz=TZ, start=ts(2023, 1, 1), end=ts(2024, 1, 1), kinds=("x&<y>",), title=hostile
    )
    root = parse(svg)
    assert not list(root.iter("script"))
    assert not list(root.iter(f"{SVG}script"))
    assert hostile in texts(root)
    assert "href" not in svg
    assert "url(" not in svg


def test_timeline_is_deterministic_and_scales() -> None:
    events = [
        event(
            f"e{i}",
            f"{2000 + i % 24}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            BUILTIN_KINDS[i % 9],
            sig=1 + i % 5,
        )
        for i in range(1000)
    ]
    started = time.perf_counter()
    svg = timeline_svg(events, tz=TZ, start=ts(2000, 1, 1), end=ts(2024, 1, 1), kinds=BUILTIN_KINDS)
    elapsed = time.perf_counter() - started
    assert svg == timeline_svg(
        events, tz=TZ, start=ts(2000, 1, 1), end=ts(2024, 1, 1), kinds=BUILTIN_KINDS
    )
    parse(svg)
    assert len(svg) < 400_000  # overlapping markers are merged
    assert elapsed < 5  # generous: guards against quadratic blow-ups, not a benchmark
    assert not re.search(r"\d\.\d\d", svg)  # coordinates rounded to one decimal


def test_timeline_empty_and_degenerate() -> None:
    svg = timeline_svg([], tz=TZ, start=ts(2023, 1, 1), end=ts(2023, 2, 1), kinds=BUILTIN_KINDS)
    assert "No events in this period" in texts(parse(svg))
    parse(timeline_svg([event("a", "2023")], tz=TZ, start=5, end=5, kinds=BUILTIN_KINDS))
    # an open start is drawn from the left edge
    parse(
        timeline_svg(
            [event("a", "../2023-05")],
            tz=TZ,
            start=ts(2023, 1, 1),
            end=ts(2023, 12, 1),
            kinds=BUILTIN_KINDS,
        )
    )


def test_tick_labels_follow_the_span() -> None:
    years = texts(
        parse(
            timeline_svg(
                [event("a", "2010")],
                tz=TZ,
                start=ts(2000, 1, 1),
                end=ts(2024, 1, 1),
                kinds=BUILTIN_KINDS,
            )
        )
    )
    assert "2008" in years
    assert "2024" in years
    days = texts(
        parse(
            timeline_svg(
                [event("a", "2023-11-10")],
                tz=TZ,
                start=ts(2023, 11, 1),
                end=ts(2023, 11, 20),
                kinds=BUILTIN_KINDS,
            )
        )
    )
    assert any(re.fullmatch(r"\d{1,2} Nov", t) for t in days)


METRIC = Metric("troops", "Troops & <co>", Pos("t.yaml", 1, 1), "troops")


def test_metric_step_line_coordinates() -> None:
    points = [
        MetricPoint(ts(2023, 1, 1), 100, "[1]", False),
        MetricPoint(ts(2023, 7, 1), 200, "[2]", True),
    ]
    svg = metric_svg(METRIC, points, tz=TZ, start=ts(2023, 1, 1), end=ts(2024, 1, 1))
    root = parse(svg)
    (path,) = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == "#0072B2"]
    d = path.get("d") or ""
    # start at the first report, hold, step up at the second, hold to the end
    assert re.fullmatch(r"M64,([\d.]+)H([\d.]+)V([\d.]+)H640", d), d
    m = re.fullmatch(r"M64,([\d.]+)H([\d.]+)V([\d.]+)H640", d)
    assert m is not None
    assert float(m.group(3)) < float(m.group(1))  # higher value, higher on the page
    labels = texts(root)
    assert "100 [1]" in labels
    assert "200 [2]" in labels
    assert "Troops & <co>" in labels
    assert "troops" in labels


def test_metric_disagreeing_values_both_labelled_apart() -> None:
    at = ts(2023, 10, 1)
    points = [MetricPoint(at, 4500, "[1]", False), MetricPoint(at + 86400, 3700, "[2]", True)]
    root = parse(metric_svg(METRIC, points, tz=TZ, start=ts(2023, 1, 1), end=ts(2023, 12, 1)))
    labelled = {
        t.text: float(t.get("y") or 0)
        for t in root.iter(f"{SVG}text")
        if t.text in ("4,500 [1]", "3,700 [2]")
    }
    assert len(labelled) == 2
    assert abs(labelled["4,500 [1]"] - labelled["3,700 [2]"]) >= 11


def test_metric_edge_cases() -> None:
    assert "No reports" in metric_svg(METRIC, [], tz=TZ, start=0, end=10)
    one = [MetricPoint(ts(2023, 1, 1), 7, "", False)]
    parse(metric_svg(METRIC, one, tz=TZ, start=ts(2023, 1, 1), end=ts(2023, 1, 1)))
    same = [MetricPoint(ts(2023, 1, 1), 5, "", False), MetricPoint(ts(2023, 2, 1), 5, "", False)]
    parse(metric_svg(METRIC, same, tz=TZ, start=ts(2023, 1, 1), end=ts(2023, 3, 1)))
    negative = [
        MetricPoint(ts(2023, 1, 1), -5, "", False),
        MetricPoint(ts(2023, 2, 1), 3.5, "", False),
    ]
    svg = metric_svg(METRIC, negative, tz=TZ, start=ts(2023, 1, 1), end=ts(2023, 3, 1))
    assert "-5" in texts(parse(svg)) or "-6" in texts(parse(svg))


def test_metric_with_a_dense_series_terminates_and_keeps_the_latest_label() -> None:
    points = [
        MetricPoint(ts(2023, 1, 1) + i * 3600, float(i % 7), f"[{i}]", False) for i in range(500)
    ]
    started = time.perf_counter()
    svg = metric_svg(METRIC, points, tz=TZ, start=ts(2023, 1, 1), end=ts(2023, 2, 1))
    assert time.perf_counter() - started < 5
    labels = texts(parse(svg))
    assert "2 [499]" in labels  # the latest report is always labelled
    assert len([t for t in labels if t.endswith("]")]) < 100
