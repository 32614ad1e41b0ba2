"""The channels' secrets: from the environment locally, from one Secrets Manager secret in AWS.

The secret (named by DIGEST_NOTIFY_SECRET) is JSON with the same keys as the environment variables;
a key it lacks falls back to the environment. Values are held in `Secret` and never printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from hf_digest.config import Secret, Settings
from hf_digest.errors import ConfigError
from hf_digest.outbound.deadline import Deadline
from hf_digest.outbound.secrets import secret_value

SLACK = "SLACK_WEBHOOK_URL"
DISCORD = "DISCORD_WEBHOOK_URL"
TELEGRAM_BOT = "TELEGRAM_BOT_TOKEN"
TELEGRAM_CHAT = "TELEGRAM_CHAT_ID"
KEYS = (SLACK, DISCORD, TELEGRAM_BOT, TELEGRAM_CHAT)
NEEDED = {"slack": (SLACK,), "discord": (DISCORD,), "telegram": (TELEGRAM_BOT, TELEGRAM_CHAT), "email": ()}
# Shapes only: a value that fails one is named by its key, never shown.
_SHAPES = {
    SLACK: re.compile(r"https?://[^\s/]+/\S+"),
    DISCORD: re.compile(r"https?://[^\s/]+/\S+"),
    TELEGRAM_BOT: re.compile(r"\d+:[\w-]+"),
    TELEGRAM_CHAT: re.compile(r"-?\d+|@\w+"),
}
_WHAT = {
    SLACK: "Slack's incoming webhook URL",
    DISCORD: "the Discord channel's webhook URL",
    TELEGRAM_BOT: "the bot's token from @BotFather",
    TELEGRAM_CHAT: "the chat's numeric id or @channelusername",
}


@dataclass(frozen=True)
class ChannelSecrets:
    """The secret values by key (SLACK_WEBHOOK_URL, ...); only those that are set."""

    values: Mapping[str, Secret]

    def __getitem__(self, key: str) -> Secret:
        return self.values[key]

    def __repr__(self) -> str:
        return f"ChannelSecrets(keys={sorted(self.values)})"


# What a preview's notifiers hold instead of the secrets: they render payloads, they never send.
PLACEHOLDERS = ChannelSecrets(
    {
        SLACK: Secret("https://preview.invalid/slack"),
        DISCORD: Secret("https://preview.invalid/discord"),
        TELEGRAM_BOT: Secret("0:preview"),
        TELEGRAM_CHAT: Secret("0"),
    }
)


def from_settings(settings: Settings) -> dict[str, Secret]:
    values = {
        SLACK: settings.slack_webhook_url,
        DISCORD: settings.discord_webhook_url,
        TELEGRAM_BOT: settings.telegram_bot_token,
        TELEGRAM_CHAT: settings.telegram_chat_id,
    }
    return {key: value for key, value in values.items() if value is not None and value.reveal()}


def channel_secrets(
    settings: Settings, channels: tuple[str, ...] | None = None, deadline: Deadline | None = None
) -> ChannelSecrets:
    """The secrets the channels need, checked; ConfigError names a missing or malformed key, no value."""
    channels = settings.notify if channels is None else channels
    values = from_settings(settings)
    if settings.notify_secret and any(NEEDED[c] for c in channels):
        values.update(_from_secrets_manager(settings.notify_secret, deadline))
    for channel in channels:
        for key in NEEDED[channel]:
            where = f" or key {key} of secret {settings.notify_secret!r}" if settings.notify_secret else ""
            if key not in values:
                raise ConfigError(f"{key}: not set; the {channel} channel needs {_WHAT[key]}{where}")
            if not _SHAPES[key].fullmatch(values[key].reveal()):
                raise ConfigError(f"{key}: not {_WHAT[key]} (the value is not shown){where}")
    return ChannelSecrets(values)


def _from_secrets_manager(name: str, deadline: Deadline | None) -> dict[str, Secret]:
    raw = secret_value(name, "DIGEST_NOTIFY_SECRET", deadline)
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ConfigError(
            f"DIGEST_NOTIFY_SECRET: secret {name!r} is not a JSON object with keys such as {SLACK}"
        )
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        # Only names that look like variable names are shown: a value pasted as a key stays hidden.
        shown = sorted(k for k in unknown if re.fullmatch(r"[A-Za-z_]{1,40}", k))
        raise ConfigError(
            f"DIGEST_NOTIFY_SECRET: secret {name!r} has {len(unknown)} unknown keys "
            f"({', '.join(shown) or 'not shown'}); expected {', '.join(KEYS)}"
        )
    return {k: Secret(v.strip()) for k, v in data.items() if isinstance(v, str) and v.strip()}
