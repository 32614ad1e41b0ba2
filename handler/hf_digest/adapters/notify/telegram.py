"""Telegram Bot API `sendMessage` in HTML mode, link previews off.

The template escapes every <, > and & of Hugging Face's text (filter `tg`); the limit of 4,096 characters
counts the text after entity parsing, in UTF-16 code units, which `visible_length` measures.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests

from hf_digest.adapters.notify.channel import fit, too_long
from hf_digest.adapters.notify.message import BackfillMessage, Message, utf16_len
from hf_digest.adapters.notify.sending import Reply, Verdict, post_json, seconds
from hf_digest.adapters.notify.templates import Parts
from hf_digest.config import Secret
from hf_digest.outbound import budget
from hf_digest.outbound.deadline import Deadline

CHANNEL = "telegram"
TEXT_LIMIT = 4096


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(text: str) -> str:
    """What a reader sees of Telegram HTML: the text without tags, entities decoded."""
    parser = _Visible()
    parser.feed(text)
    parser.close()
    return "".join(parser.text)


def visible_length(text: str) -> int:
    return utf16_len(visible_text(text))


def message_of(message: Message, parts: Parts) -> dict[str, Any]:
    """The sendMessage parameters for message, without the chat id and a fitting check."""
    text = parts.summary(message) if isinstance(message, BackfillMessage) else parts.text(message)
    return {"text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}


def problems(payload: dict[str, Any]) -> list[str]:
    return too_long("text after entity parsing", payload["text"], TEXT_LIMIT, visible_length)


def payload(message: Message, template_dir: Path | None) -> dict[str, Any]:
    """The sendMessage parameters for message (chat id left out), shortened until they fit."""
    return fit(CHANNEL, message, template_dir, message_of, problems)


def judge(reply: Reply) -> Verdict:
    """`{"ok": true}` delivered; 429 waits `parameters.retry_after`; 5xx retried; 400/401/403 permanent."""
    body = reply.json()
    body = body if isinstance(body, dict) else {}
    if reply.status == 200 and body.get("ok") is True:
        return Verdict(delivered=True)
    reason = f"HTTP {reply.status} {body.get('description', reply.quoted())}".strip()
    if reply.status == 429:
        parameters = body.get("parameters")
        wait = seconds(parameters.get("retry_after", "")) if isinstance(parameters, dict) else None
        return Verdict(reason=reason, retry=True, wait_s=wait)
    return Verdict(reason=reason, retry=reply.status >= 500)


class TelegramNotifier:
    channel = CHANNEL

    def __init__(
        self,
        bot_token: Secret,
        chat_id: Secret,
        template_dir: Path | None,
        api_url: str = "https://api.telegram.org",
        session: requests.Session | None = None,
    ) -> None:
        self._token = bot_token
        self._chat_id = chat_id
        self._url = Secret(f"{api_url.rstrip('/')}/bot{bot_token.reveal()}/sendMessage")
        self._template_dir = template_dir
        self._session = session or budget.session()

    def render(self, message: Message) -> dict[str, Any]:
        return {"chat_id": "***", **payload(message, self._template_dir)}

    def send(self, message: Message, deadline: Deadline) -> int:
        body = {**self.render(message), "chat_id": self._chat_id.reveal()}
        secrets = (self._token, self._chat_id)
        _, made = post_json(CHANNEL, self._session, self._url, body, deadline, judge, secrets=secrets)
        return made
