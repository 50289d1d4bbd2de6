"""Benchmark ``briefer check`` against a plain PyYAML load of the same log.

Usage::

    python bench/load.py [--sizes 1000,10000,100000] [--repeat K] [--json]
    python bench/load.py --tradecraft [--events 100000] [--judgments 2000]
                         [--indicators 200] [--rounds 5] [--json]

For each size, a synthetic log is generated with ``bench/genlog.py`` into a
temporary directory, then each of these runs in a fresh subprocess of the same
interpreter (``sys.executable`` unless ``--python`` says otherwise):

* baseline: ``yaml.load(..., Loader=yaml.CSafeLoader)`` of the file;
* cold check: ``python -m briefer --log FILE check`` with ``BRIEFER_CACHE_DIR``
  set to a fresh, empty directory, so the parsed-log cache is cold;
* warm check: the same command again with the same cache directory.

Wall time (``time.perf_counter`` from process start to exit), peak RSS of that
one child (``os.wait4``) and its exit code are recorded; the median of K runs is
reported. The shipped ``events.yaml`` is timed cold and warm as well.

Targets: cold check ≤ 0.15 × baseline and its peak memory ≤ 400 MB, warm check
≤ 0.3 s, at 100,000 events; ``briefer check`` on the shipped log ≤ 0.3 s.
Missing a target is reported but does not change the exit status; a failing
subprocess does (exit 1). POSIX only.

``--tradecraft`` measures instead what SPEC §7's additions cost a cold check.
From one seed it generates three logs with the same events and sources:

* plain: the log as without tradecraft;
* +j/i: plus ``--judgments`` judgments and ``--indicators`` indicators (with
  the events' ``indicators:`` observing them);
* +j/i+grades: plus a reliability letter on every source and a credibility
  digit on about a third of the citations.

Then ``--rounds`` rounds each time one cold check of every log (fresh cache
directory each), the order rotating from round to round, so that the machine's
slow spells fall on all three alike. Reported: median wall and CPU (user+sys)
seconds per log, and each log's ratio to the plain one (ratio of medians, and
the median of the per-round ratios). Target: +j/i ÷ plain ≤ 1.05 (wall; the
CPU ratio is the steadier figure on a busy machine).
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
GENLOG = BENCH_DIR / "genlog.py"
SHIPPED_LOG = REPO / "events.yaml"

COLD_RATIO_TARGET = 0.15
COLD_PEAK_TARGET_MB = 400
WARM_TARGET_S = 0.3
WARM_TARGET_EVENTS = 100_000
SHIPPED_TARGET_S = 0.3

BASELINE_CODE = (
    "import sys, yaml\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    yaml.load(f, Loader=yaml.CSafeLoader)\n"
)
TARGETS_LINE = (
    f"targets: cold check ≤ {COLD_RATIO_TARGET}× baseline (yaml.CSafeLoader load); "
    f"at {WARM_TARGET_EVENTS:,} events, its peak ≤ {COLD_PEAK_TARGET_MB} MB "
    f"and a warm check ≤ {WARM_TARGET_S} s; "
    f"briefer check on the shipped events.yaml ≤ {SHIPPED_TARGET_S} s"
)


@dataclass
class Run:
    """One measured subprocess."""

    wall_s: float
    max_rss_mb: float
    exit_code: int
    output: str  # stdout + stderr, decoded
    cpu_s: float = 0.0  # user + system time of the child


@dataclass
class Series:
    """Repeated runs of one command, summarised by medians."""

    runs: list[Run] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        """Median wall time."""
        return statistics.median(r.wall_s for r in self.runs)

    @property
    def max_rss_mb(self) -> float:
        """Median peak RSS."""
        return statistics.median(r.max_rss_mb for r in self.runs)

    @property
    def exit_codes(self) -> list[int]:
        """Exit code of every run."""
        return [r.exit_code for r in self.runs]

    @property
    def ok(self) -> bool:
        """True when every run exited 0."""
        return all(c == 0 for c in self.exit_codes)

    def failure_output(self) -> str:
        """Output of the first failed run (or the first run with output)."""
        for r in self.runs:
            if r.exit_code != 0:
                return r.output
        return next((r.output for r in self.runs if r.output.strip()), "")

    def as_json(self) -> dict[str, Any]:
        """Machine-readable summary."""
        return {
            "wall_s": round(self.wall_s, 4),
            "max_rss_mb": round(self.max_rss_mb, 1),
            "exit_codes": self.exit_codes,
            "runs_wall_s": [round(r.wall_s, 4) for r in self.runs],
            "output_lines": max((len(r.output.splitlines()) for r in self.runs), default=0),
        }


def rss_mb(ru_maxrss: int) -> float:
    """``ru_maxrss`` in MB (it is bytes on macOS, kilobytes elsewhere)."""
    return ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def run_child(cmd: Sequence[str], env: Mapping[str, str], cwd: Path) -> Run:
    """Run ``cmd`` to completion; measure its wall time, peak RSS and exit code."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=dict(env), cwd=cwd
        )
        # wait4 gives the resource usage of this one child, not a cumulative maximum.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # already reaped: keep Popen from waiting again
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Run(wall, rss_mb(usage.ru_maxrss), code, text, usage.ru_utime + usage.ru_stime)


