"""A local Bedrock Runtime: `POST /model/{modelId}/converse` on loopback, checked against botocore's model.

Every request is parsed back with the bedrock-runtime service model botocore ships, validated with
botocore's ParamValidator on the Converse input shape, and its SigV4 signature is recomputed. Answers are
scripted per paper (found by its arXiv id in the request; the day's brief under "day"), with errors, delays
and dropped connections. A tool's answer follows the request's own inputSchema (checked with jsonschema):

    with BedrockServer() as bedrock:
        bedrock.script("2602.00001", Error("ThrottlingException"), Delay(1.5), Answer("..."))
        ...  # AWS_ENDPOINT_URL_BEDROCK_RUNTIME=bedrock.url; bedrock.calls lists what arrived, with times
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema

from tests.bedrock_checks import SERVICE_MODEL, converse_params, signature_problem

_ROUTE = re.compile(r"/model/(?P<model>[^/]+)/converse")
ARXIV_ID = re.compile(r"\b\d{4}\.\d{4,5}\b")


@dataclass(frozen=True)
class Answer:
    """A model answer through the tool (as Converse returns tool use), or raw text.

    summary replaces one field of the default answer: a paper's problem line, or the day's brief; fields
    replace (or add) any of them: {"title": …, "keywords": […]}."""

    summary: str | None = None
    text: str | None = None  # a plain text answer instead of tool use (e.g. broken JSON)
    fields: Mapping[str, Any] | None = None
    input_tokens: int | None = None  # None: estimated from the request's text (see approximate_tokens)
    output_tokens: int | None = None  # None: estimated from the answer's text
    stop_reason: str | None = None


@dataclass(frozen=True)
class Error:
    """An error answer, with the HTTP status the service model gives that code."""

    code: str
    message: str = "scripted error"


@dataclass(frozen=True)
class Delay:
    """Wait this long before the next step's answer (scripted model latency)."""

    seconds: float


DROP = "drop"  # close the connection without an answer
DAY = "day"  # the script key of the day's brief (the record_day tool)
Step = Answer | Error | Delay | str


@dataclass(frozen=True)
class Call:
    """One Converse request as the server saw it (params parsed with botocore's shapes)."""

    model_id: str
    arxiv_id: str | None
    params: dict[str, Any]
    headers: dict[str, str]  # names in lower case
    started: float  # time.monotonic() on arrival
    finished: float  # ... and when the answer was sent
    status: int


@dataclass
class BedrockServer:
    """A Bedrock Runtime look-alike for the models in `models`; credentials to check signatures with."""

    models: frozenset[str] = frozenset({"global.anthropic.claude-haiku-4-5-20251001-v1:0"})
    region: str = "us-east-1"
    access_key: str = "testing"
    secret_key: str | None = "testing"  # None: check the signature's shape only
    latency_s: float = 0.0  # every answer's wait, unless a Delay step says otherwise
    denied: frozenset[str] = frozenset()  # models whose access is not enabled: 403
    problems: list[str] = field(default_factory=list)  # requests refused as invalid or unsigned, and why
    _calls: list[Call] = field(default_factory=list)
    _scripts: dict[str, deque[Step]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

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

    def start(self) -> BedrockServer:
        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.bedrock = self  # type: ignore[attr-defined]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> BedrockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _steps(self, arxiv_id: str | None) -> list[Step]:
        """The steps up to and including the next answer, error or drop for arxiv_id."""
        taken: list[Step] = []
        with self._lock:
            script = self._scripts.get(arxiv_id or "")
            while script:
                step = script.popleft()
                taken.append(step)
                if not isinstance(step, Delay):
                    break
        return taken

    def _refused(self, problem: str) -> None:
        with self._lock:
            self.problems.append(problem)

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)


