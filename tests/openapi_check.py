"""Hold recorded GitHub API exchanges to GitHub's official OpenAPI description (npm `@octokit/openapi`).

Each request must name a real operation (method + path template, declared query parameters, a body that
fits the requestBody schema), and each answer of the local server must fit that operation's response
schema, so neither the client nor the local server can drift from the real API.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import jsonschema

REPO = Path(__file__).resolve().parents[1]
SPEC_ENV = "GITHUB_OPENAPI_SPEC"
SPEC_DIR = REPO / ".cache" / "octokit-openapi" / "node_modules" / "@octokit" / "openapi" / "generated"
INSTALL = "npm install --prefix .cache/octokit-openapi --no-save --no-audit --no-fund @octokit/openapi"
_METHODS = ("get", "put", "post", "patch", "delete", "head")


class Recorded(Protocol):
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    response: Any


def spec_path(flavour: str = "api.github.com") -> Path | None:
    """api.github.com.json (GITHUB_OPENAPI_SPEC, else the npm cache), or the newest ghes-X.Y.json by it."""
    env = os.environ.get(SPEC_ENV)
    main = Path(env) if env else SPEC_DIR / "api.github.com.json"
    if flavour == "api.github.com":
        return main if main.is_file() else None
    versions = [
        (tuple(int(n) for n in m.groups()), p)
        for p in main.parent.glob("ghes-*.json")
        if (m := re.fullmatch(r"ghes-(\d+)\.(\d+)\.json", p.name))
    ]
    return max(versions)[1] if versions else None


class OpenApi:
    """One OpenAPI description, with its path templates compiled for matching."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        self._routes: list[tuple[re.Pattern[str], str, int]] = []
        for template, item in self.doc["paths"].items():
            multi = {
                p["name"]
                for method in _METHODS
                for p in (self._deref(x) for x in item.get(method, {}).get("parameters", []))
                if p.get("x-multi-segment")
            }
            pattern = ""
            for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
                pattern += re.escape(literal)
                if name:
                    pattern += f"(?P<{name}>.+)" if name in multi else f"(?P<{name}>[^/]+)"
            literal_length = len(re.sub(r"\{\w+\}", "", template))
            self._routes.append((re.compile(pattern), template, literal_length))

    def _deref(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            node = self._pointer(node["$ref"])
        return node

    def _pointer(self, ref: str) -> Any:
        node: Any = self.doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def schema(self, node: Any, seen: tuple[str, ...] = ()) -> Any:
        """node with every $ref inlined and OpenAPI's `nullable: true` turned into JSON Schema."""
        if isinstance(node, list):
            return [self.schema(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            return {} if ref in seen else self.schema(self._pointer(ref), (*seen, ref))
        out = {key: self.schema(value, seen) for key, value in node.items()}
        if out.get("nullable") is True:
            del out["nullable"]
            out = {"anyOf": [out, {"type": "null"}]}
        return out

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        """The path template and operation a request names (the most literal template wins)."""
        best: tuple[int, str, dict[str, Any]] | None = None
        for pattern, template, literal_length in self._routes:
            op = self.doc["paths"][template].get(method.lower())
            match = pattern.fullmatch(path)
            if (
                op
                and match
                and all(match.groupdict().values())
                and (best is None or literal_length > best[0])
            ):
                best = (literal_length, template, op)
        return (best[1], best[2]) if best else None

    def check(self, exchanges: Iterable[Recorded]) -> list[str]:
        """Every way the exchanges differ from the description; empty when they all fit."""
        problems: list[str] = []
        for ex in exchanges:
            found = self.operation(ex.method, ex.path)
            where = f"{ex.method} {ex.path}"
            if found is None:
                problems.append(f"{where}: no such operation in {self.name}")
                continue
            template, op = found
            where = f"{ex.method} {template} ({op.get('operationId')})"
            problems += [f"{where}: request {p}" for p in self._request_problems(op, ex)]
            problems += [f"{where}: answer {ex.status} {p}" for p in self._response_problems(op, ex)]
        return problems

    def _request_problems(self, op: dict[str, Any], ex: Recorded) -> list[str]:
        params = [self._deref(p) for p in op.get("parameters", [])]
        query = {p["name"]: p for p in params if p.get("in") == "query"}
        problems = [f"sends undeclared query parameter {name!r}" for name in ex.query if name not in query]
        problems += [
            f"lacks query parameter {n!r}"
            for n, p in query.items()
            if p.get("required") and n not in ex.query
        ]
        body_spec = self._deref(op.get("requestBody"))
        if body_spec is None:
            return problems + (["has a body, but the operation takes none"] if ex.body is not None else [])
        if ex.body is None:
            return problems + (["lacks its required body"] if body_spec.get("required") else [])
        schema = self.schema(body_spec["content"]["application/json"]["schema"])
        return problems + _violations(schema, ex.body)

    def _response_problems(self, op: dict[str, Any], ex: Recorded) -> list[str]:
        spec = self._deref(op.get("responses", {}).get(str(ex.status)))
        if spec is None:
            if ex.status < 400:
                return ["is not a status this operation answers"]
            # Errors the operation does not list (401, 5xx) still come as GitHub's basic-error.
            return _violations(self.schema({"$ref": "#/components/schemas/basic-error"}), ex.response)
        content = spec.get("content", {}).get("application/json")
        if content is None:
            return []
        return _violations(self.schema(content["schema"]), ex.response)


def _violations(schema: Any, instance: Any) -> list[str]:
    validator = jsonschema.Draft4Validator(schema)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message[:200]}"
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    ]
