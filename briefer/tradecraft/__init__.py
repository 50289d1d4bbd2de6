"""Analytic tradecraft (SPEC §7): source grades, likelihood terms, judgments, indicators.

No I/O here: these modules read a loaded :class:`~briefer.model.EventLog`.

- ``grades.py``: the Admiralty source reliability (A–F) and information
  credibility (1–6) scales, and the combined code a citation shows (``B2``).
- ``terms.py``: ICD 203's likelihood terms (both rows, with their ranges) and
  the confidence vocabulary, and finding either inside a judgment's statement.
- ``judgments.py``: which judgments are current at an instant, and each one's
  revision history.
- ``indicators.py``: an indicator's status at an instant, its observations in
  a period and the period before, and the trend.
"""