def default_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    """A faithful-looking answer in the request's language, for the tool the request offers: a paper's title,
    three lines and keywords (one English keyword kept in parentheses), or the day's brief."""
    korean = "Korean" in system_text(params) or "한국어" in system_text(params)
    if tool_name(params) == "record_day":
        return {"brief": _default_brief(paper_data(params), korean)}
    data = paper_data(params)
    words = [str(k) for k in data.get("keywords") or [] if 0 < len(str(k)) <= 30 and "(" not in str(k)]
    keyword = next(iter(words), "") or "method"
    keywords = [*words, "evaluation", "benchmark", "training"][:3]
    if korean:
        return {
            "title": f"{keyword} 관련 새로운 학습 방법",
            "problem": f"기존 방법은 이 문제({keyword})에서 한계를 보입니다.",
            "method": "저자들은 새로운 접근 방식을 제안하고 여러 실험으로 검증합니다.",
            "result": "제안한 방법은 여러 실험에서 기존 방법보다 좋은 결과를 보였습니다.",
            "keywords": keywords,
        }
    return {
        "title": f"A new approach to {keyword}",
        "problem": f"Earlier methods for {keyword} leave room for improvement.",
        "method": "The authors propose a new approach and test it in experiments.",
        "result": "Experiments show that it improves on earlier methods.",
        "keywords": keywords,
    }


def _default_brief(data: Mapping[str, Any], korean: bool) -> str:
    counted: dict[str, int] = {}
    for paper in data.get("papers") or []:
        for word in paper.get("keywords") or []:
            counted[str(word)] = counted.get(str(word), 0) + 1
    top = sorted(counted, key=lambda word: -counted[word])[:2] or ["method", "evaluation"]
    if korean:
        return (
            f"오늘 소개된 논문들은 공통된 주제({', '.join(top)})를 함께 다룹니다. 여러 논문이 새로운 학습 "
            "방법을 제안하고 실험으로 그 효과를 검증합니다."
        )
    return (
        f"Today's papers share themes such as {' and '.join(top)}. Several propose new methods and test them "
        "in experiments."
    )


def default_summary(params: Mapping[str, Any]) -> str:
    """The default answer as the JSON text a model without tool use would write."""
    return json.dumps(default_fields(params), ensure_ascii=False)


def tool_name(params: Mapping[str, Any]) -> str | None:
    tools = params.get("toolConfig", {}).get("tools", [])
    return str(tools[0]["toolSpec"]["name"]) if tools else None


def tool_schema(params: Mapping[str, Any]) -> dict[str, Any] | None:
    tools = params.get("toolConfig", {}).get("tools", [])
    return tools[0]["toolSpec"].get("inputSchema", {}).get("json") if tools else None


def system_text(params: Mapping[str, Any]) -> str:
    return " ".join(block.get("text", "") for block in params.get("system", []))


