"""The summaries' report: counts, run status, tokens and cost at the dated prices, metrics, JSON."""

from __future__ import annotations

import json

import pytest

from hf_digest.core.model import Paper, Summary
from hf_digest.core.outcomes import Status
from hf_digest.enrich.summaries.report import PRICES_AS_OF, PaperStatus, SummaryReport, cost_usd, price

HAIKU = "global.anthropic.claude-haiku-4-5-20251001-v1:0"


def report(*statuses: str, model: str | None = HAIKU) -> SummaryReport:
    papers = tuple(
        PaperStatus(
            Status(status),
            None if status in ("generated", "cached") else "why",
            1000,
            200,
            1,
            arxiv_id=f"2602.{n:05d}",
        )
        for n, status in enumerate(statuses)
    )
    return SummaryReport(model=model, prompt_version="abcdef012345", papers=papers)


@pytest.mark.parametrize(
    ("statuses", "status"),
    [
        ((), "ok"),
        (("generated", "cached", "skipped"), "ok"),
        (("generated", "rejected"), "partial"),
        (("failed", "budget", "deadline"), "failed"),
        (("skipped",), "ok"),
    ],
)
def test_the_run_status(statuses: tuple[str, ...], status: str) -> None:
    assert report(*statuses).status == status


def test_off_when_no_model() -> None:
    off = SummaryReport.off()
    assert off.status == "off" and off.to_json() == {"status": "off"} and off.metrics() == {}


def test_counts_tokens_cost_and_metrics() -> None:
    run = report("generated", "generated", "cached", "rejected", "failed", "budget")
    data = run.to_json()
    assert (data["generated"], data["cached"], data["fallback"], data["failed"]) == (2, 1, 3, 1)
    assert (data["input_tokens"], data["output_tokens"]) == (6000, 1200)
    # Claude Haiku 4.5 through the global profile: $1 in, $5 out per million tokens.
    assert data["estimated_cost_usd"] == pytest.approx(0.006 + 0.006)
    assert PRICES_AS_OF in data["prices"]
    assert run.metrics() == {
        "SummariesGenerated": 2,
        "SummariesCached": 1,
        "SummariesFallback": 3,
        "SummariesFailed": 1,
        "SummaryInputTokens": 6000,
        "SummaryOutputTokens": 1200,
        "SummaryCostMicroUSD": pytest.approx(12_000),
        "SummariesRunFailed": 0,
        "SummaryCacheFaults": 0,
    }
    assert report("failed").metrics()["SummariesRunFailed"] == 1
    assert data["papers"][3] == {
        "arxiv_id": "2602.00003",
        "status": "rejected",
        "reason": "why",
        "attempts": 1,
        "input_tokens": 1000,
        "output_tokens": 200,
    }
    json.dumps(data)


def test_prices_follow_the_profile_and_unknown_models_have_none() -> None:
    assert price(HAIKU) == (1.00, 5.00)
    regional = price("apac.anthropic.claude-haiku-4-5-20251001-v1:0")
    assert regional == pytest.approx((1.10, 5.50))  # 10% more outside the global profile
    assert price("us.amazon.nova-lite-v1:0") == (0.06, 0.24)
    assert price("acme.unknown-model-v1:0") is None
    assert cost_usd("acme.unknown-model-v1:0", 10, 10) is None
    assert report("generated", model="acme.unknown-model-v1:0").to_json()["estimated_cost_usd"] is None


def test_a_paper_shows_its_summary_in_its_json() -> None:
    paper = Paper("2602.00001", "T", "A", 1)
    assert "summary" not in paper.to_json()  # summaries off: the data file is as it was
    with_summary = Paper("2602.00001", "T", "A", 1, summary=Summary("요약", HAIKU, "abcdef012345"))
    assert with_summary.to_json()["summary"] == {
        "text": "요약",
        "model": HAIKU,
        "prompt_version": "abcdef012345",
    }
