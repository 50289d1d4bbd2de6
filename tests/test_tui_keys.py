"""The table of browser keys feeds the bindings, the palette, the help screen and the CLI."""

from __future__ import annotations

from textual.binding import Binding

from briefer.tui import BrieferApp
from briefer.tui.help import help_text
from briefer.tui.keys import KEYS, help_lines, widget_binds
from briefer.tui.timeline import Timeline


def test_every_action_in_the_table_exists_on_the_app() -> None:
    for key in KEYS:
        if key.action is not None:
            assert callable(getattr(BrieferApp, f"action_{key.action}", None)), key


def test_app_bindings_come_from_the_table() -> None:
    bound = [
        (b.key, b.action, b.description) for b in BrieferApp.BINDINGS if isinstance(b, Binding)
    ]
    assert bound == [(k.bind, k.action, k.label) for k in KEYS if k.bind]


def test_the_help_and_the_command_line_list_every_key() -> None:
    lines = help_lines()
    for key in KEYS:
        if key.keys:
            assert any(key.keys in line for line in lines), key
            assert " ".join(f"`{k}`" for k in key.keys.split()) in help_text(), key
    assert lines[-1].split() == ["?", "·", "q", "this", "help", "·", "quit"]


def test_timeline_bindings_come_from_the_key_table() -> None:
    bound = [(b.key, b.action, b.show) for b in Timeline.BINDINGS if isinstance(b, Binding)]
    assert bound == [(b.keys, b.action, b.show) for b in widget_binds("timeline")]
    assert ("space", "toggle_mark", True) in bound


def test_no_key_is_bound_twice() -> None:
    bound = [k.bind for k in KEYS if k.bind]
    bound += [name for b in widget_binds("timeline") for name in b.keys.split(",")]
    assert len(bound) == len(set(bound)), bound
    assert {"J", "I"} <= set(bound)  # upper case: j and k move
