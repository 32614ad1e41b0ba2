"""The notification settings: defaults, the names of the variables in every error, secrets kept hidden."""

from __future__ import annotations

import pytest

from hf_digest.config import from_env
from hf_digest.errors import ConfigError

WEBHOOK = "https://hooks.slack.com/services/T0/B0/settingsSecret123"


def test_notifications_are_off_until_a_channel_is_named() -> None:
    settings = from_env({})
    assert settings.notify == ()
    assert (settings.notify_top, settings.notify_backfill, settings.site_url) == (3, "skip", None)
    assert settings.telegram_api_url == "https://api.telegram.org"


def test_channels_and_their_settings_are_read() -> None:
    settings = from_env(
        {
            "DIGEST_NOTIFY": "Slack, telegram,email",
            "DIGEST_NOTIFY_TOP": "5",
            "DIGEST_NOTIFY_BACKFILL": "SUMMARY",
            "DIGEST_SITE_URL": "https://blog.example.org/papers/",
            "SLACK_WEBHOOK_URL": WEBHOOK,
            "TELEGRAM_API_URL": "http://127.0.0.1:9/",
            "DIGEST_EMAIL_FROM": "digest@example.org",
            "DIGEST_EMAIL_TO": "a@example.org, b@example.org",
            "DIGEST_EMAIL_UNSUBSCRIBE": "mailto:leave@example.org",
        }
    )
    assert settings.notify == ("slack", "telegram", "email")
    assert (settings.notify_top, settings.notify_backfill) == (5, "summary")
    assert settings.site_url == "https://blog.example.org/papers"
    assert settings.telegram_api_url == "http://127.0.0.1:9"
    assert settings.email_to == ("a@example.org", "b@example.org")
    assert settings.slack_webhook_url is not None and settings.slack_webhook_url.reveal() == WEBHOOK
    assert WEBHOOK not in repr(settings)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DIGEST_NOTIFY": "slack,irc"}, "DIGEST_NOTIFY: irc"),
        ({"DIGEST_NOTIFY": "slack,slack"}, "DIGEST_NOTIFY"),
        ({"DIGEST_NOTIFY_TOP": "11"}, "DIGEST_NOTIFY_TOP"),
        ({"DIGEST_NOTIFY_TOP": "three"}, "DIGEST_NOTIFY_TOP"),
        ({"DIGEST_NOTIFY_BACKFILL": "all"}, "DIGEST_NOTIFY_BACKFILL"),
        ({"DIGEST_SITE_URL": "blog.example.org"}, "DIGEST_SITE_URL"),
        ({"DIGEST_NOTIFY": "email", "DIGEST_EMAIL_TO": "a@example.org"}, "DIGEST_EMAIL_FROM"),
        ({"DIGEST_NOTIFY": "email", "DIGEST_EMAIL_FROM": "d@example.org"}, "DIGEST_EMAIL_TO"),
        (
            {
                "DIGEST_NOTIFY": "email",
                "DIGEST_EMAIL_FROM": "d@example.org",
                "DIGEST_EMAIL_TO": "not-an-address",
            },
            "DIGEST_EMAIL_TO: not-an-address",
        ),
        (
            {
                "DIGEST_NOTIFY": "email",
                "DIGEST_EMAIL_FROM": "d@example.org",
                "DIGEST_EMAIL_TO": ",".join(f"r{n}@example.org" for n in range(51)),
            },
            "DIGEST_EMAIL_TO: 51 addresses",
        ),
        (
            {
                "DIGEST_NOTIFY": "email",
                "DIGEST_EMAIL_FROM": "d@example.org",
                "DIGEST_EMAIL_TO": "a@example.org",
                "DIGEST_EMAIL_UNSUBSCRIBE": "http://insecure.example.org/u",
            },
            "DIGEST_EMAIL_UNSUBSCRIBE",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=f"^{variable}"):
        from_env(env)
