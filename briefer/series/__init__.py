"""The report series: briefs numbered per log, each recorded, each compared with the last.

``manifest`` keeps ``reports/manifest.json`` (the record of every brief, file
names, report numbers) and the per-brief scope files; ``changes`` compares
two scopes; ``period`` decides where a brief's period starts (``--since
last``) and whether anything is new (``--if-changed``); ``lock`` lets one
render at a time write into a folder. ``briefer.render.pipeline`` uses them
and only renders and writes.

Nothing is re-exported here: ``briefer.brief`` imports ``changes`` while
``period`` imports ``briefer.brief``.
"""
