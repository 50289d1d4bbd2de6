"""Benchmark ``briefer render --pdf`` against the yardsticks of the render-speed issue.

Usage::

    python bench/render.py [--rounds 5] [--events 1000,200] [--python PY] [--json]

Every figure is a ratio of two things timed in the same run, each in a fresh
process, interleaved round by round (the order rotates), so that the slow
spells of a shared machine fall on both sides alike:

- **N developments** (default 1,000 and 200): a log from ``bench/genlog.py``
  rendered as of 1 Jan 2027 with a ``--since`` chosen so that the brief holds
  about N developments (the exact count is reported). ``briefer render --pdf``
  (the whole command: start, load, compose, print) ÷ headless Chromium's
  ``--print-to-pdf`` of that brief's HTML (``render --html`` of the same
  period, made once beforehand; the browser starts afresh every time, with a
  profile made by an untimed first print). Goals: ≤ 1.5× at 1,000, ≤ 1.2× at 200.
- **shipped brief, cold**: ``render --pdf`` of the shipped ``events.yaml``
  (as of 22 Nov 2023 09:00, the week before: 5 pages) with an empty parsed-log cache
  ÷ ``python -c "import weasyprint"``. Goal ≤ 1.4×.
- **peak memory** (RSS, ``os.wait4``) of the 1,000-development render. Goal ≤ 150 MB.

Each briefer run gets an empty parsed-log cache and output folder; what an installed
briefer keeps from one run to the next whatever the log (its compiled modules, its
compiled templates) is written by one untimed run of each command first. Reported per
row: the medians of both sides, the ratio of the medians and the median of the
per-round ratios of wall time, and briefer's CPU time (user + system, the
steadier figure on a busy machine; Chromium's is not comparable: its renderer
processes are not its own children, so ``os.wait4`` does not count them).
``--python`` runs another interpreter's briefer (e.g. a venv of an older
checkout, for a before/after in one run). Chromium is Debian's ``chromium``
(``tools/ensure-chromium`` installs it), or ``$BRIEFER_CHROMIUM``. POSIX only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2027-01-01T09:00"
SHIPPED = ["--as-of", "2023-11-22T09:00"]  # the default period: the 7 days before
#: Events generated per development wanted (the rest fall before the period).
OVERSHOOT = 1.1
GOALS = {"dev-1000": 1.5, "dev-200": 1.2, "shipped": 1.4, "peak-mb": 150.0}
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


@dataclass
class Run:
    """One timed child process."""

    wall: float
    cpu: float
    peak_mb: float


@dataclass
class Task:
    """A command timed once per round; the ``fresh`` folders are emptied before each run."""

    name: str
    argv: list[str]
    fresh: list[Path] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)


def installed(env: dict[str, str]) -> dict[str, str]:
    """``env`` as an installed briefer runs: Python keeps its compiled modules (pip wrote
    WeasyPrint's; briefer's are written by the first, untimed render), whatever the
    shell says."""
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(argv: list[str], env: dict[str, str]) -> Run:
    """Run ``argv`` once: wall from spawn to exit, CPU and peak RSS from ``os.wait4``."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=REPO,
        env=installed({**os.environ, **env}),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(argv[:6])}…: exit {code}\n{err.decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def log_cache(cache: Path) -> list[Path]:
    """The parsed-log cache's folders in a cache folder (its whole-log and per-file entries)."""
    return [cache / "logs", cache / "files"]


def run_task(task: Task) -> None:
    for folder in task.fresh:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    task.runs.append(timed(task.argv, task.env))


def chromium() -> str:
    found = os.environ.get("BRIEFER_CHROMIUM") or shutil.which("chromium")
    if not found:
        sys.exit("no chromium: run tools/ensure-chromium (or set BRIEFER_CHROMIUM)")
    return found


def since_for(log: Path, wanted: int, python: str) -> tuple[str, int]:
    """A ``--since`` day giving about ``wanted`` developments as of AS_OF, and how many."""
    probe = f"""
import sys, json
from briefer.cli.base import when
from briefer.loader import load_log
log = load_log(sys.argv[1], use_cache=False).log
as_of = when({AS_OF!r}, now=0, tz=log.tzinfo, relative_to=0, end_of_day=True)
starts = sorted((e.date.earliest for e in log.events
                 if e.date.earliest is not None and e.date.earliest <= as_of), reverse=True)
import datetime
best = None
for s in starts[{wanted} - 3 : {wanted} + 3]:
    day = datetime.datetime.fromtimestamp(s, log.tzinfo).strftime("%Y-%m-%d")
    since = when(day, now=0, tz=log.tzinfo, relative_to=as_of, end_of_day=False)
    count = sum(1 for t in starts if t >= since)
    if best is None or abs(count - {wanted}) < abs(best[1] - {wanted}):
        best = (day, count)
print(json.dumps(best))
"""
    out = subprocess.run(
        [python, "-c", probe, str(log)], cwd=REPO, check=True, capture_output=True, text=True
    )
    day, count = json.loads(out.stdout)
    return day, count


def briefer(python: str, log: Path, *args: str) -> list[str]:
    # -P: the interpreter's own briefer (or PYTHONPATH's), not the one in the folder it runs in
    return [python, "-P", "-m", "briefer", "--log", str(log), "render", "-q", *args]


def build_tasks(
    tmp: Path, sizes: list[int], python: str
) -> tuple[list[Task], dict[str, dict[str, object]]]:
    """Generate the logs, make the HTML Chromium prints, and list what each round runs."""
    browser = chromium()
    facts: dict[str, dict[str, object]] = {}
    log = tmp / "log.yaml"
    subprocess.run(
        [python, str(REPO / "bench" / "genlog.py"), str(int(max(sizes) * OVERSHOOT)), "-o", log],
        check=True,
    )
    tasks: list[Task] = []
    for n in sizes:
        day, count = since_for(log, n, python)
        facts[f"dev-{n}"] = {"since": day, "developments": count}
        period = ["--as-of", AS_OF, "--since", day]
        html_dir = tmp / f"html-{n}"
        subprocess.run(
            briefer(python, log, "--html", *period, "--output", f"{html_dir}/"),
            check=True,
            cwd=REPO,
            env=installed({**os.environ, "BRIEFER_CACHE_DIR": str(tmp / "cache-html")}),
        )
        page = next(html_dir.glob("*.html"))
        profile = tmp / "chromium-profile"
        print_to = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        print_to += [f"--print-to-pdf={tmp / f'chromium-{n}.pdf'}", page.as_uri()]
        timed(print_to, {})  # untimed: makes the profile
        out, cache = tmp / f"out-{n}", tmp / f"cache-{n}"
        pdf = briefer(python, log, "--pdf", *period, "--output", f"{out}/")
        env = {"BRIEFER_CACHE_DIR": str(cache)}
        tasks.append(Task(f"dev-{n}", pdf, [out, *log_cache(cache)], env))
        tasks.append(Task(f"chromium-{n}", print_to))
    out, cache = tmp / "out-shipped", tmp / "cache-shipped"
    shipped = briefer(python, REPO / "events.yaml", "--pdf", *SHIPPED, "--output", f"{out}/")
    env = {"BRIEFER_CACHE_DIR": str(cache)}
    tasks.append(Task("shipped", shipped, [out, *log_cache(cache)], env))
    tasks.append(Task("import", [python, "-c", "import weasyprint"]))
    return tasks, facts


def pdf_pages(folder: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    found = next(folder.glob("*.pdf"), None)
    return len(PdfReader(str(found)).pages) if found else None


def ratio_row(top: Task, bottom: Task, goal: float | None) -> dict[str, object]:
    row: dict[str, object] = {"goal": goal}
    for what in ("wall", "cpu"):
        a = [getattr(r, what) for r in top.runs]
        b = [getattr(r, what) for r in bottom.runs]
        row[what] = {
            top.name: statistics.median(a),
            bottom.name: statistics.median(b),
            "ratio": statistics.median(a) / statistics.median(b),
            "median_ratio": statistics.median(x / y for x, y in zip(a, b, strict=True)),
        }
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", default="1000,200", help="development counts, comma-separated")
    parser.add_argument("--python", default=sys.executable, help="the interpreter running briefer")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.events.split(",")]
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="briefer-bench-") as name:
        tmp = Path(name)
        tasks, facts = build_tasks(tmp, sizes, args.python)
        for task in tasks:  # untimed: what an installed briefer has after its first run
            if task.env:
                run_task(task)
                task.runs.clear()
        for i in range(args.rounds):
            shift = i % len(tasks)
            for task in tasks[shift:] + tasks[:shift]:
                run_task(task)
        by = {t.name: t for t in tasks}
        for n in sizes:
            row = ratio_row(by[f"dev-{n}"], by[f"chromium-{n}"], GOALS.get(f"dev-{n}"))
            row.update(facts[f"dev-{n}"])
            row["pages"] = pdf_pages(tmp / f"out-{n}")
            row["peak_mb"] = statistics.median(r.peak_mb for r in by[f"dev-{n}"].runs)
            results[f"dev-{n}"] = row
        row = ratio_row(by["shipped"], by["import"], GOALS["shipped"])
        row["pages"] = pdf_pages(tmp / "out-shipped")
        results["shipped"] = row
    results["rounds"] = args.rounds
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    else:
        report(results, sizes)


