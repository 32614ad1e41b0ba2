"""`hf-digest notify --date D [--channel ...] [--dry-run]`: tell (or show) what a day's post announces.

The digest comes from the run layer (runs/announce.py), so the message lists what the post shows. Telling
goes through the same ledger as a run, so a day already told is not told again; a channel that failed
earlier is retried. The CLI prints `lines()` (or `to_json()`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hf_digest.deadline import Deadline
from hf_digest.errors import DigestError
from hf_digest.notify.channel import Notifier
from hf_digest.notify.herald import owed
from hf_digest.notify.ledger import notify_digest
from hf_digest.notify.message import DigestMessage
from hf_digest.notify.report import NotifyReport
from hf_digest.outcomes import Status
from hf_digest.state.store import StateStore


@dataclass(frozen=True)
class Told:
    """One post's message: what each channel would get (a dry run) or what each did."""

    profile: str | None = None  # the named digest (DIGEST_PROFILES) whose post it announces
    report: NotifyReport | None = None
    previews: dict[str, dict[str, Any]] = field(default_factory=dict)  # channel -> payload, on a dry run

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.profile is None else {"profile": self.profile}
        if self.report is not None:
            data["notifications"] = self.report.to_json()
        if self.previews:
            data["previews"] = self.previews
        return data

    def lines(self) -> list[str]:
        prefix = "" if self.profile is None else f"{self.profile} "
        if self.report is None:
            return [
                f"{prefix}{channel}:\n{json.dumps(p, ensure_ascii=False, indent=2)}"
                for channel, p in self.previews.items()
            ]
        return [
            f"{prefix}{c.channel}: {c.status}"
            + (f" ({c.reason})" if c.reason else "")
            + (f"; warning: {c.warning}" if c.warning and c.warning != c.reason else "")
            for c in self.report.channels
        ]


@dataclass(frozen=True)
class NotifyCommandResult:
    day: date
    status: Status  # done (each channel sent or already told), failed, dry_run or empty
    told: tuple[Told, ...] = ()  # one per post: the day's, or each profile's
    hf_requests: int = 0
    papers_shown: int = 0  # what the announced post shows (with profiles: the most any shows)
    papers_total: int = 0  # what Hugging Face listed that day
    warnings: tuple[str, ...] = ()  # what the digest could not do (a summary not made, a config unread)

    @property
    def exit_code(self) -> int:
        return 1 if self.status == Status.FAILED else 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "date": self.day.isoformat(),
            "status": self.status,
            "hf_requests": self.hf_requests,
            "papers_shown": self.papers_shown,
            "papers_total": self.papers_total,
        }
        if len(self.told) == 1 and self.told[0].profile is None:
            data.update(self.told[0].to_json())
        elif self.told:
            data["profiles"] = [told.to_json() for told in self.told]
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data

    def lines(self) -> list[str]:
        """What the command prints: one line per channel, or each channel's payload on a dry run."""
        if self.status == Status.EMPTY and self.papers_total:  # DIGEST_SKIP_EMPTY_FILTERED: no post was made
            return [f"{self.day}: the topic filter left no papers, so there is no post; nothing to tell"]
        if self.status == Status.EMPTY:
            return [f"{self.day}: Hugging Face lists no papers; nothing to tell"]
        return [line for told in self.told for line in told.lines()]


def preview(message: DigestMessage, notifiers: Sequence[Notifier], profile: str | None = None) -> Told:
    """What each channel would get: the payload its notifier would send, with no secret in it."""
    return Told(profile, previews={n.channel: n.render(message) for n in notifiers})


def tell(
    message: DigestMessage,
    notifiers: Sequence[Notifier],
    ledger: StateStore,
    deadline: Deadline,
    now: float,
    profile: str | None = None,
) -> Told:
    """Tell each channel not yet told, through the ledger a run uses."""
    try:
        _, interrupted = owed(ledger, message)  # channels a run killed mid-send left: warned about
    except DigestError:
        interrupted = []
    return Told(profile, notify_digest(message, notifiers, ledger, deadline, now, interrupted=interrupted))
