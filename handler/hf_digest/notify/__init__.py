"""Notifications of a new digest on Slack, Discord, Telegram and e-mail, exactly once per channel.

notifiers = build_notifiers(settings)                  # once per invocation; ConfigError names what is wrong
message = digest_message("day", "2026-02-10", digest.papers, digest.total, lang=..., top=...,
                         post_url=post_url(settings.site_url, path))
report = notify_digest(message, notifiers, store, deadline, now)   # never raises for a channel's failure
"""

from hf_digest.notify.build import build_notifiers, check_templates
from hf_digest.notify.channel import ChannelFailed, Notifier
from hf_digest.notify.command import NotifyCommandResult, notify_command
from hf_digest.notify.ledger import LEASE_S, claim_key, notify_backfill, notify_digest
from hf_digest.notify.links import page_path, post_url
from hf_digest.notify.message import (
    DAY,
    MONTH,
    WEEK,
    BackfillMessage,
    DigestMessage,
    MessagePaper,
    backfill_message,
    digest_message,
)
from hf_digest.notify.report import (
    ALREADY_SENT,
    FAILED,
    IN_PROGRESS,
    SENT,
    SKIPPED,
    ChannelReport,
    NotifyReport,
)

__all__ = [
    "ALREADY_SENT",
    "DAY",
    "FAILED",
    "IN_PROGRESS",
    "LEASE_S",
    "MONTH",
    "SENT",
    "SKIPPED",
    "WEEK",
    "BackfillMessage",
    "ChannelFailed",
    "ChannelReport",
    "DigestMessage",
    "MessagePaper",
    "Notifier",
    "NotifyCommandResult",
    "NotifyReport",
    "backfill_message",
    "build_notifiers",
    "check_templates",
    "claim_key",
    "digest_message",
    "notify_backfill",
    "notify_command",
    "notify_digest",
    "page_path",
    "post_url",
]
