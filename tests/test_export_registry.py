"""The export registry: one module per format, and every list of formats comes from it."""

from __future__ import annotations

import subprocess

import pytest

from briefer.exchange.export import EXPORTERS, export, export_formats
from tests.helpers import PYTHON, REPO, load_valid, run_cli


def test_registry_names_each_format_once() -> None:
    assert export_formats() == ["ics", "json", "timelinejs", "csv", "geojson"]
    assert len({e.name for e in EXPORTERS}) == len(EXPORTERS)


def test_cli_choices_and_help_come_from_the_registry() -> None:
    text = " ".join(run_cli("export", "--help").stdout.split())
    assert f"--format [{'|'.join(export_formats())}]" in text
    for exporter in EXPORTERS:
        assert f"{exporter.name}: {exporter.help}" in text


def test_export_dispatches_by_name() -> None:
    log = load_valid(REPO / "events.yaml")
    for exporter in EXPORTERS:
        assert export(log, log.events, exporter.name) == exporter.export(log, log.events)
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        export(log, log.events, "xml")


def test_list_csv_is_the_csv_export() -> None:
    assert run_cli("list", "--format", "csv").stdout == run_cli("export", "--format", "csv").stdout


def test_listing_the_formats_loads_no_log_code() -> None:
    # The CLI builds its --format choices at import; the exporters' own code and
    # the report series must still wait for a command that needs them. (The
    # model and dates are loaded: the query-field table builds `list --help`.)
    code = (
        "import sys, briefer.cli; print(sorted(m for m in sys.modules if m.startswith('briefer')))"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    for heavy in ("briefer.records", "briefer.series.manifest", "briefer.loader", "briefer.cache"):
        assert f"'{heavy}'" not in out
