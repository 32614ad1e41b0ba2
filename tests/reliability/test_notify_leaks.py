"""The token scan for every notification channel: sends, retries, refusals and dead servers at DEBUG."""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hf_digest.adapters.notify import build_notifiers, digest_message, notify_digest
from hf_digest.adapters.state import SQLiteStore
from hf_digest.config import from_env
from hf_digest.core.model import Paper
from hf_digest.core.outcomes import SpanKind
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline
from hf_digest.runs.result import notifications_json
from tests.chat_server import Answer, ChatServer
from tests.discord_server import DiscordServer
from tests.helpers import free_port, quiet_botocore
from tests.reliability.leaks import DISCORD_HOOK_TOKEN, SLACK_HOOK, TELEGRAM_CHAT, TELEGRAM_TOKEN, LeakScan
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer

CHANNELS = ("slack", "discord", "telegram", "email")


pytestmark = pytest.mark.usefixtures("quick_notify_retries")


def server_for(channel: str) -> ChatServer | None:
    if channel == "slack":
        return SlackServer(SLACK_HOOK)
    if channel == "discord":
        return DiscordServer(token=DISCORD_HOOK_TOKEN)
    if channel == "telegram":
        return TelegramServer(TELEGRAM_TOKEN, TELEGRAM_CHAT)
    return None


def secrets_for(channel: str, base: str) -> dict[str, str]:
    if channel == "slack":
        return {"SLACK_WEBHOOK_URL": base + SLACK_HOOK}
    if channel == "discord":
        return {"DISCORD_WEBHOOK_URL": f"{base}/api/webhooks/1234567890123456789/{DISCORD_HOOK_TOKEN}"}
    if channel == "telegram":
        return {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_CHAT_ID": TELEGRAM_CHAT}
    return {}


def refusals(channel: str) -> list[Answer]:
    """What the platform says when a secret went bad: each reason is shown to the user, and scanned."""
    if channel == "slack":
        return [SlackServer.refused("no_service", 404)]
    if channel == "discord":
        return [Answer.json(401, {"message": "Invalid Webhook Token", "code": 50027})]
    return [
        TelegramServer.error(401, "Unauthorized"),
        TelegramServer.error(400, f"Bad Request: chat {TELEGRAM_CHAT} not found"),
    ]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("via", ["env", "secrets_manager"])
def test_no_channel_secret_reaches_a_log_a_result_or_an_exception(
    channel: str,
    via: str,
    ranked: list[Paper],
    scan: LeakScan,
    moto_endpoint: str,
    clean_settings: None,
    tmp_path: Path,
) -> None:
    import boto3

    logging.getLogger("hf_digest").setLevel(logging.DEBUG)
    for wire in ("botocore", "boto3", "urllib3"):  # the code must quiet them itself
        logging.getLogger(wire).setLevel(logging.NOTSET)
    server = server_for(channel)
    if server is not None:
        server.start()
    try:
        base = server.base_url if server is not None else ""
        secrets = secrets_for(channel, base)
        env: dict[str, str] = {"DIGEST_NOTIFY": channel, "DIGEST_SITE_URL": "https://blog.example.org"}
        if isinstance(server, TelegramServer):
            env["TELEGRAM_API_URL"] = server.api_url
        if channel == "email":
            sender = f"digest-{uuid.uuid4().hex[:6]}@example.org"
            with quiet_botocore():
                boto3.client("sesv2").create_email_identity(EmailIdentity=sender)
            env |= {"DIGEST_EMAIL_FROM": sender, "DIGEST_EMAIL_TO": "reader@example.org"}
        if via == "secrets_manager" and secrets:
            name = f"hf-digest/notify-{uuid.uuid4().hex[:8]}"
            with quiet_botocore():
                boto3.client("secretsmanager").create_secret(Name=name, SecretString=json.dumps(secrets))
            env["DIGEST_NOTIFY_SECRET"] = name
        else:
            env |= secrets
        notifiers = build_notifiers(from_env(env))
        store = SQLiteStore(tmp_path / "state.sqlite3")
        message = digest_message(SpanKind.DAY, "2026-02-10", ranked, len(ranked), lang="ko", top=3)

        def notify(key: str, *answers: Answer, deadline_s: float = 60) -> Any:
            if server is not None:
                server.answer_next(*answers)
            report = notify_digest(
                replace(message, key=key), notifiers, store, Deadline.after(deadline_s), time.time()
            )
            scan.add("result", notifications_json(report), repr(report))
            return report

        limited: list[Answer] = []
        if isinstance(server, (SlackServer, TelegramServer, DiscordServer)):
            limited = [server.rate_limited(1), Answer.text(502, "bad gateway")]
        assert notify("2026-02-10", *limited).sent == [channel]
        for n, refusal in enumerate(refusals(channel) if server is not None else []):
            assert notify(f"2026-02-1{n + 1}", refusal).failed == [channel]
        scan.add("dry run", [n.render(message) for n in notifiers], [repr(vars(n)) for n in notifiers])
    finally:
        if server is not None:
            server.stop()
    if server is not None:
        # The same secrets against a dead port: a connection error's text holds the URL; ours must not.
        dead = {k: v.replace(base, f"http://127.0.0.1:{free_port()}") for k, v in secrets.items()}
        dead_env = {**env, **dead, "TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}"}
        dead_env.pop("DIGEST_NOTIFY_SECRET", None)
        report = notify_digest(
            replace(message, key="2026-02-20"),
            build_notifiers(from_env(dead_env)),
            store,
            Deadline.after(60),
            time.time(),
        )
        assert report.failed == [channel] and "cannot connect" in str(report.channels[0].detail)
        scan.add("result", notifications_json(report))
    if secrets:  # a malformed secret is refused naming its key only
        malformed = {k: v + " with words" for k, v in secrets.items()}
        with pytest.raises(DigestError) as refused:
            build_notifiers(from_env({**env, **malformed, "DIGEST_NOTIFY_SECRET": ""}))
        scan.add("exception", refused.value)
    if server is not None:
        assert server.received, "the secrets were used, so the scan had something to find"
