"""What a PDF render may load: files of the assets folder, small ``data:`` images, nothing else.

:class:`FetchPolicy` decides, in pure Python, and records what was asked and
refused; :class:`SafeFetcher` (built on first use, since it subclasses a
WeasyPrint class) hands it to WeasyPrint in place of its own fetcher, so
urllib (http, ftp, other files, redirects) is never reached. Used by
:mod:`briefer.render.pdf`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

__all__ = [
    "ASSET_TYPES",
    "DATA_TYPES",
    "DATA_URL_LIMIT",
    "FILE_SIZE_LIMIT",
    "FetchPolicy",
    "FetchRefused",
    "safe_fetcher",
]

#: Largest ``data:`` URL served, in characters (a small inline image, not a payload).
DATA_URL_LIMIT = 64 * 1024
#: Largest asset file served, in bytes (a chart or a font, not a disk image).
FILE_SIZE_LIMIT = 16 * 1024 * 1024

#: Asset types served from the assets folder, by suffix. Anything else there
#: (a Markdown brief, a YAML log, a manifest) is refused, not shown.
ASSET_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
#: Media types a ``data:`` URL may carry.
DATA_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"},
)


class FetchRefused(ValueError):
    """A resource the PDF may not load. WeasyPrint catches it, logs it and skips it."""


@dataclass
class FetchPolicy:
    """Which URLs a render may load, and a record of what it asked for.

    Pure Python (no WeasyPrint import), so it can be tested on its own;
    :class:`SafeFetcher` wraps it for WeasyPrint.
    """

    roots: tuple[Path, ...]
    """Folders whose files (of :data:`ASSET_TYPES`) are served; resolved on creation."""
    data_limit: int = DATA_URL_LIMIT
    """Largest ``data:`` URL served, in characters."""
    asked: list[str] = field(default_factory=list)
    """Every URL asked for, in order."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """``(url, reason)`` for every URL refused or not found."""

    def __post_init__(self) -> None:
        self.roots = tuple(root.resolve() for root in self.roots)

    def load(self, url: str) -> tuple[bytes, str]:
        """The bytes and media type at ``url``; :class:`FetchRefused` if not allowed."""
        self.asked.append(url)
        try:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                return self._file(url)
            if scheme == "data":
                return self._data(url)
            raise FetchRefused(f"scheme {scheme or '(none)'!r} is not allowed")
        except FetchRefused as exc:
            self.refused.append((url, str(exc)))
            raise

    def _file(self, url: str) -> tuple[bytes, str]:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"remote file host {parts.netloc!r}")
        raw = Path(url2pathname(unquote(parts.path)))
        try:
            # resolve() follows symlinks and removes "..", so a link or a
            # relative path pointing out of the folder is judged by its target.
            path = raw.resolve(strict=True)
        except (OSError, RuntimeError, ValueError):  # ValueError: a NUL in the path
            raise FetchRefused("not found") from None
        if not any(path.is_relative_to(root) for root in self.roots):
            raise FetchRefused("outside the assets folder")
        if not path.is_file():
            raise FetchRefused("not a file")
        media_type = ASSET_TYPES.get(path.suffix.lower())
        if media_type is None:
            raise FetchRefused(f"file type {path.suffix!r} is not an asset")
        try:
            with path.open("rb") as file:
                data = file.read(FILE_SIZE_LIMIT + 1)
        except OSError as exc:
            raise FetchRefused(f"unreadable: {exc.strerror or exc}") from None
        if len(data) > FILE_SIZE_LIMIT:
            raise FetchRefused("file too large")
        return data, media_type

    def _data(self, url: str) -> tuple[bytes, str]:
        if len(url) > self.data_limit:
            raise FetchRefused(f"data: URL longer than {self.data_limit} characters")
        header, comma, payload = url[len("data:") :].partition(",")
        if not comma:
            raise FetchRefused("malformed data: URL")
        params = [p.strip().lower() for p in header.split(";")]
        media_type = params[0] or "text/plain"
        if media_type not in DATA_TYPES:
            raise FetchRefused(f"data: URL of type {media_type!r}")
        if "base64" in params[1:]:
            try:
                data = base64.b64decode(unquote(payload), validate=False)
            except (binascii.Error, ValueError):
                raise FetchRefused("malformed base64 in data: URL") from None
        else:
            data = unquote_to_bytes(payload)
        return data, media_type


@lru_cache(maxsize=1)
def _safe_fetcher_class() -> type[URLFetcher]:
    """Define :class:`SafeFetcher` on first use, so that importing this module is cheap."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint 70's fetcher API: a URLFetcher subclass overriding ``fetch``.

        Never calls the base class's ``fetch``, so urllib (http, ftp, file,
        proxies, redirects) is never reached. The base is still initialised —
        WeasyPrint reads its ``_fail_on_errors`` — with no allowed protocol and
        no redirects, so even an accidental call to it refuses.
        """

        def __init__(self, policy: FetchPolicy) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
            self.policy = policy

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            data, media_type = self.policy.load(url)
            return URLFetcherResponse(url, data, {"Content-Type": media_type})

    return SafeFetcher


def safe_fetcher(policy: FetchPolicy) -> URLFetcher:
    """A WeasyPrint URL fetcher applying ``policy`` (imports WeasyPrint)."""
    return _safe_fetcher_class()(policy)


def __getattr__(name: str) -> Any:
    # ``SafeFetcher`` subclasses a WeasyPrint class; build it only when asked.
    if name == "SafeFetcher":
        return _safe_fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
