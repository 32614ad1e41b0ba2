"""Discord webhook: one embed (title linking to the post, the count line, a field per paper).

Text is backslash-escaped for Discord's markdown by the template's `discord` filter, and
`allowed_mentions` is empty, so no `@everyone` in a title can ping anyone.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests

from hf_digest.adapters.notify.channel import ChannelFailed, fit, too_big, too_long, too_many, webhook_secrets
from hf_digest.adapters.notify.message import BackfillMessage, Message, utf16_len
from hf_digest.adapters.notify.sending import Reply, Verdict, post_json, seconds
from hf_digest.adapters.notify.templates import Parts
from hf_digest.config import Secret
from hf_digest.outbound import budget
from hf_digest.outbound.deadline import Deadline

CHANNEL = "discord"
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
TOTAL = 6000  # title, description, field names and values, footer and author of all embeds together
HF_YELLOW = 0xFFD21E


def embed_of(message: Message, parts: Parts) -> dict[str, Any]:
    """The webhook payload for message, without a fitting check."""
    if isinstance(message, BackfillMessage):
        embed: dict[str, Any] = {
            "title": parts.summary_title(message),
            "description": parts.summary_description(message),
        }
    else:
        embed = {
            "title": parts.title(message),
            "description": parts.description(message),
            "fields": [
                {"name": parts.field_name(p, n), "value": parts.field_value(p, message), "inline": False}
                for n, p in enumerate(message.papers, start=1)
            ],
        }
        if message.post_url:
            embed["url"] = message.post_url
    embed["color"] = HF_YELLOW
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}


def problems(payload: dict[str, Any]) -> list[str]:
    """Which of Discord's embed limits the payload breaks."""
    embed = payload["embeds"][0]
    found = too_long("title", embed["title"], TITLE, utf16_len)
    found += too_long("description", embed["description"], DESCRIPTION, utf16_len)
    fields = embed.get("fields", [])
    found += too_many("fields", len(fields), FIELDS)
    for n, field in enumerate(fields):
        found += too_long(f"field {n} name", field["name"], FIELD_NAME, utf16_len)
        found += too_long(f"field {n} value", field["value"], FIELD_VALUE, utf16_len)
    texts = [embed["title"], embed["description"], *(f[k] for f in fields for k in ("name", "value"))]
    return found + too_big("the embed's texts", sum(utf16_len(text) for text in texts), TOTAL)


def payload(message: Message, template_dir: Path | None) -> dict[str, Any]:
    """The payload Discord gets for message, shortened until it fits the embed limits."""
    return fit(CHANNEL, message, template_dir, embed_of, problems)


def judge(reply: Reply) -> Verdict:
    """The message back (`?wait=true`: 200 with its `id`; 204 without wait) delivered; 429 waits
    `retry_after` (body, seconds); 5xx and a 200 without a message id (an error body) retried; other
    errors are permanent."""
    body = reply.json()
    body = body if isinstance(body, dict) else {}
    if reply.status == 204 or (200 <= reply.status < 300 and body.get("id")):
        return Verdict(delivered=True)
    reason = f"HTTP {reply.status} {body.get('message', reply.quoted())}".strip()
    if "code" in body:
        reason += f" ({body['code']})"
    if isinstance(body.get("errors"), dict):
        reason += ": " + _first_error(body["errors"])
    if reply.status == 429:
        wait = seconds(body.get("retry_after", ""))
        if wait is None:
            wait = seconds(reply.headers.get("X-RateLimit-Reset-After", reply.headers.get("Retry-After", "")))
        return Verdict(reason=reason, retry=True, wait_s=wait)
    if 200 <= reply.status < 300:
        return Verdict(reason=f"{reason}: the answer holds no message id, so no message", retry=True)
    return Verdict(reason=reason, retry=reply.status >= 500)


def _first_error(errors: dict[str, Any], path: str = "") -> str:
    """The first of Discord's nested form errors, as `embeds.0.fields.1.value: Must be 1024 or fewer...`."""
    for key, value in errors.items():
        if key == "_errors" and isinstance(value, list) and value and isinstance(value[0], dict):
            return f"{path or 'body'}: {value[0].get('message', value[0].get('code', ''))}"
        if isinstance(value, dict):
            return _first_error(value, f"{path}.{key}" if path else key)
    return path or "body"


class DiscordNotifier:
    channel = CHANNEL

    def __init__(
        self, webhook_url: Secret, template_dir: Path | None, session: requests.Session | None = None
    ) -> None:
        url = webhook_url.reveal()
        self._url = Secret(url + ("&" if "?" in url else "?") + "wait=true")  # wait: answer with the message
        self._template_dir = template_dir
        self._session = session or budget.session()
        self._not_before = 0.0  # monotonic time the webhook's rate-limit bucket refills

    def render(self, message: Message) -> dict[str, Any]:
        return payload(message, self._template_dir)

    def send(self, message: Message, deadline: Deadline) -> int:
        body = self.render(message)
        wait = self._not_before - time.monotonic()
        if wait > 0:
            if not deadline.allows(wait):
                raise ChannelFailed(CHANNEL, f"rate limited for {wait:.1f}s more, past the deadline")
            time.sleep(wait)
        secrets = webhook_secrets(self._url)
        reply, made = post_json(CHANNEL, self._session, self._url, body, deadline, judge, secrets=secrets)
        self._remember_bucket(reply)
        return made

    def _remember_bucket(self, reply: Reply) -> None:
        # Discord's X-RateLimit-Remaining: 0 means the next request before Reset-After would get a 429.
        if reply.headers.get("X-RateLimit-Remaining") == "0":
            wait = seconds(reply.headers.get("X-RateLimit-Reset-After", ""))
            if wait is not None:
                self._not_before = time.monotonic() + wait
