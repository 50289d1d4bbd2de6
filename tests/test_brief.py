"""What a brief says: sections, as-of, period, watch list, figures, citations, templates."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from briefer.brief import BriefContext, build_brief, dtg
from briefer.dates import get_timezone
from briefer.errors import InvalidInput
from briefer.model import EventLog
from briefer.query import parse_query
from briefer.render.escape import md_escape
from briefer.render.pipeline import RenderRequest, render
from briefer.render.templating import md_block
from tests.helpers import load_valid, write

TZ = get_timezone("Europe/Belgrade")

LOG = """\
briefer: 1
title: Test situation
timezone: Europe/Belgrade
marking: "TLP:CLEAR"
horizon: 30d
metrics:
  troops: {label: Troops deployed, unit: troops}
sources:
  - {id: alpha, title: Alpha report, publisher: Alpha, url: "https://alpha.example/a"}
  - {id: beta, title: Beta report}
  - {id: gamma, title: Gamma report}
  - {id: unused-by-brief, title: Old archive}
events:
  - id: old-major
    date: 2008-02-17
    title: Old major event
    kind: political
    significance: 5
    sources: [unused-by-brief]
  - id: old-minor
    date: 2010
    title: Old minor event
    significance: 2
    sources: [unused-by-brief]
  - id: troops-before
    date: 2023-10-01
    title: Troops at 3,000
    kind: deployment
    sources: [alpha]
    figures: {troops: 3000}
  - id: troops-now
    date: 2023-11-20
    title: Troops raised to 4,500
    kind: deployment
    significance: 4
    summary: |
      Reinforcements *arrived*.

      # A heading inside a summary
    sources: [beta]
    figures: {troops: 4500}
  - id: troops-other
    date: 2023-11-18
    title: Another source says 3,700
    kind: statement
    significance: 2
    sources: [{id: gamma, note: "p. 2"}]
    figures: {troops: 3700}
  - id: clash
    date: 2023-11-21T07:30
    title: "Clash <b>at</b> the [border] | *bold*"
    kind: incident
    significance: 5
    sources: [alpha, beta]
  - id: passed-deadline
    date: 2023-11-19
    title: Passed deadline
    kind: deadline
    sources: [alpha]
    related: [clash]
  - id: deadline
    date: 2023-12-01
    title: Plate deadline
    kind: deadline
    sources: [beta]
  - id: far-deadline
    date: 2024-06-01
    title: Beyond the horizon
    kind: deadline
    sources: [beta]
  - id: future-incident
    date: 2023-11-25
    title: Written after as-of
    kind: incident
    sources: [alpha]
