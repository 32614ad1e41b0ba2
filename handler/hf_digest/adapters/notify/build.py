"""The notifiers a run uses, built once from settings, and the metrics of what they did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from hf_digest.adapters.notify import credentials
from hf_digest.adapters.notify.channel import Notifier
from hf_digest.adapters.notify.message import DigestMessage, MessagePaper, backfill_message
from hf_digest.config import LANGUAGES, Settings
from hf_digest.core.outcomes import SpanKind
from hf_digest.errors import ConfigError
from hf_digest.outbound.deadline import Deadline

# Renders every template of a channel before anything is published, so a broken one fails early.
_SAMPLE = DigestMessage(
    kind=SpanKind.DAY.noun,
    key="2026-02-10",
    lang="en",
    total=2,
    shown=1,
    papers=(MessagePaper("A <sample> & title", 1, "Org", "One sentence. Two.", "https://huggingface.co/"),),
    post_url="https://example.org/post",
)


def build_notifiers(
    settings: Settings,
    channels: Sequence[str] | None = None,
    deadline: Deadline | None = None,
    *,
    preview: bool = False,
) -> list[Notifier]:
    """A notifier for each of channels (default: DIGEST_NOTIFY), checked; ConfigError names what is wrong.

    A channel secret read from Secrets Manager keeps to deadline's budget. With preview the notifiers only
    render (`hf-digest notify --dry-run`): no secret is read, from the environment or Secrets Manager."""
    chosen = tuple(settings.notify if channels is None else channels)
    unknown = [c for c in chosen if c not in credentials.NEEDED]
    if unknown:
        raise ConfigError(f"channel: {','.join(unknown)} is not one of {', '.join(credentials.NEEDED)}")
    secrets = credentials.PLACEHOLDERS if preview else credentials.channel_secrets(settings, chosen, deadline)
    notifiers: list[Notifier] = []
    for channel in chosen:
        if channel == "slack":
            from hf_digest.adapters.notify.slack import SlackNotifier

            notifiers.append(SlackNotifier(secrets[credentials.SLACK], settings.template_dir))
        elif channel == "discord":
            from hf_digest.adapters.notify.discord import DiscordNotifier

            notifiers.append(DiscordNotifier(secrets[credentials.DISCORD], settings.template_dir))
        elif channel == "telegram":
            from hf_digest.adapters.notify.telegram import TelegramNotifier

            notifiers.append(
                TelegramNotifier(
                    secrets[credentials.TELEGRAM_BOT],
                    secrets[credentials.TELEGRAM_CHAT],
                    settings.template_dir,
                    settings.telegram_api_url,
                )
            )
        else:
            from hf_digest.adapters.notify.email import EmailNotifier

            if not settings.email_from or not settings.email_to:
                raise ConfigError("DIGEST_EMAIL_FROM, DIGEST_EMAIL_TO: the email channel needs both")
            notifiers.append(
                EmailNotifier(
                    settings.email_from, settings.email_to, settings.template_dir, settings.email_unsubscribe
                )
            )
    check_templates(notifiers)
    return notifiers


def check_templates(notifiers: Sequence[Notifier]) -> None:
    """Render a sample day and a sample summary in every language; ConfigError on a broken template."""
    for lang in LANGUAGES:
        day = replace(_SAMPLE, lang=lang)
        summary = backfill_message([day, replace(day, key="2026-02-11")], lang)
        for notifier in notifiers:
            notifier.render(day)
            notifier.render(summary)
