"""Tradecraft in the brief and the series (SPEC §7), through the real command line.

A three-brief series of ``tests/data/logs/tradecraft-series.yaml``: a judgment
is revised between the first and second brief, one is added, one is withdrawn
(deleted from the log) before the third, and an indicator becomes observed and
another lapses. Every Key judgments, Indicators and Changes line is compared
exactly. The log also holds a revision dated after every brief: no brief, PDF
or manifest may show it or anything of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import run_cli, shared_log, write

LOG = shared_log("tradecraft-series")
#: What only the judgment dated after every brief says (and its id).
HINDSIGHT = ("HINDSIGHT", "violence-nov", "very likely")


def section(markdown: str, heading: str) -> list[str]:
    """The non-empty lines of a ``## heading`` section."""
    lines = markdown.split(f"## {heading}\n\n", 1)[1].split("\n## ", 1)[0].strip().splitlines()
    return [line for line in lines if line]


def render(folder: Path, *args: str) -> str:
    result = run_cli("render", *args, cwd=folder)
    assert result.returncode == 0, result.stderr
    md = next(p for p in result.stdout.split() if p.endswith(".md"))
    text = (folder / md).read_text(encoding="utf-8")
    # A grade follows its source's number after a no-break space; compared as a space here.
    assert "[1\u00a0C" in text or "[1 C" not in text
    return text.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("series")
    log = write(folder / "events.yaml", LOG)
    briefs = [render(folder, "--pdf", "--as-of", "2023-09-20T09:00")]
    briefs.append(render(folder, "--pdf", "--since", "last", "--as-of", "2023-10-01T09:00"))
    # The analyst withdraws a judgment: it is no longer in the log.
    text = log.read_text(encoding="utf-8")
    cut = re.search(r"  - id: dialogue\n(    .*\n)+", text)
    assert cut is not None
    log.write_text(text[: cut.start()] + text[cut.end() :], encoding="utf-8")
    briefs.append(render(folder, "--pdf", "--since", "last", "--as-of", "2023-10-20T09:00"))
    return folder, briefs


def test_first_brief_states_the_judgments_then_current(series: tuple[Path, list[str]]) -> None:
    _, briefs = series
    assert section(briefs[0], "Key judgments") == [
        "1. **Very unlikely (05–20 %):** Belgrade and Pristina resume EU-facilitated talks "
        "before December.\\",
        "   We have low confidence in this judgment.\\",
        "   Basis: [2 A].",
        "2. **Unlikely (20–45 %):** Armed violence in north Kosovo kills someone before "
        "December.\\",
        "   We have moderate confidence in this judgment.\\",
        "   Basis: [2 A].",
    ]
    assert section(briefs[0], "Indicators")[:3] == [
        "- **Armed groups near the boundary** (escalation) — **observed**; last observed "
        "18 Sep 2023 (2 days ago); 1 in this period, 0 in the period before: rising.",
        "- **Attacks on Kosovo Police** (escalation) — not observed; never observed; "
        "0 in this period, 0 in the period before: steady.",
        "- **NATO reinforcement** (de-escalation) — not observed; never observed; "
        "0 in this period, 0 in the period before: steady.",
    ]
    assert "## Changes since the last brief" not in briefs[0]


def test_second_brief_reports_the_revision_and_the_new_judgment(
    series: tuple[Path, list[str]],
) -> None:
    _, briefs = series
    assert section(briefs[1], "Key judgments") == [
        "1. **Very unlikely (05–20 %):** Belgrade and Pristina resume EU-facilitated talks "
        "before December.\\",
        "   We have low confidence in this judgment.\\",
        "   Basis: [2 A].",
        "2. **Roughly even chance (45–55 %):** Armed violence in north Kosovo kills someone "
        "again before December.\\",
        "   We have moderate confidence in this judgment.\\",
        "   Basis: Armed Serbs clash with Kosovo police in Banjska (24 Sep 2023) [1 C2][2 A1].\\",
        "   Likelihood raised from *unlikely* (report 1) to *roughly even chance*.",
        "3. **Likely (55–80 %):** KFOR keeps its reinforced strength through December.\\",
        "   We have high confidence in this judgment.\\",
        "   Basis: NATO sends more troops to KFOR (29 Sep 2023) [2 A].\\",
        "   New since report 1.",
    ]
    assert section(briefs[1], "Changes since the last brief") == [
        "Since report 1:",
        "- **Added** `banjska`: Armed Serbs clash with Kosovo police in Banjska",
        "- **Added** `reinforce`: NATO sends more troops to KFOR",
        "- **Judgment revised** `violence-oct`: Armed violence in north Kosovo kills someone "
        "again before December — likelihood raised from *unlikely* (report 1) to "
        "*roughly even chance*",
        "- **New judgment** `kfor`: KFOR keeps its reinforced strength through December",
        "- **Indicator observed** `police`: Attacks on Kosovo Police",
        "- **Indicator observed** `reinforce`: NATO reinforcement",
    ]


