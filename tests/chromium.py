"""Headless Chromium driven over the DevTools protocol, for the HTML brief's tests.

``find_chromium`` names the browser binary (``$BRIEFER_CHROMIUM``, else
Debian's ``chromium``; ``tools/ensure-chromium``, run by the test command,
installs it), ``Chromium`` starts one with a fresh profile, listening on
127.0.0.1 only, and ``Page`` is one tab: it records every network request,
console message, exception and log entry the page causes, sets the window
size, loads a URL and answers questions about the page.

The protocol is JSON over a websocket; the ``websockets`` package speaks it.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

#: What the browser is told: no sandbox (tests run as root), no GPU, and nothing
#: of its own on the network (updates, sync, safe browsing lists, first-run pages).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


def find_chromium() -> str | None:
    """The browser to drive: ``$BRIEFER_CHROMIUM``, else ``chromium`` on the PATH."""
    named = os.environ.get("BRIEFER_CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Page:
    """One tab, and what it has done since it was opened."""

    socket: ClientConnection
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _next: int = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result, recording the events that arrive meanwhile."""
        self._next += 1
        ident = self._next
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self._record(message)

    def wait_for(self, event: str) -> dict[str, Any]:
        """The next event named ``event`` (others are recorded on the way)."""
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            self._record(message)
            if message.get("method") == event:
                params: dict[str, Any] = message.get("params", {})
                return params

    def _record(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        params = message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            texts = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
            self.errors.append("console: " + " ".join(texts))
        elif method == "Runtime.exceptionThrown":
            self.errors.append("exception: " + params["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(f"log ({params['entry'].get('source')}): {params['entry']['text']}")

    def size(self, width: int, height: int) -> None:
        """Lay the page out for a window ``width`` × ``height`` CSS pixels (a phone below 500)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 500,
        )

    def load(self, url: str) -> None:
        """Go to ``url`` and wait until it has loaded."""
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (DevTools runs it, not the page)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        """The viewport as PNG."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        return base64.b64decode(data)


class Chromium:
    """A headless browser with a fresh profile, for the length of a ``with`` block."""

    def __init__(self, binary: str) -> None:
        self.binary = binary

    @contextmanager
    def running(self) -> Iterator[Chromium]:
        with tempfile.TemporaryDirectory(prefix="briefer-chromium-") as profile:
            process = subprocess.Popen(
                [self.binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its helper processes end with it, below
            )
            try:
                self.port = _devtools_port(Path(profile), process)
                yield self
            finally:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    with suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait()

    @contextmanager
    def page(self) -> Iterator[Page]:
        """A new tab, recording from its first request; closed afterwards."""
        base = f"http://127.0.0.1:{self.port}"
        request = urllib.request.Request(f"{base}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request, timeout=30) as reply:
            target = json.load(reply)
        with connect(target["webSocketDebuggerUrl"], max_size=None, open_timeout=30) as socket:
            page = Page(socket)
            for domain in ("Page", "Network", "Runtime", "Log"):
                page.call(f"{domain}.enable")
            try:
                yield page
            finally:
                with urllib.request.urlopen(f"{base}/json/close/{target['id']}", timeout=30):
                    pass


def _devtools_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    """The port Chromium chose, from the file it writes into its profile once listening."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with status {process.returncode} at start")
        try:
            first = marker.read_text(encoding="ascii").split("\n", 1)[0]
        except FileNotFoundError:
            first = ""
        if first.isdigit():
            return int(first)
        time.sleep(0.05)
    raise RuntimeError("chromium did not open its DevTools port within a minute")
