"""What notifying did, channel by channel; its JSON is built here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hf_digest.outcomes import Status


@dataclass(frozen=True)
class ChannelReport:
    channel: str
    status: Status
    requests: int = 0
    reason: str | None = None  # the platform's words when failed; why, when skipped or unconfirmed
    covers: int = 1  # digests the message stood for (a backfill summary: many)
    warning: str | None = None  # what the reader of the result should know although it worked

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"channel": self.channel, "status": self.status, "requests": self.requests}
        if self.reason is not None:
            data["reason"] = self.reason
        if self.covers != 1:
            data["covers"] = self.covers
        if self.warning is not None:
            data["warning"] = self.warning
        return data


@dataclass(frozen=True)
class NotifyReport:
    """One digest's (or one backfill's) notifications: a report per channel."""

    digest: str  # "day#2026-02-10#ko", or "backfill#2026-01-01..2026-01-20#ko"
    channels: tuple[ChannelReport, ...] = ()

    @property
    def failed(self) -> list[str]:
        return [c.channel for c in self.channels if c.status == Status.FAILED]

    @property
    def sent(self) -> list[str]:
        return [c.channel for c in self.channels if c.status == Status.SENT]

    @property
    def unconfirmed(self) -> list[str]:
        return [c.channel for c in self.channels if c.status == Status.UNCONFIRMED]

    @property
    def open(self) -> list[str]:
        """Channels another run is still telling: their outcome is not known yet."""
        return [c.channel for c in self.channels if c.status == Status.IN_PROGRESS]

    @property
    def requests(self) -> int:
        return sum(c.requests for c in self.channels)

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per channel whose outcome the result's reader should know about."""
        return tuple(f"notification {c.channel}: {c.warning}" for c in self.channels if c.warning)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "digest": self.digest,
            "channels": [c.to_json() for c in self.channels],
            "requests": self.requests,
            "failed": self.failed,
        }
        if self.unconfirmed:
            data["unconfirmed"] = self.unconfirmed
        return data
