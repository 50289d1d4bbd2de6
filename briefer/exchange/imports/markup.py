"""HTML as TimelineJS writes it → Markdown (bodies) or plain text (titles)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


class _Markdown(HTMLParser):
    """The tags TimelineJS text uses, as Markdown; everything else becomes plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("p", "div", "ul", "ol"):
            self.out.append("\n\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            ok = re.match(r"(?i)(https?://|mailto:)", href)
            self.links.append(href if ok else None)
            if ok:
                self.out.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag in ("p", "div", "ul", "ol"):
            self.out.append("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f"]({href})")

    def handle_data(self, data: str) -> None:
        self.out.append(re.sub(r"([\\`*_\[\]<>])", r"\\\1", data))


def html_to_text(text: str) -> str:
    """HTML → plain text on one line (for titles)."""
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", text)).split())


def html_to_markdown(text: str) -> str:
    """TimelineJS HTML → Markdown (bold, italics, links, line breaks, lists)."""
    if "<" not in text:
        return " ".join(unescape(text).split())
    parser = _Markdown()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.out)
    paragraphs = [
        " ".join(p.split()) if "\n- " not in p else p.strip() for p in re.split(r"\n{2,}", joined)
    ]
    return "\n\n".join(p for p in paragraphs if p)
