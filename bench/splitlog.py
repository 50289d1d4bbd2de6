"""Split a generated log into a main file and N included files, as an analyst splits a big one.

Usage::

    python bench/genlog.py 100000 | python bench/splitlog.py --parts 100 --output DIR

writes ``DIR/events.yaml`` (the header, metrics and sources, and
``include: [events.d/*.yaml]``) and ``DIR/events.d/part-000.yaml`` …, each
holding an equal share of the events in log order. Comments and blank lines
between events go with the event after them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["split_log", "write_split"]

_ITEM = "  - id: "


def split_log(text: str, parts: int) -> tuple[str, list[str]]:
    """The main file's text and each part's (``events:`` lists) for a log whose
    ``events:`` key comes last, with items written as ``  - id: …`` blocks."""
    head, sep, body = text.partition("\nevents:\n")
    if not sep:
        raise ValueError("the log has no top-level 'events:' key")
    blocks: list[str] = []
    current: list[str] = []
    for line in body.splitlines(keepends=True):
        if line.startswith(_ITEM) and any(c.startswith(_ITEM) for c in current):
            blocks.append("".join(current))
            current = []
        current.append(line)
    if current:
        blocks.append("".join(current))
    size = -(-len(blocks) // parts) if blocks else 1
    texts = ["events:\n" + "".join(blocks[i : i + size]) for i in range(0, len(blocks), size)]
    main = head + "\ninclude: [events.d/*.yaml]\nevents: []\n"
    return main, texts


def write_split(text: str, parts: int, folder: Path) -> list[Path]:
    """Write the split log under ``folder``; the included files' paths, in order."""
    main, texts = split_log(text, parts)
    (folder / "events.d").mkdir(parents=True, exist_ok=True)
    (folder / "events.yaml").write_text(main, encoding="utf-8")
    paths = []
    for i, part in enumerate(texts):
        path = folder / "events.d" / f"part-{i:03d}.yaml"
        path.write_text(part, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--parts", type=int, default=100, help="included files (default 100)")
    parser.add_argument("--output", type=Path, required=True, help="folder to write into")
    args = parser.parse_args()
    write_split(sys.stdin.read(), args.parts, args.output)


if __name__ == "__main__":
    main()
