"""Fetching one feed over HTTP(S), within limits, with the standard library's ``http.client``.

Why not ``urllib.request``: it follows redirects to wherever they point (its
own checks, not ours), has one timeout for connecting and reading, and reads
proxies and ``file:`` handlers into the picture. Here every hop is looked at
before it is taken: http(s) only, at most :data:`MAX_REDIRECTS` of them; the
connection has its own timeout and each read another; a body is read in
chunks and abandoned past :data:`MAX_BYTES` (compressed or not), and the
whole fetch past a deadline. Nothing here ever opens a local file.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from briefer import __version__
from briefer.urls import url_problem

__all__ = ["MAX_BYTES", "MAX_REDIRECTS", "USER_AGENT", "FetchError", "Limits", "Response", "get"]

USER_AGENT = f"briefer/{__version__} (feed inbox)"
MAX_REDIRECTS = 5
MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


class FetchError(Exception):
    """A feed that could not be fetched; the message says why, in one line."""


@dataclass(frozen=True)
class Limits:
    """How long and how much one fetch may take."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    #: The whole fetch, redirects included.
    deadline: float = 120.0
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS


@dataclass(frozen=True)
class Response:
    """A feed's answer: 200 with a body, or 304 (not modified) without one."""

    status: int
    body: bytes
    #: The address the body came from, after redirects.
    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


def _connection(url: str, limits: Limits) -> tuple[http.client.HTTPConnection, str]:
    why = url_problem(url)
    if why is not None:
        raise FetchError(f"refused address {url!r}: {why}")
    parts = urlsplit(url)
    host = parts.hostname or ""
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        conn = http.client.HTTPSConnection(
            host, parts.port, timeout=limits.connect_timeout, context=context
        )
    else:
        conn = http.client.HTTPConnection(host, parts.port, timeout=limits.connect_timeout)
    conn.connect()
    assert conn.sock is not None
    conn.sock.settimeout(limits.read_timeout)
    return conn, target


def _read_body(resp: http.client.HTTPResponse, limits: Limits, give_up: float) -> bytes:
    """The body, decompressed if gzip'd; FetchError past the size limit or the deadline."""
    too_big = FetchError(f"response is larger than {limits.max_bytes // (1024 * 1024)} MiB")
    length = resp.getheader("Content-Length")
    if length and length.isdigit() and int(length) > limits.max_bytes:
        raise too_big
    gzipped = (resp.getheader("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip")
    inflate = zlib.decompressobj(wbits=31) if gzipped else None
    chunks: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > give_up:
            raise FetchError(f"took longer than {limits.deadline:g} s")
        raw = resp.read(_CHUNK)
        if not raw:
            break
        if inflate is not None:
            try:
                raw = inflate.decompress(raw, limits.max_bytes + 1 - total)
            except zlib.error as exc:
                raise FetchError(f"bad gzip data: {exc}") from None
            if inflate.unconsumed_tail:
                raise too_big
        total += len(raw)
        if total > limits.max_bytes:
            raise too_big
        chunks.append(raw)
    return b"".join(chunks)


def get(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: Limits | None = None,
) -> Response:
    """GET ``url`` (conditionally when ``etag`` or ``last_modified`` are known).

    Raises FetchError (its message one line) for anything but a 200 or a 304.
    """
    limits = limits or Limits()
    give_up = time.monotonic() + limits.deadline
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": _ACCEPT,
        "Accept-Encoding": "gzip",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(limits.max_redirects + 1):
        try:
            conn, target = _connection(url, limits)
            try:
                conn.request("GET", target, headers=headers)
                resp = conn.getresponse()
                if resp.status in (301, 302, 303, 307, 308):
                    location = resp.getheader("Location")
                    if not location:
                        raise FetchError(f"HTTP {resp.status} redirect without a Location")
                    url = urljoin(url, location.strip())
                    continue
                if resp.status == 304:
                    return Response(304, b"", url, etag, last_modified)
                if resp.status != 200:
                    raise FetchError(f"HTTP {resp.status} {resp.reason}".strip())
                body = _read_body(resp, limits, give_up)
                return Response(
                    200,
                    body,
                    url,
                    resp.getheader("ETag"),
                    resp.getheader("Last-Modified"),
                    resp.getheader("Content-Type"),
                )
            finally:
                conn.close()
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError("timed out") from None
        except ssl.SSLError as exc:
            raise FetchError(f"TLS error: {exc.reason or exc}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(_describe(exc)) from None
    raise FetchError(f"more than {limits.max_redirects} redirects")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "cannot resolve the host name"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())
