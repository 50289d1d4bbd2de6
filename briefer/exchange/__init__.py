"""Interchange with other tools: exports in ``export/`` (one module per format — iCalendar,
JSON, CSV, TimelineJS — and their registry) and imports in ``imports`` (ACLED, TimelineJS)."""
