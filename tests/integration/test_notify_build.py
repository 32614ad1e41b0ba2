"""Building notifiers from settings: secrets from the environment or Secrets Manager, templates checked."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from hf_digest.adapters.notify import build_notifiers, digest_message
from hf_digest.adapters.notify.message import MessagePaper
from hf_digest.config import from_env
from hf_digest.core.outcomes import SpanKind
from hf_digest.errors import ConfigError

SLACK = "https://hooks.slack.com/services/T0BUILD/B0BUILD/buildSecret0001"
DISCORD = "https://discord.com/api/webhooks/111/buildDiscordSecret0001"
TOKEN = "4242:buildTelegramSecret0001"
ENV = {
    "DIGEST_NOTIFY": "slack,discord,telegram,email",
    "SLACK_WEBHOOK_URL": SLACK,
    "DISCORD_WEBHOOK_URL": DISCORD,
    "TELEGRAM_BOT_TOKEN": TOKEN,
    "TELEGRAM_CHAT_ID": "-1009",
    "DIGEST_EMAIL_FROM": "digest@example.org",
    "DIGEST_EMAIL_TO": "a@example.org",
}


def test_every_channel_is_built_from_the_environment() -> None:
    notifiers = build_notifiers(from_env(ENV))
    assert [n.channel for n in notifiers] == ["slack", "discord", "telegram", "email"]
    shown = repr([vars(notifier) for notifier in notifiers])
    assert SLACK not in shown and DISCORD not in shown and TOKEN not in shown


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SLACK_WEBHOOK_URL": ""}, "SLACK_WEBHOOK_URL: not set; the slack channel needs"),
        ({"TELEGRAM_CHAT_ID": ""}, "TELEGRAM_CHAT_ID: not set; the telegram channel needs"),
        ({"DISCORD_WEBHOOK_URL": "discordBareSecret0001"}, "DISCORD_WEBHOOK_URL: not the Discord"),
        ({"TELEGRAM_BOT_TOKEN": "no colon in this secret"}, "TELEGRAM_BOT_TOKEN: not the bot's token"),
    ],
)
def test_a_missing_or_malformed_secret_is_named_never_shown(changes: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        build_notifiers(from_env({**ENV, **changes}))
    assert str(refused.value).startswith(message)
    for value in (*ENV.values(), *changes.values()):
        if "Secret" in value:
            assert value not in str(refused.value)


def test_only_the_named_channels_are_built_and_need_secrets() -> None:
    settings = from_env({"DIGEST_NOTIFY": "slack", "SLACK_WEBHOOK_URL": SLACK})
    assert [n.channel for n in build_notifiers(settings)] == ["slack"]
    with pytest.raises(ConfigError, match=r"^DISCORD_WEBHOOK_URL: not set"):
        build_notifiers(settings, ["discord"])
    with pytest.raises(ConfigError, match=r"^channel: irc is not one of"):
        build_notifiers(settings, ["irc"])


def _secret(value: str) -> str:
    import boto3

    name = f"hf-digest/notify-{uuid.uuid4().hex[:8]}"  # new per test: Powertools caches by name
    boto3.client("secretsmanager").create_secret(Name=name, SecretString=value)
    return name


def test_secrets_come_from_one_secrets_manager_secret(moto_endpoint: str) -> None:
    keys = ("SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID")
    name = _secret(json.dumps({key: ENV[key] for key in keys}))
    env = {k: v for k, v in ENV.items() if k not in keys}
    notifiers = build_notifiers(from_env({**env, "DIGEST_NOTIFY_SECRET": name}))
    assert [n.channel for n in notifiers] == ["slack", "discord", "telegram", "email"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://hooks.slack.com/services/T/B/plainSecret0001", "is not a JSON object"),
        (json.dumps({"SLACK_WEBHOOK": SLACK}), "has 1 unknown keys (SLACK_WEBHOOK)"),
        (json.dumps({SLACK: "oops"}), "has 1 unknown keys (not shown)"),
    ],
)
def test_a_malformed_secret_is_described_without_its_values(
    moto_endpoint: str, value: str, message: str
) -> None:
    name = _secret(value)
    with pytest.raises(ConfigError) as refused:
        build_notifiers(from_env({"DIGEST_NOTIFY": "slack", "DIGEST_NOTIFY_SECRET": name}))
    assert str(refused.value).startswith(f"DIGEST_NOTIFY_SECRET: secret {name!r} ")
    assert message in str(refused.value)
    assert "Secret0001" not in str(refused.value) and "hooks.slack.com" not in str(refused.value)


def test_a_missing_secret_is_named(moto_endpoint: str) -> None:
    with pytest.raises(ConfigError, match=r"^DIGEST_NOTIFY_SECRET: cannot read secret 'hf-digest/absent'"):
        build_notifiers(from_env({"DIGEST_NOTIFY": "slack", "DIGEST_NOTIFY_SECRET": "hf-digest/absent"}))


def test_templates_in_digest_template_dir_override_ours(tmp_path: Path) -> None:
    (tmp_path / "ko").mkdir()
    words = Path(__file__).resolve().parents[2] / "handler/hf_digest/rendering/templates/ko/notify.words.j2"
    (tmp_path / "ko" / "notify.words.j2").write_text(
        words.read_text(encoding="utf-8").replace("포스트 보기", "블로그에서 읽기"), encoding="utf-8"
    )
    settings = from_env(
        {"DIGEST_NOTIFY": "slack", "SLACK_WEBHOOK_URL": SLACK, "DIGEST_TEMPLATE_DIR": str(tmp_path)}
    )
    [slack] = build_notifiers(settings)
    paper = MessagePaper("Title", 3, None, None, "https://huggingface.co/papers/2602.00001")
    message = digest_message(
        SpanKind.DAY, "2026-02-10", [], 1, lang="ko", top=0, post_url="https://b.example/p"
    )
    message = replace(message, papers=(paper,))
    assert "<https://b.example/p|블로그에서 읽기>" in json.dumps(slack.render(message), ensure_ascii=False)


def test_a_broken_template_fails_when_building_before_anything_is_sent(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "notify.telegram.j2").write_text("{% macro text(m) %}{{ m.nope }}{% endmacro %}\n")
    settings = from_env(
        {
            "DIGEST_NOTIFY": "telegram",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_CHAT_ID": "-1",
            "DIGEST_TEMPLATE_DIR": str(tmp_path),
        }
    )
    with pytest.raises(ConfigError, match=r"^DIGEST_TEMPLATE_DIR: en/notify.telegram.j2 macro 'text'"):
        build_notifiers(settings)
