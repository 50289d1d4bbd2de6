"""Compiled templates are kept between renders, and follow their templates' source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from briefer.cache import cache_dir
from briefer.render.templating import make_environment, render_template
from tests.helpers import write


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates Jinja compiles from here on, by name."""
    names: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *a: Any) -> Any:
        names.append(name or "")
        return compile_(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_a_template_is_compiled_once_until_it_changes(tmp_path: Path, compiled: list[str]) -> None:
    templates = tmp_path / "tpl"
    page = write(templates / "brief.md.j2", "first {{ 1 + 1 }}\n")
    assert render_template(make_environment([templates]), "brief.md.j2") == "first 2\n"
    assert compiled == ["brief.md.j2"]
    assert len(list((cache_dir() / "templates").rglob("*.cache"))) == 1
    # the next render (a new environment, as a new process has) compiles nothing
    assert render_template(make_environment([templates]), "brief.md.j2") == "first 2\n"
    assert compiled == ["brief.md.j2"]
    # an edited template is compiled again, whatever its size and time
    page.write_text("later {{ 2 + 2 }}\n", encoding="utf-8")
    assert render_template(make_environment([templates]), "brief.md.j2") == "later 4\n"
    assert compiled == ["brief.md.j2", "brief.md.j2"]


def test_a_cache_that_cannot_be_written_or_read_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiled: list[str]
) -> None:
    blocker = write(tmp_path / "not-a-folder", "x")
    monkeypatch.setenv("BRIEFER_CACHE_DIR", str(blocker))
    templates = tmp_path / "tpl"
    write(templates / "brief.md.j2", "plain\n")
    for _ in range(2):
        assert render_template(make_environment([templates]), "brief.md.j2") == "plain\n"
    assert compiled == ["brief.md.j2", "brief.md.j2"]
    # a damaged entry is compiled afresh and replaced
    monkeypatch.setenv("BRIEFER_CACHE_DIR", str(tmp_path / "cache"))
    render_template(make_environment([templates]), "brief.md.j2")
    (entry,) = (tmp_path / "cache" / "templates").rglob("*.cache")
    entry.write_bytes(entry.read_bytes()[:40] + b"\x00garbage")
    assert render_template(make_environment([templates]), "brief.md.j2") == "plain\n"
    assert render_template(make_environment([templates]), "brief.md.j2") == "plain\n"
    assert compiled == ["brief.md.j2"] * 4


def test_no_cache_compiles_afresh_and_keeps_nothing(tmp_path: Path, compiled: list[str]) -> None:
    templates = tmp_path / "tpl"
    write(templates / "brief.md.j2", "plain\n")
    for _ in range(2):
        env = make_environment([templates], compiled=False)
        assert render_template(env, "brief.md.j2") == "plain\n"
    assert compiled == ["brief.md.j2", "brief.md.j2"]
    assert not (cache_dir() / "templates").exists()
