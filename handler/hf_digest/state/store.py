"""The state store's protocol, its statuses and its error, shared by the adapters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from hf_digest.errors import DigestError

CLAIMED = "claimed"
DONE = "done"
# A claim nobody finished or released is forgotten this long after its lease ran out (TTL clean-up).
CLAIM_KEPT_S = 7 * 86400.0


class StateError(DigestError):
    """The state store could not be read or written (the message names the store, never a value)."""

    kind = "state"


class StateStore(Protocol):
    def get_many(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The done, unexpired values among keys (absent keys are left out)."""
        ...

    def put(self, key: str, value: Mapping[str, Any], *, ttl_s: float | None = None) -> None:
        """Store value under key as done, replacing whatever was there."""
        ...

    def claim(self, key: str, *, owner: str, lease_s: float, now: float) -> bool:
        """Take key if absent, expired, or claimed by anyone whose lease (claimed_at + lease_s) has run out,
        or already claimed by owner (which renews it); never when done. True when owner now holds it."""
        ...

    def mark_done(
        self, key: str, *, owner: str, value: Mapping[str, Any], ttl_s: float | None = None
    ) -> None:
        """Record that the work on key is done, with its value; a key already done keeps its first value."""
        ...

    def release(self, key: str, *, owner: str) -> None:
        """Give up owner's claim on key so the next run tries again; no-op when owner does not hold it."""
        ...
