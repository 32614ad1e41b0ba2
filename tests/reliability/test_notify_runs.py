"""Notifications end to end: the real handler publishing to GitHub and S3, then telling local Slack, Discord
and Telegram servers and moto's SES, with the ledger in a DynamoDB table on moto; the token scan runs over it.
"""

from __future__ import annotations

import copy
import json
import threading
import uuid
from typing import Any

import pytest

from tests.discord_server import DiscordServer
from tests.helpers import load_event, sqs_event
from tests.reliability.stack import Channels, Stack

DAY = "2026-02-10"
PAGE = "https://blog.example.org/daily%20papers/%EC%9D%BC%EA%B0%84/2026/02/10/2026-02-10-hf-daily-papers.html"


def scheduled(time: str) -> dict[str, Any]:
    return load_event("scheduled.json") | {"id": str(uuid.uuid4()), "time": time}


ALL_SENT = dict.fromkeys(("slack", "discord", "telegram", "email"), "sent")
ONE_EACH = dict.fromkeys(("slack", "discord", "telegram", "email"), 1)


def test_a_created_day_tells_each_channel_once_with_the_page_link_and_a_rerun_tells_nothing(
    stack: Stack, channels: Channels
) -> None:
    first = stack.invoke({"date": DAY})
    assert first.outcomes() == {"github": "created", "s3": "created"}
    assert first.told() == ALL_SENT
    assert channels.counts() == ONE_EACH
    slack = json.dumps(channels.slack.delivered[0], ensure_ascii=False)
    assert PAGE in slack and PAGE in channels.telegram.delivered[0]["text"]
    assert stack.output.metrics()[-1]["NotificationsSent"] == 4
    again = stack.invoke({"date": DAY})
    assert (again.status, again.told()) == ("unchanged", {})
    assert channels.counts() == ONE_EACH


def test_the_same_scheduled_event_twice_tells_once(stack: Stack, channels: Channels) -> None:
    event = scheduled("2026-02-11T03:00:00Z")
    assert stack.invoke(event).told() == ALL_SENT
    second = stack.invoke(event)
    assert (second.status, second.told()) == ("unchanged", {})
    assert channels.counts() == ONE_EACH
    stack.assert_published_once(DAY)


