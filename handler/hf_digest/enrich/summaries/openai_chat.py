"""One paper's summary from an OpenAI-compatible chat completions API (OpenAI, Gemini's compatible endpoint,
Ollama, vLLM): the prompt module's Converse request translated to `POST {OPENAI_BASE_URL}/chat/completions`
and the answer translated back, so the same prompt, schema, checks and reading serve both providers.

Plain HTTPS through `budget.session()` and outbound.policy, not the `openai` package: importing it takes
about 0.64 s (`python -X importtime -c "import openai"`, openai 3.63 with pydantic, against 0.14 s for
requests) and it brings some 30 MB; a summary needs one POST and its retries, which the policy already runs.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import requests

from hf_digest import USER_AGENT
from hf_digest.config import Secret, Settings
from hf_digest.enrich.summaries.converse import (
    CONNECT_TIMEOUT_S,
    READ_TIMEOUT_S,
    Called,
    PaperCalls,
    answer_called,
    paper_policy,
)
from hf_digest.errors import DeadlineExceeded
from hf_digest.outbound import budget, policy
from hf_digest.outbound.redact import scrub

PROVIDER = "openai"
MAX_RATE_WAIT_S = 60.0  # a rate limit asking for longer fails the paper now (the post cannot wait)
# Converse's stopReason for each finish_reason, so the prompt module reads both answers alike.
_STOP_REASONS = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "length": "max_tokens",
    "content_filter": "content_filtered",
}
# OpenAI's x-ratelimit-reset-* durations: "1s", "6m0s", "59.8s", "120ms", "1h2m3s"
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?")


@dataclass(frozen=True)
class ChatClient:
    """The API's address and key and one watched session: built once per invocation."""

    base_url: str
    api_key: Secret | None
    session: requests.Session

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def post(self, body: Mapping[str, Any], timeout: tuple[float, float]) -> requests.Response:
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if self.api_key is not None:
            headers["Authorization"] = f"Bearer {self.api_key.reveal()}"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return self.session.post(
            f"{self.base_url}/chat/completions", data=data, headers=headers, timeout=timeout
        )

    def scrub(self, text: str) -> str:
        return scrub(text, [self.api_key] if self.api_key is not None else [])


def chat_client(settings: Settings) -> ChatClient:
    """The client of OPENAI_BASE_URL with OPENAI_API_KEY (none sent when it is not set)."""
    return ChatClient(settings.openai_base_url.rstrip("/"), settings.openai_api_key, budget.session())


def chat_request(converse: Mapping[str, Any]) -> dict[str, Any]:
    """A Converse request (enrich.summaries.prompt) as a chat completions body: the system blocks as a
    system message, text blocks as text parts, each toolSpec as a function whose parameters are its JSON
    schema unchanged, and a tool choice that forces the one tool offered."""
    body: dict[str, Any] = {"model": converse["modelId"], "messages": []}
    system = "\n\n".join(block["text"] for block in converse.get("system", []) if "text" in block)
    if system:
        body["messages"].append({"role": "system", "content": system})
    for message in converse.get("messages", []):
        parts = [{"type": "text", "text": block["text"]} for block in message["content"] if "text" in block]
        body["messages"].append({"role": message["role"], "content": parts})
    inference = converse.get("inferenceConfig", {})
    for ours, theirs in (("maxTokens", "max_tokens"), ("temperature", "temperature"), ("topP", "top_p")):
        if ours in inference:
            body[theirs] = inference[ours]
    if inference.get("stopSequences"):
        body["stop"] = list(inference["stopSequences"])
    tool_config = converse.get("toolConfig") or {}
    tools = [tool["toolSpec"] for tool in tool_config.get("tools", []) if "toolSpec" in tool]
    if tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": spec["name"],
                    **({"description": spec["description"]} if "description" in spec else {}),
                    "parameters": spec["inputSchema"]["json"],
                },
            }
            for spec in tools
        ]
        body["tool_choice"] = _tool_choice(tool_config.get("toolChoice", {}), tools)
    return body


def _tool_choice(choice: Mapping[str, Any], tools: list[Mapping[str, Any]]) -> Any:
    named = choice.get("tool", {}).get("name") if "tool" in choice else None
    if named is None and "any" in choice and len(tools) == 1:
        named = tools[0]["name"]  # "some tool" with one tool on offer: that one
    if named is not None:
        return {"type": "function", "function": {"name": named}}
    return "required" if "any" in choice else "auto"


def converse_answer(completion: Mapping[str, Any]) -> dict[str, Any]:
    """A chat completion as Converse's answer (output.message.content, stopReason, usage), for
    prompt.summary_from. Tool arguments that are not JSON come back as a text block, which it refuses."""
    choices = completion.get("choices") or [{}]
    first = choices[0] if isinstance(choices[0], Mapping) else {}
    message = first.get("message") or {}
    content: list[dict[str, Any]] = []
    if isinstance(message.get("content"), str) and message["content"]:
        content.append({"text": message["content"]})
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {} if isinstance(call, Mapping) else {}
        try:
            arguments = json.loads(function.get("arguments") or "")
        except (TypeError, ValueError):
            content.append({"text": str(function.get("arguments", ""))})
            continue
        content.append(
            {"toolUse": {"toolUseId": call.get("id", ""), "name": function.get("name"), "input": arguments}}
        )
    usage = completion.get("usage") or {}
    inputs, outputs = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    reason = str(first.get("finish_reason") or "")
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": _STOP_REASONS.get(reason, reason),
        "usage": {"inputTokens": inputs, "outputTokens": outputs, "totalTokens": inputs + outputs},
    }


