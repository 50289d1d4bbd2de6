"""A real HTTP server on 127.0.0.1 serving the feed fixtures the inbox tests fetch.

``FeedServer`` runs ``http.server`` in a thread; every request's path and
headers are recorded, so tests assert what briefer sent. The fixtures are
written here: RSS 2.0, Atom, a malformed feed whose items are still usable,
a page that is no feed, one over the size limit, a redirect loop, one
answering 304 to a conditional request, and one that stalls until released.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Balkan Wire</title><link>http://127.0.0.1/</link><description>news</description>
<item>
  <title>KFOR increases patrols near Jarinje</title>
  <link>{base}/news/kfor-patrols</link>
  <guid>wire-1001</guid>
  <pubDate>Wed, 22 Nov 2023 07:30:00 GMT</pubDate>
  <description>&lt;p&gt;Patrols were &lt;b&gt;increased&lt;/b&gt;.&lt;/p&gt;</description>
</item>
<item>
  <title>Talks resume in Brussels</title>
  <link>{base}/news/talks</link>
  <guid>wire-1002</guid>
  <pubDate>Tue, 21 Nov 2023 16:00:00 +0100</pubDate>
</item>
<item>
  <title>No date on this one</title>
  <link>{base}/news/undated</link>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Observer Atom</title><id>urn:observer</id><updated>2023-11-20T10:00:00Z</updated>
<entry>
  <title>Plates agreement announced</title>
  <id>urn:observer:1</id>
  <link href="{base}/observer/plates"/>
  <updated>2023-11-20T10:00:00+02:00</updated>
  <summary>An agreement on vehicle plates.</summary>
</entry>
<entry>
  <title>Census scheduled</title>
  <id>urn:observer:2</id>
  <link href="{base}/observer/census"/>
  <published>2023-11-18</published>
  <updated>2023-11-18</updated>
</entry>
</feed>
"""

#: Not well-formed (an undefined entity, a tag never closed) but its items can be read.
MALFORMED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Sloppy &nbsp; Feed</title>
<item><title>Bridge reopened &amp; traffic flows</title><link>{base}/sloppy/bridge</link>
<guid>sloppy-1</guid><pubDate>Mon, 20 Nov 2023 08:00:00 GMT</pubDate></item>
<item><title>Unclosed item<link>{base}/sloppy/unclosed</link>
</channel>
"""

NOT_A_FEED = "<html><body><p>Our feed has moved. Call us.</p></body></html>\n"


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    headers: Message


@dataclass
class FeedServer:
    """The server's address, what it has seen, and what the tests can change."""

    base: str = ""
    seen: list[Seen] = field(default_factory=list)
    #: Extra routes a test adds: path → (status, headers, body).
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    #: ``/stall`` waits on this; set it to let the request finish.
    release: threading.Event = field(default_factory=threading.Event)
    #: Set once ``/stall`` has been asked for.
    stalled: threading.Event = field(default_factory=threading.Event)
    huge_bytes: int = 11 * 1024 * 1024

    def requests(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def url(self, path: str) -> str:
        return self.base + path


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the tests read ``seen``

        def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if body and "Content-Length" not in (headers or {}):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            server.seen.append(Seen(path, self.headers))
            fill = {"base": server.base}
            xml = {"Content-Type": "application/rss+xml; charset=utf-8"}
            if path in server.routes:
                status, headers, body = server.routes[path]
                self.send(status, body, headers)
            elif path == "/rss.xml":
                self.send(200, RSS.format(**fill).encode(), xml)
            elif path == "/atom.xml":
                self.send(
                    200, ATOM.format(**fill).encode(), {"Content-Type": "application/atom+xml"}
                )
            elif path == "/malformed.xml":
                self.send(200, MALFORMED.format(**fill).encode(), xml)
            elif path == "/not-a-feed":
                self.send(200, NOT_A_FEED.encode(), {"Content-Type": "text/html"})
            elif path == "/conditional.xml":
                validators = {"ETag": '"v1"', "Last-Modified": "Wed, 22 Nov 2023 08:00:00 GMT"}
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send(304, b"", validators)
                else:
                    self.send(200, RSS.format(**fill).encode(), {**xml, **validators})
            elif path == "/huge.xml":
                # No Content-Length: the client must stop reading by itself.
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                block = b"<!-- " + b"x" * 65_000 + b" -->\n"
                sent = 0
                try:
                    while sent < server.huge_bytes:
                        self.wfile.write(block)
                        sent += len(block)
                except OSError:
                    pass  # the client hung up, as it should
            elif path.startswith("/loop"):
                n = int(path.removeprefix("/loop") or 0)
                self.send(302, b"", {"Location": f"/loop{n + 1}"})
            elif path == "/moved":
                self.send(301, b"", {"Location": f"{server.base}/atom.xml"})
            elif path == "/to-file":
                self.send(302, b"", {"Location": "file:///etc/passwd"})
            elif path == "/stall":
                server.stalled.set()
                server.release.wait(60)
                self.send(200, RSS.format(**fill).encode(), xml)
            else:
                self.send(404, b"not here\n")

    return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up while it is answered (a fetch given up on, by its own
        # timeout or the test's end) is none of the server's errors: say nothing of it.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    """The server, listening on 127.0.0.1 on a free port, for the block."""
    state = FeedServer()
    httpd = _Server(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
