"""What a run's summaries did, paper by paper, and what they cost: the result's `summaries` and the metrics.

Prices are one dated table; a model missing from it is reported with its tokens and no cost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hf_digest.core.outcomes import Status
from hf_digest.enrich.summaries.prompt import model_family

# A paper's status: generated or cached shows our summary; these fall back to Hugging Face's AI summary (or
# nothing); skipped is a paper DIGEST_SUMMARY_MAX_PAPERS left out on purpose. The run's status: off (no
# model), ok (every paper summarised), partial, failed (papers wanted, none summarised), capped (none
# summarised because the month's cost cap was reached: its own alarm, not the failure one).
FALLBACKS = (Status.REJECTED, Status.FAILED, Status.BUDGET, Status.DEADLINE, Status.COST_CAP)

# USD per million tokens (input, output), on-demand, standard tier. Source: Amazon Bedrock pricing,
# https://aws.amazon.com/bedrock/pricing/ (and Anthropic's model pricing for the Claude rows), as published
# on 2026-12-01; not fetched at run time. Claude 4.5 models cost 10% more outside the global profile.
PRICES_AS_OF = "2026-12-01"
PRICES_SOURCE = "https://aws.amazon.com/bedrock/pricing/"
PRICES: dict[str, tuple[float, float]] = {
    "anthropic.claude-haiku-4-5-20251001-v1:0": (1.00, 5.00),
    "anthropic.claude-sonnet-4-5-20250929-v1:0": (3.00, 15.00),
    "anthropic.claude-3-5-haiku-20241022-v1:0": (0.80, 4.00),
    "anthropic.claude-3-haiku-20240307-v1:0": (0.25, 1.25),
    "amazon.nova-micro-v1:0": (0.035, 0.14),
    "amazon.nova-lite-v1:0": (0.06, 0.24),
    "amazon.nova-pro-v1:0": (0.80, 3.20),
    # Embeddings (DIGEST_INTERESTS_MODEL), input tokens only: USD 0.00002 per 1,000 tokens as the pricing
    # page listed it to our knowledge (not re-fetched on PRICES_AS_OF).
    "amazon.titan-embed-text-v2:0": (0.02, 0.0),
}
_REGIONAL_PREMIUM = {"anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0"}


def price(model: str) -> tuple[float, float] | None:
    """USD per million (input, output) tokens for a model or inference profile id, None when unknown."""
    family = model_family(model)
    rates = PRICES.get(family)
    if rates is None:
        return None
    if family in _REGIONAL_PREMIUM and not model.rsplit("/", 1)[-1].startswith("global."):
        return rates[0] * 1.1, rates[1] * 1.1
    return rates


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float | None:
    rates = price(model)
    if rates is None:
        return None
    return (input_tokens * rates[0] + output_tokens * rates[1]) / 1_000_000


CAP_WARNING = "DIGEST_SUMMARY_MONTHLY_USD"  # the cap's warning starts so (not a cache fault)


@dataclass(frozen=True)
class Outcome:
    """How one call's work went; reason says why it fell back (never holds a prompt or a credential)."""

    status: Status
    reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    attempts: int = 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status}
        if self.reason:
            data["reason"] = self.reason
        if self.attempts:
            data |= {"attempts": self.attempts, "input_tokens": self.input_tokens}
            data["output_tokens"] = self.output_tokens
        return data


@dataclass(frozen=True)
class PaperStatus(Outcome):
    """One paper's outcome."""

    arxiv_id: str = field(kw_only=True)

    def to_json(self) -> dict[str, Any]:
        return {"arxiv_id": self.arxiv_id} | super().to_json()


@dataclass(frozen=True)
class Brief(Outcome):
    """The day's brief ("오늘의 흐름"): how it went, and what its one call cost."""


@dataclass(frozen=True)
class CapStatus:
    """The month's tally against DIGEST_SUMMARY_MONTHLY_USD, as this run left it."""

    month: str
    cap_usd: float
    spent_usd: float
    reached: bool

    def to_json(self) -> dict[str, Any]:
        spent = round(self.spent_usd, 6)
        return {"month": self.month, "cap_usd": self.cap_usd, "spent_usd": spent, "reached": self.reached}


