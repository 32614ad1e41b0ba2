"""The reliability suite's fixtures: all three servers live at once, the real handler, and the token scan."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.discord_server import DiscordServer
from tests.github_server import GitHubServer
from tests.helpers import WIRE_LOGGERS, Output, create_secret, create_state_table, quiet_botocore
from tests.hf_server import HFServer
from tests.reliability.leaks import (
    DISCORD_HOOK_TOKEN,
    HF_TOKEN,
    READ_ONLY_TOKEN,
    SLACK_HOOK,
    TELEGRAM_CHAT,
    TELEGRAM_TOKEN,
    TOKEN,
    LeakScan,
)
from tests.reliability.stack import Channels, Stack
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer

# Every leak found in the session, for the summary at the end (each one also fails its own test).
SESSION_LEAKS: list[str] = []
SCANNED: dict[str, int] = {}


@pytest.fixture
def scan(output: Output, caplog: pytest.LogCaptureFixture) -> Iterator[LeakScan]:
    """Fails the test when any log line, result, exception or output of it holds a token."""
    caplog.set_level(logging.DEBUG)
    found = LeakScan()
    yield found
    found.add("powertools stdout", output.text())
    found.add("stderr", output.stderr())
    for phase in ("setup", "call"):
        for record in caplog.get_records(phase):
            found.add("log record", record.getMessage(), repr(record.__dict__))
    for where, _ in found.texts:
        SCANNED[where] = SCANNED.get(where, 0) + 1
    leaks = found.check()
    SESSION_LEAKS.extend(leaks)
    if leaks:
        pytest.fail("a token or Authorization value leaked:\n" + "\n".join(leaks[:20]))


@pytest.fixture
def stack(
    app: ModuleType,
    output: Output,
    scan: LeakScan,
    moto_endpoint: str,
    sample_days: dict[str, list[dict[str, Any]]],
    clean_settings: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Stack]:
    """Hugging Face, GitHub and moto running, the environment pointing the handler at them."""
    import boto3

    # Short backoffs keep the suite fast; their bounds and jitter are still what the tests check.
    monkeypatch.setattr("hf_digest.huggingface.source.BACKOFF_BASE_S", 0.05)
    monkeypatch.setattr("hf_digest.adapters.publish.github_api.BACKOFF_S", 0.05)

    (tmp_path / "github").mkdir()
    github = GitHubServer(tmp_path / "github", token=TOKEN, readonly_token=READ_ONLY_TOKEN).start()
    head = github.commit_files("main", {"README.md": b"# blog\n", "_config.yml": b"title: blog\n"}, "Init")
    hf = HFServer(sample_days).start()
    bucket = f"digest-{uuid.uuid4().hex[:12]}"
    secret = f"hf-digest/github-token-{uuid.uuid4().hex[:8]}"  # new per test: Powertools caches by name
    with quiet_botocore():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    create_secret(secret, json.dumps({"token": TOKEN}))
    for wire in WIRE_LOGGERS:  # the code under test must quiet the AWS SDK's DEBUG lines by itself
        logging.getLogger(wire).setLevel(logging.NOTSET)
    env = {
        "HF_BASE_URL": hf.url,
        "HF_TOKEN": HF_TOKEN,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_TOKEN_SECRET": secret,
        "S3_BUCKET": bucket,
        "DIGEST_DESTINATIONS": "github,s3",
        "DIGEST_OUTPUT_DIR": str(tmp_path / "local-out"),
        # One scheduled event, one day: the catch-up and refresh days of issue #6 are off here.
        "DIGEST_CATCHUP_DAYS": "0",
        "DIGEST_REFRESH_DAYS": "0",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    made = Stack(app, hf, github, s3, bucket, secret, output, scan, tmp_path, head)
    try:
        yield made
    finally:
        hf.stop()
        github.stop()
        # What reached the servers: paths, queries and bodies never carry a token.
        for ex in github.requests:
            scan.add("github request", ex.path, ex.query, ex.body, ex.response)
        for req in hf.requests:
            scan.add("hf request", req.path, req.query)


@pytest.fixture
def channels(
    stack: Stack, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, quick_notify_retries: None
) -> Iterator[Channels]:
    """Every channel on, its secrets the reliability suite's (so the scan looks for them); retries quick."""
    import boto3

    sender = f"digest-{uuid.uuid4().hex[:8]}@example.org"
    with quiet_botocore():
        boto3.client("sesv2").create_email_identity(EmailIdentity=sender)
        table = create_state_table(boto3.client("dynamodb"))
    with (
        SlackServer(SLACK_HOOK) as slack,
        DiscordServer(token=DISCORD_HOOK_TOKEN) as discord,
        TelegramServer(TELEGRAM_TOKEN, TELEGRAM_CHAT) as telegram,
    ):
        env = {
            "DIGEST_NOTIFY": "slack,discord,telegram,email",
            "DIGEST_SITE_URL": "https://blog.example.org",
            "DIGEST_STATE_TABLE": table,
            "SLACK_WEBHOOK_URL": slack.webhook_url,
            "DISCORD_WEBHOOK_URL": discord.webhook_url,
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_CHAT_ID": TELEGRAM_CHAT,
            "TELEGRAM_API_URL": telegram.api_url,
            "DIGEST_EMAIL_FROM": sender,
            "DIGEST_EMAIL_TO": "reader@example.org",
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        yield Channels(slack, discord, telegram, moto_endpoint, sender)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCANNED:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(SCANNED.items()))
        terminalreporter.write_line(f"reliability token scan: {kinds}; leaks: {len(SESSION_LEAKS)}")
