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
# model), ok (every paper summarised), partial, failed (papers wanted, none summarised).
FALLBACKS = (Status.REJECTED, Status.FAILED, Status.BUDGET, Status.DEADLINE)

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


@dataclass(frozen=True)
class PaperStatus:
    """One paper's outcome; reason says why it fell back (never holds a prompt or a credential)."""

    arxiv_id: str
    status: Status
    reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    attempts: int = 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"arxiv_id": self.arxiv_id, "status": self.status}
        if self.reason:
            data["reason"] = self.reason
        if self.attempts:
            data |= {"attempts": self.attempts, "input_tokens": self.input_tokens}
            data["output_tokens"] = self.output_tokens
        return data


@dataclass(frozen=True)
class SummaryReport:
    """The summaries of one run: counts, tokens, estimated cost, each paper's status, one error line."""

    model: str | None
    prompt_version: str | None = None
    papers: tuple[PaperStatus, ...] = ()
    error: str | None = None  # a one-line reason that stopped every call (access, model id, credentials)
    warnings: tuple[str, ...] = field(default=())  # what the summary cache (the state store) could not do

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
        return Status.FAILED if not self.count(Status.GENERATED, Status.CACHED) else Status.PARTIAL

    @property
    def input_tokens(self) -> int:
        return sum(paper.input_tokens for paper in self.papers)

    @property
    def output_tokens(self) -> int:
        return sum(paper.output_tokens for paper in self.papers)

    @property
    def calls(self) -> int:
        return sum(paper.attempts for paper in self.papers)

    @property
    def cost_usd(self) -> float | None:
        return cost_usd(self.model, self.input_tokens, self.output_tokens) if self.model else None

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
            "SummaryCacheFaults": float(len(self.warnings)),
        }
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
        if self.error:
            data["error"] = self.error
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data
