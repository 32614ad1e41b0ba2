"""A local Bedrock Runtime for embeddings: `POST /model/{modelId}/invoke` on loopback, checked against
botocore's bedrock-runtime model (InvokeModel's URI, headers and modelId pattern, and the SigV4 signature)
and against Titan Text Embeddings V2's documented body. Its embeddings are deterministic: a hashed bag of
words, so texts sharing words are close and a test's ranking means something.

    with EmbeddingsServer() as bedrock:
        ...  # AWS_ENDPOINT_URL_BEDROCK_RUNTIME=bedrock.url; bedrock.calls lists the texts embedded
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from botocore.model import StructureShape
from botocore.validate import ParamValidator

from tests.bedrock_checks import SERVICE_MODEL, limits_broken, signature_problem

_input = SERVICE_MODEL.operation_model("InvokeModel").input_shape
assert _input is not None
INVOKE: StructureShape = _input
_ROUTE = re.compile(r"/model/(?P<model>[^/]+)/invoke")
TITAN_V2 = "amazon.titan-embed-text-v2:0"
# Titan Text Embeddings V2's request (Bedrock user guide): inputText up to 50,000 characters.
_BODY_KEYS = {"inputText", "dimensions", "normalize", "embeddingTypes"}
_DIMENSIONS = (256, 512, 1024)
# Words that say nothing of a text's topic: left out, as a real model learns to weigh them little.
_STOP = frozenset(
    """a an and the of for to in on with by is are we our this that from as at be it its such can which
    these their they into while both also across over more most than using based show shows propose
    proposed present introduce paper approach method methods results existing model models large""".split()
)


def embedding(text: str, dimensions: int, normalize: bool = True) -> list[float]:
    """text's hashed bag of words: each word adds log-damped weight to one signed bucket."""
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 3 and w not in _STOP]
    vector = [0.0] * dimensions
    for word, count in Counter(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words).items():
        digest = hashlib.sha256(word.encode()).digest()
        bucket = int.from_bytes(digest[:4], "big") % dimensions
        vector[bucket] += (1.0 if digest[4] & 1 else -1.0) * math.log1p(count)
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector] if normalize else vector


@dataclass
class EmbeddingsServer:
    models: frozenset[str] = frozenset({TITAN_V2})
    region: str = "us-east-1"
    secret_key: str = "testing"
    fail: bool = False  # answer every call with a ThrottlingException
    problems: list[str] = field(default_factory=list)  # requests refused as invalid, and why
    calls: list[str] = field(default_factory=list)  # the inputText of each call answered
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> EmbeddingsServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.embeddings = self  # type: ignore[attr-defined]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> EmbeddingsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def check(
        self, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[str, dict[str, Any], str | None]:
        """The model id, the Titan body, and why the request is invalid (None when it is not)."""
        route = _ROUTE.fullmatch(urlsplit(path).path)
        if route is None:
            return "", {}, f"no route {path}"
        model_id = unquote(route["model"])
        problem = signature_problem(path, body, headers, self.region, self.secret_key)
        if problem:
            return model_id, {}, problem
        params = {
            "modelId": model_id,
            "body": body,
            "contentType": headers.get("content-type"),
            "accept": headers.get("accept"),
        }
        params = {key: value for key, value in params.items() if value is not None}
        report = ParamValidator().validate(params, INVOKE)
        if report.has_errors():
            return model_id, {}, str(report.generate_report())
        if broken := limits_broken(INVOKE, params, ""):
            return model_id, {}, "; ".join(broken)
        if params.get("contentType") != "application/json":
            return model_id, {}, "Content-Type must be application/json"
        try:
            data = json.loads(body)
        except ValueError:
            return model_id, {}, "body is not JSON"
        return model_id, data, _titan_problem(data)


def _titan_problem(data: object) -> str | None:
    if not isinstance(data, dict) or set(data) - _BODY_KEYS:
        return f"body keys must be among {sorted(_BODY_KEYS)}"
    text = data.get("inputText")
    if not isinstance(text, str) or not 1 <= len(text) <= 50_000:
        return "inputText must be a string of 1 to 50,000 characters"
    if "dimensions" in data and data["dimensions"] not in _DIMENSIONS:
        return f"dimensions must be one of {_DIMENSIONS}"
    if "normalize" in data and not isinstance(data["normalize"], bool):
        return "normalize must be true or false"
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        server: EmbeddingsServer = self.server.embeddings  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        model_id, data, problem = server.check(self.path, body, headers)
        if problem is not None:
            with server._lock:
                server.problems.append(problem)
            self._send(400, {"message": problem[:500]}, "ValidationException")
        elif model_id not in server.models:
            self._send(400, {"message": "The provided model identifier is invalid."}, "ValidationException")
        elif server.fail:
            self._send(429, {"message": "Too many requests"}, "ThrottlingException")
        else:
            with server._lock:
                server.calls.append(data["inputText"])
            vector = embedding(data["inputText"], data.get("dimensions", 1024), data.get("normalize", True))
            tokens = len(data["inputText"].split())
            self._send(200, {"embedding": vector, "inputTextTokenCount": tokens})

    def _send(self, status: int, data: object, error: str | None = None) -> None:
        payload = json.dumps(data).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
        if error is not None:
            self.send_header(
                "x-amzn-ErrorType", f"{error}:http://internal.amazon.com/coral/com.amazon.bedrock/"
            )
        self.end_headers()
        self.wfile.write(payload)