def child_env(cache_dir: Path, xdg_cache: Path) -> dict[str, str]:
    """Environment for a check: our cache directory, no stray log settings."""
    env = dict(os.environ)
    env.pop("BRIEFER_LOG", None)
    env["BRIEFER_CACHE_DIR"] = str(cache_dir)
    # Should briefer ignore BRIEFER_CACHE_DIR, keep it off the user's real cache.
    env["XDG_CACHE_HOME"] = str(xdg_cache)
    # As installed: Python keeps its compiled modules (pip writes them for the baseline's
    # yaml; briefer's are written by the warm-up run in main()), whatever the shell says.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def has_files(path: Path) -> bool:
    """True if ``path`` holds any file, at any depth."""
    return any(p.is_file() for p in path.rglob("*"))


@dataclass
class Measurement:
    """Baseline, cold and warm series for one log file."""

    label: str
    events: int | None
    path: Path
    file_mb: float
    gen_s: float | None
    repeats: int
    baseline: Series | None = None
    cold: Series = field(default_factory=Series)
    warm: Series = field(default_factory=Series)
    notes: list[str] = field(default_factory=list)

    @property
    def cold_ratio(self) -> float | None:
        """Cold check time over baseline time (medians)."""
        if self.baseline is None or self.baseline.wall_s <= 0:
            return None
        return self.cold.wall_s / self.baseline.wall_s

    def verdicts(self) -> dict[str, bool]:
        """Which targets apply here, and whether they were met."""
        out: dict[str, bool] = {}
        if self.events is None:  # the shipped log
            out["cold_le_0.3s"] = self.cold.ok and self.cold.wall_s <= SHIPPED_TARGET_S
            out["warm_le_0.3s"] = self.warm.ok and self.warm.wall_s <= SHIPPED_TARGET_S
            return out
        ratio = self.cold_ratio
        out["cold_ratio"] = self.cold.ok and ratio is not None and ratio <= COLD_RATIO_TARGET
        if self.events == WARM_TARGET_EVENTS:
            out["cold_peak"] = self.cold.ok and self.cold.max_rss_mb <= COLD_PEAK_TARGET_MB
            out["warm"] = self.warm.ok and self.warm.wall_s <= WARM_TARGET_S
        return out

    def as_json(self) -> dict[str, Any]:
        """Machine-readable summary."""
        ratio = self.cold_ratio
        return {
            "label": self.label,
            "events": self.events,
            "file": str(self.path),
            "file_mb": round(self.file_mb, 3),
            "generate_s": None if self.gen_s is None else round(self.gen_s, 3),
            "repeats": self.repeats,
            "baseline": None if self.baseline is None else self.baseline.as_json(),
            "cold_check": self.cold.as_json(),
            "warm_check": self.warm.as_json(),
            "cold_over_baseline": None if ratio is None else round(ratio, 3),
            "targets_met": self.verdicts(),
            "notes": self.notes,
        }


