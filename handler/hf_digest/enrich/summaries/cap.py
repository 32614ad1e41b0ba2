"""The hard monthly cost cap (DIGEST_SUMMARY_MONTHLY_USD): a tally of what summaries cost this UTC calendar
month, kept in the state store with one atomic add per call, so runs in parallel (each language, a
backfill) count together.

A call starts only when the tally, the calls in flight and the new call's generous estimate all fit under
the cap; a run's spend can pass the cap by no more than what its estimates missed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hf_digest.adapters.state import StateError, StateStore
from hf_digest.config import Settings
from hf_digest.enrich.summaries.report import price
from hf_digest.errors import ConfigError

TALLY_TTL_S = 70 * 86400.0  # a month's tally outlives its month, then DynamoDB's TTL clears it
PRICE_SETTINGS = ("DIGEST_SUMMARY_PRICE_IN_USD", "DIGEST_SUMMARY_PRICE_OUT_USD")


def rates(settings: Settings) -> tuple[float, float]:
    """USD per million (input, output) tokens: both DIGEST_SUMMARY_PRICE_*_USD when set, else our table.

    A model our table lacks needs both, or the cap could not be kept: a ConfigError naming them."""
    stated = (settings.summary_price_in_usd, settings.summary_price_out_usd)
    if stated[0] is not None and stated[1] is not None:
        return stated[0], stated[1]
    if stated != (None, None):
        missing = PRICE_SETTINGS[0] if stated[0] is None else PRICE_SETTINGS[1]
        raise ConfigError(f"{missing}: set it too; the model's price needs both input and output")
    known = price(settings.summary_model or "")
    if known is None:
        raise ConfigError(
            f"{PRICE_SETTINGS[0]} and {PRICE_SETTINGS[1]}: DIGEST_SUMMARY_MODEL {settings.summary_model!r} "
            "has no price in our table; state its USD per million input and output tokens so "
            "DIGEST_SUMMARY_MONTHLY_USD can be kept"
        )
    return known


def month_of(now: datetime) -> str:
    """The UTC calendar month a moment falls in: "2026-12"."""
    return now.astimezone(UTC).strftime("%Y-%m")


@dataclass
class MonthlyCap:
    """The month's tally in micro-USD (tokens × USD per million tokens), read once and added to per call."""

    store: StateStore
    cap_usd: float
    rates: tuple[float, float]
    month: str
    spent_micro: int = 0  # the tally as last seen (this run's charges included)
    in_flight_micro: int = 0  # estimates of the calls running now
    error: str | None = None  # the tally could not be read or written: this run counts alone
    reached: bool = False
    _charged_here: int = field(default=0, repr=False)

    @property
    def key(self) -> str:
        return f"spend#{self.month}"

    @property
    def cap_micro(self) -> int:
        return int(self.cap_usd * 1_000_000)

    def micro(self, input_tokens: int, output_tokens: int) -> int:
        return math.ceil(input_tokens * self.rates[0] + output_tokens * self.rates[1])

    def read(self) -> None:
        try:
            self.spent_micro = self.store.add(self.key, 0, ttl_s=TALLY_TTL_S)
        except StateError as exc:
            self.error = str(exc)

    def allows(self, estimate_micro: int) -> bool:
        """True when a call estimated at estimate_micro fits under the cap with those in flight."""
        if self.spent_micro + self.in_flight_micro + estimate_micro > self.cap_micro:
            self.reached = True
            return False
        return True

    def charge(self, input_tokens: int, output_tokens: int) -> None:
        cost = self.micro(input_tokens, output_tokens)
        if cost <= 0:
            return
        self._charged_here += cost
        if self.error is None:
            try:
                self.spent_micro = max(self.store.add(self.key, cost, ttl_s=TALLY_TTL_S), self.spent_micro)
                return
            except StateError as exc:
                self.error = str(exc)
        self.spent_micro += cost

    @property
    def spent_usd(self) -> float:
        return self.spent_micro / 1_000_000
