"""A local OpenAI-compatible API: `POST /v1/chat/completions` on loopback, each request checked against the
`openai` package's own request type (CompletionCreateParamsNonStreaming, validated by pydantic with unknown
keys refused) and each tool's parameters against the JSON Schema meta-schema.

It answers as tests/bedrock_server.py does, from the same answer builder (the request read back into its
Converse shape), so both providers give the same summaries. Scripted per paper (by its arXiv id):

    with OpenAIServer() as api:
        api.script("2602.00001", Throttle(retry_after="1"), Delay(30), BROKEN_ARGUMENTS, Refuse(500))
        ...  # OPENAI_BASE_URL=api.url, OPENAI_API_KEY=api.api_key; api.calls lists what arrived
"""

from __future__ import annotations

import copy
import functools
import json
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.bedrock_server import DROP, Answer, Delay, _arxiv_id, _converse_output

BROKEN_ARGUMENTS = "broken-arguments"  # the tool call's arguments are not JSON
BROKEN_BODY = "broken-body"  # a 200 whose body is not JSON
__all__ = ["BROKEN_ARGUMENTS", "BROKEN_BODY", "DROP", "Delay", "OpenAIServer", "Refuse", "Throttle"]


@dataclass(frozen=True)
class Throttle:
    """A 429 rate limit with OpenAI's headers (each None is left out)."""

    retry_after: str | None = "1"
    retry_after_ms: str | None = None
    reset_requests: str | None = None
    reset_tokens: str | None = None
    code: str = "rate_limit_exceeded"


@dataclass(frozen=True)
class Refuse:
    """An error answer in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""

    status: int
    code: str = "server_error"
    message: str = "scripted error"


Step = Answer | Throttle | Refuse | Delay | str


@dataclass(frozen=True)
class Call:
    """One request as the server saw it."""

    model: str
    arxiv_id: str | None
    body: dict[str, Any]
    headers: dict[str, str]  # names in lower case
    started: float
    status: int


@dataclass
class OpenAIServer:
    """An OpenAI-compatible API serving `models`, for the bearer `api_key` (None: no key needed)."""

    models: frozenset[str] = frozenset({"gpt-4o-mini"})
    api_key: str | None = "sk-local-test-key-0123456789"
    latency_s: float = 0.0
    problems: list[str] = field(default_factory=list)  # requests refused as invalid, and why
    _calls: list[Call] = field(default_factory=list)
    _scripts: dict[str, deque[Step]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The base URL (OPENAI_BASE_URL): the API's root, ending in /v1."""
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return sorted(self._calls, key=lambda call: call.started)

    def script(self, arxiv_id: str, *steps: Step) -> None:
        """What to answer for arxiv_id, step by step; after the steps, the default answer."""
        with self._lock:
            self._scripts.setdefault(arxiv_id, deque()).extend(steps)

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def start(self) -> OpenAIServer:
        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.api = self  # type: ignore[attr-defined]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _steps(self, arxiv_id: str | None) -> list[Step]:
        taken: list[Step] = []
        with self._lock:
            script = self._scripts.get(arxiv_id or "")
            while script:
                step = script.popleft()
                taken.append(step)
                if not isinstance(step, Delay):
                    break
        return taken


def request_problem(body: Mapping[str, Any]) -> str | None:
    """Why body is not a chat completions request the OpenAI API accepts, per the `openai` package's types."""
    from jsonschema import Draft202012Validator, SchemaError
    from pydantic import ValidationError

    try:
        _validator().validate_python(body)
    except ValidationError as exc:
        return " ".join(str(exc).split())[:800]
    for tool in body.get("tools", []):
        try:
            Draft202012Validator.check_schema(tool["function"].get("parameters", {}))
        except SchemaError as exc:
            return f"tools: {tool['function']['name']}: parameters is not a JSON Schema: {exc.message}"
    return None


