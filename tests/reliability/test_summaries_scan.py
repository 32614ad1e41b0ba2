"""The token scan over the Bedrock path, alone and through the handler with the whole stack: signed
Converse calls (a session token among the credentials), retries, access denied and dropped connections
leave no signature, session token or prompt in the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hf_digest.adapters.state import SQLiteStore
from hf_digest.config import Settings
from hf_digest.core.model import papers_from_items
from hf_digest.core.rank import rank
from hf_digest.enrich.summaries.converse import converse_client
from hf_digest.enrich.summaries.prompt import load_prompt
from hf_digest.enrich.summaries.summarize import summarize
from hf_digest.outbound import aws
from hf_digest.outbound.deadline import Deadline
from tests.bedrock_server import DROP, BedrockServer, Error
from tests.helpers import create_state_table, load_sample
from tests.reliability.leaks import AWS_SESSION_TOKEN, LeakScan
from tests.reliability.stack import Stack

MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"


@pytest.fixture
def papers(samples_dir: Path) -> list:  # type: ignore[type-arg]
    found, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    return rank(found, 6)


def test_the_bedrock_path_leaks_no_signature_token_or_prompt(
    bedrock: BedrockServer,
    scan: LeakScan,
    papers: list,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", AWS_SESSION_TOKEN)
    monkeypatch.setattr("hf_digest.enrich.summaries.converse.BACKOFF_S", 0.05)
    for wire in ("botocore", "boto3", "urllib3"):  # the code must quiet the SDK's DEBUG lines itself
        monkeypatch.setattr(logging.getLogger(wire), "level", logging.NOTSET)
    bedrock.script(papers[0].arxiv_id, Error("ThrottlingException"), DROP)
    bedrock.script(papers[1].arxiv_id, *[Error("ServiceUnavailableException")] * 4)
    settings = Settings(summary_model=MODEL)
    store = SQLiteStore(tmp_path / "state.sqlite3")

    summaries, report = summarize(
        papers, "ko", settings, store, converse_client(settings), Deadline.after(300)
    )
    bedrock.denied = frozenset({MODEL})
    denied = summarize(papers, "en", settings, store, converse_client(settings), Deadline.after(300))[1]

    assert report.status == "partial" and denied.status == "failed" and denied.error
    scan.add("summaries result", report.to_json(), denied.to_json(), report.metrics())
    scan.add("summaries", *(s.to_json() for s in summaries.values()))
    # Every call carried the session token and a SigV4 signature: the scan had something to find.
    assert {c.headers["x-amz-security-token"] for c in bedrock.calls} == {AWS_SESSION_TOKEN}
    assert all(c.headers["authorization"].startswith("AWS4-HMAC-SHA256") for c in bedrock.calls)
    assert any(r.name.startswith("botocore") for r in caplog.records)  # botocore did log, above DEBUG
    # The prompt and the paper's text are never logged at INFO or above.
    prompt = load_prompt(None, "ko")
    logged = [r.getMessage() + repr(r.__dict__) for r in caplog.records if r.levelno >= logging.INFO]
    for text in (prompt.system[:60], prompt.instruction[:60], papers[0].abstract[:60]):
        assert not any(text in line for line in logged)


def test_the_handler_with_summaries_leaks_no_signature_token_or_prompt(
    stack: Stack,
    bedrock: BedrockServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", AWS_SESSION_TOKEN)
    monkeypatch.setattr("hf_digest.enrich.summaries.converse.BACKOFF_S", 0.05)
    monkeypatch.setenv("DIGEST_SUMMARY_MODEL", MODEL)
    monkeypatch.setenv("DIGEST_STATE_TABLE", create_state_table(aws.client("dynamodb", setting="test")))
    first = stack.hf.items_for_day("2026-02-10")[0]["paper"]["id"]
    bedrock.script(first, Error("ThrottlingException"), DROP)

    published = stack.invoke({"date": "2026-02-10"})
    bedrock.denied = frozenset({MODEL})
    denied = stack.invoke({"date": "2026-02-09"})

    assert published.result is not None and published.result["summaries"]["generated"] == 10
    assert denied.result is not None and denied.result["summaries"]["status"] == "failed"
    assert denied.result["status"] == "published"  # with Hugging Face's summaries
    assert {c.headers["x-amz-security-token"] for c in bedrock.calls} == {AWS_SESSION_TOKEN}
    stack.scan.add("summaries result", published.result["summaries"], denied.result["summaries"])
    prompt = load_prompt(None, "ko")
    logged = [r.getMessage() + repr(r.__dict__) for r in caplog.records if r.levelno >= logging.INFO]
    logged.append(stack.output.text())
    for text in (prompt.system[:60], prompt.instruction[:60]):
        assert not any(text in line for line in logged)
