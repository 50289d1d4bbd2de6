"""Benchmark ``briefer render --pdf``: the shipped brief cold, and a 1,000-event brief
against headless Chromium printing the very same HTML.

Usage::

    python bench/render.py [--events 1000] [--repeat 3] [--json]

1. Cold process, shipped log: ``python -m briefer render --pdf`` in a fresh
   process (target ≤ 1.5 s wall), median of ``--repeat`` runs.
2. Scale: a synthetic log of ``--events`` events (bench/genlog.py) rendered with
   a period covering all of them, so every event is a development. The HTML
   the pipeline hands to WeasyPrint is written to a folder with its stylesheet
   and charts; then, in the same run, each in a fresh process:
   WeasyPrint printing that HTML (as briefer does), the whole
   ``briefer render --pdf`` command, and ``chromium --headless --print-to-pdf``
   on the same HTML. Goal: WeasyPrint no slower than Chromium.

Chromium comes from Debian's ``chromium`` package; when it is missing and we
are root, this script installs it (a benchmark-only tool, never a dependency).
Reports wall seconds, pages and peak RSS per process.
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
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-22T09:00"


@dataclass
class Run:
    """One timed child process."""

    label: str
    seconds: float
    peak_mb: float
    exit_code: int
    pages: int | None = None


def timed(
    label: str, cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path = REPO
) -> Run:
    """Run ``cmd`` once; wall time from spawn to exit, and that child's own peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(f"{label}: exit {proc.returncode}\n{err.decode(errors='replace')}\n")
    return Run(label, seconds, usage.ru_maxrss / 1024, proc.returncode)


def pages(pdf: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(str(pdf)).pages) if pdf.exists() else None


