"""`notify_command`, what `hf-digest notify --date D [--channel ...] [--dry-run]` runs, and the metrics."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest

from hf_digest.config import from_env
from hf_digest.deadline import Deadline
from hf_digest.errors import ConfigError
from hf_digest.notify import ALREADY_SENT, SENT, emit_metrics, notify_command
from hf_digest.notify.report import FAILED, ChannelReport, NotifyReport
from hf_digest.source import HuggingFaceSource
from hf_digest.state import SQLiteStore
from tests.conftest import Output
from tests.hf_server import HFServer
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer

DAY = date(2026, 2, 10)


@pytest.fixture
def env(hf_server: HFServer, slack_server: SlackServer, telegram_server: TelegramServer) -> dict[str, str]:
    return {
        "HF_BASE_URL": hf_server.url,
        "DIGEST_NOTIFY": "slack,telegram",
        "DIGEST_SITE_URL": "https://blog.example.org",
        "SLACK_WEBHOOK_URL": slack_server.webhook_url,
        "TELEGRAM_BOT_TOKEN": telegram_server.token,
        "TELEGRAM_CHAT_ID": telegram_server.chat_id,
        "TELEGRAM_API_URL": telegram_server.api_url,
    }


def test_a_dry_run_prints_each_channels_payload_and_sends_nothing(
    env: dict[str, str], slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    settings = from_env(env)
    result = notify_command(
        settings,
        DAY,
        source=HuggingFaceSource(settings),
        store=None,
        deadline=Deadline.after(60),
        now=time.time(),
        dry_run=True,
    )
    assert result.status == "dry_run" and result.exit_code == 0
    assert set(result.previews) == {"slack", "telegram"}
    assert result.previews["telegram"]["chat_id"] == "***"
    printed = "\n".join(result.lines())
    assert "Hugging Face Daily Papers - 2026-02-10" in printed
    assert "https://blog.example.org/_posts/2026-02-10-hf-daily-papers.md" in printed
    assert telegram_server.token not in printed and slack_server.hook_path not in printed
    assert slack_server.received == [] and telegram_server.received == []


def test_a_day_is_sent_once_and_a_second_command_tells_nothing_new(
    env: dict[str, str], tmp_path: Path, slack_server: SlackServer, telegram_server: TelegramServer
) -> None:
    settings = from_env(env)
    store = SQLiteStore(tmp_path / "state.sqlite3")
    first = notify_command(
        settings,
        DAY,
        source=HuggingFaceSource(settings),
        store=store,
        deadline=Deadline.after(60),
        now=time.time(),
    )
    assert first.status == "done" and first.lines() == ["slack: sent", "telegram: sent"]
    only_slack = notify_command(
        settings,
        DAY,
        source=HuggingFaceSource(settings),
        store=store,
        deadline=Deadline.after(60),
        now=time.time(),
        channels=["slack"],
    )
    assert [(c.channel, c.status) for c in only_slack.report.channels] == [("slack", ALREADY_SENT)]  # type: ignore[union-attr]
    assert len(slack_server.delivered) == len(telegram_server.delivered) == 1
    assert json.loads(json.dumps(first.to_json()))["notifications"]["channels"][0]["status"] == SENT


def test_a_failed_channel_makes_the_command_fail(
    env: dict[str, str], tmp_path: Path, telegram_server: TelegramServer
) -> None:
    telegram_server.answer_next(TelegramServer.error(401, "Unauthorized"))
    settings = from_env(env)
    result = notify_command(
        settings,
        DAY,
        source=HuggingFaceSource(settings),
        store=SQLiteStore(tmp_path / "s.sqlite3"),
        deadline=Deadline.after(60),
        now=time.time(),
    )
    assert result.exit_code == 1 and result.lines() == [
        "slack: sent",
        "telegram: failed (HTTP 401 Unauthorized)",
    ]


def test_a_weekend_has_nothing_to_tell(env: dict[str, str], slack_server: SlackServer) -> None:
    settings = from_env(env)
    result = notify_command(
        settings,
        date(2026, 2, 14),
        source=HuggingFaceSource(settings),
        store=None,
        deadline=Deadline.after(60),
        now=time.time(),
    )
    assert result.status == "empty" and slack_server.received == []


def test_without_a_channel_the_command_says_how_to_name_one(env: dict[str, str]) -> None:
    settings = from_env({**env, "DIGEST_NOTIFY": ""})
    with pytest.raises(ConfigError, match=r"^DIGEST_NOTIFY: no channel to tell"):
        notify_command(
            settings, DAY, source=HuggingFaceSource(settings), store=None, deadline=Deadline.after(60), now=0
        )


def test_failed_notifications_reach_the_alarms_metric(output: Output) -> None:
    from hf_digest.observability import metrics

    report = NotifyReport(
        "day#2026-02-10#ko",
        (ChannelReport("slack", SENT, 1), ChannelReport("discord", FAILED, 1, "HTTP 404 Unknown Webhook")),
    )
    emit_metrics(report)
    metrics.flush_metrics()
    assert output.metrics()[-1] == {"NotificationsSent": 1.0, "NotificationsFailed": 1.0}
