"""The AWS backfill path on moto_server over HTTP: a range becomes one SQS message per day, the function
takes them as SQS batches, and a failing day is retried alone until it lands in the dead-letter queue.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
import yaml

from tests.github_server import fault
from tests.helpers import REPO, FakeContext, MakeGitHubServer, Output, load_event, receive, sqs_event
from tests.hf_server import HFServer

RANGE = {"from": "2026-02-06", "to": "2026-02-12"}  # 7 days: 5 weekdays, a weekend
BROKEN = "2026-02-10"
TOKEN = "github_pat_QUEUE_test_token_0c7b3d"


def template_redrive() -> dict[str, Any]:
    """BackfillQueue's RedrivePolicy as the template declares it."""

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template = yaml.load((REPO / "template.yaml").read_text(encoding="utf-8"), _Loader)
    policy = template["Resources"]["BackfillQueue"]["Properties"]["RedrivePolicy"]
    assert isinstance(policy, dict)
    return policy


@pytest.fixture
def queues(moto_endpoint: str) -> dict[str, str]:
    """A backfill queue and its dead-letter queue, redriven as the template says."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    name = f"backfill-{uuid.uuid4().hex[:8]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": template_redrive()["maxReceiveCount"]}
    queue = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": json.dumps(redrive)})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {"queue": queue, "arn": arn, "dlq": dlq}


@pytest.fixture
def env(
    clean_settings: None,
    monkeypatch: pytest.MonkeyPatch,
    hf_server: HFServer,
    queues: dict[str, str],
    tmp_path: Path,
) -> Path:
    out = tmp_path / "site"
    monkeypatch.setenv("HF_BASE_URL", hf_server.url)
    monkeypatch.setenv("DIGEST_OUTPUT_DIR", str(out))
    monkeypatch.setenv("DIGEST_DESTINATIONS", "local")
    monkeypatch.setenv("DIGEST_BACKFILL_QUEUE_URL", queues["queue"])
    monkeypatch.setenv("DIGEST_BACKFILL_PACE", "0")
    return out


def settle(url: str, messages: list[dict[str, Any]], answer: dict[str, Any]) -> list[dict[str, Any]]:
    """What the event source mapping does with the answer: delete the done, release the failed at once."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
    for m in messages:
        if m["MessageId"] in failed:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        else:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return [m for m in messages if m["MessageId"] in failed]


def test_a_range_is_queued_one_message_per_day_and_a_failing_day_is_retried_alone(
    app: ModuleType, env: Path, queues: dict[str, str], hf_server: HFServer
) -> None:
    queued = app.lambda_handler(RANGE, FakeContext())
    assert queued["status"] == "queued" and queued["counts"] == {"queued": 7}
    assert [d["date"] for d in queued["days"]] == [f"2026-02-{n:02d}" for n in range(6, 13)]
    assert hf_server.requests == []  # queuing reads nothing from Hugging Face

    messages = receive(queues["queue"], 10)
    bodies = sorted((json.loads(m["Body"]) for m in messages), key=lambda body: body["date"])
    assert [b["date"] for b in bodies] == [d["date"] for d in queued["days"]]
    assert bodies[0] == {"date": "2026-02-06", "lang": "ko", "top": 10, "destinations": ["local"]}

    (env / f"_posts/{BROKEN}-hf-daily-papers.md").mkdir(parents=True)  # this day cannot be written
    answers = [
        app.lambda_handler(sqs_event(batch, queues["arn"]), FakeContext())
        for batch in (messages[:5], messages[5:])
    ]
    failed_ids = [f["itemIdentifier"] for answer in answers for f in answer["batchItemFailures"]]
    broken = next(m for m in messages if json.loads(m["Body"])["date"] == BROKEN)
    assert failed_ids == [broken["MessageId"]]
    written = sorted(p.name[:10] for p in (env / "_posts").iterdir() if p.is_file())
    assert written == ["2026-02-06", "2026-02-09", "2026-02-11", "2026-02-12"]  # the weekend is empty
    left = [
        m
        for batch, answer in zip((messages[:5], messages[5:]), answers, strict=True)
        for m in settle(queues["queue"], batch, answer)
    ]

    # SQS hands back only the failed day; it fails again on each of its receives, then goes to the DLQ.
    receives = template_redrive()["maxReceiveCount"]
    for attempt in range(2, receives + 1):
        again = receive(queues["queue"], 10)
        assert [m["MessageId"] for m in again] == [broken["MessageId"]]
        assert again[0]["Attributes"]["ApproximateReceiveCount"] == str(attempt)
        answer = app.lambda_handler(sqs_event(again, queues["arn"]), FakeContext())
        assert answer == {"batchItemFailures": [{"itemIdentifier": broken["MessageId"]}]}
        left = settle(queues["queue"], again, answer)
    assert left and receive(queues["queue"], 10) == []
    dead = receive(queues["dlq"], 10)
    assert [json.loads(m["Body"])["date"] for m in dead] == [BROKEN]

    # Once the cause is fixed, the dead letter's body is the manual event that publishes the day.
    (env / f"_posts/{BROKEN}-hf-daily-papers.md").rmdir()
    result = app.lambda_handler(json.loads(dead[0]["Body"]), FakeContext())
    assert (result["date"], result["status"]) == (BROKEN, "published")


