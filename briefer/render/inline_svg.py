"""A chart's SVG document made fit to sit inside an HTML page.

The HTML brief carries its charts (and any other figure a brief gains, such
as a map) as inline ``<svg>`` elements rather than files, so that it is one
self-contained document. The SVG is briefer's own, drawn with every text
escaped, but it is checked before it is inlined, because inside a web page
an SVG element can do what a file shown as an image cannot (run a script,
load a URL, lay HTML over the page): only drawing elements and attributes
are let through, links may point only inside the document, and anything
else stops the render (exit 3) rather than shipping a page that does it.

Ids are prefixed with the figure's name, so that two figures that both
define ``clip`` do not collide once they share a page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from briefer.errors import OutputError

__all__ = ["inline_svg"]

_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_NS = "{http://www.w3.org/1999/xlink}"

#: Elements that draw, group, describe or define paint: nothing that scripts,
#: loads a resource or embeds another kind of content.
_ELEMENTS = frozenset(
    {
        *("svg", "g", "defs", "symbol", "use", "title", "desc", "metadata"),
        *("path", "rect", "circle", "ellipse", "line", "polyline", "polygon"),
        *("text", "tspan", "textPath", "clipPath", "mask", "pattern", "marker"),
        *("linearGradient", "radialGradient", "stop"),
    }
)
_EVENT_ATTRIBUTE = re.compile(r"on", re.IGNORECASE)
_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>\s*")
_ID = re.compile(r'(\sid=")([^"]+)(")')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


def _check(root: ET.Element, name: str) -> None:
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        local = tag.removeprefix(_SVG_NS)
        if local == tag or local not in _ELEMENTS:
            raise OutputError(f"figure {name}: element <{tag}> cannot be put inside the HTML")
        for key, value in element.attrib.items():
            attr = key.removeprefix(_XLINK_NS)
            if _EVENT_ATTRIBUTE.match(attr) or attr == "style":
                raise OutputError(f"figure {name}: attribute {attr!r} cannot go inside the HTML")
            if attr == "href" and not value.startswith("#"):
                raise OutputError(f"figure {name}: a link out of the figure ({value[:60]!r})")
            if "url(" in value and not re.fullmatch(r"url\(#[^)]+\)", value.strip()):
                raise OutputError(f"figure {name}: a URL in attribute {attr!r}")


def inline_svg(svg: str, name: str) -> str:
    """``svg`` (a whole SVG document) as an element for an HTML page, ids prefixed.

    ``name`` (the figure's file name) names it in errors and prefixes its ids.
    Raises OutputError when the SVG holds anything but drawing (see above).
    """
    if "<!" in svg:  # a DOCTYPE, entity, CDATA or comment: none is ever drawn here
        raise OutputError(f"figure {name}: markup declarations cannot be put inside the HTML")
    text = _DECLARATION.sub("", svg).strip()
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise OutputError(f"figure {name}: not well-formed SVG ({exc})") from None
    _check(root, name)
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", name.removesuffix(".svg"))
    text = _ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}{m.group(3)}", text)
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    # The class lets the page's stylesheet size it to the column.
    return text.replace("<svg ", '<svg class="chart" ', 1)
