"""Benchmark ``briefer check`` after an edit to one included file of a split log.

Usage::

    python bench/edit.py [--events 100000] [--parts 100] [--edits 5]

Generates a log with ``bench/genlog.py``, splits it into a main file and
``--parts`` included files (``bench/splitlog.py``), and with one private cache
folder runs, each in a fresh child process:

* a cold ``check`` (the cache empty; fills the whole-log and per-file entries);
* a warm ``check`` of the unchanged log;
* ``--edits`` times: one event appended to a different included file, then ``check``.

Wall time of each child and its peak RSS (``os.wait4``) are printed, with
the medians and the target (an edit re-reads one file: ≤ 1.5 s at 100,000
events in 100 files; the unchanged log ≤ 0.3 s). As a yardstick from the same
run, a bare ``yaml.load(CSafeLoader)`` of the whole log in one file is timed
too. POSIX only; exit 1 when a child fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EDIT_TARGET_S = 1.5
WARM_TARGET_S = 0.3
BASELINE = (
    "import sys, yaml\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    yaml.load(f, Loader=yaml.CSafeLoader)\n"
)


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one child; exits the bench if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0,):
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return wall, usage.ru_maxrss / scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--parts", type=int, default=100)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefer-edit-") as tmp:
        root = Path(tmp)
        # Generated and split in children: a child's peak RSS counts its parent's
        # at the fork, so the bench itself never holds the log.
        single = root / "single.yaml"
        subprocess.run(
            [sys.executable, str(HERE / "genlog.py"), str(args.events), "-o", str(single)],
            check=True,
        )
        folder = root / "log"
        with single.open("rb") as stdin:
            subprocess.run(
                [sys.executable, str(HERE / "splitlog.py"), "--parts", str(args.parts),
                 "--output", str(folder)],
                stdin=stdin, check=True,
            )  # fmt: skip
        # An analyst's files last changed more than a moment ago: a file changed within
        # the last 2 s is hashed again to prove it unchanged (briefer/filestamps.py).
        time.sleep(2.5)
        parts = sorted((folder / "events.d").glob("*.yaml"))
        main_text = (folder / "events.yaml").read_text(encoding="utf-8")
        sources = [
            line.split()[-1] for line in main_text.splitlines() if line.startswith("  - id:")
        ]
        env = dict(os.environ, BRIEFER_CACHE_DIR=str(root / "cache"))
        env.pop("BRIEFER_LOG", None)
        check = [sys.executable, "-m", "briefer", "check"]
        base, _ = timed([sys.executable, "-c", BASELINE, str(single)], root, env)
        cold, cold_mb = timed(check, folder, env)
        warm, _ = timed(check, folder, env)
        edits = []
        for i in range(args.edits):
            part = parts[(i * 37 + 11) % len(parts)]
            with part.open("a", encoding="utf-8") as f:
                f.write(
                    f"  - id: bench-edit-{i}\n    date: 2024-01-01\n"
                    f"    title: Appended by the bench\n    sources: [{sources[0]}]\n"
                )
            edits.append(timed(check, folder, env))
    walls = [w for w, _ in edits]
    print(f"{args.events:,} events in {args.parts} included files")
    print(f"  yaml.load(CSafeLoader), one file     {base:7.2f} s")
    print(f"  check, cold                          {cold:7.2f} s  {cold_mb:6.0f} MB")
    print(f"  check, warm, unchanged               {warm:7.2f} s  (target ≤ {WARM_TARGET_S} s)")
    print(
        f"  check after an edit, median of {len(walls)}   {statistics.median(walls):7.2f} s"
        f"  (min {min(walls):.2f}, max {max(walls):.2f}; target ≤ {EDIT_TARGET_S} s)"
        f"  {max(mb for _, mb in edits):6.0f} MB"
    )


if __name__ == "__main__":
    main()
