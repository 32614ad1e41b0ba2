"""Exactly once per new digest and channel: claim in the state store before sending, mark done after.

A claim is a conditional write on `notify#{kind}#{key}#{lang}#{channel}`: a second delivery of the same
event, a Lambda retry or a concurrent run finds it taken and sends nothing. A failed send releases the
claim, so the next run tries again; a run that crashed mid-send leaves a claim that expires after LEASE_S.
A message that may have arrived (sent whole, its answer lost) is marked done as `unconfirmed`: never sent
again. A delivery the store then fails to record is still reported sent (with a warning), never failed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Sequence

from hf_digest.adapters.notify.channel import MayHaveArrived, Notifier
from hf_digest.adapters.notify.message import DigestMessage, Message, backfill_message
from hf_digest.adapters.notify.report import NotifyReport
from hf_digest.adapters.state.store import StateStore
from hf_digest.core.outcomes import Delivery, Status
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline

log = logging.getLogger(__name__)

LEASE_S = 600.0  # a claim older than this belongs to a run that died; the next run takes it over
MIN_TIME_S = 15.0  # a channel is not started with less time than this left
SKIP = "skip"
INTERRUPTED = "an earlier run stopped while telling this channel (its outcome is unknown); told now"
SUMMARY = "summary"


def claim_key(message: DigestMessage, channel: str) -> str:
    return f"notify#{digest_id(message)}#{channel}"


def digest_id(message: DigestMessage) -> str:
    """kind#key#lang, and a named digest's name: two profiles in one language are two digests to tell."""
    named = f"#{message.profile}" if message.profile else ""
    return f"{message.kind}#{message.key}#{message.lang}{named}"


def notify_digest(
    message: DigestMessage,
    notifiers: Sequence[Notifier],
    store: StateStore,
    deadline: Deadline,
    now: float,
    *,
    owner: str | None = None,
    interrupted: Collection[str] = (),
) -> NotifyReport:
    """Tell every channel about a newly created digest, at most once each; one failing stops no other.

    interrupted: channels an earlier run was telling when it stopped; sent now, they carry a warning."""
    owner = owner or uuid.uuid4().hex
    name = digest_id(message)
    reports = tuple(
        _deliver(n, [message], store, deadline, now, owner, name, n.channel in interrupted) for n in notifiers
    )
    return NotifyReport(digest=digest_id(message), channels=reports)


def notify_backfill(
    messages: Sequence[DigestMessage],
    notifiers: Sequence[Notifier],
    store: StateStore,
    deadline: Deadline,
    now: float,
    *,
    mode: str,
    owner: str | None = None,
) -> NotifyReport:
    """Older digests created by a backfill or catch-up: skipped, or one summary message per channel.

    Each digest is claimed per channel as if told alone, so a digest is never in two messages.
    """
    if not messages:
        return NotifyReport(digest="backfill#")
    keys = sorted(m.key for m in messages)
    name = f"backfill#{keys[0]}..{keys[-1]}#{messages[0].lang}"
    if mode == SKIP:
        reason = "DIGEST_NOTIFY_BACKFILL=skip"
        skipped = tuple(
            Delivery(n.channel, Status.SKIPPED, detail=reason, covers=len(messages)) for n in notifiers
        )
        return NotifyReport(digest=name, channels=skipped)
    if mode != SUMMARY:
        raise ValueError(f"unknown backfill mode {mode!r}")
    owner = owner or uuid.uuid4().hex
    reports = tuple(_deliver(n, messages, store, deadline, now, owner, name) for n in notifiers)
    return NotifyReport(digest=name, channels=reports)


def _deliver(
    notifier: Notifier,
    digests: Sequence[DigestMessage],
    store: StateStore,
    deadline: Deadline,
    now: float,
    owner: str,
    name: str,
    interrupted: bool = False,
) -> Delivery:
    channel = notifier.channel
    extra = {"channel": channel, "digest": name}
    if not deadline.allows(MIN_TIME_S):
        log.error("notification not tried: too little time left", extra=extra)
        return Delivery(channel, Status.FAILED, detail="too little time left; the next run tries again")
    keys = {claim_key(d, channel): d for d in digests}
    claimed = [key for key in keys if store.claim(key, owner=owner, lease_s=LEASE_S, now=now)]
    if not claimed:
        done = store.get_many(list(keys))
        status = (
            Status.ALREADY_SENT if all("sent_at" in done.get(key, {}) for key in keys) else Status.IN_PROGRESS
        )
        log.info("notification not repeated", extra={**extra, "status": status})
        return Delivery(channel, status, covers=0)
    ours = [keys[key] for key in claimed]
    message: Message = ours[0] if len(ours) == 1 else backfill_message(ours, ours[0].lang)
    try:
        made = notifier.send(message, deadline)
    except MayHaveArrived as exc:
        # Never released: another try, here or in a later run, could show the message twice.
        value = {"sent_at": now, "channel": channel, "requests": exc.requests, "unconfirmed": exc.reason}
        notes = [f"{exc.reason}; it is not sent again", _mark_done(store, claimed, owner, value, extra)]
        return Delivery(
            channel,
            Status.UNCONFIRMED,
            detail=exc.reason,
            requests=exc.requests,
            covers=len(claimed),
            warning=_joined(notes),
        )
    except DigestError as exc:
        _release(store, claimed, owner)
        reason = getattr(exc, "reason", str(exc))
        log.error("notification failed", extra={**extra, "reason": reason})
        return Delivery(channel, Status.FAILED, detail=reason, requests=getattr(exc, "requests", 0))
    except BaseException:
        _release(store, claimed, owner)
        raise
    value = {"sent_at": now, "channel": channel, "requests": made}
    unrecorded = _mark_done(store, claimed, owner, value, extra)
    log.info("notification sent", extra={**extra, "requests": made, "covers": len(claimed)})
    earlier = INTERRUPTED if interrupted else None
    return Delivery(
        channel, Status.SENT, requests=made, covers=len(claimed), warning=_joined([earlier, unrecorded])
    )


def _joined(notes: Sequence[str | None]) -> str | None:
    return "; ".join(note for note in notes if note) or None


def _mark_done(
    store: StateStore, keys: Sequence[str], owner: str, value: dict[str, object], extra: dict[str, str]
) -> str | None:
    """Record that keys were told; None, or a note when the store failed (the message went out, so it is
    not failed, and the claim is kept: releasing it would let the next run send the message again)."""
    try:
        for key in keys:
            store.mark_done(key, owner=owner, value=value)
    except DigestError as exc:
        log.warning("notification sent but not recorded: %s", exc, extra=extra)
        return f"sent, but the state store did not record it ({exc})"
    return None


def _release(store: StateStore, keys: Sequence[str], owner: str) -> None:
    for key in keys:
        store.release(key, owner=owner)