def median_run(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    mid = ordered[len(ordered) // 2]
    return Run(
        mid.label,
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        max(r.exit_code for r in runs),
        mid.pages,
    )


def chromium() -> str | None:
    found = shutil.which("chromium")
    if found or os.geteuid() != 0:
        return found
    print("installing Debian's chromium for this benchmark…", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"], check=False, capture_output=True
    )
    return shutil.which("chromium")


def write_printable(log_path: Path, folder: Path) -> Path:
    """The HTML briefer prints for a brief of every event, with its CSS and charts beside it."""
    sys.path.insert(0, str(REPO))
    from briefer.brief import build_brief
    from briefer.loader import load_log
    from briefer.render import pipeline
    from briefer.render.outputs.pdf import printable_brief
    from briefer.render.templating import make_environment, render_template

    log = load_log(str(log_path), use_cache=False).log
    assert log is not None
    as_of = int(time.time())
    ctx = build_brief(
        log,
        as_of=as_of,
        period_start=-2208988800,  # 1 Jan 1900: every event is a development
        input_hash="bench",
        generator="briefer bench",
    )
    charts = pipeline._chart_files(ctx, "bench")
    import dataclasses

    ctx = dataclasses.replace(ctx, charts=tuple((n, t) for n, t, _ in charts))
    env = make_environment()
    markdown = render_template(env, "brief.md.j2", brief=ctx)
    doc = printable_brief(ctx, markdown, [n for n, _, _ in charts], env)
    for name, _, svg in charts:
        (folder / name).write_text(svg, encoding="utf-8")
    shutil.copy(doc.css, folder / "brief.css")
    # Chromium gets the stylesheet as a <link>; WeasyPrint gets it as briefer passes it.
    html = doc.html.replace("</head>", '<link rel="stylesheet" href="brief.css">\n</head>', 1)
    (folder / "brief.html").write_text(html, encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps({"title": doc.metadata.title}))
    (folder / "brief-bare.html").write_text(doc.html, encoding="utf-8")
    return folder / "brief-bare.html"


WEASY = """
import sys, datetime
from pathlib import Path
from briefer.render.pdf import PdfMetadata, write_pdf
folder = Path(sys.argv[1])
meta = PdfMetadata("bench", "bench", (), "bench", datetime.datetime.now(datetime.UTC), "bench")
write_pdf((folder / "brief-bare.html").read_text(), folder / "weasy.pdf", assets_dir=folder,
          metadata=meta, stylesheets=[folder / "brief.css"])
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    py = sys.executable
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="briefer-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {"BRIEFER_CACHE_DIR": str(tmp / "cache")}

        # 1. the shipped brief, cold process (the first run also fills the log cache)
        shipped = []
        for i in range(args.repeat):
            out = tmp / f"shipped-{i}"
            cmd = [
                py,
                "-m",
                "briefer",
                "--log",
                str(REPO / "events.yaml"),
                "render",
                "--pdf",
                "-q",
                "--as-of",
                AS_OF,
                "--output",
                f"{out}/",
            ]
            run = timed("render --pdf (shipped)", cmd, env=env)
            run.pages = pages(next(out.glob("*.pdf"), out / "missing.pdf"))
            shipped.append(run)
        results["shipped"] = asdict(median_run(shipped))
        results["shipped_first"] = asdict(shipped[0])

        # 2. scale: every event of a synthetic log is a development
        log = tmp / "big.yaml"
        subprocess.run(
            [py, str(REPO / "bench" / "genlog.py"), str(args.events), "-o", str(log)], check=True
        )
        folder = tmp / "html"
        folder.mkdir()
        write_printable(log, folder)
        runs: dict[str, list[Run]] = {"weasyprint": [], "briefer": [], "chromium": []}
        browser = chromium()
        for i in range(args.repeat):
            run = timed("WeasyPrint (HTML → PDF)", [py, "-c", WEASY, str(folder)], env=env)
            run.pages = pages(folder / "weasy.pdf")
            runs["weasyprint"].append(run)
            out = tmp / f"big-{i}"
            cmd = [
                py,
                "-m",
                "briefer",
                "--log",
                str(log),
                "render",
                "--pdf",
                "-q",
                "--as-of",
                "now",
                "--since",
                "1900",
                "--output",
                f"{out}/",
            ]
            run = timed("briefer render --pdf (all)", cmd, env=env)
            run.pages = pages(next(out.glob("*.pdf"), out / "missing.pdf"))
            runs["briefer"].append(run)
            if browser:
                pdf = folder / "chromium.pdf"
                cmd = [
                    browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync",
                    f"--user-data-dir={tmp / 'chrome-profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", (folder / "brief.html").as_uri(),
                ]  # fmt: skip
                run = timed("chromium --print-to-pdf", cmd)
                run.pages = pages(pdf)
                runs["chromium"].append(run)
        results["scale"] = {k: asdict(median_run(v)) for k, v in runs.items() if v}

    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return
    report(results, args.events)


def report(results: dict[str, object], events: int) -> None:
    """The plain-text table."""
    scale: dict[str, dict[str, object]] = results["scale"]  # type: ignore[assignment]
    shipped: dict[str, object] = results["shipped"]  # type: ignore[assignment]
    first: dict[str, object] = results["shipped_first"]  # type: ignore[assignment]
    print(f"{'':36}{'wall s':>8}{'pages':>7}{'peak MB':>9}{'exit':>6}")
    rows = [("shipped brief, first run", first), ("shipped brief, median", shipped)]
    rows += [(f"{events} events: {row['label']}", row) for row in scale.values()]
    for name, row in rows:
        secs, npages, peak = float(row["seconds"]), row["pages"] or 0, float(row["peak_mb"])  # type: ignore[arg-type]
        print(f"{name:36}{secs:8.2f}{npages:7}{peak:9.1f}{row['exit_code']:6}")
    shipped_s = float(shipped["seconds"])  # type: ignore[arg-type]
    verdict = "met" if shipped_s <= 1.5 else "MISSED"
    print(f"target: shipped render --pdf <= 1.5 s: {shipped_s:.2f} s, {verdict}")
    if "chromium" in scale:
        weasy = float(scale["weasyprint"]["seconds"])  # type: ignore[arg-type]
        ratio = weasy / float(scale["chromium"]["seconds"])  # type: ignore[arg-type]
        verdict = "met" if ratio <= 1 else "MISSED"
        print(
            f"goal: WeasyPrint no slower than Chromium ({events} events): {ratio:.2f}x, {verdict}"
        )


if __name__ == "__main__":
    main()
