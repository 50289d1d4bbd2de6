"""What delivery costs: the HTML brief without the PDF engine, and mailing against printing.

Run from the repository root with the project's interpreter (the test extras
installed: aiosmtpd):

    python bench/delivery.py [--repeat 5] [--json]

Every figure is the median wall time of ``--repeat`` fresh processes
(``python -m briefer``), each with an empty parsed-log cache and a fresh
copy of the shipped ``events.yaml`` in a temporary project, rendering it as
of 22 Nov 2023 09:00 since 1 Sep 2023 (``--warm-cache``: all runs share one
parsed-log cache, warm after the first; Python's compiled modules are kept,
as an installed briefer has them):

- ``md``: ``render --format md`` — the baseline of the first pair;
- ``md,html``: ``render --format md,html`` — target ≤ 0.5 s, and WeasyPrint
  never imported (checked in every run);
- ``pdf``: ``render --pdf`` — the baseline of the second pair;
- ``pdf+html+mail``: ``render --pdf --html --mail …`` to an aiosmtpd server on
  127.0.0.1 started here — target ≤ 0.2 s over ``pdf``.

Ratios are against the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: With --warm-cache, the one parsed-log cache every run shares; else each run's own, empty.
CACHE = ""
ARGS = ("--as-of", "2023-11-22T09:00", "--since", "2023-09-01", "-q")
# Printed by the child at exit: whether the PDF engine was imported.
PRELUDE = """
import atexit, sys
atexit.register(lambda: print("engine", "weasyprint" in sys.modules, file=sys.stderr))
from briefer.cli import main
sys.argv = ["briefer", *sys.argv[1:]]
main()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, bool]:
    """Wall and CPU seconds of one cold render, and whether it imported WeasyPrint."""
    with tempfile.TemporaryDirectory(prefix="briefer-bench-") as tmp:
        project = Path(tmp)
        shutil.copy(REPO / "events.yaml", project / "events.yaml")
        cache = CACHE or str(project / "cache")
        child = {**os.environ, **env, "BRIEFER_CACHE_DIR": cache}
        child.pop("BRIEFER_LOG", None)
        # As installed: Python's compiled modules are kept (a shell may say not to).
        child.pop("PYTHONDONTWRITEBYTECODE", None)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PRELUDE, "render", *args, *ARGS],
            cwd=project,
            env=child,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"render {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu, "engine True" in done.stderr


def measure(repeat: int) -> dict[str, Any]:
    from aiosmtpd.controller import Controller

    class Sink:
        received = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            Sink.received += 1
            return "250 OK"

    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    mail_env = {
        "BRIEFER_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "BRIEFER_MAIL_FROM": "bench@example.org",
    }
    cases = {
        "md": (["--format", "md"], {}),
        "md,html": (["--format", "md,html"], {}),
        "pdf": (["--pdf"], {}),
        "pdf+html+mail": (["--pdf", "--html", "--mail", "desk@example.org"], mail_env),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    engine: dict[str, bool] = {}
    try:
        _run(["--pdf"], {})  # warm the disk caches and fontconfig once
        for _ in range(repeat):  # interleaved, so drift hits every case alike
            for name, (args, env) in cases.items():
                seconds, used, imported = _run(args, env)
                times[name].append(seconds)
                cpu[name].append(used)
                engine[name] = engine.get(name, False) or imported
    finally:
        controller.stop()
    median = {name: statistics.median(values) for name, values in times.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    return {
        "repeat": repeat,
        "median_s": {k: round(v, 3) for k, v in median.items()},
        "median_cpu_s": {k: round(v, 3) for k, v in median_cpu.items()},
        "md_html_over_md": round(median["md,html"] / median["md"], 3),
        "mail_over_pdf_s": round(median["pdf+html+mail"] - median["pdf"], 3),
        "mail_over_pdf_ratio": round(median["pdf+html+mail"] / median["pdf"], 3),
        "weasyprint_imported": engine,
        "mails_received": Sink.received,
        "targets": {
            "md,html <= 0.5 s": median["md,html"] <= 0.5,
            "md,html without WeasyPrint": not engine["md,html"],
            "mail adds <= 0.2 s": median["pdf+html+mail"] - median["pdf"] <= 0.2,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--warm-cache", action="store_true", help="share one parsed-log cache (warm after run 1)"
    )
    options = parser.parse_args()
    global CACHE
    with tempfile.TemporaryDirectory(prefix="briefer-bench-cache-") as cache:
        CACHE = cache if options.warm_cache else ""
        result = measure(options.repeat)
    result["cache"] = "warm" if options.warm_cache else "empty"
    if options.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'':>14}  {'wall':>8}  {'cpu':>8}   (cache {result['cache']})")
    for name, seconds in result["median_s"].items():
        print(f"{name:>14}  {seconds:6.3f} s  {result['median_cpu_s'][name]:6.3f} s")
    print(f"md,html / md          {result['md_html_over_md']:.3f}")
    print(f"pdf+html+mail - pdf   {result['mail_over_pdf_s']:+.3f} s")
    for target, met in result["targets"].items():
        print(f"{'met' if met else 'MISSED':>6}  {target}")


if __name__ == "__main__":
    main()
