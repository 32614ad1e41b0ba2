"""What notifying did, channel by channel: a Delivery per channel (runs/result.py writes its JSON)."""

from __future__ import annotations

from dataclasses import dataclass

from hf_digest.core.outcomes import Delivery, Status


@dataclass(frozen=True)
class NotifyReport:
    """One digest's (or one backfill's) notifications: a Delivery per channel."""

    digest: str  # "day#2026-02-10#ko", or "backfill#2026-01-01..2026-01-20#ko"
    channels: tuple[Delivery, ...] = ()

    def named(self, status: Status) -> list[str]:
        """The channels whose delivery ended in status."""
        return [c.target for c in self.channels if c.status == status]

    @property
    def failed(self) -> list[str]:
        return self.named(Status.FAILED)

    @property
    def sent(self) -> list[str]:
        return self.named(Status.SENT)

    @property
    def unconfirmed(self) -> list[str]:
        return self.named(Status.UNCONFIRMED)

    @property
    def open(self) -> list[str]:
        """Channels another run is still telling: their outcome is not known yet."""
        return self.named(Status.IN_PROGRESS)

    @property
    def requests(self) -> int:
        return sum(c.requests for c in self.channels)

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per channel whose outcome the result's reader should know about."""
        return tuple(f"notification {c.target}: {c.warning}" for c in self.channels if c.warning)
