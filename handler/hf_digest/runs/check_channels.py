"""The probes of `hf-digest check` for the chat channels: Telegram's getMe, getChat and getChatMember for the
bot; Slack's and Discord's webhook URL by its shape only (a webhook can be proven only by posting), unless
`--send-test` posts one message marked as a test. No token, chat id or webhook URL is ever shown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from hf_digest.config import Secret, Settings
from hf_digest.errors import PublishError
from hf_digest.outbound import budget
from hf_digest.outbound.deadline import Deadline
from hf_digest.runs.check_parts import Line, Probe, email, failed, passed

TEST_MESSAGE = "hf-digest check: a test message (not a digest); this channel is set up."
_HTTP_TIMEOUTS = (5.0, 10.0)


def telegram(settings: Settings, deadline: Deadline) -> Line:
    from hf_digest.adapters.notify import credentials

    secrets = credentials.channel_secrets(settings, ("telegram",), deadline)
    token, chat = secrets[credentials.TELEGRAM_BOT], secrets[credentials.TELEGRAM_CHAT]
    ask = functools.partial(_telegram, settings.telegram_api_url, token, deadline)
    me = ask("getMe", {})
    if not me.get("ok") or not isinstance(me.get("result"), dict):
        return failed(
            "telegram", f"the bot token is refused ({_said(me)})", "copy the bot's token from @BotFather"
        )
    bot = me["result"]
    name = f"@{bot.get('username', '?')}"
    about = ask("getChat", {"chat_id": chat.reveal()})
    if not about.get("ok") or not isinstance(about.get("result"), dict):
        return failed(
            "telegram",
            f"bot {name} cannot see the chat of TELEGRAM_CHAT_ID ({_said(about)})",
            f"add {name} to the chat (to a channel as an administrator who may post)",
        )
    kind = str(about["result"].get("type", "chat"))
    member = ask("getChatMember", {"chat_id": chat.reveal(), "user_id": bot.get("id")})
    status = member["result"] if member.get("ok") and isinstance(member.get("result"), dict) else {}
    if not _may_post(kind, status):
        return failed(
            "telegram",
            f"bot {name} may not post to the {kind} (it is {_member(status)})",
            f"add {name} to the {kind}" + (" as an administrator who may post" if kind == "channel" else ""),
        )
    return passed("telegram", f"bot {name} may post to the {kind}")


def _member(status: dict[str, Any]) -> str:
    if status.get("status") == "administrator":
        return "an administrator without the right to post"
    return str(status.get("status") or "not a member")


def _may_post(kind: str, member: dict[str, Any]) -> bool:
    status = member.get("status")
    if status in ("creator",):
        return True
    if kind == "channel":
        return status == "administrator" and member.get("can_post_messages") is not False
    if status == "restricted":
        return bool(member.get("is_member")) and member.get("can_send_messages") is not False
    return status in ("administrator", "member")


def _telegram(api_url: str, token: Secret, deadline: Deadline, method: str, params: dict[str, Any]) -> Any:
    """The Bot API's JSON answer to method (`ok` true or false); no error carries the URL (it holds the
    token)."""
    url = f"{api_url.rstrip('/')}/bot{token.reveal()}/{method}"
    try:
        with budget.watch(deadline, f"telegram {method}"):
            reply = budget.session().post(
                url, json=params, timeout=budget.timeouts(deadline, *_HTTP_TIMEOUTS)
            )
    except requests.RequestException as exc:
        host = urlsplit(api_url).hostname
        raise PublishError(
            f"telegram: {method}: cannot reach {host} (no network?) ({type(exc).__name__})"
        ) from None
    try:
        body = reply.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {"ok": False, "description": f"HTTP {reply.status_code}"}


def _said(answer: dict[str, Any]) -> str:
    """Telegram's own words for a refusal (they never hold the token), short."""
    return " ".join(str(answer.get("description") or f"error {answer.get('error_code')}").split())[:120]


def webhook(channel: str, send_test: bool) -> Probe:
    return functools.partial(_webhook, channel, send_test)


_WEBHOOK_SHAPES = {
    "slack": re.compile(r"/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+"),
    "discord": re.compile(r"/api(/v\d+)?/webhooks/\d+/[\w-]+"),
}
_WEBHOOK_KEYS = {"slack": "SLACK_WEBHOOK_URL", "discord": "DISCORD_WEBHOOK_URL"}


def _webhook(channel: str, send_test: bool, settings: Settings, deadline: Deadline) -> Line:
    from hf_digest.adapters.notify import credentials
    from hf_digest.adapters.notify.channel import webhook_secrets
    from hf_digest.adapters.notify.sending import post_json

    key = _WEBHOOK_KEYS[channel]
    url = credentials.channel_secrets(settings, (channel,), deadline)[key]
    parts = urlsplit(url.reveal())
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost"):
        return failed(
            channel, f"{key} is not an https URL (the value is not shown)", f"paste {channel}'s URL"
        )
    if not _WEBHOOK_SHAPES[channel].fullmatch(parts.path):
        return failed(
            channel, f"{key} is not a {channel} webhook URL (not shown)", f"paste {channel}'s webhook URL"
        )
    if not send_test:
        return passed(
            channel, f"{key} has a webhook's shape; only a post proves it (hf-digest check --send-test)"
        )
    judge, body = _test_message(channel)
    post_json(channel, budget.session(), url, body, deadline, judge, secrets=webhook_secrets(url))
    return passed(channel, f"{channel} took the test message")


def _test_message(channel: str) -> tuple[Callable[..., Any], dict[str, Any]]:
    if channel == "slack":
        from hf_digest.adapters.notify import slack

        return slack.judge, {"text": TEST_MESSAGE}
    from hf_digest.adapters.notify import discord

    return discord.judge, {"content": TEST_MESSAGE, "allowed_mentions": {"parse": []}}


def channel(name: str, send_test: bool) -> Probe:
    if name == "telegram":
        return telegram
    if name == "email":
        return email
    return webhook(name, send_test)
