"""Notifications of a new digest on Slack, Discord, Telegram and e-mail, exactly once per channel.

In a run (runs/__init__.py): `Adapters.herald(dry_run, deadline, now)` builds the channels once
(`build_notifiers`, DIGEST_NOTIFY) and returns a `Herald`; `run_digest(request, ctx.announcing(herald))`
calls `herald.published(...)` after publishing, which tells the channels when a delivery was `created`;
older days pass `herald.later()` and the run ends with `herald.summary()` (DIGEST_NOTIFY_BACKFILL).
By hand: `runs.announce.announce(...)` (`hf-digest notify`), through the run layer. Underneath:
`notify_digest` / `notify_backfill` claim each digest and channel in the state store before sending
(notify/ledger.py).
"""

from hf_digest.adapters.notify.build import build_notifiers, check_templates
from hf_digest.adapters.notify.channel import ChannelFailed, MayHaveArrived, Notifier
from hf_digest.adapters.notify.ledger import LEASE_S, claim_key, notify_backfill, notify_digest
from hf_digest.adapters.notify.message import (
    BackfillMessage,
    DigestMessage,
    MessagePaper,
    backfill_message,
    digest_message,
)
from hf_digest.adapters.notify.report import (
    NotifyReport,
)

__all__ = [
    "LEASE_S",
    "BackfillMessage",
    "ChannelFailed",
    "DigestMessage",
    "MayHaveArrived",
    "MessagePaper",
    "Notifier",
    "NotifyReport",
    "backfill_message",
    "build_notifiers",
    "check_templates",
    "claim_key",
    "digest_message",
    "notify_backfill",
    "notify_digest",
]
