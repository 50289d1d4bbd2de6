"""SVG charts: well-formed, escaped, deterministic, and drawing what they claim."""

from __future__ import annotations

import random
import re
import time
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from briefer.dates import get_timezone, parse_date
from briefer.model import BUILTIN_KINDS, Citation, Event, Metric, Pos
from briefer.render.charts import MetricPoint, metric_svg, timeline_svg

TZ = get_timezone("Europe/Belgrade")
NS = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & \"quoted\" ]]> \x01"
METRIC = Metric("troops", "Troops in theatre", Pos("t.yaml", 1, 1), "troops")


def ts(year: int, month: int = 1, day: int = 1) -> int:
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


def timeline(events: list[Event], start: int, end: int, **kw: object) -> str:
    return timeline_svg(events, tz=TZ, start=start, end=end, kinds=BUILTIN_KINDS, **kw)  # type: ignore[arg-type]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    """Every drawn text (not tooltips), in document order."""
    return [t.text or "" for t in root.iter(f"{NS}text")]


def tooltips(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}title")][1:]


def lane_labels(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text") if t.get("x") == "22"]


# -- the document --------------------------------------------------------------------


def test_a_standalone_accessible_document_with_nothing_external() -> None:
    svg = timeline([event("a", "2023-09-24")], ts(2023), ts(2024))
    root = parse(svg)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 680 ')
    assert root.get("role") == "img"
    assert root.get("width") == "680"
    assert root[0].tag == f"{NS}title"
    assert root[0].text == "Events by kind"
    assert root[1].tag == f"{NS}desc"
    assert "Timeline of 1 event," in (root[1].text or "")
    assert "incident 1" in (root[1].text or "")
    assert "sans-serif" in (root.get("font-family") or "")
    assert "href" not in svg
    assert "url(" not in svg
    assert svg.count("http") == 1  # the namespace, nothing else
    assert "<image" not in svg


def test_output_is_deterministic_and_ignores_input_order() -> None:
    events = [event(f"e{i}", f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(60)]
    first = timeline(events, ts(2023), ts(2024))
    shuffled = events[:]
    random.Random(4).shuffle(shuffled)
    assert timeline(shuffled, ts(2023), ts(2024)) == first
    points = [MetricPoint(ts(2023, 1 + i), 100 + i, f"[{i}]", i % 2 == 0) for i in range(6)]
    once = metric_svg(METRIC, points, tz=TZ, start=ts(2023), end=ts(2024))
    assert metric_svg(METRIC, points[::-1], tz=TZ, start=ts(2023), end=ts(2024)) == once


def test_coordinates_have_at_most_one_decimal() -> None:
    events = [event(f"e{i}", f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}~") for i in range(40)]
    points = [MetricPoint(ts(2023, 1, 1 + i), 1 / 3 * i, "", False) for i in range(20)]
    for svg in (
        timeline(events, ts(2023), ts(2024)),
        metric_svg(METRIC, points, tz=TZ, start=ts(2023), end=ts(2023, 2)),
    ):
        numbers = re.findall(r'(?:[xy][01]?|cx|cy|r|d|width|height)="([^"]*)"', svg)
        assert numbers
        assert not [n for n in numbers if re.search(r"\d\.\d\d", n)]


# -- escaping ------------------------------------------------------------------------


def test_hostile_text_comes_out_as_text() -> None:
    events = [event("a", "2023-09-24", kind="x<y>&", title=HOSTILE)]
    svg = timeline_svg(events, tz=TZ, start=ts(2023), end=ts(2024), kinds=("x<y>&",), title=HOSTILE)
    root = parse(svg)
    assert "<script" not in svg
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    clean = HOSTILE.replace("\x01", "")  # not allowed in XML at all
    assert clean in texts(root)
    assert root[0].text == clean
    assert "x<y>&" in lane_labels(root)
    assert any(clean in tip for tip in tooltips(root))

    metric = Metric("m", HOSTILE, Pos("t.yaml", 1, 1), unit="<b>&amp;</b>")
    points = [MetricPoint(ts(2023, 3), 5, HOSTILE, False)]
    svg = metric_svg(metric, points, tz=TZ, start=ts(2023), end=ts(2024))
    root = parse(svg)
    assert "<script" not in svg
    assert f"5 {clean}" in texts(root) or any(t.startswith("5 <script>") for t in texts(root))
    assert "<b>&amp;</b>" in texts(root)


# -- the timeline --------------------------------------------------------------------


def test_lanes_only_for_present_kinds_in_the_order_given() -> None:
    events = [
        event("a", "2023-09-24", "statement"),
        event("b", "2023-10-02", "incident"),
        event("c", "2023-10-03", "zeta-custom"),
        event("d", "2023-10-04", "alpha-custom"),
        event("e", "2023-10-05", None),
        event("f", "2020-01-01", "political"),  # outside the period: no lane
    ]
    root = parse(timeline(events, ts(2023), ts(2024)))
    assert lane_labels(root) == [
        "incident",
        "statement",
        "alpha-custom",
        "zeta-custom",
        "unspecified",
    ]
    assert "Timeline of 5 events" in (root[1].text or "")


def test_markers_bars_and_edges() -> None:
    start, end = ts(2023), ts(2024)
    events = [
        event("day", "2023-06-15", "deployment", title="A day"),
        event("month", "2023-03~", "deployment", title="A month"),
        event("open", "../2023-05", "legal", title="Open start"),
        event("since", "2023-10/..", "political", title="Open end"),
        event("late", "2024-03-01", "incident", title="After the end"),
    ]
    svg = timeline(events, start, end)
    root = parse(svg)
    tips = tooltips(root)
    assert not [t for t in tips if "After the end" in t]
    # the approximate month is a dashed bar; the open start runs from the left edge
    dashed = [p for p in root.iter(f"{NS}path") if p.get("stroke-dasharray")]
    assert dashed
    bars = [p.get("d") or "" for p in root.iter(f"{NS}path") if p.get("stroke-width") == "2.6"]
    axis = next(p.get("d") or "" for p in root.iter(f"{NS}path") if p.get("stroke") == "#444")
    left, right = (float(v) for v in re.findall(r"M([\d.]+) [\d.]+H([\d.]+)", axis)[0])
    starts = [float(m) for d in bars for m in re.findall(r"M([\d.]+) ", d)]
    assert left in starts  # the open start
    ends = [float(m) for d in bars for m in re.findall(r"H([\d.]+)", d)]
    assert right - 1 in ends  # the open end reaches the right edge


def test_same_pixel_events_share_one_marker_and_significance_sizes_it() -> None:
    events = [event(f"e{i}", "2023-05-05", sig=1) for i in range(20)]
    events.append(event("big", "2023-05-05", sig=5))
    events.append(event("small", "2023-09-05", sig=1))
    root = parse(timeline(events, ts(2000), ts(2024)))
    markers = [p for p in root.iter(f"{NS}path") if p.find(f"{NS}title") is not None]
    assert len(markers) == 2
    tips = tooltips(root)
    assert any("(+20 more)" in t for t in tips)

    def size(d: str) -> float:
        xs = [float(v) for v in re.findall(r"[ML]([\d.]+) ", d)]
        return max(xs) - min(xs)

    big, small = sorted((size(m.get("d") or "") for m in markers), reverse=True)
    assert big > small


def test_approximate_dates_are_hollow() -> None:
    root = parse(
        timeline([event("a", "2023-05-05~"), event("b", "2023-09-05")], ts(2000), ts(2024))
    )
    markers = [p for p in root.iter(f"{NS}path") if p.find(f"{NS}title") is not None]
    fills = {(m.find(f"{NS}title").text or "")[:9]: m.get("fill") for m in markers}  # type: ignore[union-attr]
    assert fills["c. 5 May "] == "#fff"
    assert fills["5 Sep 202"] is None  # the group's colour


def test_tick_labels_follow_the_span() -> None:
    def ticks(start: int, end: int) -> list[str]:
        root = parse(timeline([event("a", "2010-05-05")], start, end))
        # tick labels sit under the axis, in the group with the axis font size
        return [
            t.text or ""
            for g in root.iter(f"{NS}g")
            if g.get("font-size") == "10"
            for t in g.iter(f"{NS}text")
        ]

    years = ticks(ts(1999), ts(2024))
    assert years
    assert all(re.fullmatch(r"\d{4}", t) for t in years), years
    assert "2010" in years
    assert 3 <= len(years) <= 14
    months = ticks(ts(2010, 1), ts(2010, 12, 31))
    assert months[0] == "Jan 2010"
    assert all(re.fullmatch(r"[A-Z][a-z]{2}( \d{4})?", t) for t in months), months
    days = ticks(ts(2010, 5, 1), ts(2010, 5, 28))
    assert days
    assert all(re.fullmatch(r"\d{1,2} May", t) for t in days), days
    assert len(days) >= 3
    hours = ticks(ts(2010, 5, 5), ts(2010, 5, 5))  # start == end: a day around it
    assert any(re.fullmatch(r"\d\d:00", t) for t in hours), hours


def test_empty_and_degenerate_timelines() -> None:
    for svg in (
        timeline([], ts(2023), ts(2024)),
        timeline([event("old", "2001-01-01")], ts(2023), ts(2024)),
    ):
        root = parse(svg)
        assert "No events in this period" in texts(root)
    at = ts(2023, 5, 5)
    root = parse(timeline([event("a", "2023-05-05")], at, at))
    assert lane_labels(root) == ["incident"]
    parse(timeline([event("a", "2023")], ts(2024), ts(2023)))  # reversed period


def test_a_thousand_events_stay_small_and_fast() -> None:
    rng = random.Random(7)
    dates = ["{y}", "{y}-{m:02d}", "{y}-{m:02d}-{d:02d}", "{y}-{m:02d}-{d:02d}~", "{y}-{m:02d}/.."]
    events = [
        event(
            f"e{i}",
            rng.choice(dates).format(
                y=rng.randint(1999, 2023), m=rng.randint(1, 12), d=rng.randint(1, 28)
            ),
            rng.choice([*BUILTIN_KINDS, None]),
            title=f"Event {i} & <more>",
            sig=rng.randint(1, 5),
        )
        for i in range(1000)
    ]
    started = time.perf_counter()
    svg = timeline(events, ts(1999), ts(2024))
    elapsed = time.perf_counter() - started
    root = parse(svg)
    assert len(lane_labels(root)) == 10
    assert len(svg) < 300_000
    assert elapsed < 2  # generous: guards against quadratic blow-ups; bench/ measures


# -- a metric --------------------------------------------------------------------------


def y_ticks(root: ET.Element) -> dict[str, float]:
    """Y tick label → the y of its grid line (labels sit 3.5 below their line)."""
    group = next(g for g in root.iter(f"{NS}g") if g.get("text-anchor") == "end")
    return {t.text or "": round(float(t.get("y") or 0) - 3.5, 1) for t in group}


def plot_edges(root: ET.Element) -> tuple[float, float]:
    axis = next(p.get("d") or "" for p in root.iter(f"{NS}path") if p.get("stroke") == "#444")
    left, right = re.findall(r"M([\d.]+) [\d.]+H([\d.]+)", axis)[0]
    return float(left), float(right)


def fmt(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def test_step_line_holds_each_value_until_the_next_report() -> None:
    start, end = ts(2023, 1, 1), ts(2023, 12, 31)
    mid, late = ts(2023, 7, 1), ts(2023, 11, 1)
    points = [
        MetricPoint(ts(2022, 6, 1), 10, "[0]", False),  # before the period: sets the start
        MetricPoint(mid, 20, "[1]", False),
        MetricPoint(late, 5, "[2]", True),
        MetricPoint(ts(2024, 3, 1), 99, "[3]", False),  # after the period: left out
    ]
    root = parse(metric_svg(METRIC, points, tz=TZ, start=start, end=end))
    ticks = y_ticks(root)
    assert list(ticks) == ["0", "5", "10", "15", "20"]  # round ticks from 0
    left, right = plot_edges(root)

    def x(t: int) -> float:
        return left + (t - start) / (end - start) * (right - left)

    (step,) = [p for p in root.iter(f"{NS}path") if p.get("class") == "step"]
    expected = (
        f"M{fmt(left)} {fmt(ticks['10'])}"
        f"H{fmt(x(mid))}V{fmt(ticks['20'])}"
        f"H{fmt(x(late))}V{fmt(ticks['5'])}"
        f"H{fmt(right)}"
    )
    assert step.get("d") == expected
    dots = [c for c in root.iter(f"{NS}circle") if c.get("class") == "point"]
    assert [(c.get("cx"), c.get("cy"), c.get("fill")) for c in dots] == [
        (fmt(x(mid)), fmt(ticks["20"]), None),
        (fmt(x(late)), fmt(ticks["5"]), "#fff"),  # approximate: hollow
    ]
    labels = texts(root)
    assert "20 [1]" in labels
    assert "5 [2]" in labels
    assert "10 [0]" not in labels
    assert "99 [3]" not in labels
    assert "troops" in labels
    assert "Troops in theatre" in labels


def label_box(t: ET.Element) -> tuple[float, float, float, float]:
    x, y, n = float(t.get("x") or 0), float(t.get("y") or 0), len(t.text or "") * 9.5 * 0.62
    x0 = x - n if t.get("text-anchor") == "end" else x
    return x0, y - 8, x0 + n, y + 2


@pytest.mark.parametrize("gap_days", [0, 1, 20])
def test_disagreeing_sources_are_both_drawn_and_labelled_apart(gap_days: int) -> None:
    at = ts(2023, 10, 1)
    points = [
        MetricPoint(ts(2022, 8, 17), 3700, "[1]", False),
        MetricPoint(at, 4500, "[2]", False),
        MetricPoint(at + gap_days * 86400, 3700, "[3]", True),
    ]
    svg = metric_svg(METRIC, points, tz=TZ, start=ts(2022, 6, 1), end=ts(2023, 12, 31))
    root = parse(svg)
    by_text = {t.text: t for t in root.iter(f"{NS}text")}
    assert {"3,700 [1]", "4,500 [2]", "3,700 [3]"} <= set(by_text)
    dots = [c for c in root.iter(f"{NS}circle") if c.get("class") == "point"]
    assert len(dots) == 3
    a, b = label_box(by_text["4,500 [2]"]), label_box(by_text["3,700 [3]"])
    assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]  # no overlap
    shaded = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#E69F00"]
    assert len(shaded) == 1
    assert "sources disagree" in svg


def test_the_same_source_changing_its_figure_is_not_a_disagreement() -> None:
    points = [MetricPoint(ts(2023, 10, 1), 4500, "[2]", False)]
    points.append(MetricPoint(ts(2023, 10, 9), 4700, "[2]", False))
    svg = metric_svg(METRIC, points, tz=TZ, start=ts(2023), end=ts(2024))
    assert "#E69F00" not in svg


def test_y_axis_leaves_zero_when_the_data_are_far_from_it() -> None:
    points = [MetricPoint(ts(2023, 2), 3700, "", False), MetricPoint(ts(2023, 6), 4500, "", False)]
    ticks = y_ticks(parse(metric_svg(METRIC, points, tz=TZ, start=ts(2023), end=ts(2024))))
    assert "0" not in ticks
    assert min(ticks, key=lambda k: -ticks[k]) in ("3,600", "3,700", "3,500")


def test_metric_edge_cases() -> None:
    empty = parse(metric_svg(METRIC, [], tz=TZ, start=ts(2023), end=ts(2024)))
    assert "No reports in this period" in texts(empty)
    late = [MetricPoint(ts(2025), 1, "", False)]
    assert "No reports in this period" in texts(
        parse(metric_svg(METRIC, late, tz=TZ, start=ts(2023), end=ts(2024)))
    )
    at = ts(2023, 5, 5)
    one = parse(metric_svg(METRIC, [MetricPoint(at, 7, "[1]", False)], tz=TZ, start=at, end=at))
    assert "7 [1]" in texts(one)
    same = [MetricPoint(ts(2023, m), 5, "", False) for m in (1, 2, 3)]
    ticks = y_ticks(parse(metric_svg(METRIC, same, tz=TZ, start=ts(2023), end=ts(2023, 4))))
    assert "0" in ticks
    assert "5" in ticks
    zeros = [MetricPoint(ts(2023, m), 0, "", False) for m in (1, 2)]
    parse(metric_svg(METRIC, zeros, tz=TZ, start=ts(2023), end=ts(2023, 4)))
    negative = [MetricPoint(ts(2023, 1), -5, "", False), MetricPoint(ts(2023, 2), 3.5, "", False)]
    svg = metric_svg(METRIC, negative, tz=TZ, start=ts(2023), end=ts(2023, 3))
    root = parse(svg)
    ticks = y_ticks(root)
    assert "-6" in ticks or "-5" in ticks
    assert "0" in ticks
    assert "3.5" in texts(root)
    assert 'stroke="#777"' in svg  # the zero line
    no_unit = Metric("m", "Count", Pos("t.yaml", 1, 1))
    parse(metric_svg(no_unit, same, tz=TZ, start=ts(2023), end=ts(2023, 4)))


def test_a_dense_series_terminates_and_keeps_the_latest_label() -> None:
    points = [
        MetricPoint(ts(2023, 1, 1) + i * 3600, float(i % 7), f"[{i}]", False) for i in range(2000)
    ]
    started = time.perf_counter()
    svg = metric_svg(METRIC, points, tz=TZ, start=ts(2023, 1, 1), end=ts(2023, 4, 1))
    assert time.perf_counter() - started < 5
    labels = texts(parse(svg))
    assert f"{1999 % 7} [1999]" in labels  # the latest report is always labelled
    assert len([t for t in labels if t.endswith("]")]) <= 30


def test_disagreement_spans_match_a_plain_pairwise_scan() -> None:
    from briefer.brief import DISAGREEMENT_WINDOW
    from briefer.render.charts.metric import _disagreements

    def plain(points: list[MetricPoint]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for i, p in enumerate(points):
            late = [
                q.at
                for q in points[i + 1 :]
                if q.at - p.at <= DISAGREEMENT_WINDOW and q.value != p.value and q.label != p.label
            ]
            if not late:
                continue
            if spans and p.at <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], *late))
            else:
                spans.append((p.at, max(late)))
        return spans

    rng = random.Random(3)
    for _ in range(200):
        at = 0
        points = []
        for _ in range(rng.randint(0, 30)):
            at += rng.choice([0, 86400, 10 * 86400, 40 * 86400])
            points.append(MetricPoint(at, rng.choice([1, 2, 3]), rng.choice("ab"), False))
        assert _disagreements(points) == plain(points)


def dejavu_file() -> str | None:
    """DejaVu Sans (the charts' first font) as fontconfig finds it, if installed."""
    import shutil
    import subprocess

    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{family}\t%{file}", "DejaVu Sans"], capture_output=True, text=True
    )
    family, _, path = found.stdout.partition("\t")
    return path if family.startswith("DejaVu Sans") and path else None