def rate_limit_wait(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """Seconds a 429 asks to wait: retry-after-ms, Retry-After, else the later x-ratelimit-reset-*."""
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        return max(0.0, float(lowered["retry-after-ms"]) / 1000.0)
    except (KeyError, ValueError):
        pass
    if "retry-after" in lowered:
        waited = policy.retry_after(lowered["retry-after"], now)
        if waited is not None:
            return waited
    resets = [_duration(lowered.get(f"x-ratelimit-reset-{kind}", "")) for kind in ("requests", "tokens")]
    found = [reset for reset in resets if reset is not None]
    return max(found) if found else None


def _duration(text: str) -> float | None:
    match = _DURATION.fullmatch(text.strip())
    if not text.strip() or match is None:
        return None
    hours, minutes, seconds, millis = (float(part) if part else 0.0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


@dataclass(frozen=True)
class ChatCaller(PaperCalls[ChatClient]):
    """Makes one paper's chat completion (an OpenAI-compatible API)."""

    def cache_request(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """What the cache key hashes: the provider, the API's host and the body sent, so an answer from
        one provider or endpoint is never reused for another."""
        return {"provider": PROVIDER, "host": self.client.host, "request": chat_request(request)}

    def call(self, request: Mapping[str, Any]) -> Called:
        """The paper's answer, retried under the request policy; a repeated call costs tokens only."""
        body = chat_request(request)
        lost: list[bool] = []  # each attempt without an answer: True when no connection was made at all

        throttled: list[int] = []  # each attempt the server refused with 429 (summarize lowers concurrency)

        def attempt(attempts: int) -> Called:
            try:
                with budget.watch(self.deadline, f"{self.client.host} chat completions"):
                    response = self.client.post(
                        body, budget.timeouts(self.deadline, CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
                    )
            except DeadlineExceeded as exc:
                return Called(problem=str(exc), attempts=attempts)
            except requests.RequestException as exc:
                lost.append(budget.no_connection(exc))
                raise policy.Again(type(exc).__name__) from None
            lost.append(False)  # the server is there
            status = response.status_code
            if status == 429 or status == 408 or status == 409 or status >= 500:
                error = error_of(response)
                if status == 429 and error[0] == "insufficient_quota":
                    quota = self.client.scrub(
                        f"OPENAI_API_KEY: {self.client.host} says the account has no quota left "
                        f"(429 insufficient_quota: {error[1][:200]})"
                    )
                    return Called.stopped(quota, attempts)
                if status == 429:
                    throttled.append(status)
                wait = rate_limit_wait(response.headers) if status == 429 else None
                raise policy.Again(f"HTTP {status}", wait_s=wait, rate=status == 429, status=status)
            if status != 200:
                fatal = self.fatal(status, *error_of(response))
                if fatal:
                    return Called.stopped(fatal, attempts)
                said = self.client.scrub(error_of(response)[1][:200])
                return Called(problem=f"HTTP {status} after {attempts} attempt(s): {said}", attempts=attempts)
            try:
                completion = response.json()
            except ValueError:
                return Called(problem="the answer is not JSON", attempts=attempts)
            if not isinstance(completion, Mapping):
                return Called(problem="the answer is not a JSON object", attempts=attempts)
            return answer_called(converse_answer(completion), attempts)

        rules = paper_policy(self.deadline, self.reserve_s, self.sleep, MAX_RATE_WAIT_S)
        try:
            called = rules.run(attempt)
        except policy.GaveUp as gave:
            if lost and all(lost):
                fatal = f"OPENAI_BASE_URL: cannot reach {self.client.host} (no network, or no server there?)"
                called = Called.stopped(fatal, gave.attempts)
            else:
                why = {"long": ", the server asked to wait too long", "time": ", no time left to retry"}
                called = Called(
                    problem=f"{gave.again.reason} after {gave.attempts} attempt(s){why.get(gave.why, '')}",
                    attempts=gave.attempts,
                )
        return replace(called, throttled=len(throttled))

    def fatal(self, status: int, code: str, message: str) -> str | None:
        """One line naming the setting to fix, for answers every other paper's call would meet too."""
        said = self.client.scrub(" ".join(message.split())[:200])
        host = self.client.host
        if status == 401:
            if self.client.api_key is None:
                return f"OPENAI_API_KEY: not set, and {host} asks for a key (401: {said})"
            return f"OPENAI_API_KEY: the key was refused by {host} (401: {said})"
        if status == 403:
            return f"OPENAI_API_KEY: the key may not use model {self.model!r} at {host} (403: {said})"
        if status == 404:
            return (
                f"DIGEST_SUMMARY_MODEL: {host} has no model {self.model!r} (404: {said}); name a model it "
                "serves, or check OPENAI_BASE_URL (it ends before /chat/completions, e.g. .../v1)"
            )
        if status == 400 and code != "context_length_exceeded":
            return f"DIGEST_SUMMARY_MODEL: {host} refused the request for model {self.model!r} (400: {said})"
        return None


def error_of(response: requests.Response) -> tuple[str, str]:
    """The error's code and message in an OpenAI-style body ({"error": {...}}), else the body's start."""
    try:
        data = response.json()
    except ValueError:
        return "", response.text[:200]
    error = data.get("error") if isinstance(data, Mapping) else None
    if isinstance(error, Mapping):
        return str(error.get("code") or error.get("type") or ""), str(error.get("message") or "")
    if isinstance(error, str):  # Ollama: {"error": "model 'x' not found"}
        return "", error
    return "", json.dumps(data)[:200]
