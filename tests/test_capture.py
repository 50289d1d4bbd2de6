"""``briefer add`` (SPEC §8): new events as new files, checked with the whole log, never an edit.

Every test runs the real command line; the editor is a script the test writes.
"""

from __future__ import annotations

import hashlib
import stat
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from briefer.loader import load_log
from tests.helpers import NOW, PYTHON, child_env, count_walks, load_valid, run_cli, write

if TYPE_CHECKING:
    from briefer.model import EventLog, Pos

LOG = """\
briefer: 1
title: Test log
timezone: Europe/Belgrade
capture: events.d/captured/
include: [events.d/*.yaml, events.d/captured/*.yaml]
sources:
  - id: s1
    title: A source
    url: https://example.org/report
events:
  - id: first
    date: 2023-09-24
    title: Something happened
    sources: [s1]
"""

OTHER = """\
sources:
  - id: s2
    title: Another source
events:
  - id: second
    date: 2023-10-01
    title: Something else
    sources: [s2]
"""


def project(tmp_path: Path, text: str = LOG) -> Path:
    """A project: the log, an included file, and an empty capture folder."""
    write(tmp_path / "events.d" / "other.yaml", OTHER)
    return write(tmp_path / "events.yaml", text)


def hashes(root: Path) -> dict[str, str]:
    """Every file below ``root`` (briefer's own .briefer/ folder aside) → its digest."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".briefer" not in p.relative_to(root).parts
    }


def add(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    return run_cli("add", *args, cwd=tmp_path, env=env)


def captured(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "events.d" / "captured").glob("*.yaml"))


def editor(tmp_path: Path, body: str) -> dict[str, str]:
    """$EDITOR set to a Python script (``body`` sees ``path`` and ``text``; sets ``text``)."""
    script = tmp_path / "editor.py"
    script.write_text(
        f"#!{PYTHON}\nimport sys\npath = sys.argv[-1]\ntext = open(path).read()\n"
        f"{body}\nopen(path, 'w').write(text)\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"EDITOR": str(script), "VISUAL": ""}


def test_add_writes_one_new_file_and_touches_nothing_else(tmp_path: Path) -> None:
    log = project(tmp_path)
    before = hashes(tmp_path)
    done = add(
        tmp_path,
        "--title", "KFOR reinforced near Jarinje",
        "--date", "2023-11-22T09:30",
        "--kind", "deployment",
        "--summary", "Two companies arrived.\n\nMore to follow.",
        "--tag", "kfor", "--tag", "north",
        "--actor", "KFOR",
        "--place", "Jarinje",
        "--sig", "4",
        "--conf", "moderate",
        "--source", "s1",
        "--related", "first",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [path] = captured(tmp_path)
    assert path.name == "2023-11-22-kfor-reinforced-near-jarinje.yaml"
    assert done.stdout == (
        "events.d/captured/2023-11-22-kfor-reinforced-near-jarinje.yaml "
        "2023-11-22-kfor-reinforced-near-jarinje\n"
    )
    after = hashes(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {str(path.relative_to(tmp_path))}
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(doc) == ["events"]
    event = load_valid(log).by_id["2023-11-22-kfor-reinforced-near-jarinje"]
    assert event.title == "KFOR reinforced near Jarinje"
    assert event.date.text == "2023-11-22T09:30"
    assert (event.kind, event.significance, event.confidence) == ("deployment", 4, "moderate")
    assert event.tags == ("kfor", "north")
    assert event.summary == "Two companies arrived.\n\nMore to follow."
    assert event.related == ("first",)
    strict = run_cli("check", "--strict", cwd=tmp_path)
    assert (strict.returncode, strict.stderr) == (0, "")


def test_source_url_reuses_a_source_or_makes_one(tmp_path: Path) -> None:
    log = project(tmp_path)
    done = add(
        tmp_path,
        "--title", "One",
        "--date", "2023-11-22",
        "--source", "https://example.org/report",
        "--source", "https://www.wire.example/one",
        "--source-title", "Wire: one",
        "--source", "https://www.wire.example/two",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = yaml.safe_load(captured(tmp_path)[0].read_text(encoding="utf-8"))
    assert doc["sources"] == [
        {
            "id": "wire-example-2023-11-22",
            "title": "Wire: one",
            "url": "https://www.wire.example/one",
        },
        {
            "id": "wire-example-2023-11-22-2",
            "title": "https://www.wire.example/two",
            "url": "https://www.wire.example/two",
        },
    ]
    assert doc["events"][0]["sources"] == [
        "s1",
        "wire-example-2023-11-22",
        "wire-example-2023-11-22-2",
    ]
    # The next event citing the new URL cites the source now in the log.
    again = add(
        tmp_path,
        "--title",
        "Two",
        "--date",
        "2023-11-22",
        "--source",
        "https://www.wire.example/one",
    )
    assert again.returncode == 0, again.stderr
    second = next(p for p in captured(tmp_path) if "two" in p.name)
    assert "sources:\n" not in second.read_text(encoding="utf-8").split("events:")[0]
    assert load_valid(log).by_id["2023-11-22-two"].sources[0].source == "wire-example-2023-11-22"


@pytest.mark.parametrize(
    ("when", "written"),
    [
        ("2023-11~", "2023-11~"),
        ("2023-11-22T07:30+02:00", "2023-11-22T07:30+02:00"),
        ("2023-11-20/2023-11-24", "2023-11-20/2023-11-24"),
        ("1999", "1999"),
    ],
)
def test_dates_of_the_log_format_are_written_as_given(
    tmp_path: Path, when: str, written: str
) -> None:
    log = project(tmp_path)
    done = add(tmp_path, "--title", "Dated", "--date", when, "--source", "s1")
    assert done.returncode == 0, done.stderr
    event_id = done.stdout.split()[1]
    assert load_valid(log).by_id[event_id].date.text == written


def test_now_and_durations_are_a_minute_in_the_logs_zone(tmp_path: Path) -> None:
    log = project(tmp_path)
    for when in ("now", "2d"):
        done = add(tmp_path, "--title", f"At {when}", "--date", when, "--source", "s1")
        assert done.returncode == 0, done.stderr
    events = {e.title: e for e in load_valid(log).events}
    now, back = events["At now"], events["At 2d"]
    assert len(now.date.text) == len("2023-11-22T07:30")
    assert now.date.earliest is not None
    assert back.date.earliest is not None
    assert now.date.earliest - back.date.earliest == pytest.approx(2 * 86400, abs=120)


def test_a_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    project(tmp_path)
    done = add(tmp_path, "--title", "Bad", "--date", "2023-13-01")
    assert done.returncode == 2
    assert "--date" in done.stderr
    assert "month must be 1..12" in done.stderr
    assert not captured(tmp_path)


def test_invalid_entry_writes_nothing_and_keeps_the_draft(tmp_path: Path) -> None:
    project(tmp_path)
    before = hashes(tmp_path)
    done = add(
        tmp_path, "--title", "Wrong", "--date", "2023-11-22", "--source", "s9", "--kind", "incidnet"
    )
    assert done.returncode == 1
    assert not captured(tmp_path)
    [draft] = (tmp_path / "events.d" / "captured" / ".drafts").glob("*.yaml")
    shown = str(draft.relative_to(tmp_path))
    lines = draft.read_text(encoding="utf-8").splitlines()
    kind_line = next(n for n, line in enumerate(lines, 1) if "kind:" in line)
    sources_line = next(n for n, line in enumerate(lines, 1) if "sources:" in line)
    assert done.stderr.splitlines() == [
        f"{shown}:{kind_line}:11: error: event '2023-11-22-wrong': unknown kind 'incidnet' "
        "(did you mean 'incident'?)",
        f"{shown}:{sources_line}:15: error: event '2023-11-22-wrong': unknown source 's9'",
        f"briefer: error: the entry is invalid (2 problems); nothing written; the draft is kept "
        f"in {shown} ('briefer add --resume' opens it)",
    ]
    assert {k: v for k, v in hashes(tmp_path).items() if k != shown} == before


def test_draft_problems_are_those_check_reports_for_the_same_file(tmp_path: Path) -> None:
    """One rule in one place: the draft is checked by the log's own walk."""
    project(tmp_path)
    done = add(tmp_path, "--title", "Something happened", "--date", "2023-09-24", "--source", "s2",
               "--related", "secnod")  # fmt: skip
    assert done.returncode == 1
    [draft] = (tmp_path / "events.d" / "captured" / ".drafts").glob("*.yaml")
    placed = write(tmp_path / "events.d" / "placed.yaml", draft.read_text(encoding="utf-8"))
    check = run_cli("check", cwd=tmp_path)
    shown_draft, shown_placed = str(draft.relative_to(tmp_path)), str(placed.relative_to(tmp_path))
    ours = [line.replace(shown_draft, shown_placed) for line in done.stderr.splitlines()[:-1]]
    assert ours
    assert ours == [line for line in check.stderr.splitlines() if line.startswith(shown_placed)]


