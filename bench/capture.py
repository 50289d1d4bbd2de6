"""Benchmark capture (SPEC §8): ``briefer add`` against ``briefer check``, and a feed fetch.

Usage::

    python bench/capture.py [--events 100000] [--repeat K] [--feeds 20] [--items 100]

* **add vs check, shipped log**: the shipped ``events.yaml`` copied to a
  temporary folder with a ``capture:`` folder added to its header; K times
  each, in a fresh process: ``briefer check`` and ``briefer add --title …``
  (each add a new event). Cold cache (a fresh ``BRIEFER_CACHE_DIR`` per run)
  and warm cache. Target: add ≤ 1.2 × check (cold process).
* **add vs check, large log**: the same on a ``bench/genlog.py`` log of
  ``--events`` events, in one file, and split by ``bench/splitlog.py`` into
  ``--parts`` included files (where the per-file cache is reused: a new file
  changes the log's set of files, so a one-file log is parsed whole again).
* **fetch**: ``--feeds`` RSS feeds of ``--items`` items each, served by an
  HTTP server on 127.0.0.1 started here; one ``briefer inbox fetch`` into a
  fresh inbox, then one more (all 304 answers), wall time each.

Medians of K runs; ratios are of medians in the same run. POSIX only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HEADER_ADD = "capture: events.d/captured/\ninclude: [events.d/captured/*.yaml]\n"


def run(args: list[str], cwd: Path, cache: Path) -> float:
    env = {**os.environ, "BRIEFER_CACHE_DIR": str(cache)}
    env.pop("BRIEFER_LOG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules are kept
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "briefer", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - start
    if done.returncode not in (0, 1) or (args[0] == "add" and done.returncode):
        raise SystemExit(f"{args}: exit {done.returncode}: {done.stderr}")
    return took


def with_capture(text: str) -> str:
    """The log with a capture folder (before its first top-level list)."""
    head, sep, rest = text.partition("\nsources:")
    return head + "\n" + HEADER_ADD + sep.lstrip("\n") + rest


def add_vs_check(folder: Path, label: str, repeat: int, source: str) -> None:
    results: dict[str, list[float]] = {}
    for n in range(repeat):
        for warm in (False, True):
            cache = folder.parent / f"cache-{label}-{n}-{'w' if warm else 'c'}"
            if warm:  # a warm cache: what the previous command left
                run(["check"], folder, cache)
            t_check = run(["check"], folder, cache)
            if not warm:
                shutil.rmtree(cache, ignore_errors=True)
            t_add = run(
                ["add", "--title", f"Bench event {label} {n} {warm}", "--date", "2023-11-22",
                 "--source", source],
                folder,
                cache,
            )  # fmt: skip
            key = "warm" if warm else "cold"
            results.setdefault(f"check {key}", []).append(t_check)
            results.setdefault(f"add {key}", []).append(t_add)
    for key in ("cold", "warm"):
        check = statistics.median(results[f"check {key}"])
        add = statistics.median(results[f"add {key}"])
        print(
            f"{label:<10} {key} cache: check {check:6.3f} s  add {add:6.3f} s  "
            f"add/check {add / check:5.2f}"
        )


def rss(feed: int, items: int, base: str) -> bytes:
    entries = "".join(
        f"<item><title>Feed {feed} item {i}: something happened</title>"
        f"<link>{base}/f{feed}/{i}</link><guid>f{feed}-{i}</guid>"
        f"<pubDate>Wed, 22 Nov 2023 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>Summary of item {i} with &lt;b&gt;markup&lt;/b&gt;.</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
        f"{entries}</channel></rss>"
    ).encode()


def fetch_bench(root: Path, feeds: int, items: int) -> None:
    bodies: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == '"1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", '"1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for f in range(feeds):
        bodies[f"/feed{f}.xml"] = rss(f, items, base)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = root / "fetch"
    folder.mkdir()
    lines = "".join(f"  - {{id: feed{f}, url: '{base}/feed{f}.xml'}}\n" for f in range(feeds))
    (folder / "events.yaml").write_text(
        "briefer: 1\ntitle: Fetch bench\ntimezone: Europe/Belgrade\nfeeds:\n" + lines
        + "sources:\n  - {id: s1, title: S}\nevents:\n"
        "  - {id: e1, date: 2023-11-22, title: E, sources: [s1]}\n",
        encoding="utf-8",
    )  # fmt: skip
    cache = root / "cache-fetch"
    first = run(["inbox", "fetch", "-q"], folder, cache)
    second = run(["inbox", "fetch", "-q"], folder, cache)
    server.shutdown()
    print(
        f"fetch      {feeds} feeds × {items} items: first {first:6.3f} s, "
        f"again (all 304) {second:6.3f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--parts", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shipped = root / "shipped"
        shipped.mkdir()
        text = (REPO / "events.yaml").read_text(encoding="utf-8")
        (shipped / "events.yaml").write_text(with_capture(text), encoding="utf-8")
        # Untimed, on a copy: compiles the modules a check and an add import.
        warm = shutil.copytree(shipped, root / "warm-up")
        for command in (["check"], ["add", "--title", "Warm-up", "--source", "nato-uk-patrols"]):
            run(command, warm, root / "warm-up-cache")
        add_vs_check(shipped, "shipped", args.repeat, "nato-uk-patrols")
        if args.events:
            large = root / "large"
            large.mkdir()
            generated = subprocess.run(
                [sys.executable, str(HERE / "genlog.py"), str(args.events)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            source = next(
                line.split(":", 1)[1].strip()
                for line in generated.splitlines()
                if line.startswith("  - id:")
            )
            (large / "events.yaml").write_text(with_capture(generated), encoding="utf-8")
            label = f"{args.events // 1000}k"
            add_vs_check(large, label, args.repeat, source)
            split = root / "split"
            subprocess.run(
                [sys.executable, str(HERE / "splitlog.py"), "--parts", str(args.parts),
                 "--output", str(split)],
                input=generated,
                check=True,
                text=True,
            )  # fmt: skip
            main = split / "events.yaml"
            text = main.read_text(encoding="utf-8").replace(
                "include: [events.d/*.yaml]",
                "capture: events.d/captured/\ninclude: [events.d/*.yaml, events.d/captured/*.yaml]",
            )
            main.write_text(text, encoding="utf-8")
            add_vs_check(split, f"{label}/{args.parts}", args.repeat, source)
        fetch_bench(root, args.feeds, args.items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
