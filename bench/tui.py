"""Measure the terminal browser headless (Textual's App.run_test) against the issue's targets.

Usage::

    python bench/tui.py [--events N] [--log FILE] [--keys K]

Generates an N-event log with bench/genlog.py (default 100,000) unless --log
is given, warms the parsed-log cache in a separate process, then runs each
measurement in a fresh process so that memory and start-up are not shared:

- shell first paint: process start → the first frame of the empty browser;
- events visible: process start → the timeline showing every event (warm cache);
- filter keystroke: typing queries one key at a time; per key, the filter
  (with narrowing), the timeline rebuild and drawing every visible row;
- cursor move: one ``down`` through the timeline's action, drawing the rows;
- memory: peak RSS of the process after loading and filtering.

Prints one line per figure with the target next to it, and a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = [
    "mitrovica",
    "kfor troops",
    "kind:incident sig>=4",
    "-tag:courts police",
    "after:2020 nato",
]


def child(log: str, keys: int) -> None:
    """One measured session (runs in its own process)."""
    t0 = time.perf_counter()
    import asyncio
    import resource

    from briefer.tui import BrieferApp

    app = BrieferApp(log, poll_interval=0)

    async def session() -> dict[str, float]:
        async with app.run_test(size=(160, 45)) as pilot:
            while app.shown_at is None:
                await asyncio.sleep(0.005)
            out = {
                "first_paint_s": (app.painted_at or 0) - t0,
                "visible_s": app.shown_at - t0,
                "events": float(len(app.view or ())),
            }
            timeline = app.timeline
            height = timeline.scrollable_content_region.height

            def draw() -> None:
                for y in range(height):
                    timeline.render_line(y)

            # filter keystrokes
            filter_ms = []
            for query in QUERIES:
                for n in range(1, len(query) + 1):
                    start = time.perf_counter()
                    app._apply_filter(query[:n])
                    draw()
                    filter_ms.append((time.perf_counter() - start) * 1000)
                app._apply_filter("")
                await pilot.pause()
            # cursor moves
            cursor_ms = []
            app._apply_filter("")
            timeline.move_to(len(timeline.shown) // 2)
            for _ in range(keys):
                start = time.perf_counter()
                timeline.action_cursor_down()
                draw()
                cursor_ms.append((time.perf_counter() - start) * 1000)
            await pilot.pause()
            # and through the whole app, key event to idle (an upper bound)
            press_ms = []
            for _ in range(20):
                start = time.perf_counter()
                await pilot.press("down")
                press_ms.append((time.perf_counter() - start) * 1000)
            out |= {
                "filter_median_ms": statistics.median(filter_ms),
                "filter_p95_ms": statistics.quantiles(filter_ms, n=20)[18],
                "filter_max_ms": max(filter_ms),
                "filter_keys": float(len(filter_ms)),
                "cursor_median_ms": statistics.median(cursor_ms),
                "cursor_p95_ms": statistics.quantiles(cursor_ms, n=20)[18],
                "pilot_press_median_ms": statistics.median(press_ms),
            }
            out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            return out

    result = asyncio.run(session())
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--log", help="an existing log instead of a generated one")
    parser.add_argument("--keys", type=int, default=200, help="cursor moves to time")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.keys)
        return
    with tempfile.TemporaryDirectory(prefix="briefer-bench-") as tmp:
        env = os.environ | {"BRIEFER_CACHE_DIR": str(Path(tmp) / "cache")}
        log = args.log
        if log is None:
            log = str(Path(tmp) / "events.yaml")
            subprocess.run(
                [sys.executable, str(HERE / "genlog.py"), str(args.events), "-o", log], check=True
            )
        # warm the cache (and the page cache) once
        subprocess.run(
            [sys.executable, "-m", "briefer", "--log", log, "list", "id:none"],
            env=env,
            check=False,
            capture_output=True,
        )
        done = subprocess.run(
            [sys.executable, __file__, "--child", log, "--keys", str(args.keys)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
    targets = {
        "first_paint_s": 0.5,
        "visible_s": 2.0,
        "filter_median_ms": 50,
        "filter_p95_ms": 100,
        "cursor_median_ms": 16,
        "peak_rss_mb": 300,
    }
    for key, value in result.items():
        target = targets.get(key)
        verdict = "" if target is None else ("  ok" if value <= target else "  MISSED")
        limit = "" if target is None else f"  (target ≤ {target})"
        print(f"{key:24} {value:10.2f}{limit}{verdict}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
