"""Interchange with other tools: exports (iCalendar, JSON, CSV, TimelineJS) and imports
(ACLED, TimelineJS)."""
