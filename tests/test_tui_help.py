from __future__ import annotations

from briefer.query.fields import QUERY_FIELDS
from briefer.tui.help import help_text


def test_help_lists_every_query_field_from_the_one_table() -> None:
    for field in QUERY_FIELDS:
        assert field.example in help_text()