def progress(msg: str) -> None:
    """Progress to stderr, so that stdout stays clean for --json."""
    print(msg, file=sys.stderr, flush=True)


def measure(
    m: Measurement, python: str, work: Path, with_baseline: bool, quiet: bool
) -> Measurement:
    """Fill ``m`` with ``m.repeats`` baseline / cold / warm runs."""
    # -P: the interpreter's own briefer (or PYTHONPATH's), not the one in the folder it runs in.
    check_cmd = [python, "-P", "-m", "briefer", "--log", str(m.path), "check"]
    if with_baseline:
        m.baseline = Series()
    for rep in range(m.repeats):
        cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
        xdg = Path(tempfile.mkdtemp(prefix="xdg-", dir=work))
        env = child_env(cache, xdg)
        if m.baseline is not None:
            if not quiet:
                progress(f"  {m.label}: baseline {rep + 1}/{m.repeats}")
            m.baseline.runs.append(run_child([python, "-c", BASELINE_CODE, str(m.path)], env, REPO))
        if not quiet:
            progress(f"  {m.label}: cold check {rep + 1}/{m.repeats}")
        m.cold.runs.append(run_child(check_cmd, env, REPO))
        if rep == 0 and m.cold.runs[0].exit_code == 0 and not has_files(cache):
            note = "cache directory still empty after the cold check (BRIEFER_CACHE_DIR ignored?)"
            if has_files(xdg):
                note += "; files appeared under XDG_CACHE_HOME instead"
            m.notes.append(note)
        if not quiet:
            progress(f"  {m.label}: warm check {rep + 1}/{m.repeats}")
        m.warm.runs.append(run_child(check_cmd, env, REPO))
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(xdg, ignore_errors=True)
    return m


