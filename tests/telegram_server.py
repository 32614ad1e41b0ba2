"""A local Telegram Bot API with `sendMessage`, parsing HTML mode as strictly as Telegram documents it.

Answers `{"ok": true, "result": message}` or `{"ok": false, "error_code", "description"[, "parameters":
{"retry_after"}]}`: 400 "can't parse entities" for a tag Telegram lacks or an unescaped <, > or &,
400 "message is too long" past 4,096 UTF-16 code units after entity parsing, 400 "chat not found",
401 "Unauthorized" for a wrong token, 429 with parameters.retry_after.

What `hf-digest check` asks: `getMe` (the bot: id from the token, username), `getChat` (400 "chat not found"
while the bot is not in the chat) and `getChatMember` for the bot (`bot_status`: administrator, member, left,
kicked; a channel's administrator may post unless `can_post` is false).
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from tests.chat_server import Answer, ChatServer

TEXT_LIMIT = 4096
# Telegram's HTML tags, and the attributes each may carry.
TAGS: dict[str, set[str]] = {
    **{tag: set() for tag in ("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre")},
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
_TAG = re.compile(r"<(/?)([a-z][a-z-]*)((?:\s+[a-z-]+(?:=\"[^\"<>]*\"|='[^'<>]*')?)*)\s*>")
_ATTR = re.compile(r"([a-z-]+)(?:=\"([^\"]*)\"|='([^']*)')?")
PARSE = "Bad Request: can't parse entities"
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class ParseError(ValueError):
    pass


@dataclass(frozen=True)
class Entity:
    type: str
    offset: int  # UTF-16 code units
    length: int
    url: str | None = None


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """The text Telegram shows for HTML-mode text, and its entities; ParseError as Telegram words it."""
    out: list[str] = []
    stack: list[tuple[str, int, str | None]] = []
    entities: list[Entity] = []
    i = 0
    while i < len(text):
        ch = text[i]
        offset = len(text[:i].encode("utf-8"))
        if ch == "<":
            match = _TAG.match(text, i)
            if not match:
                raise ParseError(f"{PARSE}: Unexpected character '<' at byte offset {offset}")
            closing, name, attrs = match[1] == "/", match[2], match[3]
            if name not in TAGS:
                word = "end" if closing else "start"
                raise ParseError(f'{PARSE}: Unsupported {word} tag "{name}" at byte offset {offset}')
            position = utf16("".join(out))
            if closing:
                if not stack or stack[-1][0] != name:
                    raise ParseError(f'{PARSE}: Unmatched end tag at byte offset {offset}, found "</{name}>"')
                _, start, url = stack.pop()
                entities.append(Entity(name, start, position - start, url))
            else:
                found = {m[1]: html.unescape(m[2] or m[3] or "") for m in _ATTR.finditer(attrs)}
                if set(found) - TAGS[name]:
                    raise ParseError(f"{PARSE}: Unsupported attribute at byte offset {offset}")
                stack.append((name, position, found.get("href")))
            i = match.end()
        elif ch == "&":
            match = _ENTITY.match(text, i)
            if not match:
                raise ParseError(f"{PARSE}: Unsupported HTML entity at byte offset {offset}")
            out.append(html.unescape(match[0]))
            i = match.end()
        elif ch == ">":
            raise ParseError(f"{PARSE}: Unexpected character '>' at byte offset {offset}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise ParseError(f'{PARSE}: Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), entities


class TelegramServer(ChatServer):
    name = "telegram"

    def __init__(
        self, token: str = "123456789:AAtelegramBotSecretToken0001", chat_id: str = "-1001234567890"
    ) -> None:
        super().__init__()
        self.token = token
        self.chat_id = chat_id
        self._lock_ids = threading.Lock()
        self._next_id = 1
        self.bot_username = "hf_digest_test_bot"
        self.bot_status = "administrator"  # the bot's membership of the chat; "left" or "kicked": not in it
        self.can_post = True  # a channel administrator's can_post_messages
        self.chat_type = "channel"

    @property
    def api_url(self) -> str:
        return self.base_url

    @staticmethod
    def error(code: int, description: str, **parameters: Any) -> Answer:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return Answer.json(code, body)

    @classmethod
    def rate_limited(cls, retry_after: int = 1) -> Answer:
        return cls.error(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes) -> Answer:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        if not match:
            return self.error(404, "Not Found")
        if match[1] != self.token:
            return self.error(401, "Unauthorized")
        try:
            params = json.loads(raw) if raw else dict(query)
        except ValueError:
            return self.error(400, "Bad Request: invalid JSON")
        if match[2] in ("getMe", "getChat", "getChatMember"):  # answers, not messages anyone sees
            return replace(self._about(match[2], params), delivers=False)
        if match[2] != "sendMessage":
            return self.error(404, "Not Found: method not found")
        if str(params.get("chat_id", "")) != self.chat_id:
            return self.error(400, "Bad Request: chat not found")
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            return self.error(400, "Bad Request: message text is empty")
        mode = params.get("parse_mode")
        if mode not in (None, "HTML"):
            return self.error(400, "Bad Request: unsupported parse_mode in this server")
        try:
            shown, entities = parse_html(text) if mode == "HTML" else (text, [])
        except ParseError as exc:
            return self.error(400, str(exc))
        if utf16(shown.strip()) > TEXT_LIMIT:
            return self.error(400, "Bad Request: message is too long")
        preview = params.get("link_preview_options", {})
        if not isinstance(preview, dict):
            return self.error(400, "Bad Request: can't parse link preview options JSON object")
        with self._lock_ids:
            message_id, self._next_id = self._next_id, self._next_id + 1
        result = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(self.chat_id), "type": "channel"},
            "text": shown.strip(),
            "entities": [
                {k: v for k, v in vars(e).items() if v is not None} for e in entities if e.type != "tg-emoji"
            ],
            "link_preview_options": preview,
        }
        return Answer.json(200, {"ok": True, "result": result})

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    @property
    def in_chat(self) -> bool:
        return self.bot_status not in ("left", "kicked")

    def _about(self, method: str, params: dict[str, Any]) -> Answer:
        """getMe, getChat and getChatMember, answered as the Bot API shapes User, ChatFullInfo, ChatMember."""
        if method == "getMe":
            me = {"id": self.bot_id, "is_bot": True, "first_name": "HF Digest", "username": self.bot_username}
            return Answer.json(200, {"ok": True, "result": me})
        if str(params.get("chat_id", "")) != self.chat_id or not self.in_chat:
            return self.error(400, "Bad Request: chat not found")
        if method == "getChat":
            chat = {
                "id": int(self.chat_id),
                "type": self.chat_type,
                "title": "HF papers",
                "accent_color_id": 0,
            }
            return Answer.json(200, {"ok": True, "result": {**chat, "max_reaction_count": 11}})
        if str(params.get("user_id")) != str(self.bot_id):
            return self.error(400, "Bad Request: user not found")
        user = {"id": self.bot_id, "is_bot": True, "first_name": "HF Digest", "username": self.bot_username}
        member: dict[str, Any] = {"status": self.bot_status, "user": user}
        if self.bot_status == "administrator":
            member.update(can_be_edited=False, can_post_messages=self.can_post, can_manage_chat=True)
        return Answer.json(200, {"ok": True, "result": member})

    def shown(self) -> list[str]:
        """The texts of the messages Telegram accepted, as readers see them."""
        return [r.reply["result"]["text"] for r in self.received if r.accepted]