@dataclass(frozen=True)
class SummaryReport:
    """The summaries of one run: counts, tokens, estimated cost, each paper's status, one error line."""

    model: str | None
    prompt_version: str | None = None
    papers: tuple[PaperStatus, ...] = ()
    error: str | None = None  # a one-line reason that stopped every call (access, model id, credentials)
    warnings: tuple[str, ...] = field(default=())  # what the summary cache (the state store) could not do
    brief: str | None = None  # the day's brief, checked
    brief_status: Brief | None = None  # None: not asked for (a week, a month)
    throttled: int = 0  # attempts Bedrock throttled
    concurrency: tuple[int, int] | None = None  # the calls at once: at most, and the lowest AIMD went to
    cap: CapStatus | None = None
    rates: tuple[float, float] | None = None  # USD per million tokens (in, out), when not our table's

    @classmethod
    def off(cls) -> SummaryReport:
        return cls(model=None)

    def count(self, *statuses: str) -> int:
        counts: Counter[str] = Counter(paper.status for paper in self.papers)
        return sum(counts[status] for status in statuses)

    @property
    def status(self) -> Status:
        if self.model is None:
            return Status.OFF
        if not self.count(*FALLBACKS):
            return Status.OK
        if self.count(Status.GENERATED, Status.CACHED):
            return Status.PARTIAL
        if self.count(Status.COST_CAP) and not self.count(Status.REJECTED, Status.FAILED):
            return Status.CAPPED
        return Status.FAILED

    @property
    def input_tokens(self) -> int:
        return sum(paper.input_tokens for paper in self._usages())

    @property
    def output_tokens(self) -> int:
        return sum(paper.output_tokens for paper in self._usages())

    @property
    def calls(self) -> int:
        return sum(paper.attempts for paper in self._usages())

    def _usages(self) -> tuple[Outcome, ...]:
        return (*self.papers, *((self.brief_status,) if self.brief_status else ()))

    @property
    def cost_usd(self) -> float | None:
        if self.model is None:
            return None
        if self.rates is not None:
            return (self.input_tokens * self.rates[0] + self.output_tokens * self.rates[1]) / 1_000_000
        return cost_usd(self.model, self.input_tokens, self.output_tokens)

    def metrics(self) -> dict[str, float]:
        """CloudWatch metric name -> value (counts, tokens, cost) for the run layer to emit."""
        if self.model is None:
            return {}
        values = {
            "SummariesGenerated": float(self.count(Status.GENERATED)),
            "SummariesCached": float(self.count(Status.CACHED)),
            "SummariesFallback": float(self.count(*FALLBACKS)),
            "SummariesFailed": float(self.count(Status.FAILED)),
            "SummaryInputTokens": float(self.input_tokens),
            "SummaryOutputTokens": float(self.output_tokens),
            "SummariesRunFailed": 1.0 if self.status == Status.FAILED else 0.0,  # template.yaml alarms on it
            # The state store failed the cache (not opened, not read, not written, unreadable entries).
            "SummaryCacheFaults": float(len([w for w in self.warnings if not w.startswith(CAP_WARNING)])),
        }
        if self.cap is not None:
            values["SummaryCostCapReached"] = 1.0 if self.cap.reached else 0.0  # template.yaml alarms on it
            values["SummaryMonthSpentMicroUSD"] = round(self.cap.spent_usd * 1_000_000, 3)
        if self.throttled:
            values["SummaryThrottled"] = float(self.throttled)
        if self.cost_usd is not None:
            values["SummaryCostMicroUSD"] = round(self.cost_usd * 1_000_000, 3)
        return values

    def line(self) -> str:
        """One line for the CLI: what was made, reused and fell back, the calls and the estimated cost."""
        cost = "" if self.cost_usd is None else f", about ${self.cost_usd:.4f}"
        said = f": {self.error}" if self.error else ""
        made, reused = self.count(Status.GENERATED), self.count(Status.CACHED)
        return (
            f"summaries: {self.status} ({made} new, {reused} cached, "
            f"{self.count(*FALLBACKS)} fell back; {self.calls} calls{cost}){said}"
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status}
        if self.model is None:
            return data
        data |= {
            "model": self.model,
            "prompt_version": self.prompt_version,
            "generated": self.count(Status.GENERATED),
            "cached": self.count(Status.CACHED),
            "fallback": self.count(*FALLBACKS),
            "failed": self.count(Status.FAILED),
            "skipped": self.count(Status.SKIPPED),
            "calls": self.calls,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "estimated_cost_usd": None if self.cost_usd is None else round(self.cost_usd, 6),
            "prices": f"{PRICES_SOURCE} as of {PRICES_AS_OF}",
            "papers": [paper.to_json() for paper in self.papers],
        }
        if self.brief_status is not None:
            data["brief"] = self.brief_status.to_json()
        if self.cap is not None:
            data["month"] = self.cap.to_json()
        if self.throttled and self.concurrency:
            data |= {
                "throttled": self.throttled,
                "concurrency": {"most": self.concurrency[0], "lowest": self.concurrency[1]},
            }
        if self.error:
            data["error"] = self.error
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data