def test_third_brief_reports_the_withdrawal_and_the_lapse(
    series: tuple[Path, list[str]],
) -> None:
    _, briefs = series
    judgments = section(briefs[2], "Key judgments")
    assert judgments[0].startswith("1. **Roughly even chance (45–55 %):**")
    assert judgments[-1] == (
        "Withdrawn since report 2: `dialogue` (was *very unlikely*, low confidence)."
    )
    assert "raised" not in "\n".join(judgments)  # unchanged since report 2: nothing said
    assert section(briefs[2], "Indicators")[0] == (
        "- **Armed groups near the boundary** (escalation) — not observed; last observed "
        "24 Sep 2023 (26 days ago); 0 in this period, 2 in the period before: falling."
    )
    assert section(briefs[2], "Changes since the last brief") == [
        "Since report 2:",
        "- **Judgment withdrawn** `dialogue` (was *very unlikely*, low confidence)",
        "- **Indicator lapsed** `armed`: Armed groups near the boundary",
    ]


def test_grades_show_with_every_citation_and_in_the_sources(
    series: tuple[Path, list[str]],
) -> None:
    _, briefs = series
    assert section(briefs[1], "Bottom line up front") == [
        "- **Armed Serbs clash with Kosovo police in Banjska** (24 Sep 2023) [1 C2][2 A1]",
        "- **NATO sends more troops to KFOR** (29 Sep 2023) [2 A]",
    ]
    sources = section(briefs[1], "Sources")
    assert sources[0].startswith("Citations give the source's number and its grade")
    assert sources[1:3] == [
        "1. A news report. Reliability C: fairly reliable.",
        "2. NATO statement, NATO. Reliability A: completely reliable.",
    ]


def test_the_manifest_records_judgments_and_indicators(series: tuple[Path, list[str]]) -> None:
    folder, _ = series
    records = json.loads((folder / "reports" / "manifest.json").read_text())["reports"]
    assert records[1]["judgments"] == [
        ["dialogue", "dialogue", "very unlikely", "low"],
        ["violence-sept", "violence-oct", "roughly even chance", "moderate"],
        ["kfor", "kfor", "likely", "high"],
    ]
    assert records[2]["indicators"] == [["armed", 0], ["police", 1], ["reinforce", 1]]


def test_no_brief_shows_a_judgment_made_after_its_as_of(series: tuple[Path, list[str]]) -> None:
    folder, briefs = series
    pdfs = sorted((folder / "reports").glob("*.pdf"))
    assert len(pdfs) == 3
    texts = [*briefs, (folder / "reports" / "manifest.json").read_text()]
    texts += ["\n".join(page.extract_text() for page in PdfReader(pdf).pages) for pdf in pdfs]
    for text in texts:
        for word in HINDSIGHT:
            assert word not in text
    # The PDF says what the Markdown says.
    pdf2 = "\n".join(p.extract_text() for p in PdfReader(pdfs[1]).pages)
    pdf2 = " ".join(pdf2.replace("\u00a0", " ").split())
    assert "KEY JUDGMENTS" in pdf2.upper()
    assert "Roughly even chance (45–55 %): Armed violence in north Kosovo" in pdf2
    assert "Likelihood raised from unlikely (report 1) to roughly even chance." in pdf2
    assert "[1 C2][2 A1]" in pdf2


def test_a_brief_as_of_after_the_revision_shows_it(tmp_path: Path) -> None:
    write(tmp_path / "events.yaml", LOG)
    md = render(tmp_path, "--as-of", "2023-11-06T09:00")
    assert "1. **Very unlikely (05–20 %):**" in md
    assert "2. **Very likely (80–95 %):** HINDSIGHT statement written after the briefs.\\" in md


def test_if_changed_counts_a_revised_judgment_as_a_change(tmp_path: Path) -> None:
    write(
        tmp_path / "events.yaml",
        """\
briefer: 1
title: Judged
timezone: UTC
sources:
  - {id: s1, title: A source, reliability: B}
events:
  - {id: old, date: 2023-08-01, title: Something long ago, sources: [s1]}
judgments:
  - {id: j1, date: 2023-09-01, statement: It happens, likelihood: unlikely,
     confidence: low, basis: [old]}
  - {id: j2, date: 2023-09-10, statement: It happens, likelihood: likely,
     confidence: low, basis: [old], revises: j1}
""",
    )
    render(tmp_path, "--as-of", "2023-09-05T09:00")
    # Same log, nothing new in the period, but the revision is now current.
    md = render(tmp_path, "--if-changed", "--since", "last", "--as-of", "2023-09-12T09:00")
    assert "Likelihood raised from *unlikely* (report 1) to *likely*." in md
    skipped = run_cli(
        "render", "--if-changed", "--since", "last", "--as-of", "2023-09-14T09:00", cwd=tmp_path
    )
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.startswith("No change since report 2")


def test_a_log_without_tradecraft_has_no_new_sections(tmp_path: Path) -> None:
    write(
        tmp_path / "events.yaml",
        "briefer: 1\ntitle: Plain\nsources: [{id: s1, title: S}]\n"
        "events: [{id: e1, date: 2023-09-01, title: E, sources: [s1]}]\n",
    )
    md = render(tmp_path, "--as-of", "2023-09-02")
    for text in ("Key judgments", "Indicators", "Citations give", "Reliability"):
        assert text not in md
    assert "**E** (1 Sep 2023) [1]" in md
