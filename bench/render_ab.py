"""Compare two versions of briefer rendering the shipped brief: B's time ÷ A's.

Usage::

    python bench/render_ab.py --a PYTHON_A DIR_A --b PYTHON_B DIR_B [--rounds 7] [--cold] [--json]

A script cannot check out old code by itself, so each side is named by an
interpreter that imports the briefer version to time (e.g. a venv with that
checkout installed editable) and a project folder holding the log to render
(``events.yaml``, or ``--log NAME``; a ``templates/`` folder beside it is
copied too). For example, against the commit before tradecraft::

    A=$(mktemp -d)
    git clone -q . "$A" && git -C "$A" checkout -q 9e61c93
    python3 -m venv "$A/.venv" && "$A/.venv/bin/pip" install -q -e "$A"
    python bench/render_ab.py --a "$A/.venv/bin/python" "$A" --b .venv/bin/python .

Each side renders its log as the shipped brief::

    python -m briefer render --pdf --as-of 2023-11-22T09:00 --since 2023-09-01 --output out/

in a scratch copy of its project folder whose ``reports/`` and ``out/`` are
removed before every run, so each brief is the first of its series (the
series manifest lives beside the log). One untimed run per side first writes
the bytecode caches and fills the side's parsed-log cache; ``--cold`` then
empties the log cache before every timed run.
Rounds alternate the order (A B, then B A, …) so that the machine's slow
spells fall on both sides alike. Reported: each side's median wall and CPU
(user+sys) seconds and B ÷ A, as the ratio of medians and as the median of
the per-round ratios. Target: B ÷ A ≤ 1.10 (wall, ratio of medians). A run
that exits non-zero or writes no PDF fails the script (exit 1). POSIX only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TARGET = 1.10
RENDER = ["render", "--pdf", "-q", "--as-of", "2023-11-22T09:00", "--since", "2023-09-01"]


@dataclass
class Side:
    """One version of briefer and the project it renders."""

    name: str
    python: str
    project: Path  # the scratch copy
    cache: Path
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)  # the first run's files


def render_once(side: Side, log_name: str, cold: bool) -> tuple[float, float]:
    """One render in a fresh process; (wall s, CPU s). Exits on failure."""
    for stale in ("reports", "out"):
        shutil.rmtree(side.project / stale, ignore_errors=True)
    if cold:
        shutil.rmtree(side.cache, ignore_errors=True)
    env = {**os.environ, "BRIEFER_CACHE_DIR": str(side.cache)}
    env.pop("BRIEFER_LOG", None)
    cmd = [side.python, "-m", "briefer", "--log", log_name, *RENDER, "--output", "out/"]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=side.project, env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    files = sorted(p.name for p in (side.project / "out").glob("*"))
    if code != 0 or not any(f.endswith(".pdf") for f in files):
        sys.exit(f"{side.name}: exit {code}, wrote {files}\n{err}")
    if not side.outputs:
        side.outputs = files
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("a", "b"):
        parser.add_argument(
            f"--{name}",
            nargs=2,
            required=True,
            metavar=("PYTHON", "DIR"),
            help=f"side {name.upper()}: an interpreter and the project folder of its log",
        )
    parser.add_argument("--log", default="events.yaml", help="the log's file name in DIR")
    parser.add_argument("--rounds", type=int, default=7, help="runs per side (default: 7)")
    parser.add_argument("--cold", action="store_true", help="an empty log cache for every run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    with tempfile.TemporaryDirectory(prefix="briefer-bench-") as tmp_name:
        tmp = Path(tmp_name)
        sides: list[Side] = []
        for name, (python, folder) in (("A", args.a), ("B", args.b)):
            project = tmp / name
            project.mkdir()
            shutil.copy2(Path(folder) / args.log, project / args.log)
            if (Path(folder) / "templates").is_dir():
                shutil.copytree(Path(folder) / "templates", project / "templates")
            # Runs start in the scratch folder: a relative interpreter path must not
            # depend on it (abspath, not resolve: a venv's python is a symlink).
            if os.sep in python:
                python = os.path.abspath(python)
            sides.append(Side(name, python, project, tmp / f"cache-{name}"))
        for side in sides:  # untimed: compiles bytecode, fills the log cache
            render_once(side, args.log, cold=False)
        for r in range(args.rounds):
            for side in sides if r % 2 == 0 else sides[::-1]:
                print(f"round {r + 1}/{args.rounds}: {side.name}", file=sys.stderr, flush=True)
                wall, cpu = render_once(side, args.log, args.cold)
                side.walls.append(wall)
                side.cpus.append(cpu)
    a, b = sides
    result = {
        "python_version": platform.python_version(),
        "cpus": os.cpu_count(),
        "rounds": args.rounds,
        "cache": "cold" if args.cold else "warm",
        "target_ratio_max": TARGET,
        "sides": {
            s.name: {
                "python": s.python,
                "project": str(Path(folder).resolve()),
                "wall_s": round(statistics.median(s.walls), 3),
                "cpu_s": round(statistics.median(s.cpus), 3),
                "runs_wall_s": [round(w, 3) for w in s.walls],
                "runs_cpu_s": [round(c, 3) for c in s.cpus],
                "outputs": s.outputs,
            }
            for s, (_, folder) in zip(sides, (args.a, args.b), strict=True)
        },
        "b_over_a_wall": round(statistics.median(b.walls) / statistics.median(a.walls), 4),
        "b_over_a_cpu": round(statistics.median(b.cpus) / statistics.median(a.cpus), 4),
        "b_over_a_wall_paired": round(
            statistics.median(x / y for x, y in zip(b.walls, a.walls, strict=True)), 4
        ),
        "b_over_a_cpu_paired": round(
            statistics.median(x / y for x, y in zip(b.cpus, a.cpus, strict=True)), 4
        ),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"render --pdf of the shipped brief, {args.rounds} alternating rounds, "
        f"{result['cache']} log cache, medians — {os.cpu_count()} CPUs"
    )
    for s in sides:
        print(
            f"  {s.name}: wall {statistics.median(s.walls):.3f} s, "
            f"CPU {statistics.median(s.cpus):.3f} s  ({s.python})"
        )
    print(
        f"  B ÷ A: wall {result['b_over_a_wall']:.3f} "
        f"(paired {result['b_over_a_wall_paired']:.3f}), "
        f"CPU {result['b_over_a_cpu']:.3f} (paired {result['b_over_a_cpu_paired']:.3f})"
    )
    ratio = statistics.median(b.walls) / statistics.median(a.walls)
    print(f"target: B ÷ A ≤ {TARGET:.2f}: {ratio:.3f}, {'met' if ratio <= TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
