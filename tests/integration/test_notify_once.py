"""Exactly once per new digest and channel, through the real state store (SQLite, and DynamoDB on moto)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hf_digest.adapters.notify import (
    DigestMessage,
    Notifier,
    claim_key,
    digest_message,
    notify_backfill,
    notify_digest,
)
from hf_digest.adapters.notify.discord import DiscordNotifier
from hf_digest.adapters.notify.ledger import LEASE_S
from hf_digest.adapters.notify.slack import SlackNotifier
from hf_digest.adapters.notify.telegram import TelegramNotifier
from hf_digest.adapters.state import DynamoStore, SQLiteStore, StateStore
from hf_digest.config import Secret
from hf_digest.core.model import Paper, papers_from_items
from hf_digest.core.outcomes import SpanKind, Status
from hf_digest.core.rank import rank
from hf_digest.outbound import aws
from hf_digest.outbound.deadline import Deadline
from hf_digest.runs.result import channel_json, notifications_json
from tests.discord_server import DiscordServer
from tests.helpers import create_state_table, load_sample
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer

MakeStore = Callable[[], StateStore]


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hf_digest.adapters.notify.sending.BACKOFF_BASE_S", 0.01)


@pytest.fixture(params=["sqlite", "dynamodb"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    """Views of one store, as two runs (or two processes) would each open it."""
    if request.param == "sqlite":
        yield lambda: SQLiteStore(tmp_path / "state.sqlite3")
        return
    request.getfixturevalue("moto_endpoint")
    table = create_state_table(aws.client("dynamodb", setting="DIGEST_STATE_TABLE"))
    yield lambda: DynamoStore(table, aws.client("dynamodb", setting="DIGEST_STATE_TABLE"))


@pytest.fixture(scope="module")
def ranked(samples_dir: Path) -> list[Paper]:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    return rank(papers, 0)


@pytest.fixture
def day(ranked: list[Paper]) -> DigestMessage:
    return digest_message(SpanKind.DAY, "2026-02-10", ranked[:10], len(ranked), lang="ko", top=3)


@pytest.fixture
def notifiers(
    slack_server: SlackServer, discord_server: DiscordServer, telegram_server: TelegramServer
) -> list[Notifier]:
    return [
        SlackNotifier(Secret(slack_server.webhook_url), None),
        DiscordNotifier(Secret(discord_server.webhook_url), None),
        TelegramNotifier(
            Secret(telegram_server.token), Secret(telegram_server.chat_id), None, telegram_server.api_url
        ),
    ]


@pytest.fixture
def delivered(
    slack_server: SlackServer, discord_server: DiscordServer, telegram_server: TelegramServer
) -> Callable[[], dict[str, int]]:
    servers = {"slack": slack_server, "discord": discord_server, "telegram": telegram_server}
    return lambda: {name: len(server.delivered) for name, server in servers.items()}


def statuses(report: Any) -> dict[str, str]:
    return {c.target: c.status for c in report.channels}


def test_a_created_day_notifies_each_channel_once_and_a_rerun_nothing(
    make_store: MakeStore,
    day: DigestMessage,
    notifiers: list[Notifier],
    delivered: Callable[[], dict[str, int]],
) -> None:
    first = notify_digest(day, notifiers, make_store(), Deadline.after(60), time.time())
    assert statuses(first) == dict.fromkeys(("slack", "discord", "telegram"), Status.SENT)
    assert notifications_json(first) == {
        "digest": "day#2026-02-10#ko",
        "channels": [
            {"channel": "slack", "status": "sent", "requests": 1},
            {"channel": "discord", "status": "sent", "requests": 1},
            {"channel": "telegram", "status": "sent", "requests": 1},
        ],
        "requests": 3,
        "failed": [],
    }
    # The same scheduled event delivered again, a Lambda retry, a refresh: another run, the same ledger.
    for _ in range(2):
        again = notify_digest(day, notifiers, make_store(), Deadline.after(60), time.time())
        assert statuses(again) == dict.fromkeys(("slack", "discord", "telegram"), Status.ALREADY_SENT)
        assert again.requests == 0
    assert delivered() == {"slack": 1, "discord": 1, "telegram": 1}


def test_the_other_language_is_its_own_digest(
    make_store: MakeStore, day: DigestMessage, notifiers: list[Notifier]
) -> None:
    from dataclasses import replace

    store = make_store()
    notify_digest(day, notifiers, store, Deadline.after(60), time.time())
    english = notify_digest(replace(day, lang="en"), notifiers, store, Deadline.after(60), time.time())
    assert english.sent == ["slack", "discord", "telegram"]


def test_two_concurrent_runs_notify_once(
    make_store: MakeStore,
    day: DigestMessage,
    notifiers: list[Notifier],
    delivered: Callable[[], dict[str, int]],
    slack_server: SlackServer,
) -> None:
    slack_server.answer_next(SlackServer.rate_limited(1))  # the winner holds its claim while it waits
    reports: list[Any] = []
    start = threading.Barrier(2)
    # Each run has its own view of the store, opened before they race (two SQLiteStores opening a new file
    # at the same instant can meet "database is locked" in the store's setup, not in a claim).
    stores = [make_store(), make_store()]

    def run(store: StateStore) -> None:
        start.wait()
        reports.append(notify_digest(day, notifiers, store, Deadline.after(60), time.time()))

    threads = [threading.Thread(target=run, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert delivered() == {"slack": 1, "discord": 1, "telegram": 1}
    for channel in ("slack", "discord", "telegram"):
        seen = sorted(statuses(r)[channel] for r in reports)
        assert seen[1] == Status.SENT and seen[0] in (Status.ALREADY_SENT, Status.IN_PROGRESS), (
            channel,
            seen,
        )


def test_a_claim_left_by_a_crashed_run_is_taken_over_after_the_lease(
    make_store: MakeStore,
    day: DigestMessage,
    notifiers: list[Notifier],
    delivered: Callable[[], dict[str, int]],
) -> None:
    store, now = make_store(), time.time()
    slack, discord = notifiers[0], notifiers[1]
    store.claim(claim_key(day, "slack"), owner="crashed-run", lease_s=LEASE_S, now=now - LEASE_S - 1)
    store.claim(claim_key(day, "discord"), owner="running-run", lease_s=LEASE_S, now=now - 10)
    report = notify_digest(day, [slack, discord], store, Deadline.after(60), now)
    assert statuses(report) == {"slack": Status.SENT, "discord": Status.IN_PROGRESS}
    assert delivered() == {"slack": 1, "discord": 0, "telegram": 0}
    later = notify_digest(day, [discord], make_store(), Deadline.after(60), now + LEASE_S + 1)
    assert statuses(later) == {"discord": Status.SENT}


def test_a_permanent_error_is_reported_and_retried_by_the_next_run(
    make_store: MakeStore,
    day: DigestMessage,
    notifiers: list[Notifier],
    discord_server: DiscordServer,
    delivered: Callable[[], dict[str, int]],
) -> None:
    discord_server.answer_next(DiscordServer.unknown_webhook())
    first = notify_digest(day, notifiers, make_store(), Deadline.after(60), time.time())
    assert statuses(first) == {
        "slack": Status.SENT,
        "discord": Status.FAILED,
        "telegram": Status.SENT,
    }  # the others went on
    [failed] = [c for c in first.channels if c.status == Status.FAILED]
    assert (failed.detail, failed.requests) == ("HTTP 404 Unknown Webhook (10015)", 1)
    assert first.failed == ["discord"]
    second = notify_digest(day, notifiers, make_store(), Deadline.after(60), time.time())
    assert statuses(second) == {
        "slack": Status.ALREADY_SENT,
        "discord": Status.SENT,
        "telegram": Status.ALREADY_SENT,
    }
    assert delivered() == {"slack": 1, "discord": 1, "telegram": 1}


def test_a_429_then_success_is_one_message_counted_as_two_requests(
    make_store: MakeStore, day: DigestMessage, notifiers: list[Notifier], telegram_server: TelegramServer
) -> None:
    telegram_server.answer_next(TelegramServer.rate_limited(1))
    report = notify_digest(day, notifiers, make_store(), Deadline.after(60), time.time())
    assert [(c.target, c.status, c.requests) for c in report.channels] == [
        ("slack", Status.SENT, 1),
        ("discord", Status.SENT, 1),
        ("telegram", Status.SENT, 2),
    ]
    assert len(telegram_server.delivered) == 1


def test_too_little_time_left_tries_nothing_and_leaves_it_to_the_next_run(
    make_store: MakeStore,
    day: DigestMessage,
    notifiers: list[Notifier],
    delivered: Callable[[], dict[str, int]],
) -> None:
    store = make_store()
    report = notify_digest(day, notifiers, store, Deadline.after(5), time.time())
    assert set(statuses(report).values()) == {Status.FAILED} and report.requests == 0
    assert delivered() == {"slack": 0, "discord": 0, "telegram": 0}
    assert notify_digest(day, notifiers, store, Deadline.after(60), time.time()).sent == [
        "slack",
        "discord",
        "telegram",
    ]


def backfill_days(ranked: list[Paper], count: int) -> list[DigestMessage]:
    return [
        digest_message(SpanKind.DAY, f"2026-01-{n:02d}", ranked, len(ranked), lang="ko", top=3)
        for n in range(1, count + 1)
    ]


def test_a_backfill_of_twenty_days_sends_one_summary_per_channel(
    make_store: MakeStore,
    ranked: list[Paper],
    notifiers: list[Notifier],
    delivered: Callable[[], dict[str, int]],
    telegram_server: TelegramServer,
) -> None:
    days = backfill_days(ranked, 20)
    report = notify_backfill(days, notifiers, make_store(), Deadline.after(60), time.time(), mode="summary")
    assert [(c.target, c.status, c.covers) for c in report.channels] == [
        ("slack", Status.SENT, 20),
        ("discord", Status.SENT, 20),
        ("telegram", Status.SENT, 20),
    ]
    assert delivered() == {"slack": 1, "discord": 1, "telegram": 1}
    [shown] = telegram_server.shown()
    assert "지난 다이제스트 20개가 게시되었습니다 (2026-01-01 ~ 2026-01-20)" in shown
    assert "2026-01-20: 논문" in shown and "…외 5개" in shown
    # A day the summary covered is never told again, alone or in another summary.
    alone = notify_digest(days[3], notifiers, make_store(), Deadline.after(60), time.time())
    assert set(statuses(alone).values()) == {Status.ALREADY_SENT}
    again = notify_backfill(days, notifiers, make_store(), Deadline.after(60), time.time(), mode="summary")
    assert set(statuses(again).values()) == {Status.ALREADY_SENT}
    assert delivered() == {"slack": 1, "discord": 1, "telegram": 1}


def test_a_backfill_with_skip_sends_nothing(
    make_store: MakeStore,
    ranked: list[Paper],
    notifiers: list[Notifier],
    delivered: Callable[[], dict[str, int]],
) -> None:
    report = notify_backfill(
        backfill_days(ranked, 20), notifiers, make_store(), Deadline.after(60), time.time(), mode="skip"
    )
    assert set(statuses(report).values()) == {Status.SKIPPED}
    assert channel_json(report.channels[0]) == {
        "channel": "slack",
        "status": "skipped",
        "requests": 0,
        "reason": "DIGEST_NOTIFY_BACKFILL=skip",
        "covers": 20,
    }
    assert delivered() == {"slack": 0, "discord": 0, "telegram": 0}


def test_a_failed_summary_releases_every_day_it_covered(
    make_store: MakeStore, ranked: list[Paper], notifiers: list[Notifier], slack_server: SlackServer
) -> None:
    days = backfill_days(ranked, 3)
    slack_server.answer_next(SlackServer.refused("invalid_payload", 400))
    first = notify_backfill(
        days, notifiers[:1], make_store(), Deadline.after(60), time.time(), mode="summary"
    )
    assert statuses(first) == {"slack": Status.FAILED}
    retried = notify_backfill(
        days, notifiers[:1], make_store(), Deadline.after(60), time.time(), mode="summary"
    )
    assert [(c.status, c.covers) for c in retried.channels] == [(Status.SENT, 3)]
