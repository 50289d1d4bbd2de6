"""Kill ``briefer render --pdf`` at random moments and check that a brief is published
whole or not at all.

Usage::

    python bench/killtest.py [--events 1000] [--rounds 30] [--seed 1] [--json]

It generates a log of ``--events`` events (bench/genlog.py) in a temporary
folder and times one complete ``render --pdf``. Then, each round:

1. starts ``render --pdf -v`` as of a new day and sends it SIGKILL after a
   random delay (uniform over the whole render in even rounds, within its
   last fifth in odd rounds, where the files are published; a render's
   length is the median of the last five completed ones);
2. checks the reports folder;
3. renders the next day to completion and checks again.

A check finds a violation (each counted once, when first seen) when the
manifest is not valid JSON or briefer cannot load it, a file in ``reports/``
is not among the outputs the manifest records, two Markdown briefs carry the
same report number (or a number other than their record's), the briefs
completed so far are not numbered strictly increasing, or, after a completed
render, a temporary or a record without its files is left. Each kill is
also classed by the last step the render logged (``-v``) and by what it left
behind. Exits 1 when any violation was found.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

_NUMBER = re.compile(r"\*\*Report (\d+)\*\*")


@dataclass
class Tally:
    """What the rounds found."""

    rounds: int = 0
    #: Kills by the last step the render had logged.
    steps: Counter[str] = field(default_factory=Counter)
    #: Kills by what they left behind.
    outcomes: Counter[str] = field(default_factory=Counter)
    #: Each broken promise, once, with the round and moment it was first seen.
    violations: dict[str, str] = field(default_factory=dict)

    def found(self, when: str, problems: list[str]) -> None:
        for problem in problems:
            self.violations.setdefault(problem, when)


def _render(folder: Path, python: str, as_of: str, *, verbose: bool) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "BRIEFER_LOG"}
    args = [python, "-m", "briefer", "render", "--pdf", "-q", "--as-of", as_of]
    if verbose:
        args.append("-v")
    return subprocess.Popen(
        args,
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _visible(reports: Path) -> list[Path]:
    return sorted(p for p in reports.iterdir() if not p.name.startswith(".") and p.is_file())


def _temporaries(reports: Path) -> list[Path]:
    return sorted(p for p in reports.rglob(".*") if p.name.endswith(".tmp"))


def check(reports: Path, *, completed: bool) -> list[str]:
    """The promises a reports folder breaks right now (empty: none)."""
    from briefer.errors import BrieferError
    from briefer.series.manifest import MANIFEST, load_manifest

    problems: list[str] = []
    if not (reports / MANIFEST).exists():
        return [f"{name}: not recorded (no manifest)" for name in map(str, _visible(reports))]
    try:
        json.loads((reports / MANIFEST).read_text(encoding="utf-8"))
        records = load_manifest(reports)
    except (ValueError, BrieferError) as exc:
        return [f"manifest unloadable: {exc}"]
    recorded = {Path(o).name: r.number for r in records for o in r.outputs}
    seen: dict[int, str] = {}
    for path in _visible(reports):
        if path.name in (MANIFEST, "briefs.atom"):  # the series' own files
            continue
        if path.name not in recorded:
            problems.append(f"{path.name}: not recorded in the manifest")
        if path.suffix == ".md":
            found = _NUMBER.search(path.read_text(encoding="utf-8"))
            number = int(found.group(1)) if found else -1
            if number in seen:
                problems.append(f"report {number} twice: {seen[number]} and {path.name}")
            seen[number] = path.name
            if path.name in recorded and recorded[path.name] != number:
                problems.append(f"{path.name}: report {number}, recorded as {recorded[path.name]}")
    if completed:
        problems += [f"{p.name}: temporary left" for p in _temporaries(reports)]
        for r in records:
            missing = [o for o in r.outputs if not (reports / Path(o).name).exists()]
            if missing:
                problems.append(f"report {r.number}: recorded but missing {missing[0]}")
    return problems


def _outcome(reports: Path, before: bytes | None, visible_before: list[Path]) -> str:
    manifest = reports / "manifest.json"
    now = manifest.read_bytes() if manifest.exists() else None
    if any(p.name.endswith(".journal") for p in reports.iterdir()):
        return "mid-publication (journal left)"
    if now != before:
        if set(_visible(reports)) == set(visible_before) | {manifest}:
            return "recorded, files not yet in place"
        return "published"
    if set(_visible(reports)) != set(visible_before):
        return "files without a record"
    if _temporaries(reports):
        return "temporaries left"
    return "nothing written"


def run(events: int, rounds: int, seed: int, python: str, keep: bool, quiet: bool) -> Tally:
    """Generate the log, then kill and complete renders for ``rounds`` rounds."""
    import genlog

    rng = random.Random(seed)
    tally = Tally()
    work = Path(tempfile.mkdtemp(prefix="briefer-killtest-"))
    try:
        (work / "events.yaml").write_text(genlog.generate(events, seed), encoding="utf-8")
        reports = work / "reports"
        start = time.perf_counter()
        first = _render(work, python, "2026-01-01T09:00", verbose=False)
        _, err = first.communicate()
        full = time.perf_counter() - start
        if first.returncode != 0:
            raise SystemExit(f"the first render failed: {err.decode(errors='replace')}")
        if not quiet:
            print(f"{events} events; one render --pdf takes {full:.2f} s", file=sys.stderr)
        numbers: list[int] = [1]
        durations = [full]
        for i in range(rounds):
            day = 2 + 2 * i  # the kill and the completed render fall on different days
            manifest = reports / "manifest.json"
            before = manifest.read_bytes() if manifest.exists() else None
            visible_before = _visible(reports)
            delay = rng.uniform(0, full * 1.05) if i % 2 == 0 else rng.uniform(0.8, 1.05) * full
            proc = _render(work, python, _day(day), verbose=True)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            _, err = proc.communicate()
            tally.rounds += 1
            lines = err.decode(errors="replace").splitlines()
            step = lines[-1].removeprefix("briefer: ") if lines else "starting"
            tally.steps[re.sub(r"\d+", "N", step)] += 1
            if proc.returncode == 0:
                tally.outcomes["completed before the kill"] += 1
                numbers.append(_last_number(reports))
            else:
                tally.outcomes[_outcome(reports, before, visible_before)] += 1
            tally.found(f"round {i + 1}, after the kill", check(reports, completed=False))
            started = time.perf_counter()
            done = _render(work, python, _day(day + 1), verbose=False)
            _, err = done.communicate()
            # The machine's load changes: aim the next kills by the latest renders.
            durations.append(time.perf_counter() - started)
            full = statistics.median(durations[-5:])
            if done.returncode != 0:
                tally.found(f"round {i + 1}", [f"the next render failed: {err.decode()}"])
                continue
            numbers.append(_last_number(reports))
            when = f"round {i + 1}, after the next render"
            tally.found(when, check(reports, completed=True))
            if numbers != sorted(set(numbers)):
                tally.found(when, [f"completed briefs numbered {numbers}"])
            if not quiet:
                print(f"round {i + 1}: {tally.outcomes.most_common(1)}", file=sys.stderr)
    finally:
        if keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
    return tally


def _day(n: int) -> str:
    month, day = divmod(n - 1, 28)
    return f"2026-{month + 1:02d}-{day + 1:02d}T09:00"


def _last_number(reports: Path) -> int:
    from briefer.series.manifest import load_manifest

    return max(load_manifest(reports), key=lambda r: r.as_of).number


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1000, help="log size (default 1000)")
    parser.add_argument("--rounds", type=int, default=30, help="kills (default 30)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--python", default=sys.executable, help="interpreter running briefer")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="print the tally as JSON")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 160:
        parser.error("--rounds must be 1..160 (two as-of days a round, in one year)")
    tally = run(args.events, args.rounds, args.seed, args.python, args.keep, args.quiet)
    if args.json:
        data = {
            "rounds": tally.rounds,
            "steps": dict(tally.steps),
            "outcomes": dict(tally.outcomes),
            "violations": [f"{w}: {p}" for p, w in tally.violations.items()],
        }
        print(json.dumps(data, indent=2))
    else:
        print(f"rounds: {tally.rounds}")
        print("killed after the step:")
        for step, n in tally.steps.most_common():
            print(f"  {n:3d}  {step}")
        print("what the kill left:")
        for outcome, n in tally.outcomes.most_common():
            print(f"  {n:3d}  {outcome}")
        print(f"violations: {len(tally.violations)}")
        for problem, when in tally.violations.items():
            print(f"  {when}: {problem}")
    return 1 if tally.violations else 0


if __name__ == "__main__":
    sys.exit(main())
