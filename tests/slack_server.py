"""A local Slack incoming webhook: checks Block Kit payloads against Slack's documented limits.

It answers as Slack does: 200 `ok`, or a plain-text error code (400 invalid_payload / invalid_blocks /
msg_blocks_too_long, 404 no_service, 410 channel_is_archived, 429 with Retry-After).
`SlackServer.visible(payload)` is the text a reader sees: plain_text as typed, mrkdwn links and entities read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.chat_server import Answer, ChatServer

MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
FIELDS = 10
FIELD_TEXT = 2000
CONTEXT_ELEMENTS = 10
BUTTON_TEXT = 75
URL = 3000
BLOCKS_TOO_LONG = 13_000  # slackapi/bolt-js#2509
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_ENTITY = re.compile(r"&(amp|lt|gt);")


class InvalidBlocks(ValueError):
    pass


class SlackServer(ChatServer):
    name = "slack"

    def __init__(self, hook_path: str = "/services/T0000TEST/B0000TEST/slackHookSecret0001") -> None:
        super().__init__()
        self.hook_path = hook_path

    @property
    def webhook_url(self) -> str:
        return self.base_url + self.hook_path

    @staticmethod
    def rate_limited(retry_after: int = 1) -> Answer:
        return Answer.text(429, "rate_limited", **{"Retry-After": str(retry_after)})

    @staticmethod
    def refused(code: str, status: int) -> Answer:
        return Answer.text(status, code)

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes) -> Answer:
        if path != self.hook_path:
            return Answer.text(404, "no_service")
        if not headers.get("content-type", "").startswith("application/json"):
            return Answer.text(400, "invalid_payload")
        try:
            payload = json.loads(raw)
        except ValueError:
            return Answer.text(400, "invalid_payload")
        if not isinstance(payload, dict) or not (payload.get("text") or payload.get("blocks")):
            return Answer.text(400, "invalid_payload")
        try:
            check_blocks(payload.get("blocks", []))
        except InvalidBlocks as exc:
            return Answer.text(400, str(exc))
        return Answer.text(200, "ok")

    @staticmethod
    def visible(payload: dict[str, Any]) -> str:
        """What a reader sees of the blocks, one line per text object."""
        return "\n".join(_seen(obj) for obj in _text_objects(payload["blocks"]))


def check_blocks(blocks: object) -> None:
    """InvalidBlocks("invalid_blocks" or "msg_blocks_too_long") when Slack would refuse the blocks."""
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        raise InvalidBlocks("invalid_blocks")
    for block in blocks:
        _check_block(block)
    if sum(len(json.dumps(b, ensure_ascii=False)) for b in blocks) > BLOCKS_TOO_LONG:
        raise InvalidBlocks("msg_blocks_too_long")


def _check_block(block: Any) -> None:
    kind = block.get("type") if isinstance(block, dict) else None
    if kind == "header":
        _check_text(block.get("text"), HEADER_TEXT, ("plain_text",))
    elif kind == "section":
        if "text" not in block and "fields" not in block:
            raise InvalidBlocks("invalid_blocks")
        if "text" in block:
            _check_text(block["text"], SECTION_TEXT)
        fields = block.get("fields", [])
        if not isinstance(fields, list) or len(fields) > FIELDS:
            raise InvalidBlocks("invalid_blocks")
        for item in fields:
            _check_text(item, FIELD_TEXT)
        if "accessory" in block:
            _check_button(block["accessory"])
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= CONTEXT_ELEMENTS:
            raise InvalidBlocks("invalid_blocks")
        for element in elements:
            _check_text(element, SECTION_TEXT)
    elif kind != "divider":
        raise InvalidBlocks("invalid_blocks")


def _check_text(obj: Any, limit: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")) -> None:
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        raise InvalidBlocks("invalid_blocks")
    text = obj.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= limit:
        raise InvalidBlocks("invalid_blocks")
    allowed = {"type", "text", "emoji"} if obj["type"] == "plain_text" else {"type", "text", "verbatim"}
    if set(obj) - allowed:
        raise InvalidBlocks("invalid_blocks")


def _check_button(element: Any) -> None:
    if not isinstance(element, dict) or element.get("type") != "button":
        raise InvalidBlocks("invalid_blocks")
    _check_text(element.get("text"), BUTTON_TEXT, ("plain_text",))
    url = element.get("url")
    if url is not None and (not isinstance(url, str) or not re.match(r"https?://", url) or len(url) > URL):
        raise InvalidBlocks("invalid_blocks")


def _text_objects(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"])
        found += block.get("fields", [])
        found += [e for e in block.get("elements", []) if "text" in e]
    return found


def _seen(obj: dict[str, Any]) -> str:
    text = str(obj["text"])
    if obj["type"] == "plain_text":
        return text
    text = _LINK.sub(lambda m: m[2] if m[2] is not None else m[1], text)
    return _ENTITY.sub(lambda m: {"amp": "&", "lt": "<", "gt": ">"}[m[1]], text)
