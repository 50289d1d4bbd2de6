"""Rendering: BriefContext → Markdown (Jinja) → HTML (markdown-it) → PDF (WeasyPrint).

``templating`` holds the Jinja environment, ``markdown`` turns untrusted
Markdown into safe HTML, ``pdf`` prints HTML to PDF with WeasyPrint boxed in,
and ``pipeline`` ties them to the files a render writes. Importing this
package stays cheap — markdown-it, Jinja and WeasyPrint load only when a brief
is rendered — so ``briefer check`` and the TUI start fast.
"""
