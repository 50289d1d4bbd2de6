"""The browser's keys, in one table: it feeds the app's and the timeline's bindings,
the command palette, the help screen and the ``browse`` command's help.

No Textual here, so the command line can show the keys without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KEYS", "Bind", "Key", "app_binds", "help_lines", "help_table", "widget_binds"]


@dataclass(frozen=True)
class Bind:
    """A binding a widget declares (the timeline's ``j``), built from its key's row."""

    #: The keys as Textual names them, separated by commas: ``down,j``.
    keys: str
    #: The widget's action it runs (``cursor_down`` runs ``action_cursor_down``).
    action: str
    #: Its label (the footer's, when shown).
    label: str
    #: Shown in the footer.
    show: bool = False


@dataclass(frozen=True)
class Key:
    """One key (or a group of keys doing alike) and where it is offered."""

    #: The keys as the help writes them, separated by spaces: ``g G``.
    keys: str
    #: What it does, for the help screen (Markdown).
    does: str
    #: The app action it runs (``today`` runs ``action_today``); None: another widget's key.
    action: str | None = None
    #: The key Textual binds on the app (``slash``); None: not an app binding.
    bind: str | None = None
    #: The footer's label for an app binding.
    label: str = ""
    #: Shown in the footer (the help screen and the palette list every key anyway).
    footer: bool = True
    #: The command palette's title; empty: not in the palette.
    title: str = ""
    #: The command palette's help (the key is added after it).
    palette: str = ""
    #: Shown on the previous key's help row, after a ``·``.
    same_row: bool = False
    #: The widget that binds these keys itself (``timeline``), and its bindings.
    widget: str = ""
    binds: tuple[Bind, ...] = ()


KEYS: tuple[Key, ...] = (
    Key(
        "/",
        "filter; `escape` clears it and returns to the timeline, `enter` keeps it",
        action="focus_filter",
        bind="slash",
        label="Filter",
        title="Filter",
        palette="Focus the filter bar",
    ),
    Key(
        "enter",
        "show the event in the detail pane (and move there; `escape` comes back)",
        widget="timeline",
        binds=(Bind("enter", "choose", "Show"),),
    ),
    Key(
        "↑ ↓ j k",
        "previous / next event",
        widget="timeline",
        binds=(Bind("up,k", "cursor_up", "Up"), Bind("down,j", "cursor_down", "Down")),
    ),
    Key(
        "g G",
        "first / last event",
        widget="timeline",
        binds=(Bind("home,g", "first", "First"), Bind("end,G", "last", "Last")),
    ),
    Key(
        "pageup pagedown",
        "a page up / down",
        same_row=True,
        widget="timeline",
        binds=(Bind("pageup", "page_up", "Page up"), Bind("pagedown", "page_down", "Page down")),
    ),
    Key(
        "t",
        "the event nearest to today (or the as-of time)",
        action="today",
        bind="t",
        label="Today",
        title="Jump to today",
        palette="The event nearest to now",
    ),
    Key(
        "space",
        "mark / unmark the event for the brief",
        action="toggle_mark",
        title="Mark / unmark event",
        palette="Mark the selected event for the brief",
        widget="timeline",
        binds=(Bind("space", "toggle_mark", "Mark", show=True),),
    ),
    Key("", "", action="clear_marks", title="Clear marks", palette="Unmark every event"),
    Key(
        "r",
        "render a brief of the marked events, or else of the filter, in the background",
        action="render",
        bind="r",
        label="Render",
        title="Render brief",
        palette="Of the marked events, or else the filter",
    ),
    Key(
        "e",
        "edit the event in `$EDITOR` (else `vi`) at its line; the log reloads after",
        action="edit",
        bind="e",
        label="Edit",
        title="Edit event",
        palette="Open $EDITOR at the event",
    ),
    Key(
        "n",
        "new event in `$EDITOR`, from the selected event's date, kind and tags; selected after",
        action="new_event",
        bind="n",
        label="New",
        title="New event",
        palette="Write a new event in $EDITOR (a new file in the capture folder)",
    ),
    Key(
        "i",
        "the feed inbox: `enter` preview, `a` accept (in `$EDITOR`), `d` dismiss, `f` fetch",
        action="inbox",
        bind="i",
        label="Inbox",
        footer=False,
        title="Feed inbox",
        palette="Items of the log's feeds, to accept as events or dismiss",
    ),
    Key(
        "o",
        "open the event's first source URL",
        action="open_source",
        bind="o",
        label="Open",
        title="Open source",
        palette="Open the event's first source URL",
    ),
    Key(
        "R",
        "reload the log (it also reloads by itself when a file changes)",
        action="reload",
        bind="R",
        label="Reload",
        title="Reload log",
        palette="Read the log again",
    ),
    Key(
        "J",
        "key judgments as of now; `enter`: revisions and basis, `enter` on an event selects it",
        action="judgments",
        bind="J",
        label="Judgments",
        footer=False,
        title="Key judgments",
        palette="The current judgments, their history and basis",
    ),
    Key(
        "I",
        "indicators board; `enter` filters the timeline to an indicator's observations",
        action="indicators",
        bind="I",
        label="Indicators",
        footer=False,
        title="Indicators",
        palette="The indicators board",
    ),
    Key("ctrl+p", "command palette: every action by name, and themes"),
    Key(
        "?",
        "this help",
        action="help",
        bind="question_mark",
        label="Help",
        title="Help",
        palette="Keys and the query language",
    ),
    Key("q", "quit", action="quit", bind="q", label="Quit", same_row=True),
)


def widget_binds(widget: str) -> list[Bind]:
    """The bindings ``widget`` declares (``timeline``), in the table's order."""
    return [bind for key in KEYS if key.widget == widget for bind in key.binds]


def app_binds(*actions: str) -> list[Bind]:
    """The app's bindings of ``actions`` (``reload``), for a modal screen to declare.

    A modal screen hides the app's bindings; one that should still reload (say)
    binds the app's key to ``app.reload`` itself.
    """
    return [
        Bind(key.bind, f"app.{key.action}", key.label)
        for key in KEYS
        if key.bind and key.action in actions
    ]


def _rows() -> list[tuple[list[str], list[str]]]:
    """The help's rows: the key groups and their texts, joined later with ``·``."""
    rows: list[tuple[list[str], list[str]]] = []
    for key in KEYS:
        if not key.keys:
            continue
        if key.same_row and rows:
            rows[-1][0].append(key.keys)
            rows[-1][1].append(key.does)
        else:
            rows.append(([key.keys], [key.does]))
    return rows


def help_table() -> str:
    """The help screen's table of keys (Markdown)."""
    lines = ["| key | does |", "|---|---|"]
    for keys, does in _rows():
        shown = " · ".join(" ".join(f"`{k}`" for k in group.split()) for group in keys)
        lines.append(f"| {shown} | {' · '.join(does)} |")
    return "\n".join(lines)


def help_lines() -> list[str]:
    """The keys as plain lines (``t  the event nearest…``), for the command line's help."""
    rows = [(" · ".join(keys), " · ".join(does).replace("`", "")) for keys, does in _rows()]
    width = max(len(keys) for keys, _ in rows)
    return [f"{keys:<{width}}  {does}" for keys, does in rows]
