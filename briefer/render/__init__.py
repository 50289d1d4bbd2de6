"""Rendering: BriefContext → Markdown (Jinja) → HTML (markdown-it) → PDF (WeasyPrint).

``templating`` holds the Jinja environment and its filters (``escape`` makes
untrusted text literal Markdown), ``summary`` makes one event summary
self-contained inside the brief's Markdown, ``markdown`` turns Markdown into
safe HTML, ``pdf`` prints HTML to PDF with WeasyPrint boxed in by ``fetch``
(what the engine may load), ``glyphs`` reports the characters its fonts lack,
``charts/`` draws the SVG charts, ``outputs/`` is the registry of files a brief
is written as (Markdown, PDF), and ``pipeline`` composes the brief once and
hands it to each output. Importing this package stays cheap — markdown-it,
Jinja and WeasyPrint load only when a brief is rendered — so ``briefer check``
and the TUI start fast.
"""
