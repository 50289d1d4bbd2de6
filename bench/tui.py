"""Measure the terminal browser headless against the issue's targets, with real keystrokes.

Usage::

    python bench/tui.py [--events N] [--log FILE] [--no-cold]

Generates an N-event log with bench/genlog.py (default 100,000) and splits it
into a main file and one included file per year (``events.d/1999.yaml`` …),
unless --log is given. Each session runs in a fresh process (Textual's
``App.run_test``, 160×45, the app's own poll for changed files), timed from the moment
the process is started:

- cold: an empty parsed-log cache. First paint (the first frame the
  compositor produces), events visible (the first frame showing the loaded
  timeline: on a warm start, the cache's preview of a large log; on a cold
  start of a split log, the preview of the files read ahead), the whole
  log shown (no preview left), and the longest stall of the event loop that
  begins between the first paint and the whole log (a task waking every 5 ms
  records how late it wakes: the UI's freeze; the first frame's own drawing,
  which ends at the first paint, is not counted);
- warm: the same with the cache the cold session filled; then typing five
  queries one key at a time (key events posted through the driver as a
  terminal's are, 150 ms apart), each from the key to the first frame drawn
  with that filter applied (``filter_*``: on a large log, the rows around the
  cursor, with the count to follow), and to the first frame with every match
  counted (``filter_whole_*``); then an edit: one event appended to the last
  included file, timed from the write to the first frame showing it;
- memory: the peak RSS of the browser process (and, separately, of the
  processes it started, e.g. a loader).

Prints one line per figure with the target next to it, and a JSON summary.
POSIX only (the clocks of parent and child are compared: CLOCK_MONOTONIC).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QUERIES = [
    "mitrovica",
    "kfor troops",
    "kind:incident sig>=4",
    "-tag:courts police",
    "after:2020 nato",
]
TARGETS = {
    "first_paint_s": 0.5,
    "visible_s": 1.5,  # warm; cold: 6
    "edit_visible_s": 2.0,
    "filter_p50_ms": 25,
    "filter_p95_ms": 50,
    "max_gap_ms": 50,
    "peak_rss_mb": 200,
}
MARKER = "bench-edit-marker"


def split_log(log: Path) -> None:
    """Move the events of ``log`` into one included file per year (``events.d/YYYY.yaml``)."""
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("events:\n")
    parts: dict[str, list[str]] = {}
    current = "0000"
    for line in lines[start + 1 :]:
        found = re.match(r"  # ---- (\d{4}) ----", line)
        if found:
            current = found.group(1)
        parts.setdefault(current, []).append(line)
    folder = log.parent / "events.d"
    folder.mkdir()
    for year, chunk in parts.items():
        (folder / f"{year}.yaml").write_text("events:\n" + "".join(chunk), encoding="utf-8")
    head = "".join(lines[:start]) + "include: [events.d/*.yaml]\n"
    log.write_text(head, encoding="utf-8")


def edited_file(log: Path) -> Path:
    """The file an edit goes to: the last included file, else the log itself."""
    included = sorted((log.parent / "events.d").glob("*.yaml"))
    return included[-1] if included else log


class Monitor:
    """Frames the compositor produces, and how late a 5 ms ticker wakes (the loop's stalls)."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, str, bool, bool, bool, bool]] = []
        self.stalls: list[tuple[float, float]] = []

    def watch(self, app: Any) -> None:
        display = app._display

        def recorded(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                view = app.view
                edited = view is not None and MARKER in view.index_by_id
                shown = app.shown_at is not None
                whole = shown and not getattr(app, "loading_total", 0)  # older briefers: none
                # Every match counted (older briefers count them before the first frame).
                counted = not getattr(app.timeline, "partial", False)
                frame = (time.perf_counter(), app.filter_text, shown, edited, whole, counted)
                self.frames.append(frame)

        app._display = recorded

    async def tick(self) -> None:
        import asyncio

        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.stalls.append((now, (now - last - 0.005) * 1000))
            last = now

    def max_stall(self, start: float, end: float) -> float:
        """The longest stall that began between ``start`` and ``end`` (one that began
        before ``start``, e.g. drawing the first frame, is not the screen freezing after it)."""
        return max((ms for t, ms in self.stalls if start <= t - ms / 1000 <= end), default=0.0)

    async def frame(self, since: float, test: Any, timeout: float = 120) -> float:
        """The time of the first frame after ``since`` passing ``test``."""
        import asyncio

        deadline = time.perf_counter() + timeout
        while True:
            for frame in self.frames:
                if frame[0] >= since and test(frame):
                    return frame[0]
            if time.perf_counter() > deadline:
                raise TimeoutError("no such frame")
            await asyncio.sleep(0.002)


def child(log: str, started: float, mode: str, edit_timeout: float) -> None:
    """One measured session (runs in its own process)."""
    import asyncio
    import resource

    from textual import events

    from briefer.tui import BrieferApp

    app = BrieferApp(log)
    monitor = Monitor()
    monitor.watch(app)

    async def key(char: str) -> float:
        name = {" ": "space", ":": "colon", "-": "minus", ">": "greater_than_sign"}
        name |= {"=": "equals_sign", "/": "slash"}
        return post(events.Key(name.get(char, char), char))

    def post(event: events.Key) -> float:
        """Hand a key to the driver, as a terminal's input does; when it was sent."""
        driver = app._driver
        assert driver is not None
        sent = time.perf_counter()
        driver.send_message(event)
        return sent

    async def session() -> dict[str, float]:
        ticker = asyncio.create_task(monitor.tick())
        out: dict[str, float] = {}
        async with app.run_test(size=(160, 45)):
            painted = await monitor.frame(0, lambda f: True)
            visible = await monitor.frame(0, lambda f: f[2])
            whole = await monitor.frame(0, lambda f: f[4])
            out["first_paint_s"] = painted - started
            out["visible_s"] = visible - started
            out["whole_log_s"] = whole - started
            out["max_gap_ms"] = monitor.max_stall(painted, whole)
            out["events"] = float(len(app.view or ()))
            if mode == "warm":
                await asyncio.sleep(0.5)
                await key("/")
                await asyncio.sleep(0.3)
                typed: list[float] = []
                counted: list[float] = []
                t0 = time.perf_counter()
                for query in QUERIES:
                    for n in range(1, len(query) + 1):
                        sent = await key(query[n - 1])
                        text = query[:n]
                        shown = await monitor.frame(sent, lambda f, text=text: f[1] == text)
                        typed.append((shown - sent) * 1000)
                        whole = await monitor.frame(
                            sent, lambda f, text=text: f[1] == text and f[5]
                        )
                        counted.append((whole - sent) * 1000)
                        await asyncio.sleep(0.15)
                    post(events.Key("ctrl+u", None))
                    await monitor.frame(time.perf_counter(), lambda f: f[1] == "")
                    await asyncio.sleep(0.3)
                out["filter_p50_ms"] = statistics.median(typed)
                out["filter_p95_ms"] = statistics.quantiles(typed, n=20)[18]
                out["filter_max_ms"] = max(typed)
                out["filter_whole_p50_ms"] = statistics.median(counted)
                out["filter_whole_p95_ms"] = statistics.quantiles(counted, n=20)[18]
                out["typing_max_gap_ms"] = monitor.max_stall(t0, time.perf_counter())
                target = edited_file(Path(log))
                addition = (
                    f"\n  - id: {MARKER}\n    date: 2026-06-01\n    title: Bench edit marker\n"
                )
                await asyncio.sleep(1.2)
                written = time.perf_counter()
                with open(target, "a", encoding="utf-8") as f:
                    f.write(addition)
                try:
                    seen = await monitor.frame(written, lambda f: f[3], timeout=edit_timeout)
                except TimeoutError:
                    seen = written + float("inf")
                out["edit_visible_s"] = seen - written
                out["edit_max_gap_ms"] = monitor.max_stall(written, time.perf_counter())
        ticker.cancel()
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["loader_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return out

    print(json.dumps(asyncio.run(session())))


def run(log: str, env: dict[str, str], mode: str, edit_timeout: float) -> dict[str, float]:
    started = time.perf_counter()
    command = [sys.executable, __file__, "--child", log, "--mode", mode, "--started", repr(started)]
    done = subprocess.run(
        [*command, "--edit-timeout", str(edit_timeout)],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"the {mode} session failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(mode: str, result: dict[str, float]) -> None:
    for key, value in result.items():
        target = TARGETS.get(key)
        if key == "visible_s" and mode == "cold":
            target = 6
        verdict = "" if target is None else ("  ok" if value <= target else "  MISSED")
        limit = "" if target is None else f"  (target ≤ {target})"
        print(f"{mode:5} {key:20} {value:10.2f}{limit}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--log", help="an existing log instead of a generated one (it is edited)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold session")
    parser.add_argument(
        "--edit-timeout", type=float, default=120, help="give up on the edit after this (s)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.started, args.mode, args.edit_timeout)
        return
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="briefer-bench-") as tmp:
        env = os.environ | {"BRIEFER_CACHE_DIR": str(Path(tmp) / "cache")}
        # As installed: Python keeps its compiled modules, whatever the shell says; the
        # browser's and the loader's are written here, untimed.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        warm_up = "import briefer.tui.app, briefer.tui.view, briefer.reload, briefer.prefill"
        warm_up += "; import briefer.fastread.events, briefer.fastread.parallel"
        subprocess.run([sys.executable, "-c", warm_up], env=env, check=True)
        log = args.log
        if log is None:
            log = str(Path(tmp) / "events.yaml")
            genlog = [sys.executable, str(HERE / "genlog.py"), str(args.events), "-o", log]
            subprocess.run(genlog, check=True)
            split_log(Path(log))
        if args.no_cold:
            command = [sys.executable, "-m", "briefer", "--log", log, "list", "id:none"]
            subprocess.run(command, env=env, check=False, capture_output=True)
        else:
            results["cold"] = run(log, env, "cold", args.edit_timeout)
            report("cold", results["cold"])
        results["warm"] = run(log, env, "warm", args.edit_timeout)
        report("warm", results["warm"])
    print(json.dumps(results))


if __name__ == "__main__":
    main()