def test_hostile_titles_stay_one_string(tmp_path: Path) -> None:
    log = project(tmp_path)
    hostile = [
        "x\nevents:\n  - id: injected\n    title: boom",
        "&anchor *alias !!python/object:os.system",
        "'quoted' \"double\" # not a comment",
        "- [a, b]: {c: d}",
        "--- \n...",
        "null",
        "2023-11-22",
        "tab\there\u2028line\u0085sep\x1b[31mred",
    ]
    for title in hostile:
        done = add(tmp_path, "--title", title, "--date", "2023-11-22", "--source", "s1")
        assert done.returncode == 0, (title, done.stderr)
    loaded = load_valid(log)
    assert "injected" not in loaded.by_id
    titles = {e.title for e in loaded.events}
    assert "x events: - id: injected title: boom" in titles
    assert "&anchor *alias !!python/object:os.system" in titles
    assert "null" in titles
    assert "2023-11-22" in titles
    assert "tab here line sep [31mred" in titles
    for path in captured(tmp_path):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(doc) == ["events"]
        assert len(doc["events"]) == 1


def test_concurrent_adds_never_overwrite_each_other(tmp_path: Path) -> None:
    log = project(tmp_path)
    command = [PYTHON, "-m", "briefer", "add", "--title", "Same title", "--date", "2023-11-22",
               "--source", "https://wire.example/same"]  # fmt: skip
    children = [
        subprocess.Popen(
            command, cwd=tmp_path, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0], outputs
    assert len(captured(tmp_path)) == 4
    ids = sorted(e.id for e in load_valid(log).events if e.title == "Same title")
    assert ids == ["2023-11-22-same-title", *(f"2023-11-22-same-title-{n}" for n in (2, 3, 4))]
    # The first made the source; the others found it in the log.
    assert [s for s in load_valid(log).sources if s.startswith("wire")] == [
        "wire-example-2023-11-22"
    ]
    assert run_cli("check", "--strict", cwd=tmp_path).returncode == 0


def test_editor_template_is_filled_in(tmp_path: Path) -> None:
    log = project(tmp_path)
    env = editor(
        tmp_path,
        "assert text.startswith('# A new event for the log \"Test log\".')\n"
        "text = text.replace('title:\\n', 'title: Typed in the editor\\n')\n"
        "text = text.replace('sources: []', 'sources: [s1]')\n"
        "text += '# a last comment\\n'",
    )
    done = add(tmp_path, "--date", "2023-11-22", "--kind", "statement", env=env)
    assert done.returncode == 0, done.stderr
    event = load_valid(log).by_id["2023-11-22-typed-in-the-editor"]
    assert (event.title, event.kind) == ("Typed in the editor", "statement")
    text = captured(tmp_path)[0].read_text(encoding="utf-8")
    assert "#" not in text
    assert not list((tmp_path / "events.d" / "captured" / ".drafts").glob("*"))


@pytest.mark.parametrize(
    "body", ["text = ''", "text = ''.join(l for l in text.splitlines(True) if l.startswith('#'))"]
)
def test_an_empty_entry_aborts_and_writes_nothing(tmp_path: Path, body: str) -> None:
    project(tmp_path)
    before = hashes(tmp_path)
    done = add(tmp_path, "--edit", "--title", "Never mind", env=editor(tmp_path, body))
    assert done.returncode == 1
    assert done.stderr == "briefer: error: the entry is empty; nothing written\n"
    assert hashes(tmp_path) == {**before, "editor.py": hashes(tmp_path)["editor.py"]}


def test_resume_reopens_the_last_draft(tmp_path: Path) -> None:
    log = project(tmp_path)
    wrong = editor(tmp_path, "text = text.replace('title:\\n', 'title: Almost right\\n')")
    first = add(tmp_path, "--date", "2023-11-22", env=wrong)  # cites no source: refused
    assert first.returncode == 1
    assert "error: event '2023-11-22-almost-right' cites no source" not in first.stderr
    assert "warning: event '2023-11-22-almost-right' cites no source" in first.stderr
    fix = editor(
        tmp_path,
        "assert 'Almost right' in text\ntext = text.replace('sources: []', 'sources: [s1]')",
    )
    second = add(tmp_path, "--resume", env=fix)
    assert second.returncode == 0, second.stderr
    assert "2023-11-22-almost-right" in load_valid(log).by_id
    assert not list((tmp_path / "events.d" / "captured" / ".drafts").glob("*"))
    nothing = add(tmp_path, "--resume", env=fix)
    assert nothing.returncode == 1
    assert "no draft to resume" in nothing.stderr


def test_a_log_without_capture_folder_says_how_to_add_one(tmp_path: Path) -> None:
    project(tmp_path, LOG.replace("capture: events.d/captured/\n", ""))
    done = add(tmp_path, "--title", "X")
    assert done.returncode == 1
    assert "names no capture folder; add 'capture: events.d/captured/'" in done.stderr


def test_capture_folder_not_included_is_a_warning_and_add_refuses(tmp_path: Path) -> None:
    project(tmp_path, LOG.replace(", events.d/captured/*.yaml", ""))
    check = run_cli("check", cwd=tmp_path)
    assert check.stderr == (
        "events.yaml:4:10: warning: capture folder 'events.d/captured' is not covered by "
        "include:, so events captured there are not part of the log; add "
        "'events.d/captured/*.yaml' to include:\n"
    )
    done = add(tmp_path, "--title", "X", "--source", "s1")
    assert done.returncode == 1
    assert "is not covered by include:" in done.stderr


def test_empty_capture_folder_is_no_warning(tmp_path: Path) -> None:
    project(tmp_path)
    assert load_log(str(tmp_path / "events.yaml"), use_cache=False).problems == ()


def test_feeds_header_is_validated(tmp_path: Path) -> None:
    text = LOG.replace(
        "sources:",
        "feeds:\n  - {id: wire, url: 'https://wire.example/rss'}\n  - {id: wire, url: 'ftp://x'}\n"
        "  - {url: 'https://x.example/'}\nsources:",
        1,
    )
    project(tmp_path, text)
    check = run_cli("check", cwd=tmp_path)
    assert check.returncode == 1
    assert check.stderr.splitlines() == [
        "events.yaml:8:10: error: duplicate feed id 'wire' (first at line 7)",
        "events.yaml:9:5: error: feed: missing required key 'id'",
    ]


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("editor scripts need a POSIX shebang")


def test_add_reads_the_log_without_its_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What add needs of the events is where their ids are: it reads the log as a check
    does, each file's part from the cache without its events, and parses nothing."""
    from briefer import filecache
    from briefer.capture.place import Placed, Rejected, capture
    from briefer.model import Pos

    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert load_log("events.yaml").log is not None  # every file's part is cached
    asked: list[bool] = []
    lookup = filecache.lookup

    def spy(key: str, *, with_events: bool = True) -> object:
        asked.append(with_events)
        return lookup(key, with_events=with_events)

    monkeypatch.setattr(filecache, "lookup", spy)
    walked = count_walks(monkeypatch)
    seen: list[tuple[int, dict[str, Pos]]] = []

    def entry(event_id: str) -> Callable[[EventLog, Mapping[str, Pos]], str]:
        def make(log: EventLog, ids: Mapping[str, Pos]) -> str:
            seen.append((len(log.events), dict(ids)))
            return f"events:\n  - id: {event_id}\n    date: 2023-10-02\n    title: T\n" + (
                "    sources: [s1]\n"
            )

        return make

    placed = capture("events.yaml", entry("added"), now=NOW)
    assert isinstance(placed, Placed)
    assert asked
    assert not any(asked)
    assert walked == []
    assert seen == [
        (0, {"first": Pos("events.yaml", 11, 9), "second": Pos("events.d/other.yaml", 5, 9)})
    ]
    # An id taken elsewhere in the log is still refused, saying where it is.
    rejected = capture("events.yaml", entry("second"), now=NOW)
    assert isinstance(rejected, Rejected)
    assert [p.message for p in rejected.problems] == [
        "duplicate event id 'second' (first at events.d/other.yaml:5:9)"
    ]
