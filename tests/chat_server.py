"""What the local Slack, Discord and Telegram servers share: loopback HTTP, a record, scripted answers.

server.answer_next(Answer(429, {...}, body))   # the next request gets this instead of the platform's answer
server.received                                 # every request, with the answer it got
server.delivered                                # the payloads the platform accepted (what readers saw)

Faults beyond a status: `Answer.dropped()` reads the whole request, then closes the connection without a
word; `Answer.held(event)` keeps the request unanswered until event is set (or the client goes away);
`Answer.error_page(status, style)` is a web server's HTML page that repeats the requested path, as
Apache's 404 and nginx's error pages do; `Answer(..., before=hook)` runs hook when the request arrives.
"""

from __future__ import annotations

import html
import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    drop: bool = False  # read the request whole, then close the connection without answering
    hold: threading.Event | None = None  # answer only once this is set
    before: Callable[[], None] | None = None  # run when the request has arrived, before answering
    page: Callable[[str], bytes] | None = None  # the body, made from the requested path and query
    delivers: bool | None = None  # whether readers see the message; None: when the status is 2xx

    @classmethod
    def dropped(cls) -> Answer:
        return cls(0, drop=True)

    @classmethod
    def held(cls, until: threading.Event, then: Answer | None = None) -> Answer:
        """No answer until `until` is set, then `then` (a 200 `ok` when None). The message counts as not
        shown: a client that gave up on it (or was killed) cannot know either way."""
        answer = then or cls.text(200, "ok")
        return cls(answer.status, answer.headers, answer.body, hold=until, delivers=False)

    @classmethod
    def error_page(cls, status: int, style: str = "apache") -> Answer:
        """A web server's HTML error page that repeats what was asked for: Apache's 404 quotes the path
        (HTML-escaped), an nginx page with `$request_uri` the path and query as sent."""
        titles = {404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway"}
        title = f"{status} {titles.get(status, 'Error')}"
        if style == "apache":

            def page(target: str) -> bytes:
                path = html.escape(target.split("?", 1)[0])
                return (
                    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
                    f"<title>{title}</title>\n</head><body>\n<h1>{titles.get(status, 'Error')}</h1>\n"
                    f"<p>The requested URL {path} was not found on this server.</p>\n<hr>\n"
                    "<address>Apache/2.4.58 (Ubuntu) Server at hooks.example Port 443</address>\n"
                    "</body></html>\n"
                ).encode()

        else:

            def page(target: str) -> bytes:
                return (
                    f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
                    f"<center><h1>{title}</h1></center>\r\n<p>request: POST {target}</p>\r\n"
                    "<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n"
                ).encode()

        return cls(status, {"Content-Type": "text/html"}, page=page)

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
        if self.answer.delivers is not None:
            return self.answer.delivers
        return 200 <= self.answer.status < 300 and not self.answer.drop


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

    def _handle(
        self, target: str, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes
    ) -> Answer:
        with self._lock:
            scripted = self._script.popleft() if self._script else None
        answer = self.answer(path, query, headers, raw) if scripted is None else scripted
        if answer.page is not None:
            answer = Answer(answer.status, answer.headers, answer.page(target), delivers=answer.delivers)
        with self._lock:
            self._log.append(Received(path, query, headers, raw, answer))
        if answer.before is not None:
            answer.before()
        if answer.hold is not None:
            answer.hold.wait()
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
        answer = self.server_model._handle(self.path, parts.path, query, headers, raw)
        if answer.drop:
            self.close_connection = True  # the request was read whole; the client gets no answer at all
            return
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            self.close_connection = True  # the client went away while the answer was held
