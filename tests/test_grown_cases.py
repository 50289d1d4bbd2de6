"""More appends, and sequences of edits, after which a load through the cache and a reload
in memory give what a fresh load gives: text YAML would read as part of the old last item,
text after the events list, line breaks PyYAML counts that are not newlines, and edits of
the main file between appends."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefer.loader import load_log
from briefer.reload import reload_log
from tests.helpers import count_grown
from tests.test_grown import ITEM, MAIN, YEAR, make_log

BLOCK = YEAR + "    summary: |\n      Talks are due.\n      Second line.\n"
KEEP = YEAR + "    summary: |+\n      Talks are due.\n"
FOLDED = YEAR + "    summary: >\n      Talks are due.\n      Second line.\n"

#: name → (the file's text first, then a list of steps); a step is ("append", text),
#: ("write", text), ("cut", n bytes kept) or ("main", main file text)
CASES: dict[str, tuple[str, list[tuple[str, object]]]] = {
    "plain item": (YEAR, [("append", ITEM)]),
    # a deeper comment-like line is text of the old block scalar
    "literal: deeper comment then item": (BLOCK, [("append", "      # not a comment\n" + ITEM)]),
    "literal: blank with spaces then item": (BLOCK, [("append", "        \n" + ITEM)]),
    "literal: spaces to content indent then item": (BLOCK, [("append", "       \n" + ITEM)]),
    "literal: blank line then item": (BLOCK, [("append", "\n" + ITEM)]),
    "keep literal: blank line then item": (KEEP, [("append", "\n" + ITEM)]),
    "keep literal: two blank lines then item": (KEEP, [("append", "\n\n" + ITEM)]),
    "keep literal: comment then item": (KEEP, [("append", "# c\n" + ITEM)]),
    "keep literal: shallow comment then item": (KEEP, [("append", "    # c\n" + ITEM)]),
    # a deeper comment-like line is text of the old block scalar
    "keep literal: deep comment then item": (KEEP, [("append", "      # c\n" + ITEM)]),
    # a deeper comment-like line is text of the old block scalar
    "folded: deeper comment then item": (FOLDED, [("append", "      # not a comment\n" + ITEM)]),
    "folded: blank with spaces then item": (FOLDED, [("append", "          \n" + ITEM)]),
    # what follows the list (the skeleton past body_end) is never walked
    "item then sources": (
        YEAR,
        [("append", ITEM + "sources:\n  - {id: s9, title: Ninth source}\n")],
    ),
    # what follows the list is never walked
    "item then a key the include may not hold": (YEAR, [("append", ITEM + "title: Nope\n")]),
    # what follows the list is never walked
    "item then a document start": (YEAR, [("append", ITEM + "---\n")]),
    # what follows the list is never walked
    "item then a second document": (YEAR, [("append", ITEM + "---\nevents: []\n")]),
    "item then a document end": (YEAR, [("append", ITEM + "...\n")]),
    # what follows the list is never walked
    "item then document end and junk": (YEAR, [("append", ITEM + "...\n- junk\n")]),
    # what follows the list is never walked
    "item then judgments": (
        YEAR,
        [("append", ITEM + "judgments:\n  - {id: j1, date: 2024-05-01, title: J}\n")],
    ),
    # what follows the list is never walked
    "item then a column-0 scalar": (YEAR, [("append", ITEM + "junk\n")]),
    # what follows the list is never walked
    "item then an events key again": (YEAR, [("append", ITEM + "events: []\n")]),
}

CRLF_ITEMS = YEAR.replace("    title: First event\n", "    title: First event\r\n")
#: Old items holding a line break PyYAML counts that is not a newline (in a comment).
LONE_CR = YEAR.replace(
    "    sources: [s1]\n  - id: second", "    sources: [s1]\n    # a\r    # b\n  - id: second"
)
NEL = YEAR.replace(
    "    sources: [s1]\n  - id: second", "    sources: [s1]\n    # a\u0085\n  - id: second"
)
LSEP = YEAR.replace(
    "    sources: [s1]\n  - id: second", "    sources: [s1]\n    # a\u2028\n  - id: second"
)
AT0 = YEAR.replace("\n  ", "\n")
OTHER_DUP = ITEM.replace("id: added", "id: yfirst")
DEADLINE = (
    "  - id: due\n    date: 2024-06-01\n    kind: deadline\n    title: Due\n    sources: [s1]\n"
)
FOLLOWS = YEAR + "    related: [due]\n"
TABBED = YEAR.replace("    title: First event", "    title:\tFirst event")
UNI = YEAR.replace("First event", "Ëvent ☃ 𝄞")

CASES.update(
    {
        "crlf in old items, then item": (CRLF_ITEMS, [("append", ITEM)]),
        # the new items' lines are counted in newlines; PyYAML counted the old CR
        "lone CR in an old comment, then item": (LONE_CR, [("append", ITEM)]),
        # the new items' lines are counted in newlines; PyYAML counted the old NEL
        "NEL in an old comment, then item": (NEL, [("append", ITEM)]),
        # the new items' lines are counted in newlines; PyYAML counted U+2028
        "LINE SEPARATOR in an old comment, then item": (LSEP, [("append", ITEM)]),
        # the new items' lines are counted in newlines; PyYAML counted the old CR
        "lone CR in an old comment, then a warning item": (
            LONE_CR,
            [("append", ITEM.replace("2024-04-01", "2025-03-30T02:30"))],
        ),
        "items at column 0, then item": (AT0, [("append", ITEM.replace("\n  ", "\n").lstrip())]),
        # what follows the list is never walked
        "items at column 0, then item and ---": (
            AT0,
            [("append", ITEM.replace("\n  ", "\n").lstrip() + "---\n")],
        ),
        "item without a final newline": (YEAR, [("append", ITEM.rstrip("\n"))]),
        "item with an id of another file": (YEAR, [("append", OTHER_DUP)]),
        "a deadline an old item follows up": (FOLLOWS, [("append", DEADLINE)]),
        "tab in old item, then item": (TABBED, [("append", ITEM)]),
        "unicode old and new": (UNI, [("append", ITEM.replace("Added event", "Ådded ☃ 𝄞"))]),
        "a flow sequence item": (YEAR, [("append", "  - [a, b]\n")]),
        "a comment at column 1 then item": (YEAR, [("append", " # odd\n" + ITEM)]),
        "a comment at column 3 then item": (YEAR, [("append", "   # odd\n" + ITEM)]),
        "item with a trailing comment at column 0": (YEAR, [("append", ITEM + "# end\n")]),
        "append, append, cut back, append": (
            YEAR,
            [
                ("append", ITEM),
                ("append", ITEM.replace("added", "added2")),
                ("cut", len(YEAR.encode())),
                ("append", ITEM.replace("added", "added3")),
            ],
        ),
        "append, cut mid, append": (
            YEAR,
            [
                ("append", ITEM),
                ("cut", len(YEAR.encode()) + 10),
                ("append", "\n" + ITEM.replace("added", "x")),
            ],
        ),
        "append, then main timezone, then append": (
            YEAR,
            [
                ("append", ITEM),
                ("main", MAIN.replace("Europe/Belgrade", "America/New_York")),
                (
                    "append",
                    ITEM.replace("added", "added2").replace("2024-04-01", "2024-03-10T02:30"),
                ),
            ],
        ),
        "main timezone and append together": (
            YEAR,
            [("main", MAIN.replace("Europe/Belgrade", "UTC")), ("append", ITEM)],
        ),
        "main timezone, back, append": (
            YEAR,
            [
                ("main", MAIN.replace("Europe/Belgrade", "UTC")),
                ("main", MAIN),
                ("append", ITEM.replace("2024-04-01", "2024-03-31T02:30")),
            ],
        ),
        "kinds in main, then append using one": (
            YEAR,
            [
                ("main", MAIN + "kinds: [ruling]\n"),
                ("append", ITEM + "    kind: ruling\n"),
            ],
        ),
        "append using a kind, then the main file declares it": (
            YEAR,
            [
                ("append", ITEM + "    kind: ruling\n"),
                ("main", MAIN + "kinds: [ruling]\n"),
                ("append", ITEM.replace("added", "z")),
            ],
        ),
    }
)

KEEP_ACTOR = YEAR + "    actors: |+\n      Ministry\n"
CLIP_ACTOR = YEAR + "    actors: |\n      Ministry\n"
EMPTY_BLOCK = YEAR + "    summary: |\n"
NESTED = YEAR + "    location:\n      name: >\n        Belgrade\n"
SRC_FIRST = "sources:\n  - {id: s5, title: Five}\n" + YEAR

CASES.update(
    {
        # blank lines appended are kept by the old |+ scalar
        "keep literal actor: blank line then item": (KEEP_ACTOR, [("append", "\n" + ITEM)]),
        # blank lines appended are kept by the old |+ scalar
        "keep literal actor: blank lines and a comment then item": (
            KEEP_ACTOR,
            [("append", "\n\n# c\n" + ITEM)],
        ),
        # a spaces-only line deeper than the scalar's text is text
        "literal actor: deeper spaces-only line then item": (
            CLIP_ACTOR,
            [("append", "          \n" + ITEM)],
        ),
        # a spaces-only line deeper than the scalar's text is text
        "literal actor: blank then deeper spaces-only line then item": (
            CLIP_ACTOR,
            [("append", "\n          \n" + ITEM)],
        ),
        # a deeper comment-like line is text of the old block scalar
        "empty literal: deep comment then item": (EMPTY_BLOCK, [("append", "      # hi\n" + ITEM)]),
        # a deeper comment-like line is text of the old block scalar
        "nested folded: deep comment then item": (NESTED, [("append", "        # hi\n" + ITEM)]),
        "nested folded: comment at the key's indent then item": (
            NESTED,
            [("append", "      # hi\n" + ITEM)],
        ),
        "a source of this file cited by the new item": (
            SRC_FIRST,
            [("append", ITEM.replace("[s2]", "[s5]"))],
        ),
    }
)

CASES.update(
    {
        # (not here: a tags value nested 3000 deep raises RecursionError in a fresh load too)
        "an item at indent 3": (
            YEAR,
            [("append", "   - id: x\n     date: 2024-05-01\n     title: X\n")],
        ),
        "an item with its keys at indent 6": (
            YEAR,
            [
                (
                    "append",
                    "  -   id: x\n      date: 2024-05-01\n      title: X\n      sources: [s1]\n",
                )
            ],
        ),
        "a dash alone then keys": (
            YEAR,
            [("append", "  -\n    id: x\n    date: 2024-05-01\n    title: X\n    sources: [s1]\n")],
        ),
        "not UTF-8 after the item": (YEAR, [("append", ITEM.encode() + b"# \xff\n")]),
        "a document end then a comment": (YEAR, [("append", ITEM + "...\n# done\n")]),
        "a document end before the item": (YEAR, [("append", "...\n" + ITEM)]),
    }
)


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The log of tests/test_grown.py."""
    monkeypatch.chdir(tmp_path)
    return make_log(tmp_path)