def paper_data(params: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON data block of the last user message (the paper), or {} when there is none."""
    for block in reversed(params["messages"][-1]["content"]):
        try:
            data = json.loads(block.get("text", ""))
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return {}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a connection the script dropped on purpose


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    _bad_signature = False

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def bedrock(self) -> BedrockServer:
        return self.server.bedrock  # type: ignore[attr-defined, no-any-return]

    def do_POST(self) -> None:
        started = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        route = _ROUTE.fullmatch(urlsplit(self.path).path)
        if route is None:
            self._error(404, "UnknownOperationException", f"no route {self.path}")
            return
        model_id = unquote(route["model"])
        server = self.bedrock
        problem = signature_problem(self.path, body, headers, server.region, server.secret_key)
        # Signed, but not as AWS computes it (a wrong secret, another region's scope): Bedrock, like every
        # Coral JSON service, answers 403 InvalidSignatureException.
        self._bad_signature = problem is not None and not problem.startswith("not SigV4-signed")
        params: dict[str, Any] = {}
        if problem is None:
            params, problem = converse_params(model_id, body)
        arxiv_id = _arxiv_id(params) if params else None
        if problem is not None:
            self.bedrock._refused(problem)
        self._seen = (model_id, arxiv_id, params, headers, started)
        self._answer(model_id, arxiv_id, params, problem)

    def _record(self, status: int) -> None:
        """The call, recorded before its answer is written, so the test sees it when its call returns."""
        model_id, arxiv_id, params, headers, started = self._seen
        self.bedrock._record(Call(model_id, arxiv_id, params, headers, started, time.monotonic(), status))

    def _answer(
        self, model_id: str, arxiv_id: str | None, params: dict[str, Any], problem: str | None
    ) -> int:
        server = self.bedrock
        if problem is not None and self._bad_signature:
            return self._error(403, "InvalidSignatureException", f"The request signature is wrong: {problem}")
        if problem is not None:
            return self._error(400, "ValidationException", problem[:500])
        if model_id in server.denied:
            return self._error(
                403,
                "AccessDeniedException",
                "You don't have access to the model with the specified model ID.",
            )
        if model_id not in server.models:
            return self._error(400, "ValidationException", "The provided model identifier is invalid.")
        steps = server._steps(arxiv_id)
        delays = [step.seconds for step in steps if isinstance(step, Delay)]
        time.sleep(delays[-1] if delays else server.latency_s)
        last = steps[-1] if steps and not isinstance(steps[-1], Delay) else Answer()
        if last == DROP:
            self._record(0)
            self.close_connection = True
            self.connection.shutdown(2)
            return 0
        if isinstance(last, Error):
            status = SERVICE_MODEL.shape_for(last.code).metadata["error"]["httpStatusCode"]
            return self._error(status, last.code, last.message)
        assert isinstance(last, Answer)
        return self._send(200, _converse_output(last, params))

    def _error(self, status: int, code: str, message: str) -> int:
        # restJson1: the code in x-amzn-ErrorType (botocore drops what follows ':'), the message in the body.
        extra = {"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/"}
        return self._send(status, {"message": message}, extra)

    def _send(self, status: int, data: object, extra: Mapping[str, str] | None = None) -> int:
        payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
        if hasattr(self, "_seen"):
            self._record(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        return status


def _arxiv_id(params: Mapping[str, Any]) -> str | None:
    if tool_name(params) == "record_day":
        return DAY
    data = paper_data(params)
    if isinstance(data.get("arxiv_id"), str):
        return str(data["arxiv_id"])
    found = ARXIV_ID.search(json.dumps(params.get("messages", []), default=str))
    return found[0] if found else None


def approximate_tokens(text: str) -> int:
    """A tokenizer's count, roughly: four ASCII characters a token, a token per other character (Hangul)."""
    ascii_chars = sum(ch.isascii() for ch in text)
    return max(1, ascii_chars // 4 + len(text) - ascii_chars)


def _converse_output(answer: Answer, params: Mapping[str, Any]) -> dict[str, Any]:
    tools = params.get("toolConfig", {}).get("tools", [])
    tool = tool_name(params)
    if answer.text is not None or tool is None:
        text = answer.text if answer.text is not None else (answer.summary or default_summary(params))
        content: list[dict[str, Any]] = [{"text": text}]
        stop = answer.stop_reason or "end_turn"
        produced = text
    else:
        fields = default_fields(params)
        if answer.summary is not None:
            fields["brief" if tool == "record_day" else "problem"] = answer.summary
        fields |= dict(answer.fields or {})
        if answer.fields is None and answer.summary is None:  # our own answer follows the asked schema
            jsonschema.validate(fields, tool_schema(params) or {})
        tool_use = {"toolUseId": "tooluse_local", "name": tool, "input": fields}
        content = [{"toolUse": tool_use}]
        stop = answer.stop_reason or "tool_use"
        produced = json.dumps(fields, ensure_ascii=False)
    asked = [params.get("system"), params.get("messages"), tools]
    prompt = json.dumps(asked, ensure_ascii=False, default=str)
    inputs = answer.input_tokens if answer.input_tokens is not None else approximate_tokens(prompt)
    outputs = answer.output_tokens if answer.output_tokens is not None else approximate_tokens(produced)
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {"inputTokens": inputs, "outputTokens": outputs, "totalTokens": inputs + outputs},
        "metrics": {"latencyMs": 1},
    }
