"""Benchmark the brief's map (SPEC §10): base data, the shipped brief, 1,000 located events.

Usage::

    python bench/map.py [--repeat 5] [--json]

1. Loading the base data: reading ``countries.bin`` and decoding the 1:10m
   level (what the shipped brief's regional map needs), in a fresh process
   each time, timed inside it (target ≤ 50 ms); the 1:110m level alone too.
2. The shipped brief: ``briefer render --pdf`` of the README's brief (as of
   22 Nov 2023, since 1 Sep), each run in a fresh process, alternating runs
   with the map and runs whose pipeline draws none (``_map_file`` patched to
   return None) in the same session; the map's cost is the difference of the
   medians (target ≤ 0.15 s), and the ratio is with / without.
3. Scale: a synthetic log of 1,000 events (bench/genlog.py: places in and
   around Kosovo, with coordinates) as one brief's developments, and 1,000
   events spread over the world: the map alone (``brief_map`` / ``map_svg``),
   in-process after a warm-up, median of ``--repeat`` (target ≤ 1 s), with
   how many markers and numbers it drew.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED = ["render", "--pdf", "--as-of", "2023-11-22T09:00", "--since", "2023-09-01"]
NO_MAP = "import briefer.render.pipeline as p\np._map_file = lambda ctx, stem: None\n"
LOAD = """
import time
from briefer.render.map.basemap import load_basemap
t = time.perf_counter()
base = load_basemap()
for name in {levels}:
    base.level(name)
print(time.perf_counter() - t)
"""


def _child(code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO
    ).stdout
    return float(out.strip())


def _render(folder: Path, with_map: bool) -> float:
    prelude = "" if with_map else NO_MAP
    code = (
        f"import sys\n{prelude}from briefer.cli import main\n"
        "sys.argv = ['briefer', *sys.argv[1:]]\nmain()\n"
    )
    out = folder / ("with" if with_map else "without")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *SHIPPED, "--output", f"{out}/", "-q"],
        cwd=REPO,
        env={**os.environ, "BRIEFER_LOG": str(REPO / "events.yaml")},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"render failed: exit {os.waitstatus_to_exitcode(status)}")
    # CPU seconds of the child: on a shared machine, steadier than wall time.
    return usage.ru_utime + usage.ru_stime


def _scale(repeat: int) -> dict[str, object]:
    sys.path.insert(0, str(REPO))
    from briefer.brief import build_brief
    from briefer.loader import load_log
    from briefer.render.map import MapMark, brief_map, map_svg

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "events.yaml"
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "genlog.py"), "1000", "-o", str(log_path)],
            check=True,
        )
        log = load_log(str(log_path), use_cache=False).log
        assert log is not None
        ctx = build_brief(
            log,
            as_of=int(time.time()),
            period_start=-2208988800,  # 1 Jan 1900: every event is a development
            input_hash="bench",
            generator="bench",
        )
        brief_map(ctx, "bench")  # warm: the base data is read once per process
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            drawn = brief_map(ctx, "bench")
            times.append(time.perf_counter() - t)
        assert drawn is not None
        svg = drawn[1]
        results["genlog_1000"] = _describe(svg, times, len(drawn[0].numbers))
    rng = random.Random(1)
    marks = [
        MapMark(rng.uniform(-170, 170), rng.uniform(-55, 70), "incident", rng.randint(1, 5), n, "")
        for n in range(1, 1001)
    ]
    map_svg(marks[:3], [], title="w", subtitle="", unplaced=0)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        svg = map_svg(marks, [], title="Map", subtitle="", unplaced=0)
        times.append(time.perf_counter() - t)
    results["world_1000"] = _describe(svg, times, len(marks))
    return results


def _describe(svg: str, times: list[float], located: int) -> dict[str, object]:
    markers = len(re.findall(r"<title>\d", svg))
    unnumbered = re.search(r"(\d+) of (\d+) markers are unnumbered", svg)
    groups = int(unnumbered.group(2)) if unnumbered else markers
    numbered = groups - int(unnumbered.group(1)) if unnumbered else groups
    view = re.search(r"Map, (\w+) view", svg)
    return {
        "seconds": round(statistics.median(times), 3),
        "located_events": located,
        "markers": groups,
        "numbered_markers": numbered,
        "view": view.group(1) if view else "?",
        "svg_kb": round(len(svg.encode()) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    load_10m = statistics.median(_child(LOAD.format(levels=["10m"])) for _ in range(args.repeat))
    load_110m = statistics.median(_child(LOAD.format(levels=["110m"])) for _ in range(args.repeat))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _render(folder, True)  # warm the parsed-log cache and the file system
        with_map, without = [], []
        for _ in range(args.repeat):
            with_map.append(_render(folder, True))
            without.append(_render(folder, False))
        svg_kb = sum(f.stat().st_size for f in (folder / "with").glob("*-map.svg")) / 1024
    report = {
        "load_basemap_10m_s": round(load_10m, 4),
        "load_basemap_110m_s": round(load_110m, 4),
        "shipped_render_with_map_cpu_s": round(statistics.median(with_map), 3),
        "shipped_render_without_map_cpu_s": round(statistics.median(without), 3),
        "map_cost_cpu_s": round(statistics.median(with_map) - statistics.median(without), 3),
        "ratio_with_over_without": round(
            statistics.median(with_map) / statistics.median(without), 3
        ),
        "shipped_map_svg_kb": round(svg_kb, 1),
        **_scale(args.repeat),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