def test_a_refresh_that_rewrites_the_post_tells_nothing(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert stack.invoke(scheduled("2026-02-11T03:00:00Z")).told() == ALL_SENT
    items = copy.deepcopy(stack.hf.days[DAY])
    for item in items:
        item["paper"]["upvotes"] = int(item["paper"].get("upvotes") or 0) + 7
    stack.hf.days[DAY] = items
    monkeypatch.setenv("DIGEST_REFRESH_DAYS", "1")
    run = stack.invoke(scheduled("2026-02-12T03:00:00Z"))  # target 2026-02-11, refresh 2026-02-10
    assert run.result is not None
    refresh = next(d for d in run.result["days"] if d["date"] == DAY)
    assert {d["status"] for d in refresh["destinations"]} == {"updated"}
    assert run.result["notifications"]["digest"] == "day#2026-02-11#ko"
    assert "older_notifications" not in run.result
    assert channels.counts() == dict.fromkeys(ONE_EACH, 2)  # 2026-02-10 once, 2026-02-11 once


def test_two_concurrent_runs_of_one_event_tell_once(stack: Stack, channels: Channels) -> None:
    event = scheduled("2026-02-11T03:00:00Z")
    stack.github.hold("GET", f"/repos/{stack.github.full_name}/git/ref/", threading.Barrier(2, timeout=60))
    done = [stack.finish_cli(proc) for proc in [stack.start_cli(event), stack.start_cli(event)]]
    assert [d.returncode for d in done] == [0, 0], [d.stderr[-2000:] for d in done]
    statuses = sorted(
        c["status"]
        for d in done
        for c in (json.loads(d.stdout).get("notifications") or {}).get("channels", [])
    )
    assert statuses.count("sent") == 4, statuses  # each channel once, whichever run told it
    assert channels.counts() == ONE_EACH
    stack.assert_published_once(DAY)


def test_a_failing_channel_stops_neither_the_post_nor_the_others_and_the_next_run_tells_it(
    stack: Stack, channels: Channels
) -> None:
    channels.discord.answer_next(DiscordServer.unknown_webhook())
    first = stack.invoke({"date": DAY})
    assert first.status == "published" and first.outcomes() == {"github": "created", "s3": "created"}
    assert first.told() == {**ALL_SENT, "discord": "failed"}
    assert first.result is not None and first.result["notifications"]["failed"] == ["discord"]
    assert stack.output.metrics()[-1]["NotificationsFailed"] == 1
    retry = stack.invoke({"date": DAY})  # the post is unchanged, but discord is still owed it
    assert (retry.status, retry.told()) == ("unchanged", {"discord": "sent"})
    assert channels.counts() == ONE_EACH
    assert stack.invoke({"date": DAY}).told() == {}


def test_a_refresh_day_tells_the_channel_an_earlier_run_owes_it(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels.discord.answer_next(DiscordServer.unknown_webhook())
    assert stack.invoke({"date": DAY}).told() == {**ALL_SENT, "discord": "failed"}
    monkeypatch.setenv("DIGEST_REFRESH_DAYS", "1")
    run = stack.invoke(scheduled("2026-02-12T03:00:00Z"))  # target 2026-02-11, refresh 2026-02-10
    assert run.result is not None
    refresh = next(d for d in run.result["days"] if d["date"] == DAY)
    assert {d["status"] for d in refresh["destinations"]} == {"unchanged"}
    told = [(c["channel"], c["status"]) for c in refresh["notifications"]["channels"]]
    assert told == [("discord", "sent")]
    assert channels.counts() == dict.fromkeys(ONE_EACH, 2)  # 2026-02-10 once each, 2026-02-11 once each


def test_a_broken_state_store_fails_the_notifications_not_the_post(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_STATE_TABLE", "no-such-table")
    run = stack.invoke({"date": DAY})
    assert run.status == "published" and set(run.told().values()) == {"failed"}
    assert channels.counts() == dict.fromkeys(ONE_EACH, 0)
    stack.assert_published_once(DAY)


def test_a_catch_up_tells_the_target_at_once_and_the_older_days_in_one_summary(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_CATCHUP_DAYS", "3")
    monkeypatch.setenv("DIGEST_NOTIFY_BACKFILL", "summary")
    run = stack.invoke(scheduled("2026-02-12T03:00:00Z"))  # target 2026-02-11; 02-09 and 02-10 lacking
    assert run.result is not None and run.status == "published"
    assert run.result["notifications"]["digest"] == "day#2026-02-11#ko"
    assert run.result["older_notifications"]["digest"] == "backfill#2026-02-09..2026-02-10#ko"
    assert channels.counts() == dict.fromkeys(ONE_EACH, 2)
    assert "2026-02-09" in channels.telegram.delivered[1]["text"]


@pytest.mark.parametrize(("mode", "each"), [("summary", 1), ("skip", 0)])
def test_a_20_day_backfill_sends_at_most_one_summary_per_channel(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch, mode: str, each: int
) -> None:
    monkeypatch.setenv("DIGEST_NOTIFY_BACKFILL", mode)
    monkeypatch.setenv("DIGEST_BACKFILL_PACE", "0")
    event = {"from": "2026-01-25", "to": "2026-02-13"}
    run = stack.invoke(event)
    assert run.result is not None and run.result["counts"]["published"] == 6  # the sampled weekdays
    report = run.result["notifications"]
    assert {c["status"] for c in report["channels"]} == {"sent" if each else "skipped"}
    assert channels.counts() == dict.fromkeys(ONE_EACH, each)
    again = stack.invoke(event)
    assert again.result is not None and "notifications" not in again.result
    assert channels.counts() == dict.fromkeys(ONE_EACH, each)


def test_a_dry_run_tells_no_one_and_opens_no_store(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_STATE_TABLE", "no-such-table")
    run = stack.invoke({"date": DAY, "dry_run": True})
    assert (run.status, run.told()) == ("dry_run", {})
    assert channels.counts() == dict.fromkeys(ONE_EACH, 0)


def test_a_queue_batch_of_backfill_days_sends_one_summary_per_channel(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    monkeypatch.setenv("DIGEST_NOTIFY_BACKFILL", "summary")
    monkeypatch.setenv("DIGEST_BACKFILL_PACE", "0")
    bodies = [json.dumps({"date": day}) for day in ("2026-02-09", "2026-02-10", "2026-02-11")]
    messages = [
        {
            "MessageId": str(uuid.uuid4()),
            "ReceiptHandle": uuid.uuid4().hex,
            "Body": body,
            "MD5OfBody": hashlib.md5(body.encode()).hexdigest(),
        }
        for body in bodies
    ]
    event = sqs_event(messages, "arn:aws:sqs:us-east-1:000000000000:backfill")
    run = stack.invoke(event)
    assert run.result == {"batchItemFailures": []}
    assert channels.counts() == ONE_EACH
    assert "2026-02-09" in channels.telegram.delivered[0]["text"]
    assert "2026-02-11" in channels.telegram.delivered[0]["text"]
    stack.invoke(event)  # SQS delivers the batch again: the days are unchanged, nothing is told
    assert channels.counts() == ONE_EACH
