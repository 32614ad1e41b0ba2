"""The days Hugging Face answered empty after they had closed, remembered in the state store so that a
schedule's catch-up does not ask for them again every day (a closed weekend stays empty).

Optional: a store that cannot be opened, read or written leaves catch-up asking as before, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date

from hf_digest.adapters.state.store import StateStore
from hf_digest.errors import DigestError

log = logging.getLogger(__name__)

KEY_PREFIX = "hf-empty-day/"
# Kept longer than any catch-up looks back (DIGEST_CATCHUP_DAYS is at most 60), then forgotten by TTL.
KEPT_S = 90 * 86400.0


def key(day: date) -> str:
    return KEY_PREFIX + day.isoformat()


class EmptyDays:
    """What the store knows of closed days without papers; the store is opened on first use."""

    def __init__(self, store: Callable[[], StateStore]) -> None:
        self._store = store
        self.warnings: list[str] = []

    def known(self, days: Iterable[date]) -> set[date]:
        """Which of days are remembered as closed and empty (none when the store cannot answer)."""
        wanted = {key(day): day for day in days}
        try:
            held = self._store().get_many(list(wanted))
        except DigestError as exc:
            self._warn("catch-up asks Hugging Face for every day: the days seen empty could not be read", exc)
            return set()
        return {wanted[name] for name in held}

    def remember(self, days: Iterable[date]) -> None:
        """Note days (each closed, and listed empty by Hugging Face) so catch-up skips them from now on."""
        for day in sorted(set(days)):
            try:
                self._store().put(key(day), {"date": day.isoformat()}, ttl_s=KEPT_S)
            except DigestError as exc:
                self._warn(
                    f"{day} was listed empty but could not be remembered; catch-up will ask again", exc
                )
                return

    def _warn(self, what: str, exc: DigestError) -> None:
        log.warning(what, extra={"error_kind": exc.kind, "problem": str(exc)})
        self.warnings.append(f"{what}: {exc}")
