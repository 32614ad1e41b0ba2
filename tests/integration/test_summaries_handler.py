"""Summaries end to end through the Lambda handler: the local Hugging Face, the local Bedrock Runtime
(Converse over HTTP, SigV4 checked) and the state table in moto's DynamoDB."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hf_digest import lambda_entry
from hf_digest.observability import metrics
from hf_digest.outbound import aws
from tests.bedrock_server import BedrockServer
from tests.helpers import FakeContext, MakeHFServer, Output, create_state_table, hf_digest, load_sample
from tests.hf_server import HFServer

MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
POST = "_posts/2026-02-10-hf-daily-papers.md"
DAY_EVENT = {"date": "2026-02-10"}
READ = datetime(2026, 2, 11, 3, 0, tzinfo=UTC)


@pytest.fixture
def table(moto_endpoint: str) -> str:
    return create_state_table(aws.client("dynamodb", setting="DIGEST_STATE_TABLE"))


@pytest.fixture
def env(
    clean_settings: None,
    monkeypatch: pytest.MonkeyPatch,
    table: str,
    bedrock: BedrockServer,
    tmp_path: Path,
) -> Path:
    """Summaries on, cached in the moto table; the post goes to a local folder, which is returned."""
    monkeypatch.setenv("DIGEST_OUTPUT_DIR", str(tmp_path / "site"))
    monkeypatch.setenv("DIGEST_DESTINATIONS", "local")
    monkeypatch.setenv("DIGEST_SUMMARY_MODEL", MODEL)
    monkeypatch.setenv("DIGEST_STATE_TABLE", table)
    return tmp_path / "site"


@pytest.fixture
def day_server(env: Path, monkeypatch: pytest.MonkeyPatch, hf_server: HFServer) -> HFServer:
    monkeypatch.setenv("HF_BASE_URL", hf_server.url)
    return hf_server


def test_a_day_is_summarised_once_and_a_rerun_or_refresh_makes_no_call(
    app: ModuleType, day_server: HFServer, env: Path, bedrock: BedrockServer, output: Output
) -> None:
    result = app.lambda_handler(DAY_EVENT, FakeContext())
    assert result["status"] == "published"
    report = result["summaries"]
    assert (report["status"], report["generated"], report["fallback"]) == ("ok", 10, 0)
    # one call per paper, and one for the day's brief ("오늘의 흐름")
    assert len(bedrock.calls) == report["calls"] == 11 and bedrock.problems == []
    assert [call.arxiv_id for call in bedrock.calls].count("day") == 1
    text = (env / POST).read_text(encoding="utf-8")
    assert text.count("\n   - 문제: ") + text.count("\n    - 문제: ") == 10 and "AI 요약 (영문): " not in text
    assert text.count("\n**오늘의 흐름**: ") == 1
    shown = output.metrics()[-1]
    assert (shown["SummariesGenerated"], shown["SummariesRunFailed"], shown["RunPublished"]) == (10, 0, 1)
    assert shown["SummaryInputTokens"] > 0 and shown["SummaryCostMicroUSD"] > 0

    # The same event again (a Lambda retry), then a refresh days later: cache only, nothing paid twice.
    again = app.lambda_handler(DAY_EVENT, FakeContext())
    later = lambda_entry.handle(DAY_EVENT, 120_000, datetime(2026, 2, 17, 3, 0, tzinfo=UTC))
    metrics.clear_metrics()
    for run in (again, later):
        assert (run["summaries"]["cached"], run["summaries"]["calls"]) == (10, 0)
        assert [d["status"] for d in run["destinations"]] == ["unchanged"]
    assert len(bedrock.calls) == 11
    assert (env / POST).read_text(encoding="utf-8") == text


def test_access_denied_gives_one_clear_line_and_the_post_is_published_with_fallbacks(
    app: ModuleType, day_server: HFServer, env: Path, bedrock: BedrockServer, output: Output
) -> None:
    bedrock.denied = frozenset({MODEL})
    result = app.lambda_handler(DAY_EVENT, FakeContext())
    assert result["status"] == "published"
    report = result["summaries"]
    assert report["status"] == "failed" and report["fallback"] == 10
    assert report["error"].startswith(f"DIGEST_SUMMARY_MODEL {MODEL}: access denied in us-east-1")
    text = (env / POST).read_text(encoding="utf-8")
    assert "문제: " not in text and "오늘의 흐름" not in text and "AI 요약 (영문): " in text
    errors = [r["message"] for r in output.lines() if r.get("level") == "ERROR"]
    assert errors.count(report["error"]) == 1 and errors.count("summaries: failed") == 1
    assert output.metrics()[-1]["SummariesRunFailed"] == 1  # what template.yaml's alarm watches


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        # A wrong secret key: Bedrock answers 403 InvalidSignatureException; the model is not to blame.
        ("AWS_SECRET_ACCESS_KEY", "not-the-secret", "Bedrock in us-east-1: AWS refused the signature"),
        # No network: one line naming the host, not botocore's exception.
        (
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
            "http://nonexistent.invalid",
            "Bedrock: cannot reach nonexistent.invalid (no network?)",
        ),
    ],
)
def test_a_signature_or_network_failure_is_named_as_such_and_the_post_is_published(
    app: ModuleType,
    day_server: HFServer,
    env: Path,
    bedrock: BedrockServer,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    said: str,
) -> None:
    monkeypatch.setenv(variable, value)
    result = app.lambda_handler(DAY_EVENT, FakeContext())
    assert result["status"] == "published" and (env / POST).is_file()
    report = result["summaries"]
    assert report["status"] == "failed" and report["error"].startswith(said), report["error"]
    assert "DIGEST_SUMMARY_MODEL" not in report["error"] and "not-the-secret" not in report["error"]


def test_a_deadline_that_leaves_no_time_makes_no_call_and_the_post_is_published(
    app: ModuleType, day_server: HFServer, env: Path, bedrock: BedrockServer, output: Output
) -> None:
    result = app.lambda_handler(DAY_EVENT, FakeContext(remaining_ms=25_000))
    assert result["status"] == "published" and (env / POST).is_file()
    assert bedrock.calls == []
    assert {p["status"] for p in result["summaries"]["papers"]} == {"deadline"}


def test_a_dry_run_summarises_and_the_real_run_after_it_pays_nothing(
    app: ModuleType, day_server: HFServer, env: Path, bedrock: BedrockServer, output: Output
) -> None:
    preview = app.lambda_handler({**DAY_EVENT, "dry_run": True}, FakeContext())
    assert preview["status"] == "dry_run" and preview["post"].count("문제: ") >= 10
    assert not (env / POST).exists()
    published = app.lambda_handler(DAY_EVENT, FakeContext())
    assert published["summaries"]["cached"] == 10 and len(bedrock.calls) == 11  # the brief is cached too
    assert published["summaries"]["brief"]["status"] == "cached"


def test_summaries_off_leave_the_result_and_the_post_as_they_were(
    app: ModuleType,
    day_server: HFServer,
    env: Path,
    bedrock: BedrockServer,
    output: Output,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DIGEST_SUMMARY_MODEL")
    result = app.lambda_handler(DAY_EVENT, FakeContext())
    assert "summaries" not in result and bedrock.calls == []
    assert "\n   - AI 요약 (영문): " in (env / POST).read_text(encoding="utf-8")
    assert not any(name.startswith("Summar") for name in output.metrics()[-1])


def test_a_weekly_digest_after_its_days_makes_no_new_call(
    env: Path,
    make_hf_server: MakeHFServer,
    samples_dir: Path,
    bedrock: BedrockServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in load_sample(samples_dir, "honggi82_month_2025-11.json"):
        days[item["paper"]["submittedOnDailyAt"][:10]].append(item)
    monkeypatch.setenv("HF_BASE_URL", make_hf_server(days).url)
    now = datetime(2025, 11, 29, 18, 0, tzinfo=UTC)
    try:
        paid = 0
        for day in range(10, 17):
            result = lambda_entry.handle({"date": f"2025-11-{day}"}, 120_000, now)
            paid += result.get("summaries", {}).get("calls", 0)
        assert paid == len(bedrock.calls) > 0
        week = lambda_entry.handle({"week": "2025-W46"}, 120_000, now)
    finally:
        metrics.clear_metrics()
    assert week["status"] == "published" and week["papers_shown"] == 10
    assert (week["summaries"]["cached"], week["summaries"]["calls"]) == (10, 0)
    assert len(bedrock.calls) == paid
    assert (env / "_posts/2025-11-16-hf-weekly-papers.md").read_text(encoding="utf-8").count("문제: ") >= 10


def test_hf_digest_run_prints_one_summaries_line(
    day_server: HFServer, env: Path, bedrock: BedrockServer, tmp_path: Path
) -> None:
    # As a user runs it: the cache in the CLI's SQLite file.
    settings = {"DIGEST_SUMMARY_MODEL": MODEL, "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3")}
    argv = ("run", "--date", "2026-02-10", "--out", str(tmp_path / "cli"))
    first = hf_digest(day_server, *argv, env=settings)
    again = hf_digest(day_server, *argv, env=settings)
    assert first.exit_code == 0 and again.exit_code == 0, first.stderr + again.stderr
    assert "  summaries: ok (10 new, 0 cached, 0 fell back; 11 calls, about $0.0" in first.stdout
    assert "  summaries: ok (0 new, 10 cached, 0 fell back; 0 calls, about $0.0000)" in again.stdout
    assert (tmp_path / "state.sqlite3").is_file() and len(bedrock.calls) == 11


def test_a_month_past_its_cost_cap_publishes_with_fallbacks_one_warning_and_the_alarms_metric(
    app: ModuleType,
    day_server: HFServer,
    env: Path,
    bedrock: BedrockServer,
    output: Output,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DIGEST_SUMMARY_MONTHLY_USD", "0.001")  # less than one paper's call at Haiku's price

    result = app.lambda_handler(DAY_EVENT, FakeContext())

    assert result["status"] == "published" and bedrock.calls == []
    report = result["summaries"]
    assert report["status"] == "capped" and report["fallback"] == 10 and report["month"]["reached"]
    text = (env / POST).read_text(encoding="utf-8")
    assert "문제: " not in text and "오늘의 흐름" not in text and "AI 요약 (영문): " in text
    assert "**오늘의 키워드**: " in text  # without a model's brief, the keywords alone
    capped = [w for w in result["warnings"] if w.startswith("DIGEST_SUMMARY_MONTHLY_USD $0.00 reached for")]
    assert len(capped) == 1, result["warnings"]
    assert len(output.lines("summaries: monthly cost cap reached")) == 1
    shown = output.metrics()[-1]
    assert (shown["SummaryCostCapReached"], shown["SummariesRunFailed"], shown["RunPublished"]) == (1, 0, 1)
    assert shown["SummaryCacheFaults"] == 0  # the cap is not a fault of the state store


def test_a_model_without_a_known_price_exits_2_naming_the_setting_before_anything_is_written(
    day_server: HFServer, bedrock: BedrockServer, tmp_path: Path
) -> None:
    settings = {
        "DIGEST_SUMMARY_MODEL": "us.meta.llama3-1-8b-instruct-v1:0",
        "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3"),
    }
    done = hf_digest(day_server, "run", "--date", "2026-02-10", "--out", str(tmp_path / "cli"), env=settings)
    assert done.exit_code == 2
    assert done.stderr.splitlines() == [
        "hf-digest: error: DIGEST_SUMMARY_PRICE_IN_USD and DIGEST_SUMMARY_PRICE_OUT_USD: "
        "DIGEST_SUMMARY_MODEL 'us.meta.llama3-1-8b-instruct-v1:0' has no price in our table; state its USD "
        "per million input and output tokens so DIGEST_SUMMARY_MONTHLY_USD can be kept"
    ]
    assert not (tmp_path / "state.sqlite3").exists()  # not even the state store was opened
    assert not (tmp_path / "cli").exists() and bedrock.calls == []
