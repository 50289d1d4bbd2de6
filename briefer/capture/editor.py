"""The editor's side of capture: a commented template, ``$EDITOR`` on it, what comes back.

As with ``git commit``: lines starting with ``#`` are dropped, and a file left
with nothing else aborts. An event left without an ``id:`` gets one made of
its date and title, written in as one more line (a slug: nothing to escape).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Container, Sequence
from datetime import tzinfo

import yaml

from briefer.capture.ids import event_id
from briefer.model import EventLog

__all__ = ["editor_command", "run_editor", "strip_comments", "template", "with_id"]

_HELP = """\
# A new event for the log "{title}".
#
# Lines starting with '#' are dropped; save a file with nothing else to abort
# (nothing is written). The entry is checked with the whole log before it is
# put in place; if something is wrong, nothing is written and this draft is
# kept: 'briefer add --resume' opens it again.
#
# An event: id (made from date and title when left out), date, title, kind,
# summary (Markdown), actors, location, tags, sources (ids of the log's
# sources, or of new ones under sources:), significance (1-5), confidence
# (high, moderate, low), figures, related.
# Kinds: {kinds}.
# Dates: 2023-09-24, 2023-09-24T07:30, 2023-11 (a month), 2023-11~ (about),
# 2023-11? (uncertain), 2023-09-24/2023-09-30 (an interval).
"""


def template(log: EventLog, body: str, notes: Sequence[str] = ()) -> str:
    """The text the editor opens: help and ``notes`` as comments, then the entry's YAML."""
    head = _HELP.format(title=_comment_safe(log.title), kinds=", ".join(log.kinds))
    extra = "".join(f"# {_comment_safe(n)}\n" if n else "#\n" for n in notes)
    return head + ("#\n" + extra if extra else "") + body


def _comment_safe(text: str) -> str:
    """One line of a comment (a newline would end the comment and start YAML)."""
    return " ".join(text.split())


def strip_comments(text: str) -> str:
    """``text`` without the lines starting with ``#`` (as ``git commit`` reads a message)."""
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    return "".join(kept)


def with_id(text: str, tz: tzinfo, taken: Container[str]) -> str:
    """``text`` with an ``id:`` line given to an event that has none (block style only).

    Anything unexpected (bad YAML, a flow mapping, no title) leaves the text as
    it is: the check then says what is missing, pointing into the draft.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return text
    if not isinstance(root, yaml.MappingNode):
        return text
    events = next((v for k, v in root.value if getattr(k, "value", None) == "events"), None)
    if not isinstance(events, yaml.SequenceNode) or len(events.value) != 1:
        return text
    event = events.value[0]
    if not isinstance(event, yaml.MappingNode) or event.flow_style or not event.value:
        return text
    pairs = {getattr(k, "value", None): v for k, v in event.value}
    title, date = pairs.get("title"), pairs.get("date")
    if "id" in pairs or not isinstance(title, yaml.ScalarNode) or not title.value.strip():
        return text
    if not isinstance(date, yaml.ScalarNode):
        return text
    new_id = event_id(date.value, title.value, tz, taken)
    mark = event.value[0][0].start_mark
    lines = text.splitlines(keepends=True)
    line = lines[mark.line]
    lines[mark.line] = (
        f"{line[: mark.column]}id: {new_id}\n{' ' * mark.column}{line[mark.column :]}"
    )
    return "".join(lines)


def editor_command() -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, else ``vi``, split as a shell would."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(editor)


def run_editor(path: str, line: int = 1) -> int:
    """Run the editor on ``path`` at ``line`` in this terminal; its exit status.

    OSError when it cannot be started.
    """
    return subprocess.call([*editor_command(), f"+{line}", path])