"""

AS_OF = int(datetime(2023, 11, 22, 9, 0, tzinfo=TZ).timestamp())
WEEK_AGO = AS_OF - 7 * 86400


@pytest.fixture
def log(tmp_path: Path) -> EventLog:
    return load_valid(write(tmp_path / "events.yaml", LOG))


def brief(log: EventLog, **kw: object) -> BriefContext:
    args: dict[str, object] = {
        "as_of": AS_OF,
        "period_start": WEEK_AGO,
        "input_hash": "sha256:test",
        "generator": "briefer test",
    }
    args.update(kw)
    return build_brief(log, **args)  # type: ignore[arg-type]


def test_sections_follow_as_of_and_period(log: EventLog) -> None:
    ctx = brief(log)
    assert ctx.as_of_local == "Wed 22 Nov 2023 09:00 CET"
    assert ctx.as_of_utc == "Wed 22 Nov 2023 08:00 UTC"
    assert ctx.dtg == dtg(AS_OF) == "220800Z NOV 23"
    # newest first; later events and forward-looking kinds left out
    assert [i.event.id for i in ctx.developments] == ["clash", "troops-now", "troops-other"]
    assert [i.event.id for i in ctx.bluf] == ["clash", "troops-now", "troops-other"]
    assert [i.event.id for i in ctx.background] == ["old-major"]
    assert [(w.item.event.id, w.countdown, w.when, w.passed) for w in ctx.watch] == [
        ("deadline", "in 9 days", "Fri 1 Dec 2023", False),
        ("passed-deadline", "passed 3 days ago", "Sun 19 Nov 2023", True),
    ]


def test_citations_are_numbered_in_order_and_all_resolve(log: EventLog) -> None:
    ctx = brief(log)
    numbers = [r.number for r in ctx.sources]
    assert numbers == list(range(1, len(numbers) + 1))
    # clash (BLUF first) cites alpha then beta
    assert [r.source.id for r in ctx.sources][:2] == ["alpha", "beta"]
    cited = {n for item in (*ctx.bluf, *ctx.developments, *ctx.background) for n in item.refs}
    cited |= {n for w in ctx.watch for n in w.item.refs}
    cited |= {n for f in ctx.figures for r in f.history for n in r.refs}
    assert cited == set(numbers)
    assert "unused-by-brief" in {r.source.id for r in ctx.sources}  # background cites it


def test_key_figures_show_change_and_disagreement(log: EventLog) -> None:
    (fig,) = brief(log).figures
    assert fig.latest is not None
    assert fig.latest.value == 4500
    assert fig.previous is not None
    assert fig.previous.value == 3000
    assert fig.change == 1500
    assert [r.value for r in fig.disagreeing] == [3700]
    assert [r.value for r in fig.history] == [3000, 3700, 4500]


def test_as_of_in_the_past_hides_later_events(log: EventLog) -> None:
    as_of = int(datetime(2023, 11, 19, 12, 0, tzinfo=TZ).timestamp())
    ctx = brief(log, as_of=as_of, period_start=as_of - 7 * 86400)
    assert [i.event.id for i in ctx.developments] == ["troops-other"]
    (fig,) = ctx.figures
    assert fig.latest is not None
    assert fig.latest.value == 3700
    assert [(w.item.event.id, w.countdown) for w in ctx.watch] == [
        ("deadline", "in 12 days"),
        ("passed-deadline", "passed today"),
    ]


def test_filter_and_marked_events(log: EventLog) -> None:
    q = parse_query("kind:deployment", tz=TZ, kinds=log.kinds)
    assert [i.event.id for i in brief(log, query=q).developments] == ["troops-now"]
    only = brief(log, only_ids=["clash", "deadline"])
    assert [i.event.id for i in only.developments] == ["clash"]
    assert [w.item.event.id for w in only.watch] == ["deadline"]


def test_empty_period(log: EventLog) -> None:
    as_of = int(datetime(2015, 1, 1, tzinfo=TZ).timestamp())
    ctx = brief(log, as_of=as_of, period_start=as_of - 86400)
    assert ctx.developments == ()
    assert ctx.bluf == ()
    assert ctx.watch == ()


def test_markdown_escaping_keeps_untrusted_text_literal() -> None:
    assert md_escape("Clash <b>at</b> [x](javascript:y) | *b*") == (
        "Clash \\<b\\>at\\</b\\> \\[x\\](javascript:y) \\| \\*b\\*"
    )
    assert md_escape("- not a list") == "\\- not a list"
    assert md_escape("1. not a list") == "1\\. not a list"
    assert md_block("# Title\ntext\n===\n## Sub") == "#### Title\ntext\n\\===\n##### Sub"


def render_md(log: EventLog, tmp_path: Path, **kw: object) -> str:
    req = RenderRequest(as_of=AS_OF, reports_dir=tmp_path / "reports", **kw)  # type: ignore[arg-type]
    result = render(log, req)
    return result.paths[0].read_text(encoding="utf-8")


def test_markdown_brief_sections_in_order(log: EventLog, tmp_path: Path) -> None:
    text = render_md(log, tmp_path)
    lines = text.splitlines()
    assert lines[0] == "TLP:CLEAR"
    assert lines[-1] == "TLP:CLEAR"
    headings = [line for line in lines if line.startswith("#")]
    assert headings[:2] == ["# Test situation", "## Bottom line up front"]
    order = [h for h in headings if h.startswith("## ")]
    assert order == [
        "## Bottom line up front",
        "## Key figures",
        "## Developments",
        "## Watch list",
        "## Background",
        "## Sources",
    ]
    assert "**Report 1** · **As of** Wed 22 Nov 2023 09:00 CET (220800Z NOV 23)" in text
    assert "- **in 9 days — Fri 1 Dec 2023**: Plate deadline [2]" in text
    assert "passed 3 days ago — Sun 19 Nov 2023**: Passed deadline *(passed)* [1]" in text
    assert "Clash \\<b\\>at\\</b\\> the \\[border\\] \\| \\*bold\\*" in text
    assert "#### A heading inside a summary" in text
    assert "⚠ **Sources disagree on Troops deployed:**" in text
    assert "| Troops deployed ⚠ | 4,500 troops | +1,500 |" in text
    # every citation resolves in Sources
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text.split("## Sources")[0])}
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", text.split("## Sources")[1], re.MULTILINE)}
    assert cited <= listed


def test_no_developments_says_so(log: EventLog, tmp_path: Path) -> None:
    early = int(datetime(2015, 1, 1, tzinfo=TZ).timestamp())
    req = RenderRequest(as_of=early, reports_dir=tmp_path / "r")
    text = render(log, req).paths[0].read_text(encoding="utf-8")
    assert text.count("No new developments in this period.") == 2
    assert "Nothing due within the horizon." in text


def test_markdown_is_deterministic(log: EventLog, tmp_path: Path) -> None:
    first = render_md(log, tmp_path / "a")
    second = render_md(log, tmp_path / "b")
    assert first == second


def test_period_defaults_to_the_last_report(log: EventLog, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    first = render(log, RenderRequest(as_of=AS_OF - 3 * 86400, reports_dir=reports))
    assert first.context.report_number == 1
    assert first.context.period_start == AS_OF - 10 * 86400
    second = render(log, RenderRequest(as_of=AS_OF, reports_dir=reports))
    assert second.context.report_number == 2
    assert second.context.period_start == AS_OF - 3 * 86400
    again = render(log, RenderRequest(as_of=AS_OF, reports_dir=reports))
    assert again.context.report_number == 2
    with pytest.raises(InvalidInput, match="--since last: no earlier brief"):
        render(log, RenderRequest(as_of=AS_OF, reports_dir=tmp_path / "empty", since_last=True))


def test_template_override_replaces_just_that_file(log: EventLog, tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    write(
        overrides / "brief.md.j2",
        "# {{ brief.title | md }}\n{{ brief.developments | length }} new\n",
    )
    text = render_md(log, tmp_path, template_dirs=(overrides,))
    assert text == "# Test situation\n3 new\n"
    write(overrides / "daily.md.j2", "daily {{ brief.report_number }}\n")
    assert (
        render_md(log, tmp_path / "x", template_dirs=(overrides,), template="daily") == "daily 1\n"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "line one\n{% if %}\n",
            "brief.md.j2:2: Expected an expression, got 'end of statement block'",
        ),
        (
            "a\nb\n{{ brief.nope }}\n",
            "brief.md.j2:3: 'briefer.brief.BriefContext object' has no attribute 'nope'",
        ),
        ("{{ missing }}\n", "brief.md.j2:1: 'missing' is undefined"),
        ("{{ brief.title | nofilter }}\n", "brief.md.j2:1: No filter named 'nofilter'."),
    ],
)
def test_template_errors_name_file_and_line(
    log: EventLog, tmp_path: Path, source: str, message: str
) -> None:
    overrides = tmp_path / "templates"
    write(overrides / "brief.md.j2", source)
    with pytest.raises(InvalidInput) as info:
        render_md(log, tmp_path, template_dirs=(overrides,))
    assert info.value.format_message() == message
    assert not list((tmp_path / "reports").glob("*.md"))
