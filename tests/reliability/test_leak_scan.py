"""The token scan itself: it sees every kind of output, and it would catch a leak."""

from __future__ import annotations

import html
import json
import logging
import uuid
from urllib.parse import quote

import pytest

from hf_digest.errors import PublishError
from tests.github_server import fault
from tests.helpers import WIRE_LOGGERS, post_path, quiet_botocore, receive, sqs_event
from tests.reliability.leaks import (
    DISCORD_HOOK,
    HF_TOKEN,
    SLACK_HOOK,
    SLACK_HOOK_TOKEN,
    TELEGRAM_TOKEN,
    TOKEN,
    UNSENDABLE_TOKENS,
    LeakScan,
    find_leaks,
)
from tests.reliability.stack import Stack


@pytest.mark.parametrize(
    "leaked",
    [
        TOKEN,
        f"headers={{'Authorization': 'Bearer {HF_TOKEN}'}}",
        "Authorization: Bearer ghp_0123456789abcdef",  # a token the suite never set
        "'Authorization': b'AWS4-HMAC-SHA256 Credential=testing/20260210/us-east-1/s3/aws4_request'",
        "Signature=" + "ab" * 32,
        "'X-Amz-Security-Token': b'testing'",
        "x-amz-security-token:testing",
        repr(UNSENDABLE_TOKENS[0]),  # InvalidHeader quotes a value with its newline escaped
        json.dumps({"token": UNSENDABLE_TOKENS[1]}),
        f"https://x.example/?t={quote(UNSENDABLE_TOKENS[1], safe='')}",
        f"<p>The requested URL {html.escape(SLACK_HOOK)} was not found</p>",  # a 404 page, the path alone
        f"<p>request: POST {DISCORD_HOOK}?wait=true</p>",
        f"HTTP 404 ... {SLACK_HOOK_TOKEN}",  # the token alone
        f"HTTP 404 ... /services/T0RELIAB/B0RELIAB/{SLACK_HOOK_TOKEN[:14]}",  # cut inside the token
        f"POST /bot{quote(TELEGRAM_TOKEN, safe='')}/sendMessage",
    ],
)
def test_the_scan_catches_a_token_or_an_authorization_value(leaked: str) -> None:
    assert find_leaks(f"some log line {leaked} and more")
    scan = LeakScan()
    scan.add("exception", PublishError("outer"))
    try:
        try:
            raise ValueError(leaked)
        except ValueError as inner:
            raise PublishError("a clean message") from inner
    except PublishError as outer:
        scan.add("exception", outer)
    assert scan.check(), "a leak in an exception's cause went unseen"


def test_the_scan_passes_what_the_code_writes_instead() -> None:
    assert (
        find_leaks("Authorization: Bearer ***; Secret('***'); headers: {'Authorization': f'Bearer {token}'}")
        == []
    )


def test_the_scan_reads_log_lines_metrics_results_exceptions_and_cli_output(stack: Stack) -> None:
    ok = stack.invoke({"date": "2026-02-10"})
    stack.github.inject("GET", f"/repos/{stack.github.full_name}", fault(401, "Bad credentials"))
    failed = stack.invoke({"date": "2026-02-09"})
    assert ok.status == "published" and isinstance(failed.error, PublishError)
    stack.cli({"date": "2026-02-10", "dry_run": True})
    assert {"result", "exception", "cli stdout", "cli stderr"} <= stack.scan.kinds()
    assert stack.output.lines("run finished") and stack.output.metrics()  # Powertools lines and EMF
    # Every request carried the tokens, so the scan had something to find had they leaked.
    assert {r.headers["authorization"] for r in stack.github.requests} == {f"Bearer {TOKEN}"}
    assert {r.headers["authorization"] for r in stack.hf.requests} == {f"Bearer {HF_TOKEN}"}


def test_s3_alone_at_debug_logs_no_signature_or_session_token(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Without a GitHub secret to read first, only the S3 publisher can keep botocore's DEBUG lines out.
    monkeypatch.setenv("DIGEST_DESTINATIONS", "s3")
    assert logging.getLogger("botocore").getEffectiveLevel() == logging.DEBUG
    run = stack.invoke({"date": "2026-02-10"})
    assert run.outcomes() == {"s3": "created"}
    assert any(r.name.startswith("botocore") for r in caplog.records)  # botocore did log, above DEBUG


def test_a_backfill_through_the_queue_at_debug_logs_no_signature_or_session_token(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The range is queued (SQS SendMessageBatch), then its messages come back as one SQS batch event.
    import boto3

    with quiet_botocore():
        sqs = boto3.client("sqs")
        queue = sqs.create_queue(QueueName=f"backfill-{uuid.uuid4().hex[:8]}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    monkeypatch.setenv("DIGEST_BACKFILL_QUEUE_URL", queue)
    monkeypatch.setenv("DIGEST_BACKFILL_PACE", "0")
    assert all(logging.getLogger(name).getEffectiveLevel() == logging.DEBUG for name in WIRE_LOGGERS)

    queued = stack.invoke({"from": "2026-02-09", "to": "2026-02-10"})
    assert queued.result is not None and queued.result["counts"] == {"queued": 2}
    assert stack.hf.requests == []
    with quiet_botocore():
        messages = receive(queue, 2)
    assert sorted(json.loads(m["Body"])["date"] for m in messages) == ["2026-02-09", "2026-02-10"]

    batch = stack.invoke(sqs_event(messages, arn))
    assert batch.result == {"batchItemFailures": []}
    days = ("2026-02-09", "2026-02-10")
    assert sorted(stack.commits()) == [f"Add Hugging Face Daily Papers for {day}" for day in days]
    assert stack.posts() == [post_path(day) for day in days]
    assert any(r.name.startswith("botocore") for r in caplog.records)  # botocore did log, above DEBUG