def _apply(root: Path, step: tuple[str, object]) -> None:
    what, arg = step
    year = root / "events.d" / "2024.yaml"
    if what == "append":
        with year.open("ab") as f:
            f.write(arg.encode("utf-8") if isinstance(arg, str) else arg)  # type: ignore[arg-type]
    elif what == "write":
        year.write_bytes(arg.encode("utf-8") if isinstance(arg, str) else arg)  # type: ignore[arg-type]
    elif what == "cut":
        with year.open("r+b") as f:
            f.truncate(arg)  # type: ignore[arg-type]
    elif what == "main":
        (root / "events.yaml").write_text(arg, encoding="utf-8")  # type: ignore[arg-type]
    else:
        raise AssertionError(what)


def _start(log: Path, text: str) -> None:
    year = log.parent / "events.d" / "2024.yaml"
    year.write_bytes(text.encode("utf-8"))


@pytest.mark.parametrize("name", list(CASES))
def test_load_after_steps_is_a_fresh_load(
    log: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text, steps = CASES[name]
    _start(log, text)
    load_log("events.yaml")
    grown = count_grown(monkeypatch)
    for step in steps:
        _apply(log.parent, step)
        again = load_log("events.yaml")
        fresh = load_log("events.yaml", use_cache=False)
        assert again == fresh, (name, step, grown)
        checked = load_log("events.yaml", need_log=False)
        assert checked.problems == fresh.problems


@pytest.mark.parametrize("name", list(CASES))
def test_reload_after_steps_is_a_fresh_load(
    log: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text, steps = CASES[name]
    _start(log, text)
    includes: list[tuple[str, str]] = []
    first = load_log("events.yaml", includes=includes)
    grown = count_grown(monkeypatch)
    shown, read = first.log, tuple(includes)
    for step in steps:
        _apply(log.parent, step)
        fresh = load_log("events.yaml", use_cache=False)
        if shown is None:
            again = load_log("events.yaml")
            assert again == fresh, (name, step, grown)
            includes = []
            load_log("events.yaml", includes=includes)
            shown, read = again.log, tuple(includes)
            continue
        loaded = reload_log("events.yaml", shown, read)
        assert loaded.result == fresh, (name, step, grown)
        shown, read = loaded.result.log, loaded.includes


def test_a_file_grown_between_stat_and_read(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process appends between the stamp's stat and the read: the memo's size is
    then older than its digest."""
    from briefer import filestamps
    from briefer.files import read_log_file as reads

    once = [True]

    def racing(path: str) -> bytes:
        if once[0] and path.endswith("2024.yaml"):
            once[0] = False
            _apply(log.parent, ("append", ITEM))
        return reads(path)

    monkeypatch.setattr(filestamps, "read_log_file", racing)
    load_log("events.yaml")
    _apply(log.parent, ("append", ITEM.replace("added", "later")))
    assert load_log("events.yaml") == load_log("events.yaml", use_cache=False)
    _apply(log.parent, ("append", ITEM.replace("added", "last")))
    assert load_log("events.yaml") == load_log("events.yaml", use_cache=False)


def test_a_stale_stamps_file(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo put back as it was two versions ago (a restored cache folder)."""
    import shutil

    from briefer import cache

    load_log("events.yaml")
    stamps = next((cache.cache_dir() / "logs").glob("*.stamps"))
    shutil.copy(stamps, str(stamps) + ".old")
    _apply(log.parent, ("append", ITEM))
    load_log("events.yaml")
    shutil.copy(str(stamps) + ".old", stamps)
    _apply(log.parent, ("append", ITEM.replace("added", "later")))
    assert load_log("events.yaml") == load_log("events.yaml", use_cache=False)
    stamps.unlink()
    _apply(log.parent, ("append", ITEM.replace("added", "last")))
    assert load_log("events.yaml") == load_log("events.yaml", use_cache=False)