@functools.cache
def _validator() -> Any:
    """pydantic's validator of CompletionCreateParamsNonStreaming, stricter than the TypedDicts alone: a
    key the type does not name is refused (as the API answers 400 "Unrecognized request argument"), and
    the Iterable fields are checked now rather than lazily."""
    from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming
    from pydantic import TypeAdapter
    from pydantic_core import SchemaValidator

    schema = copy.deepcopy(TypeAdapter(CompletionCreateParamsNonStreaming).core_schema)

    def strict(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "typed-dict":
                node["extra_behavior"] = "forbid"
            if node.get("type") == "generator":
                node["type"] = "list"
            for value in node.values():
                strict(value)
        elif isinstance(node, list):
            for value in node:
                strict(value)

    strict(schema)
    return SchemaValidator(schema)


def converse_params(body: Mapping[str, Any]) -> dict[str, Any]:
    """A chat completions request read back as the Converse request tests/bedrock_server.py answers."""
    system = [m["content"] for m in body["messages"] if m["role"] == "system"]
    messages = [
        {
            "role": m["role"],
            "content": [{"text": m["content"]}]
            if isinstance(m["content"], str)
            else [{"text": part["text"]} for part in m["content"] if part.get("type") == "text"],
        }
        for m in body["messages"]
        if m["role"] != "system"
    ]
    params: dict[str, Any] = {"system": [{"text": text} for text in system], "messages": messages}
    if body.get("tools"):
        params["toolConfig"] = {
            "tools": [
                {
                    "toolSpec": {
                        "name": tool["function"]["name"],
                        "description": tool["function"].get("description", ""),
                        "inputSchema": {"json": tool["function"].get("parameters", {})},
                    }
                }
                for tool in body["tools"]
            ]
        }
    return params


def completion(answer: Answer, body: Mapping[str, Any], broken: bool = False) -> dict[str, Any]:
    """The chat completion for body: bedrock_server's answer, translated to OpenAI's shape."""
    converse = _converse_output(answer, converse_params(body))
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    calls = []
    for index, block in enumerate(converse["output"]["message"]["content"]):
        if "toolUse" in block:
            use = block["toolUse"]
            arguments = json.dumps(use["input"], ensure_ascii=False)
            if broken:
                arguments = arguments[: len(arguments) // 2]  # cut mid-string, as a model that ran out does
            calls.append(
                {
                    "id": f"call_{index}",
                    "type": "function",
                    "function": {"name": use["name"], "arguments": arguments},
                }
            )
        elif "text" in block:
            message["content"] = block["text"]
    if calls:
        message["tool_calls"] = calls
    finish = {"tool_use": "tool_calls", "end_turn": "stop", "max_tokens": "length"}[converse["stopReason"]]
    usage = converse["usage"]
    return {
        "id": "chatcmpl-local",
        "object": "chat.completion",
        "created": 1770681600,
        "model": body["model"],
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": usage["inputTokens"],
            "completion_tokens": usage["outputTokens"],
            "total_tokens": usage["totalTokens"],
        },
    }


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a connection the script dropped on purpose


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def api(self) -> OpenAIServer:
        return self.server.api  # type: ignore[attr-defined, no-any-return]

    def do_POST(self) -> None:
        self._started = time.monotonic()
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._headers = {k.lower(): v for k, v in self.headers.items()}
        self._body: dict[str, Any] = {}
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._error(404, "unknown_url", f"Invalid URL (POST {self.path})")
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._error(400, "invalid_json", "We could not parse the JSON body of your request.")
            return
        self._body = body if isinstance(body, dict) else {}
        server = self.api
        if server.api_key is not None and self._headers.get("authorization") != f"Bearer {server.api_key}":
            given = self._headers.get("authorization", "").removeprefix("Bearer ")
            # OpenAI quotes part of the key it refused; this server quotes all of it, so a leak shows.
            self._error(401, "invalid_api_key", f"Incorrect API key provided: {given or 'none'}.")
            return
        problem = request_problem(self._body)
        if problem is not None:
            with server._lock:
                server.problems.append(problem)
            self._error(400, "invalid_request_error", problem)
            return
        if self._body["model"] not in server.models:
            message = f"The model `{self._body['model']}` does not exist or you do not have access to it."
            self._error(404, "model_not_found", message)
            return
        self._answer(server._steps(_arxiv_id(converse_params(self._body))))

    def _answer(self, steps: list[Step]) -> None:
        delays = [step.seconds for step in steps if isinstance(step, Delay)]
        time.sleep(delays[-1] if delays else self.api.latency_s)
        last = steps[-1] if steps and not isinstance(steps[-1], Delay) else Answer()
        if last == DROP:
            self._record(0)
            self.close_connection = True
            self.connection.shutdown(2)
        elif isinstance(last, Throttle):
            headers = {
                "retry-after": last.retry_after,
                "retry-after-ms": last.retry_after_ms,
                "x-ratelimit-reset-requests": last.reset_requests,
                "x-ratelimit-reset-tokens": last.reset_tokens,
            }
            said = (
                "Rate limit reached for requests" if last.code != "insufficient_quota" else "Quota exceeded"
            )
            self._error(429, last.code, said, {k: v for k, v in headers.items() if v is not None})
        elif isinstance(last, Refuse):
            self._error(last.status, last.code, last.message)
        elif last == BROKEN_BODY:
            self._send(200, b'{"id": "chatcmpl-local", "choices": [{"index": 0, "message": {"role": "assi')
        else:
            answer = last if isinstance(last, Answer) else Answer()
            data = completion(answer, self._body, broken=last == BROKEN_ARGUMENTS)
            self._send(200, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def _error(self, status: int, code: str, message: str, extra: Mapping[str, str] | None = None) -> None:
        kind = {401: "invalid_request_error", 429: "requests"}.get(status, "invalid_request_error")
        data = {"error": {"message": message, "type": kind, "param": None, "code": code}}
        self._send(status, json.dumps(data).encode("utf-8"), extra)

    def _record(self, status: int) -> None:
        try:
            arxiv_id = _arxiv_id(converse_params(self._body))
        except (KeyError, TypeError, AttributeError):  # a request the schema refused
            arxiv_id = None
        call = Call(
            str(self._body.get("model", "")), arxiv_id, self._body, self._headers, self._started, status
        )
        with self.api._lock:
            self.api._calls.append(call)

    def _send(self, status: int, payload: bytes, extra: Mapping[str, str] | None = None) -> None:
        self._record(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
