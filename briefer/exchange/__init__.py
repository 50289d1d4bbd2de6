"""Interchange with other tools: exports in ``export/`` (one module per format — iCalendar,
JSON, CSV, TimelineJS — and their registry) and imports in ``imports/`` (one reader per
source — ACLED, TimelineJS — and what they share: the result, ids, the checked YAML)."""