def report(results: dict[str, object], sizes: list[int]) -> None:
    """One line per goal: both sides' medians, the two ratios, the verdict."""
    print(f"{results['rounds']} rounds; wall (CPU) seconds, medians")
    lines = []
    for key in [*(f"dev-{n}" for n in sizes), "shipped"]:
        row: dict[str, object] = results[key]  # type: ignore[assignment]
        wall: dict[str, float] = row["wall"]  # type: ignore[assignment]
        cpu: dict[str, float] = row["cpu"]  # type: ignore[assignment]
        a, b = [k for k in wall if k not in ("ratio", "median_ratio")]
        if key == "shipped":
            label = f"shipped brief ({row['pages']} p) cold ÷ import weasyprint"
        else:
            label = f"{row['developments']} developments ({row['pages']} p) ÷ Chromium"
        goal = row["goal"]
        verdict = "" if goal is None else ("met" if wall["ratio"] <= goal else "MISSED")  # type: ignore[operator]
        # Chromium's renderers are not its own children, so its CPU time is
        # not all counted: only the shipped row's CPU ratio means something.
        cpu_ratio = f"; CPU {cpu['ratio']:.2f}×" if key == "shipped" else ""
        lines.append(
            f"{label:48} {wall[a]:6.2f} ({cpu[a]:5.2f}) ÷ {wall[b]:5.2f} = "
            f"{wall['ratio']:.2f}× (per round {wall['median_ratio']:.2f}×{cpu_ratio})"
            f"  goal ≤ {goal}×: {verdict}"
        )
    big: dict[str, object] = results[f"dev-{max(sizes)}"]  # type: ignore[assignment]
    peak = float(big["peak_mb"])  # type: ignore[arg-type]
    lines.append(
        f"{'peak RSS, ' + str(big['developments']) + ' developments':48} {peak:6.0f} MB"
        f"  goal ≤ {GOALS['peak-mb']:.0f} MB: {'met' if peak <= GOALS['peak-mb'] else 'MISSED'}"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