def generate(
    n: int, seed: int, python: str, work: Path, extra: Sequence[str] = (), name: str = ""
) -> tuple[Path, float]:
    """Write a log of ``n`` events with genlog (``extra``: more of its options);
    return its path and the time taken."""
    path = work / f"events-{n}{name}.yaml"
    start = time.perf_counter()
    subprocess.run(
        [python, str(GENLOG), str(n), "-o", str(path), "--seed", str(seed), *extra],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return path, time.perf_counter() - start


def parse_sizes(text: str) -> list[int]:
    """``1000,10k,100_000`` -> [1000, 10000, 100000]."""
    sizes: list[int] = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        mult = 1
        if part.endswith("k"):
            part, mult = part[:-1], 1000
        try:
            value = int(part) * mult
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a size: {part!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"size must be at least 1: {value}")
        sizes.append(value)
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def fmt_codes(series: Series) -> str:
    """Exit codes, compressed when all equal."""
    codes = series.exit_codes
    if len(set(codes)) == 1:
        return str(codes[0])
    return ",".join(str(c) for c in codes)


def met(flag: bool) -> str:
    """Plain-text verdict."""
    return "met" if flag else "MISSED"


def indent_tail(text: str, lines: int = 8) -> str:
    """The first few lines of a child's output, indented, for the report."""
    rows = text.rstrip().splitlines()
    shown = [f"      | {r}" for r in rows[:lines]]
    if len(rows) > lines:
        shown.append(f"      | … ({len(rows) - lines} more lines)")
    return "\n".join(shown)


def render_text(measurements: list[Measurement], python: str) -> str:
    """The plain-text report."""
    out = [
        f"briefer check benchmark — {python} (Python {platform.python_version()}), "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}",
        TARGETS_LINE,
    ]
    for m in measurements:
        out.append("")
        head = m.label
        if m.events is not None:
            head = f"{m.events:,} events"
        gen = "" if m.gen_s is None else f", generated in {m.gen_s:.2f} s"
        runs = "run" if m.repeats == 1 else "runs"
        out.append(f"{head}: {m.file_mb:.2f} MB{gen}; median of {m.repeats} {runs}")
        out.append(f"  {'':<13}{'wall s':>9}{'× baseline':>12}{'peak RSS MB':>13}{'exit':>6}")
        rows: list[tuple[str, Series]] = []
        if m.baseline is not None:
            rows.append(("baseline", m.baseline))
        rows += [("cold check", m.cold), ("warm check", m.warm)]
        base = m.baseline.wall_s if m.baseline is not None else None
        for name, s in rows:
            ratio = f"{s.wall_s / base:.2f}" if base else "—"
            out.append(
                f"  {name:<13}{s.wall_s:>9.3f}{ratio:>12}{s.max_rss_mb:>13.1f}{fmt_codes(s):>6}"
            )
        verdicts = m.verdicts()
        parts: list[str] = []
        if m.events is None:
            parts.append(
                f"cold {m.cold.wall_s:.3f} s ≤ {SHIPPED_TARGET_S} s: "
                f"{met(verdicts['cold_le_0.3s'])}"
            )
            parts.append(
                f"warm {m.warm.wall_s:.3f} s ≤ {SHIPPED_TARGET_S} s: "
                f"{met(verdicts['warm_le_0.3s'])}"
            )
        else:
            ratio_v = m.cold_ratio
            ratio_s = "n/a" if ratio_v is None else f"{ratio_v:.2f}"
            parts.append(
                f"cold/baseline {ratio_s} ≤ {COLD_RATIO_TARGET}: {met(verdicts['cold_ratio'])}"
            )
            if "warm" in verdicts:
                parts.append(
                    f"cold peak {m.cold.max_rss_mb:.0f} MB ≤ {COLD_PEAK_TARGET_MB} MB: "
                    f"{met(verdicts['cold_peak'])}"
                )
                parts.append(
                    f"warm {m.warm.wall_s:.3f} s ≤ {WARM_TARGET_S} s: {met(verdicts['warm'])}"
                )
        out.append("  targets: " + "; ".join(parts))
        for name, s in rows:
            if not s.ok:
                out.append(f"  {name} FAILED (exit {fmt_codes(s)}); output:")
                out.append(indent_tail(s.failure_output()))
            elif name != "baseline" and s.failure_output().strip():
                out.append(f"  {name} printed (exit 0):")
                out.append(indent_tail(s.failure_output(), 4))
        out.extend(f"  note: {n}" for n in m.notes)
    return "\n".join(out)


TRADECRAFT_TARGET = 1.05


