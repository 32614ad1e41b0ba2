"""The state store's protocol, its statuses and its error, shared by the adapters."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from hf_digest.errors import DigestError

# A claim nobody finished or released is forgotten this long after its lease ran out (TTL clean-up).
CLAIM_KEPT_S = 7 * 86400.0

log = logging.getLogger(__name__)


class StateError(DigestError):
    """The state store could not be read or written (the message names the store, never a value)."""

    kind = "state"


class StateStore(Protocol):
    def get_many(
        self, keys: Sequence[str], *, malformed: list[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """The done, unexpired values among keys (absent keys are left out). A stored value that is not a
        JSON object is left out too, and its key appended to malformed (when given)."""
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

    def add(self, key: str, amount: int, *, ttl_s: float | None = None) -> int:
        """Add amount to the counter under key (absent: 0) in one atomic write, and return the new total;
        add(key, 0) reads it. A counter is not a value: get_many does not return it."""
        ...


class BatchReads:
    """get_many for a store that reads keys in batches of at most batch_size: each key once, in order; its
    _live gives a batch's (key, stored JSON text) pairs that are done and unexpired, and those that decode
    are kept."""

    batch_size: int
    _clock: Callable[[], float]

    def get_many(
        self, keys: Sequence[str], *, malformed: list[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        unique = list(dict.fromkeys(keys))
        found: dict[str, dict[str, Any]] = {}
        now = self._clock()
        for start in range(0, len(unique), self.batch_size):
            for key, raw in self._live(unique[start : start + self.batch_size], now):
                value = decoded(key, raw, malformed)
                if value is not None:
                    found[key] = value
        return found

    def _live(self, batch: list[str], now: float) -> Iterable[tuple[str, object]]:
        raise NotImplementedError


def decoded(key: str, raw: object, malformed: list[str] | None) -> dict[str, Any] | None:
    """raw (a stored JSON text) as an object, or None when it is not one: another version, a hand edit or a
    torn write left it; the feature that reads it treats it as absent and writes it again."""
    try:
        value = json.loads(raw) if isinstance(raw, str | bytes) else None
    except ValueError:
        value = None
    if isinstance(value, dict):
        return value
    log.warning("state store: the value under a key is not a JSON object; ignored", extra={"key": key})
    if malformed is not None:
        malformed.append(key)
    return None


class UnavailableStore:
    """Stands in for a store that could not be opened: every call raises that error, so each feature that
    uses the store degrades as it does for a store that fails (and the post is still published)."""

    def __init__(self, error: StateError) -> None:
        self.error = error

    def get_many(
        self, keys: Sequence[str], *, malformed: list[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        raise self.error

    def put(self, key: str, value: Mapping[str, Any], *, ttl_s: float | None = None) -> None:
        raise self.error

    def claim(self, key: str, *, owner: str, lease_s: float, now: float) -> bool:
        raise self.error

    def mark_done(
        self, key: str, *, owner: str, value: Mapping[str, Any], ttl_s: float | None = None
    ) -> None:
        raise self.error

    def release(self, key: str, *, owner: str) -> None:
        raise self.error

    def add(self, key: str, amount: int, *, ttl_s: float | None = None) -> int:
        raise self.error