def message(message_id: str, body: str) -> dict[str, Any]:
    """One record of an SQS batch event, shaped as in events/sqs-backfill.json."""
    record = dict(load_event("sqs-backfill.json")["Records"][0])
    return record | {"messageId": message_id, "receiptHandle": f"AQEB{message_id}", "body": body}


def test_a_batch_with_too_little_time_left_fails_each_message_for_the_deadline_before_any_request(
    app: ModuleType, env: Path, hf_server: HFServer, output: Output
) -> None:
    event = load_event("sqs-backfill.json")
    ids = [record["messageId"] for record in event["Records"]]
    answer = app.lambda_handler(event, FakeContext(remaining_ms=15_000))  # a day needs 20 s to start
    assert answer == {"batchItemFailures": [{"itemIdentifier": i} for i in ids]}
    assert hf_server.requests == []
    assert not env.exists()
    failed = output.lines("queued day failed")
    assert [(line["message_id"], line["error_kind"], line["level"]) for line in failed] == [
        (i, "deadline", "ERROR") for i in ids
    ]
    assert [line["date"] for line in failed] == ["2026-02-09", "2026-02-10"]
    assert all(re.search(r": 2026-02-\d\d: not started, \d+ s left$", line["message"]) for line in failed)
    (batch,) = output.lines("queue batch finished")
    assert (batch["level"], batch["status"], batch["failed"]) == ("ERROR", "partial", 2)


def test_each_failed_queued_day_is_logged_once_with_its_reason_and_no_secret(
    app: ModuleType,
    env: Path,
    output: Output,
    make_github_server: MakeGitHubServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github = make_github_server(token=TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", github.full_name)
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    github.inject("GET", f"/repos/{github.full_name}", fault(401, "Bad credentials"))
    event = {
        "Records": [
            message("refused", json.dumps({"date": "2026-02-10", "destinations": ["local", "github"]})),
            message("garbled", "{not json"),
            message("fine", json.dumps({"date": "2026-02-09"})),
        ]
    }
    answer = app.lambda_handler(event, FakeContext())
    assert answer == {"batchItemFailures": [{"itemIdentifier": "refused"}, {"itemIdentifier": "garbled"}]}
    assert (env / "_posts/2026-02-09-hf-daily-papers.md").is_file()

    failed = {line["message_id"]: line for line in output.lines("queued day failed")}
    assert sorted(failed) == ["garbled", "refused"]  # one line for each failed message, none for the other
    refused, garbled = failed["refused"], failed["garbled"]
    assert (refused["level"], refused["date"], refused["error_kind"]) == ("ERROR", "2026-02-10", "publish")
    reason = refused["message"]
    assert reason.startswith("queued day failed: 2026-02-10: publishing failed at github (github: ")
    assert "401" in reason and "Bad credentials" in reason
    assert (garbled["level"], garbled["error_kind"]) == ("ERROR", "bad_input")
    assert garbled["message"] == "queued day failed: body: message garbled is not JSON"
    (fine,) = output.lines("queued day finished")
    assert (fine["message_id"], fine["status"], fine["level"]) == ("fine", "published", "INFO")
    assert TOKEN not in output.text()


def test_a_queued_day_links_to_the_page_its_blogs_config_gives(app: ModuleType, env: Path) -> None:
    env.mkdir(parents=True)
    chirpy = "url: https://you.github.io\ndefaults:\n  - scope: {type: posts}\n"
    (env / "_config.yml").write_text(chirpy + "    values: {permalink: /posts/:title/}\n", encoding="utf-8")
    event = {"Records": [message("fine", json.dumps({"date": "2026-02-09"}))]}
    assert app.lambda_handler(event, FakeContext()) == {"batchItemFailures": []}
    feed = (env / "feeds/hf-daily-papers.ko.atom").read_text(encoding="utf-8")
    assert 'href="https://you.github.io/posts/2026-02-09-hf-daily-papers/"' in feed
