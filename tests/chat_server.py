"""What the local Slack, Discord and Telegram servers share: loopback HTTP, a record, scripted answers.

server.answer_next(Answer(429, {...}, body))   # the next request gets this instead of the platform's answer
server.received                                 # every request, with the answer it got
server.delivered                                # the payloads the platform accepted (what readers saw)
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def json(cls, status: int, data: object, **headers: str) -> Answer:
        body = json.dumps(data).encode()
        return cls(status, {"Content-Type": "application/json", **headers}, body)

    @classmethod
    def text(cls, status: int, text: str, **headers: str) -> Answer:
        return cls(status, {"Content-Type": "text/plain; charset=utf-8", **headers}, text.encode())


@dataclass(frozen=True)
class Received:
    """One request as it arrived, and the answer it got."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    raw: bytes
    answer: Answer

    @property
    def payload(self) -> Any:
        try:
            return json.loads(self.raw)
        except ValueError:
            return None

    @property
    def reply(self) -> Any:
        """The answer's body as JSON (None when it is not)."""
        try:
            return json.loads(self.answer.body)
        except ValueError:
            return None

    @property
    def accepted(self) -> bool:
        return 200 <= self.answer.status < 300


class ChatServer:
    """A platform's endpoint on 127.0.0.1; subclasses implement `answer(path, query, headers, raw)`."""

    name = "chat"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._log: list[Received] = []
        self._script: deque[Answer] = deque()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- for tests -----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._log)

    @property
    def delivered(self) -> list[Any]:
        """The payloads the platform accepted, in order."""
        return [r.payload for r in self.received if r.accepted]

    def answer_next(self, *answers: Answer) -> None:
        """The next requests get these answers, one each, instead of the platform's own."""
        with self._lock:
            self._script.extend(answers)

    def start(self) -> Self:
        handler = type("Handler", (_Handler,), {"server_model": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name=f"{self.name}-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- for subclasses ------------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes) -> Answer:
        raise NotImplementedError

    def _handle(self, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes) -> Answer:
        with self._lock:
            scripted = self._script.popleft() if self._script else None
        answer = self.answer(path, query, headers, raw) if scripted is None else scripted
        with self._lock:
            self._log.append(Received(path, query, headers, raw, answer))
        return answer


class _Handler(BaseHTTPRequestHandler):
    server_model: ChatServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet (and request lines hold the secret path)

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        answer = self.server_model._handle(parts.path, query, headers, raw)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)
