"""Between a run and the channels: the digests a run created are told at once (the day asked for) or held
for one summary per channel (the older days of a catch-up or a backfill, as DIGEST_NOTIFY_BACKFILL says).

A digest some channel could not take is remembered as owed in the state store; a later run of the same
digest (a retry, the next refresh or catch-up, the schedule's target day again) tells those channels,
although the post itself no longer changes. Before a digest is told, every channel is written down as
`pending`; a run killed mid-send leaves it so, and a later run (once the claim's lease has run out) tells
them with a warning that the earlier attempt's outcome is unknown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from hf_digest.adapters.notify.channel import Notifier
from hf_digest.adapters.notify.ledger import digest_id, notify_backfill, notify_digest
from hf_digest.adapters.notify.message import DigestMessage, digest_message
from hf_digest.adapters.notify.report import NotifyReport
from hf_digest.adapters.state.store import StateStore
from hf_digest.config import Settings
from hf_digest.core.model import Digest, Published
from hf_digest.core.outcomes import Delivery, Status
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline

log = logging.getLogger(__name__)

OWED_KEPT_S = 14 * 86400.0  # a digest owed to a channel is retried by runs of it within this time


class Announcer(Protocol):
    """What run_digest calls after publishing: the report of what it told, or None."""

    def published(self, post: Published) -> NotifyReport | None: ...


def message_for(
    ranked: Digest, settings: Settings, lang: str, url: str | None, profile: str | None = None
) -> DigestMessage:
    """The message for a published digest (profile: a named digest's), linking to url, its post's page."""
    return digest_message(
        ranked.span.kind,
        ranked.span.key,
        ranked.papers,
        ranked.total,
        lang=lang,
        top=settings.notify_top,
        post_url=url,
        by_relevance=ranked.relevance is not None and ranked.relevance.by_relevance,
        profile=profile,
    )


def owed_key(message: DigestMessage) -> str:
    return f"notify-owed#{digest_id(message)}"


def owed(store: StateStore, message: DigestMessage) -> tuple[list[str], list[str]]:
    """The channels an earlier run owes message to: those that failed, and those it was telling when it
    stopped (pending: their outcome is unknown)."""
    value = store.get_many([owed_key(message)]).get(owed_key(message)) or {}
    lists = [value.get(name) for name in ("channels", "pending")]
    failed, pending = [[str(c) for c in found] if isinstance(found, list) else [] for found in lists]
    return failed, pending


@dataclass
class Herald:
    """One invocation's notifications: the channels, the state store (opened when first needed), the
    summary's held digests."""

    settings: Settings
    notifiers: Sequence[Notifier]
    store: Callable[[], StateStore]
    deadline: Deadline
    now: float
    held: list[DigestMessage] = field(default_factory=list)

    def published(self, post: Published) -> NotifyReport | None:
        """Tell the channels when some destination got the post for the first time; otherwise tell only
        the channels an earlier run owes it to."""
        if not self.notifiers:
            return None
        message = message_for(post.ranked, self.settings, post.lang, post.url, post.profile)
        if post.created:
            return self._tell(message, self.notifiers)
        return self.settle(message)

    def later(self) -> Announcer:
        """An announcer for older days: what they create is held for `summary()`."""
        return _Later(self)

    def summary(self) -> NotifyReport | None:
        """One message per channel for the held digests (or a report that they were skipped)."""
        if not self.notifiers or not self.held:
            return None
        held, self.held = self.held, []
        mode = self.settings.notify_backfill
        return self._guarded(
            f"backfill#{held[0].key}..{held[-1].key}#{held[0].lang}",
            self.notifiers,
            lambda: notify_backfill(held, self.notifiers, self.store(), self.deadline, self.now, mode=mode),
        )

    def _tell(
        self,
        message: DigestMessage,
        notifiers: Sequence[Notifier],
        interrupted: Sequence[str] = (),
    ) -> NotifyReport:
        """Tell notifiers, then write down what is still owed (nothing, mostly)."""
        pending = [n.channel for n in notifiers]
        # Pending until told: a run killed mid-send leaves this for a later run to settle.
        self._owe(message, {"channels": [], "pending": pending}, digest_id(message))
        report = self._guarded(
            digest_id(message),
            notifiers,
            lambda: notify_digest(
                message, notifiers, self.store(), self.deadline, self.now, interrupted=interrupted
            ),
        )
        self._owe(message, {"channels": report.failed, "pending": report.open}, report.digest)
        return report

    def _owe(self, message: DigestMessage, value: dict[str, list[str]], name: str) -> None:
        try:
            self.store().put(owed_key(message), value, ttl_s=OWED_KEPT_S)
        except DigestError as exc:
            log.error("owed notifications not recorded: %s", exc, extra={"digest": name})

    def settle(self, message: DigestMessage) -> NotifyReport | None:
        """Tell the channels an earlier run of this digest failed, or stopped while telling."""
        try:
            failed, pending = owed(self.store(), message)
        except DigestError as exc:
            log.warning("owed notifications not read: %s", exc, extra={"digest": message.key})
            return None
        if not failed and not pending:
            return None
        chosen = [n for n in self.notifiers if n.channel in failed or n.channel in pending]
        if not chosen:
            return None
        return self._tell(message, chosen, interrupted=pending)

    def _guarded(
        self, name: str, notifiers: Sequence[Notifier], tell: Callable[[], NotifyReport]
    ) -> NotifyReport:
        """tell's report; when the state store (or a bug) stops it, every channel failed, the post stays."""
        try:
            return tell()
        except DigestError as exc:
            reason = str(exc)
            log.error("notifications failed: %s", reason, extra={"digest": name, "error_kind": exc.kind})
        except Exception as exc:  # a notification's bug must not fail a post already published
            reason = f"unexpected {type(exc).__name__}"
            log.exception("notifications failed unexpectedly", extra={"digest": name, "error_kind": "bug"})
        failed = tuple(Delivery(n.channel, Status.FAILED, detail=reason) for n in notifiers)
        return NotifyReport(digest=name, channels=failed)


@dataclass(frozen=True)
class _Later:
    herald: Herald

    def published(self, post: Published) -> NotifyReport | None:
        if not self.herald.notifiers:
            return None
        message = message_for(post.ranked, self.herald.settings, post.lang, post.url, post.profile)
        if post.created:
            self.herald.held.append(message)
            return None
        return self.herald.settle(message)  # a refresh or catch-up day an earlier run still owes
