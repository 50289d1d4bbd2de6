"""The rule for a source's ``url:``: a link a reader can follow, or a message saying why not.

A URL ends up as a link in every brief, so what is accepted must be
unambiguous: ``http://`` or ``https://``, a host, then a path, query and
fragment free of spaces, control and invisible characters. International
host names (``bücher.example``) and non-ASCII paths are accepted as browsers
accept them; credentials before the host (``https://nato.int@example.com``
leads to example.com) are not.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

__all__ = ["shown", "url_problem"]

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"[A-Za-z0-9_-]+\Z")
_ALLOWED = "(only http:// and https:// links)"


def shown(value: str) -> str:
    """``value`` fit for a one-line message: unprintable characters as ``\\uXXXX``."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in value)


def _odd_character(value: str) -> str | None:
    # The usual URL is printable and has no space: one pass in C tells, not one per character.
    for c in "" if value.isprintable() and " " not in value else value:
        if c == " ":
            return "contains a space; write it as %20"
        if c.isprintable():
            continue
        code = f"U+{ord(c):04X}"
        category = unicodedata.category(c)
        if category == "Cc":
            return f"contains a control character ({code}); remove it"
        if category in ("Zs", "Zl", "Zp"):
            return f"contains a space character ({code}); write it as %20"
        return f"contains an invisible character ({code}); remove it"
    if "\\" in value:
        return "contains a backslash; URLs separate parts with '/'"
    return None


def _port_problem(port: str) -> str | None:
    # An empty port ("example.com:") is allowed by RFC 3986 and means the default.
    if port and (not port.isascii() or not port.isdigit() or int(port) > 65535):
        return f"port '{port}' is not a number from 0 to 65535"
    return None


def _host_problem(host: str) -> str | None:
    if host.startswith("["):  # an IPv6 address, perhaps with a port after it
        address, bracket, port = host[1:].partition("]")
        try:
            ipaddress.IPv6Address(address if bracket else "?")
        except ValueError:
            return f"host '{host}' is not a valid IPv6 address"
        if port and not port.startswith(":"):
            return f"host '{host}' has text after the IPv6 address"
        return _port_problem(port[1:])
    name, _, port = host.partition(":")
    if ":" in port:
        return f"host '{host}' has more than one ':'"
    if not name:
        return "has no host name after '//'"
    labels = name.removesuffix(".").split(".")
    for label in labels:
        if not label:
            return f"host name '{name}' has an empty part between dots"
        if not label.isascii():
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                return f"host name '{name}' is not a valid international domain name"
        if len(label) > 63:
            return f"host name '{name}' has a part longer than 63 characters"
        if not _LABEL.match(label):
            return f"host name '{name}' may hold only letters, digits, '-' and '.'"
    return _port_problem(port)


def url_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable source URL, or None if it is."""
    scheme = _SCHEME.match(value)
    if scheme is None:
        return "not a URL; write it in full, starting with https:// or http://"
    if scheme.group(1).lower() not in ("http", "https"):
        return f"scheme '{scheme.group(1)}' is not allowed {_ALLOWED}"
    odd = _odd_character(value)
    if odd is not None:
        return odd
    rest = value[scheme.end() :]
    if not rest.startswith("//"):
        return f"'{scheme.group(0)}' must be followed by '//' (as in https://example.com/…)"
    authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
    if "@" in authority:
        return "has a user name or password before '@'; link to the page without them"
    return _host_problem(authority)
