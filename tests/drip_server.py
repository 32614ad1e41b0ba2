"""A dripping proxy: forwards each request to a real local server (the Hugging Face look-alike, the GitHub
server, moto_server for S3 or Secrets Manager) and sends its answer back one byte at a time, so the answer
is exactly that service's, only too slow. It records whether the client closed the connection before the
drip was over.

with DripProxy(moto_endpoint, drip="body", when=lambda r: r.method == "GET") as slow:
    ...  # point the client's endpoint_url at slow.url; slow.drips says what each dripped answer did
"""

from __future__ import annotations

import http.client
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

HEADERS = "headers"  # the status line and headers drip (the body follows at once)
BODY = "body"  # the headers at once, then the body drips
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host"}


@dataclass(frozen=True)
class Forwarded:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case


@dataclass(frozen=True)
class Drip:
    """One dripped answer: how many bytes of how many went out, and whether the client hung up first."""

    request: Forwarded
    sent: int
    total: int
    cut: bool


class DripProxy:
    """Forwards to upstream; answers to requests for which when() holds drip one byte per interval."""

    def __init__(
        self,
        upstream: str,
        *,
        drip: str = BODY,
        when: Callable[[Forwarded], bool] = lambda _: True,
        interval_s: float = 0.05,
        give_up_s: float = 30.0,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.prefix = parts.path.rstrip("/")
        self.drip, self.when, self.interval_s, self.give_up_s = drip, when, interval_s, give_up_s
        self.drips: list[Drip] = []
        self.forwarded: list[Forwarded] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "DripProxy is not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{self.prefix}"

    def start(self) -> DripProxy:
        handler = type("Handler", (_Handler,), {"proxy": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> DripProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_drips(self, count: int = 1, timeout_s: float = 10.0) -> list[Drip]:
        """The drips once count of them have ended (the client's cut reaches the server a moment later)."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            with self._lock:
                if len(self.drips) >= count:
                    return list(self.drips)
            time.sleep(0.02)
        with self._lock:
            return list(self.drips)

    def _record(self, forwarded: Forwarded | None = None, drip: Drip | None = None) -> None:
        with self._lock:
            if forwarded is not None:
                self.forwarded.append(forwarded)
            if drip is not None:
                self.drips.append(drip)


class _Handler(BaseHTTPRequestHandler):
    proxy: DripProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._forward()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _forward(self) -> None:
        request = Forwarded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
        self.proxy._record(forwarded=request)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection(*self.proxy.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        content = answer.read()
        upstream.close()
        head = [f"HTTP/1.1 {answer.status} {answer.reason}"]
        head += [f"{k}: {v}" for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP]
        if self.command != "HEAD":  # a HEAD keeps the length of the body it does not send
            head = [line for line in head if not line.lower().startswith("content-length:")]
            head.append(f"Content-Length: {len(content)}")
        raw_head = "\r\n".join([*head, "", ""]).encode("latin-1")
        if not self.proxy.when(request):
            self.wfile.write(raw_head + content)
            return
        slow, fast = (raw_head, content) if self.proxy.drip == HEADERS else (content, raw_head)
        if self.proxy.drip == BODY:
            self.wfile.write(fast)
        sent, cut = self._drip(slow)
        if not cut and self.proxy.drip == HEADERS:
            self.wfile.write(fast)
        self.proxy._record(drip=Drip(request, sent, len(slow), cut))
        self.close_connection = True

    def _drip(self, data: bytes) -> tuple[int, bool]:
        """Send data one byte per interval until done, or until the client closes (True)."""
        self.wfile.flush()
        sock = self.connection
        started = time.monotonic()
        for sent in range(len(data)):
            if time.monotonic() - started > self.proxy.give_up_s or self.proxy._stopping.is_set():
                sock.sendall(data[sent:])  # the test is failing anyway: let it end
                return len(data), False
            readable, _, _ = select.select([sock], [], [], self.proxy.interval_s)
            try:
                if readable and sock.recv(1) == b"":
                    return sent, True  # the client shut its side
                sock.send(data[sent : sent + 1])
            except OSError:
                return sent, True
        return len(data), False
