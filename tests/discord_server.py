"""A local Discord webhook: checks embeds against Discord's limits and enforces a rate-limit bucket.

It answers as Discord does: 200 with the message (`?wait=true`) or 204; 400 `{"code": 50035, "message":
"Invalid Form Body", "errors": {...}}`; 404 code 10015 for an unknown webhook, 401 code 50027 for a wrong
token; 429 `{"retry_after": seconds, "global": false}` when the bucket is empty, with X-RateLimit-* headers.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from dataclasses import replace
from typing import Any

from tests.chat_server import Answer, ChatServer

CONTENT = 2000
EMBEDS = 10
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
TOTAL = 6000
_URL = re.compile(r"https?://[^\s<>]+")
_LINK = re.compile(r"\[((?:\\.|[^\\\]])*)\]\((https?://[^\s()]+)\)")
_MARKUP = set("*_~`|<")
_LINE_MARK = re.compile(r"(#{1,3} |> |[-*+] |\d+[.)] )")


class DiscordServer(ChatServer):
    name = "discord"

    def __init__(
        self,
        webhook_id: str = "1234567890123456789",
        token: str = "discordWebhookSecretToken_0001",
        *,
        bucket: int = 5,
        reset_after_s: float = 2.0,
    ) -> None:
        super().__init__()
        self.webhook_id = webhook_id
        self.token = token
        self.bucket = bucket
        self.reset_after_s = reset_after_s
        self._bucket_lock = threading.Lock()
        self._window_start = 0.0
        self._used = 0
        self._messages = 0

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/api/webhooks/{self.webhook_id}/{self.token}"

    @staticmethod
    def rate_limited(retry_after: float = 0.2) -> Answer:
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        return Answer.json(
            429, body, **{"Retry-After": str(math.ceil(retry_after)), "X-RateLimit-Scope": "user"}
        )

    @staticmethod
    def unknown_webhook() -> Answer:
        return Answer.json(404, {"message": "Unknown Webhook", "code": 10015})

    @staticmethod
    def error_with_200() -> Answer:
        """A 200 whose body is an error and holds no message id: nothing was posted."""
        answer = Answer.json(200, {"message": "500: Internal Server Error", "code": 0})
        return replace(answer, delivers=False)

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes) -> Answer:
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["api", "webhooks"] or parts[2] != self.webhook_id:
            return self.unknown_webhook()
        if parts[3] != self.token:
            return Answer.json(401, {"message": "Invalid Webhook Token", "code": 50027})
        limited = self._take_from_bucket()
        if limited is not None:
            return limited
        try:
            payload = json.loads(raw)
        except ValueError:
            return Answer.json(400, {"message": "The request body contains invalid JSON.", "code": 50109})
        if not isinstance(payload, dict) or not (payload.get("content") or payload.get("embeds")):
            return Answer.json(400, {"message": "Cannot send an empty message", "code": 50006})
        errors = form_errors(payload)
        if errors:
            return Answer.json(400, {"code": 50035, "errors": errors, "message": "Invalid Form Body"})
        headers_out = self._bucket_headers()
        if query.get("wait") != "true":
            return Answer(204, headers_out)
        with self._bucket_lock:
            self._messages += 1
            message_id = str(10**18 + self._messages)
        message = {"id": message_id, "type": 0, "webhook_id": self.webhook_id, **payload}
        return Answer.json(200, message, **headers_out)

    def _take_from_bucket(self) -> Answer | None:
        with self._bucket_lock:
            now = time.monotonic()
            if now - self._window_start >= self.reset_after_s:
                self._window_start, self._used = now, 0
            if self._used >= self.bucket:
                wait = round(self.reset_after_s - (now - self._window_start), 3)
                answer = self.rate_limited(wait)
                return Answer(answer.status, {**answer.headers, **self._headers_locked(now)}, answer.body)
            self._used += 1
            return None

    def _bucket_headers(self) -> dict[str, str]:
        with self._bucket_lock:
            return self._headers_locked(time.monotonic())

    def _headers_locked(self, now: float) -> dict[str, str]:
        reset_after = max(0.0, self.reset_after_s - (now - self._window_start))
        return {
            "X-RateLimit-Limit": str(self.bucket),
            "X-RateLimit-Remaining": str(max(0, self.bucket - self._used)),
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Bucket": "webhook-bucket",
        }

    @staticmethod
    def visible(text: str) -> tuple[str, list[str]]:
        """What a reader sees of Discord markdown, and any markup that would format it instead."""
        return seen(text)


def _too_long(limit: int, value: object, *, required: bool = False) -> list[dict[str, str]]:
    if not isinstance(value, str):
        return [{"code": "BASE_TYPE_REQUIRED" if required else "STRING_TYPE_CONVERT", "message": "Required"}]
    if len(value) > limit:
        return [{"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}]
    if required and not value:
        return [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]
    return []


def form_errors(payload: dict[str, Any]) -> dict[str, Any]:
    """Discord's nested `errors` object for a payload; empty when it is valid."""
    errors: dict[str, Any] = {}
    if "content" in payload and (too_long := _too_long(CONTENT, payload["content"])):
        errors["content"] = {"_errors": too_long}
    embeds = payload.get("embeds", [])
    if not isinstance(embeds, list) or len(embeds) > EMBEDS:
        errors["embeds"] = {
            "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 10 or fewer in length."}]
        }
        return errors
    total = 0
    for index, embed in enumerate(embeds):
        found: dict[str, Any] = {}
        for key, limit in (("title", TITLE), ("description", DESCRIPTION)):
            if key in embed:
                if problem := _too_long(limit, embed[key]):
                    found[key] = {"_errors": problem}
                total += len(str(embed[key]))
        if "url" in embed and not (isinstance(embed["url"], str) and _URL.fullmatch(embed["url"])):
            found["url"] = {
                "_errors": [{"code": "URL_TYPE_INVALID_URL", "message": "Not a well formed URL."}]
            }
        color = embed.get("color", 0)
        if not isinstance(color, int) or not 0 <= color <= 0xFFFFFF:
            found["color"] = {
                "_errors": [{"code": "NUMBER_TYPE_MAX", "message": "int value should be <= 16777215."}]
            }
        fields = embed.get("fields", [])
        if len(fields) > FIELDS:
            found["fields"] = {
                "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}]
            }
            fields = []
        field_errors: dict[str, Any] = {}
        for n, item in enumerate(fields):
            problems: dict[str, Any] = {}
            for key, limit in (("name", FIELD_NAME), ("value", FIELD_VALUE)):
                if problem := _too_long(limit, item.get(key), required=True):
                    problems[key] = {"_errors": problem}
                total += len(str(item.get(key, "")))
            if problems:
                field_errors[str(n)] = problems
        if field_errors:
            found["fields"] = field_errors
        for key, inner, limit in (("footer", "text", FOOTER), ("author", "name", AUTHOR)):
            if key in embed:
                total += len(str(embed[key].get(inner, "")))
                if problem := _too_long(limit, embed[key].get(inner), required=True):
                    found[key] = {inner: {"_errors": problem}}
        if found:
            errors.setdefault("embeds", {})[str(index)] = found
    if total > TOTAL:
        errors.setdefault("embeds", {})["_errors"] = [
            {"code": "MAX_EMBED_SIZE_EXCEEDED", "message": "Embed size exceeds maximum size of 6000"}
        ]
    mentions = payload.get("allowed_mentions")
    if mentions is not None and not (
        isinstance(mentions, dict) and set(mentions.get("parse", [])) <= {"roles", "users", "everyone"}
    ):
        errors["allowed_mentions"] = {
            "_errors": [
                {"code": "DICT_TYPE_CONVERT", "message": "Only dictionaries may be used in a DictType"}
            ]
        }
    return errors


def seen(text: str) -> tuple[str, list[str]]:
    """Discord markdown as read: backslash escapes dropped, [label](url) shown as label; markup reported."""
    markup: list[str] = []
    out: list[str] = []
    for line in text.split("\n"):
        if _LINE_MARK.match(line):
            markup.append(f"line starts with {line[:3]!r}")
        out.append(_seen_inline(line, markup))
    return "\n".join(out), markup


def _seen_inline(line: str, markup: list[str]) -> str:
    result: list[str] = []
    i = 0
    while i < len(line):
        link = _LINK.match(line, i)
        if link:
            result.append(_seen_inline(link[1], markup))
            i = link.end()
            continue
        ch = line[i]
        if ch == "\\" and i + 1 < len(line) and not line[i + 1].isalnum() and not line[i + 1].isspace():
            result.append(line[i + 1])
            i += 2
            continue
        if ch in _MARKUP or ch in "[]":
            markup.append(f"unescaped {ch!r}")
        result.append(ch)
        i += 1
    return "".join(result)
