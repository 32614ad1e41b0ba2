"""The state store as an enrichment's cache: opened on first use, and never a reason to fail a post.

When the store cannot be opened, read or written, the enrichment asks Hugging Face instead and the fault
is kept, once, for the result's warnings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from hf_digest.errors import DigestError

log = logging.getLogger(__name__)


class Cache(Protocol):
    """The part of the state store an enrichment uses (hf_digest.adapters.state.StateStore)."""

    def get_many(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]: ...

    def put(self, key: str, value: Mapping[str, Any], *, ttl_s: float | None = None) -> None: ...


class SoftCache:
    """One enrichment's cache for one invocation; `what` names it in warnings ("linked cache")."""

    def __init__(self, open_cache: Callable[[], Cache] | None, what: str) -> None:
        self._open = open_cache
        self._cache: Cache | None = None
        self._what = what
        self._faults: list[str] = []

    def opened(self) -> Cache | None:
        """The state store, opened on first use; None (no caching) when it cannot be opened."""
        if self._cache is None and self._open is not None:
            try:
                self._cache = self._open()
            except (DigestError, OSError) as exc:
                log.warning("%s not opened; asking Hugging Face: %s", self._what, exc)
                self._faults.append(f"{self._what} not opened; asked Hugging Face: {exc}")
                self._open = None
        return self._cache

    def get_many(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The done values under keys; nothing when there are no keys or the store cannot be read."""
        cache = self.opened()
        if cache is None or not keys:
            return {}
        try:
            return cache.get_many(keys)
        except DigestError as exc:
            log.warning("%s unreadable; asking Hugging Face: %s", self._what, exc)
            self._faults.append(f"{self._what} not read; asked Hugging Face: {exc}")
            return {}

    def put(self, key: str, value: Mapping[str, Any], *, ttl_s: float | None = None, then: str = "") -> None:
        """Keeps value under key when the store is open; `then` tells the warning what a lost write means."""
        cache = self.opened()
        if cache is None:
            return
        try:
            cache.put(key, value, ttl_s=ttl_s)
        except DigestError as exc:
            log.warning("%s not written: %s", self._what, exc, extra={"key": key})
            self._faults.append(f"{self._what} not written{then}: {exc}")

    def take_faults(self) -> list[str]:
        """The faults since the last call, each once."""
        faults = list(dict.fromkeys(self._faults))
        self._faults.clear()
        return faults
