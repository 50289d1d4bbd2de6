"""The filter language shared by ``briefer list``, ``render --filter`` and the browser.

A query is a list of terms separated by spaces; an event matches when every
term does: a plain word or ``"a phrase"`` (free text), ``FIELD:VALUE`` (or
``sig>=N``), and ``-TERM`` to negate any of them.

``fields`` holds the one table of fields (name, operators, compiler, example,
help); it drives parsing, ``briefer list --help`` and :func:`help_lines` for
the browser. A new field is one :class:`QueryField` row there. ``terms`` holds
the values parsing produces, ``parse`` the tokenizer, :func:`parse_query` (and
:func:`parse_log_query`, which passes what a log knows) and :class:`Query`.
"""

from __future__ import annotations

from briefer.query.fields import FIELDS, QUERY_FIELDS, QueryField, help_lines, help_rows
from briefer.query.parse import Query, parse_log_query, parse_query, refines
from briefer.query.terms import QueryError, Term

__all__ = [
    "FIELDS",
    "QUERY_FIELDS",
    "Query",
    "QueryError",
    "QueryField",
    "Term",
    "help_lines",
    "help_rows",
    "parse_log_query",
    "parse_query",
    "refines",
]