def tradecraft(args: argparse.Namespace, python: str) -> int:
    """``--tradecraft``: interleaved cold checks of one log without and with SPEC §7's parts."""
    ji = ["--judgments", str(args.judgments), "--indicators", str(args.indicators)]
    variants = {"plain": [], "+j/i": ji, "+j/i+grades": [*ji, "--grades"]}
    work = Path(tempfile.mkdtemp(prefix="briefer-bench-"))
    runs: dict[str, list[Run]] = {name: [] for name in variants}
    sizes: dict[str, float] = {}
    try:
        paths: dict[str, Path] = {}
        for k, (name, extra) in enumerate(variants.items()):
            if not args.quiet:
                progress(f"generating {name}: {args.events:,} events {' '.join(extra)}")
            paths[name], _ = generate(args.events, args.seed, python, work, extra, f"-{k}")
            sizes[name] = paths[name].stat().st_size / 1e6
        names = list(variants)
        for r in range(args.rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                if not args.quiet:
                    progress(f"  round {r + 1}/{args.rounds}: cold check {name}")
                cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
                cmd = [python, "-P", "-m", "briefer", "--log", str(paths[name]), "check"]
                runs[name].append(run_child(cmd, child_env(cache, cache), REPO))
                shutil.rmtree(cache, ignore_errors=True)
    finally:
        if args.keep:
            progress(f"generated logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    def med(name: str, key: str) -> float:
        return statistics.median(float(getattr(r, key)) for r in runs[name])

    def paired(name: str, key: str) -> float:
        pairs = zip(runs[name], runs["plain"], strict=True)
        return statistics.median(float(getattr(a, key)) / float(getattr(b, key)) for a, b in pairs)

    rows: list[dict[str, Any]] = []
    for name in variants:
        rows.append(
            {
                "log": name,
                "file_mb": round(sizes[name], 2),
                "wall_s": round(med(name, "wall_s"), 3),
                "cpu_s": round(med(name, "cpu_s"), 3),
                "wall_ratio": round(med(name, "wall_s") / med("plain", "wall_s"), 4),
                "cpu_ratio": round(med(name, "cpu_s") / med("plain", "cpu_s"), 4),
                "wall_ratio_paired": round(paired(name, "wall_s"), 4),
                "cpu_ratio_paired": round(paired(name, "cpu_s"), 4),
                "runs_wall_s": [round(r.wall_s, 3) for r in runs[name]],
                "runs_cpu_s": [round(r.cpu_s, 3) for r in runs[name]],
                "max_rss_mb": round(med(name, "max_rss_mb"), 1),
                "exit_codes": [r.exit_code for r in runs[name]],
                "output_lines": max(len(r.output.splitlines()) for r in runs[name]),
            }
        )
    ok = all(r.exit_code == 0 for rs in runs.values() for r in rs)
    ratio = rows[1]["wall_ratio"]
    if args.json:
        doc = {
            "python": python,
            "python_version": platform.python_version(),
            "cpus": os.cpu_count(),
            "events": args.events,
            "judgments": args.judgments,
            "indicators": args.indicators,
            "rounds": args.rounds,
            "target_ratio_max": TRADECRAFT_TARGET,
            "results": rows,
            "all_exit_zero": ok,
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0 if ok else 1
    print(
        f"cold briefer check, {args.events:,} events without and with {args.judgments:,} "
        f"judgments and {args.indicators:,} indicators; {args.rounds} interleaved rounds, "
        f"medians — Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(
        f"  {'log':<13}{'MB':>7}{'wall s':>9}{'÷ plain':>9}{'paired':>8}"
        f"{'CPU s':>9}{'÷ plain':>9}{'paired':>8}{'RSS MB':>8}{'exit':>6}"
    )
    for row in rows:
        codes = row["exit_codes"]
        print(
            f"  {row['log']:<13}{row['file_mb']:>7.1f}{row['wall_s']:>9.2f}"
            f"{row['wall_ratio']:>9.3f}{row['wall_ratio_paired']:>8.3f}{row['cpu_s']:>9.2f}"
            f"{row['cpu_ratio']:>9.3f}{row['cpu_ratio_paired']:>8.3f}{row['max_rss_mb']:>8.0f}"
            f"{max(codes, key=abs):>6}"
        )
    for name, rs in runs.items():
        extra_lines = len(rs[0].output.splitlines()) - len(runs["plain"][0].output.splitlines())
        if rs[0].exit_code != 0 or extra_lines:
            print(f"  {name}: exit {rs[0].exit_code}, {extra_lines:+} output lines vs plain:")
            print(indent_tail(rs[0].output))
    print(
        f"target: +j/i ÷ plain ≤ {TRADECRAFT_TARGET} (wall, ratio of medians): "
        f"{ratio:.3f}, {met(ok and ratio <= TRADECRAFT_TARGET)} (CPU {rows[1]['cpu_ratio']:.3f})"
    )
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Time `briefer check` (cold and warm cache) against a CSafeLoader load."
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[1000, 10_000, 100_000],
        help="comma-separated event counts (default: 1000,10000,100000; 10k works too)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs per measurement; the median is reported "
        "(default: 3, or 1 for sizes of 100,000 and more)",
    )
    parser.add_argument("--seed", type=int, default=1, help="genlog seed (default: 1)")
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter for the children (default: this one)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    parser.add_argument(
        "--no-shipped", action="store_true", help="skip timing the shipped events.yaml"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    group = parser.add_argument_group("--tradecraft: one log without and with SPEC §7's parts")
    group.add_argument(
        "--tradecraft", action="store_true", help="time cold checks of the same log ± tradecraft"
    )
    group.add_argument("--events", type=int, default=100_000, help="(default: 100000)")
    group.add_argument("--judgments", type=int, default=2000, help="(default: 2000)")
    group.add_argument("--indicators", type=int, default=200, help="(default: 200)")
    group.add_argument("--rounds", type=int, default=5, help="(default: 5)")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    python: str = args.python
    if args.tradecraft:
        if args.rounds < 1 or args.events < 1 or args.judgments < 1 or args.indicators < 1:
            parser.error("--rounds, --events, --judgments and --indicators must be at least 1")
        return tradecraft(args, python)

    work = Path(tempfile.mkdtemp(prefix="briefer-bench-"))
    measurements: list[Measurement] = []
    try:
        probe = run_child([python, "-P", "-m", "briefer", "--help"], child_env(work, work), REPO)
        if probe.exit_code != 0:
            progress(
                f"warning: `{python} -m briefer --help` exited {probe.exit_code}; "
                "the checks below will fail:\n" + indent_tail(probe.output, 4)
            )
        if SHIPPED_LOG.is_file():  # untimed: compiles the modules a check imports, once
            warm_up = Path(tempfile.mkdtemp(prefix="warm-up-", dir=work))
            command = [python, "-P", "-m", "briefer", "--log", str(SHIPPED_LOG), "check"]
            run_child(command, child_env(warm_up, warm_up), REPO)
        for n in args.sizes:
            repeats = args.repeat or (1 if n >= 100_000 else 3)
            if not args.quiet:
                progress(f"{n:,} events: generating")
            path, gen_s = generate(n, args.seed, python, work)
            m = Measurement(
                label=f"{n}",
                events=n,
                path=path,
                file_mb=path.stat().st_size / 1e6,
                gen_s=gen_s,
                repeats=repeats,
            )
            measurements.append(measure(m, python, work, with_baseline=True, quiet=args.quiet))
            if not args.keep:
                path.unlink()
        if not args.no_shipped:
            if SHIPPED_LOG.is_file():
                if not args.quiet:
                    progress("shipped events.yaml")
                m = Measurement(
                    label=f"shipped {SHIPPED_LOG.name}",
                    events=None,
                    path=SHIPPED_LOG,
                    file_mb=SHIPPED_LOG.stat().st_size / 1e6,
                    gen_s=None,
                    repeats=args.repeat or 3,
                )
                measurements.append(measure(m, python, work, with_baseline=True, quiet=args.quiet))
            else:
                progress(f"note: {SHIPPED_LOG} does not exist; not timed")
    finally:
        if args.keep:
            progress(f"generated logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    all_ok = all(s.ok for m in measurements for s in (m.baseline, m.cold, m.warm) if s is not None)
    if args.json:
        doc = {
            "python": python,
            "python_version": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
            "targets": {
                "cold_over_baseline_max": COLD_RATIO_TARGET,
                "warm_check_s_max": WARM_TARGET_S,
                "warm_check_at_events": WARM_TARGET_EVENTS,
                "shipped_check_s_max": SHIPPED_TARGET_S,
            },
            "results": [m.as_json() for m in measurements],
            "all_exit_zero": all_ok,
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(render_text(measurements, python))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
