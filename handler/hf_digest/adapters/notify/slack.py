"""Slack incoming webhook: a Block Kit message (header, a section per paper, a context line).

Hugging Face's text goes only into plain_text objects (shown as typed, `emoji: false` so `:name:` stays);
our own words and links go into mrkdwn, escaped by the template's `slack` filter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

from hf_digest.adapters.notify.channel import fit, too_big, too_long, too_many, webhook_secrets
from hf_digest.adapters.notify.message import BackfillMessage, Message, cut_text
from hf_digest.adapters.notify.sending import Reply, Verdict, post_json, seconds
from hf_digest.adapters.notify.templates import Parts
from hf_digest.config import Secret
from hf_digest.outbound import budget
from hf_digest.outbound.deadline import Deadline

CHANNEL = "slack"
MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
CONTEXT_TEXT = 3000
# Slack refuses a message whose blocks add up to about 13,000 characters (msg_blocks_too_long) although
# no single limit is crossed (slackapi/bolt-js#2509); we stay well below.
TOTAL_TEXT = 11_000


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut_text(text, limit), "emoji": False}


def _section(text: str, button: str, url: str | None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": _plain(text, SECTION_TEXT)}
    if url:
        block["accessory"] = {"type": "button", "text": _plain(button, BUTTON_TEXT), "url": url}
    return block


def blocks_of(message: Message, parts: Parts) -> dict[str, Any]:
    """The webhook payload for message, without a fitting check."""
    if isinstance(message, BackfillMessage):
        fallback = parts.summary_fallback(message)
        header = parts.summary_header(message)
        sections = [
            _section(parts.summary_item(d), parts.summary_button(d), d.post_url) for d in message.digests
        ]
        context = parts.summary_context(message)
    else:
        fallback = parts.fallback(message)
        header = parts.header(message)
        button = parts.button(message)
        sections = [
            _section(parts.paper(p, n), button, p.hf_url) for n, p in enumerate(message.papers, start=1)
        ]
        context = parts.context(message)
    blocks = [{"type": "header", "text": _plain(header, HEADER_TEXT)}, *sections]
    if context:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return {"text": fallback, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def problems(payload: dict[str, Any]) -> list[str]:
    """Which of Slack's limits the payload breaks (the mrkdwn parts are not cut, only checked)."""
    blocks = payload["blocks"]
    found = too_many("blocks", len(blocks), MAX_BLOCKS)
    found += too_long("text", payload["text"], CONTEXT_TEXT)
    for block in blocks:
        if block["type"] == "context":
            found += too_long("context", block["elements"][0]["text"], CONTEXT_TEXT)
    return found + too_big("blocks", sum(len(json.dumps(b, ensure_ascii=False)) for b in blocks), TOTAL_TEXT)


def payload(message: Message, template_dir: Path | None) -> dict[str, Any]:
    """The payload Slack gets for message, shortened until it fits Block Kit's limits."""
    return fit(CHANNEL, message, template_dir, blocks_of, problems)


def judge(reply: Reply) -> Verdict:
    """Slack answers 200 `ok`; errors are short plain-text codes such as `no_service`."""
    if reply.status == 200 and reply.text().strip() == "ok":
        return Verdict(delivered=True)
    reason = f"HTTP {reply.status} {reply.quoted()}".strip()
    if reply.status == 429:
        return Verdict(reason=reason, retry=True, wait_s=seconds(reply.headers.get("Retry-After", "")))
    return Verdict(reason=reason, retry=reply.status >= 500)


class SlackNotifier:
    channel = CHANNEL

    def __init__(
        self, webhook_url: Secret, template_dir: Path | None, session: requests.Session | None = None
    ) -> None:
        self._url = webhook_url
        self._template_dir = template_dir
        self._session = session or budget.session()

    def render(self, message: Message) -> dict[str, Any]:
        return payload(message, self._template_dir)

    def send(self, message: Message, deadline: Deadline) -> int:
        secrets = webhook_secrets(self._url)
        _, made = post_json(
            CHANNEL, self._session, self._url, self.render(message), deadline, judge, secrets=secrets
        )
        return made
