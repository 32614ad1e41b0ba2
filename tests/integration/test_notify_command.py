"""`hf-digest notify --date D [--channel ...] [--dry-run] [--json]` against the local Hugging Face and chat
servers, through the same ledger as a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hf_digest.adapters.notify.report import NotifyReport
from hf_digest.core.outcomes import Delivery, Status
from hf_digest.runs.result import record_notifications
from tests.helpers import hf_digest
from tests.hf_server import HFServer
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer

DAY = "2026-02-10"
PAGE = "https://blog.example.org/daily%20papers/%EC%9D%BC%EA%B0%84/2026/02/10/2026-02-10-hf-daily-papers.html"


@pytest.fixture
def env(tmp_path: Path, slack_server: SlackServer, telegram_server: TelegramServer) -> dict[str, str]:
    return {
        "DIGEST_NOTIFY": "slack,telegram",
        "DIGEST_SITE_URL": "https://blog.example.org",
        "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3"),
        "SLACK_WEBHOOK_URL": slack_server.webhook_url,
        "TELEGRAM_BOT_TOKEN": telegram_server.token,
        "TELEGRAM_CHAT_ID": telegram_server.chat_id,
        "TELEGRAM_API_URL": telegram_server.api_url,
    }


def test_a_dry_run_prints_each_channels_payload_and_sends_nothing(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    done = hf_digest(hf_server, "notify", "--date", DAY, "--dry-run", env=env)
    assert done.exit_code == 0, done.stderr
    assert "Hugging Face Daily Papers - 2026-02-10" in done.stdout
    assert PAGE in done.stdout  # the link goes to the page Jekyll makes, not to the markdown file
    assert telegram_server.token not in done.stdout and slack_server.hook_path not in done.stdout
    assert slack_server.received == [] and telegram_server.received == []
    assert not Path(env["DIGEST_STATE_PATH"]).exists()  # a dry run opens no store


def test_a_day_is_sent_once_and_a_second_command_tells_nothing_new(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    first = hf_digest(hf_server, "notify", "--date", DAY, env=env)
    assert (first.exit_code, first.stdout.splitlines()) == (0, ["slack: sent", "telegram: sent"])
    again = hf_digest(hf_server, "notify", "--date", DAY, "--channel", "slack", "--json", env=env)
    assert again.exit_code == 0, again.stderr
    channels = json.loads(again.stdout)["notifications"]["channels"]
    assert [(c["channel"], c["status"]) for c in channels] == [("slack", "already_sent")]
    assert len(slack_server.delivered) == len(telegram_server.delivered) == 1


def test_a_failed_channel_makes_the_command_fail_and_a_second_one_retries_only_it(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    telegram_server.answer_next(TelegramServer.error(401, "Unauthorized"))
    failed = hf_digest(hf_server, "notify", "--date", DAY, env=env)
    assert failed.exit_code == 1
    assert failed.stdout.splitlines() == ["slack: sent", "telegram: failed (HTTP 401 Unauthorized)"]
    retried = hf_digest(hf_server, "notify", "--date", DAY, env=env)
    assert retried.stdout.splitlines() == ["slack: already_sent", "telegram: sent"]
    assert len(slack_server.delivered) == len(telegram_server.delivered) == 1


def test_a_weekend_has_nothing_to_tell(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer
) -> None:
    done = hf_digest(hf_server, "notify", "--date", "2026-02-14", env=env)
    assert done.exit_code == 0 and "no papers" in done.stdout and slack_server.received == []


def test_without_a_channel_the_command_says_how_to_name_one(hf_server: HFServer, env: dict[str, str]) -> None:
    done = hf_digest(hf_server, "notify", "--date", DAY, env={**env, "DIGEST_NOTIFY": ""})
    assert done.exit_code != 0
    assert "DIGEST_NOTIFY: no channel to tell" in done.stderr and hf_server.requests == []


def test_an_open_day_is_refused_before_anything_is_sent(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer
) -> None:
    done = hf_digest(hf_server, "notify", "--date", "2999-01-01", env=env)
    assert done.exit_code == 2 and "--date" in done.stderr and slack_server.received == []


class Recorded:
    def __init__(self) -> None:
        self.values: dict[str, float] = {}

    def add_metric(self, name: str, unit: object, value: float) -> None:
        self.values[name] = self.values.get(name, 0.0) + value

    def add_metadata(self, key: str, value: object) -> None:
        pass


def test_failed_notifications_reach_the_alarms_metric() -> None:
    report = NotifyReport(
        "day#2026-02-10#ko",
        (
            Delivery("slack", Status.SENT, requests=1),
            Delivery("discord", Status.FAILED, "HTTP 404 Unknown Webhook", requests=1),
        ),
    )
    metrics = Recorded()
    record_notifications([report, report], metrics)
    assert metrics.values == {"NotificationsSent": 2.0, "NotificationsFailed": 2.0}