def dejavu_width(path: str, text: str, size: float) -> float:
    """The advance width of ``text`` in the font at ``path``, in px."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(path, lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    units = sum(hmtx[cmap.get(ord(ch), ".notdef")][0] for ch in text)
    return float(units * size / font["head"].unitsPerEm)


@pytest.mark.parametrize(
    "unit",
    [
        "personnel deployed under the multinational framework nation",  # 60 characters
        "W" * 60,
        "x" * 300,
    ],
)
def test_a_long_unit_stays_beside_the_value_axis(unit: str) -> None:
    path = dejavu_file()
    if path is None:
        pytest.skip("DejaVu Sans is not installed here")
    metric = Metric("troops", "Troops", Pos("t.yaml", 1, 1), unit)
    points = [MetricPoint(ts(2023, 2), 100, "", False), MetricPoint(ts(2023, 6), 150, "", False)]
    root = parse(metric_svg(metric, points, tz=TZ, start=ts(2023), end=ts(2024)))
    (label,) = [t for t in root.iter(f"{NS}text") if "rotate(-90" in (t.get("transform") or "")]
    shown = label.text or ""
    assert shown.endswith("…")
    assert unit.startswith(shown[:-1])
    # Written upwards around its y, it must stay between the top grid line and
    # the time axis (whose tick labels are below it), measured with the real font.
    axis = next(p.get("d") or "" for p in root.iter(f"{NS}path") if p.get("stroke") == "#444")
    axis_y = float(re.findall(r"M[\d.]+ ([\d.]+)H", axis)[0])
    top_y = min(y_ticks(root).values())
    mid = float(label.get("y") or 0)
    half = dejavu_width(path, shown, float(label.get("font-size") or 0)) / 2
    assert top_y - 6 <= mid - half
    assert mid + half <= axis_y
    # Nothing is lost: the subtitle and the description carry the unit.
    assert unit in (root.find(f"{NS}desc").text or "")  # type: ignore[union-attr]
