"""`hf-digest check` against the local GitHub, moto's S3 and SES, the local Bedrock and Telegram, Slack and
Discord: one line per part, ✓ or ✗ with the fix, exit 1 on any ✗, and never a secret in what it prints."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

import boto3
import pytest

from tests.bedrock_server import BedrockServer
from tests.discord_server import DiscordServer
from tests.github_server import GitHubServer
from tests.helpers import CliResult, MakeGitHubServer, run_cli
from tests.openai_server import OpenAIServer
from tests.openapi_check import OpenApi, spec_path
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer

TOKEN = "github_pat_CHECK_secret_token_5c1e"
READONLY = "github_pat_CHECK_readonly_token_88f0"
MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
OFFLINE = "http://nonexistent.invalid"  # .invalid never resolves (RFC 2606): no network needed to fail


def check(env: Mapping[str, str], *flags: str) -> CliResult:
    return run_cli(["check", *flags], env)


def line_of(proc: CliResult, part: str) -> str:
    found = [line for line in proc.stdout.splitlines() if re.match(rf"[✓✗] {part}: ", line)]
    assert len(found) == 1, proc.stdout + proc.stderr
    return found[0]


def github_env(server: GitHubServer, token: str = TOKEN) -> dict[str, str]:
    return {
        "DIGEST_DESTINATIONS": "github",
        "GITHUB_REPOSITORY": server.full_name,
        "GITHUB_API_URL": server.api_url,
        "GITHUB_TOKEN": token,
    }


@pytest.fixture
def github(make_github_server: MakeGitHubServer) -> GitHubServer:
    return make_github_server(token=TOKEN, readonly_token=READONLY)


def _fits_openapi(server: GitHubServer) -> None:
    path = spec_path()
    if path is None:
        return  # tests/integration/test_github_openapi.py says how to fetch the description
    assert OpenApi(path).check(server.requests) == []


def test_a_malformed_setting_is_the_settings_line_and_exit_2() -> None:
    proc = check({"DIGEST_DESTINATIONS": "local,ftp"})
    assert proc.exit_code == 2
    assert proc.stdout.startswith("✗ settings: DIGEST_DESTINATIONS") and proc.stdout.count("\n") == 1


def test_a_token_that_may_push_to_an_unprotected_branch_passes(github: GitHubServer) -> None:
    proc = check(github_env(github))
    assert proc.exit_code == 0, proc.stdout + proc.stderr
    assert line_of(proc, "settings").startswith("✓")
    assert line_of(proc, "github") == (
        "✓ github: the token may push to octo/blog, branch main, which is not protected"
    )
    assert [(r.method, r.path) for r in github.requests] == [
        ("GET", "/repos/octo/blog"),
        ("GET", "/repos/octo/blog/branches/main"),
    ]
    assert github.writes() == [] and TOKEN not in proc.stdout + proc.stderr
    _fits_openapi(github)


def test_a_token_without_push_rights_fails_naming_the_permission(github: GitHubServer) -> None:
    proc = check(github_env(github, READONLY))
    assert proc.exit_code == 1
    line = line_of(proc, "github")
    assert line.startswith("✗ github: the token may read octo/blog but not push to it; fix: ")
    assert '"Contents: Read and write"' in line and READONLY not in proc.stdout
    _fits_openapi(github)


def test_a_protected_branch_fails(github: GitHubServer) -> None:
    github.protected.add("main")
    proc = check(github_env(github) | {"GITHUB_BRANCH": "main"})
    assert proc.exit_code == 1
    assert line_of(proc, "github").startswith("✗ github: branch main of octo/blog is protected")
    _fits_openapi(github)


def test_a_bad_token_fails_with_githubs_answer(github: GitHubServer) -> None:
    proc = check(github_env(github, "github_pat_WRONG_token_000"))
    assert proc.exit_code == 1
    assert "401" in line_of(proc, "github") and "WRONG" not in proc.stdout


@pytest.fixture
def bucket(moto_endpoint: str) -> str:
    name = f"check-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=name)
    return name


def test_a_bucket_that_takes_conditional_writes_passes_twice(bucket: str) -> None:
    env = {"DIGEST_DESTINATIONS": "s3", "S3_BUCKET": bucket, "S3_PREFIX": "blog"}
    for _ in range(2):  # the second time the probe key is there: the create-only write answers 412
        proc = check(env)
        assert proc.exit_code == 0, proc.stdout + proc.stderr
        assert line_of(proc, "s3") == (
            f"✓ s3: bucket {bucket} exists and takes create-only writes under blog/.hf-digest-check"
        )
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == ["blog/.hf-digest-check"]


def test_a_missing_bucket_fails(moto_endpoint: str) -> None:
    proc = check({"DIGEST_DESTINATIONS": "s3", "S3_BUCKET": "no-such-bucket-here-1"})
    assert proc.exit_code == 1
    assert line_of(proc, "s3") == (
        "✗ s3: bucket no-such-bucket-here-1 does not exist; fix: create it, or correct S3_BUCKET"
    )


def test_a_model_that_answers_passes(bedrock: BedrockServer) -> None:
    proc = check({"DIGEST_SUMMARY_MODEL": MODEL})
    assert proc.exit_code == 0, proc.stdout + proc.stderr
    assert line_of(proc, "bedrock") == f"✓ bedrock: model {MODEL} answered in us-east-1"
    assert bedrock.problems == [] and len(bedrock.calls) == 1


def test_a_refused_model_fails_saying_how_to_enable_it(bedrock: BedrockServer) -> None:
    bedrock.denied = frozenset({MODEL})
    proc = check({"DIGEST_SUMMARY_MODEL": MODEL})
    assert proc.exit_code == 1
    line = line_of(proc, "bedrock")
    assert line.startswith(f"✗ bedrock: model {MODEL} did not answer in us-east-1 (AccessDeniedException)")
    assert "Model access" in line


def test_a_signature_failure_is_named_as_one_not_as_the_model(
    bedrock: BedrockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    proc = check({"DIGEST_SUMMARY_MODEL": MODEL})
    line = line_of(proc, "bedrock")
    assert "AWS refused the signature (InvalidSignatureException)" in line, line
    assert "AWS_SECRET_ACCESS_KEY" in line and "DIGEST_SUMMARY_MODEL" not in line
    assert "not-the-secret" not in proc.stdout


def openai_env(api: OpenAIServer, key: str | None) -> dict[str, str]:
    env = {
        "DIGEST_SUMMARY_PROVIDER": "openai",
        "DIGEST_SUMMARY_PRICE_IN_USD": "0.15",
        "DIGEST_SUMMARY_PRICE_OUT_USD": "0.60",
        "DIGEST_SUMMARY_MODEL": "gpt-4o-mini",
        "OPENAI_BASE_URL": api.url,
    }
    return env | ({"OPENAI_API_KEY": key} if key else {})


def test_an_openai_compatible_model_that_answers_passes(openai_api: OpenAIServer) -> None:
    proc = check(openai_env(openai_api, openai_api.api_key))
    assert proc.exit_code == 0, proc.stdout + proc.stderr
    assert (
        line_of(proc, "openai") == f"✓ openai: model gpt-4o-mini answered at {openai_api.url.split('/')[2]}"
    )
    assert openai_api.problems == [] and len(openai_api.calls) == 1
    assert "bedrock" not in proc.stdout


def test_a_refused_openai_key_names_the_setting_and_not_the_key(openai_api: OpenAIServer) -> None:
    proc = check(openai_env(openai_api, "sk-check-wrong-key-77aa"))
    assert proc.exit_code == 1
    line = line_of(proc, "openai")
    host = openai_api.url.split("/")[2]
    assert line.startswith(
        f"✗ openai: model gpt-4o-mini did not answer at {host} (401); fix: OPENAI_API_KEY: "
    )
    assert "sk-check-wrong-key-77aa" not in proc.stdout + proc.stderr


def telegram_env(server: TelegramServer) -> dict[str, str]:
    return {
        "DIGEST_NOTIFY": "telegram",
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_CHAT_ID": server.chat_id,
        "TELEGRAM_API_URL": server.api_url,
    }


def test_a_bot_that_may_post_to_the_channel_passes(telegram_server: TelegramServer) -> None:
    proc = check(telegram_env(telegram_server))
    assert proc.exit_code == 0, proc.stdout + proc.stderr
    assert line_of(proc, "telegram") == "✓ telegram: bot @hf_digest_test_bot may post to the channel"
    assert telegram_server.shown() == []  # nothing was sent
    assert telegram_server.token not in proc.stdout and telegram_server.chat_id not in proc.stdout


@pytest.mark.parametrize(
    ("status", "can_post", "said"),
    [
        ("left", True, "cannot see the chat of TELEGRAM_CHAT_ID (Bad Request: chat not found)"),
        ("member", True, "may not post to the channel (it is member)"),
        (
            "administrator",
            False,
            "may not post to the channel (it is an administrator without the right to post)",
        ),
    ],
)
def test_a_chat_the_bot_is_not_in_or_may_not_post_to_fails(
    telegram_server: TelegramServer, status: str, can_post: bool, said: str
) -> None:
    telegram_server.bot_status, telegram_server.can_post = status, can_post
    proc = check(telegram_env(telegram_server))
    assert proc.exit_code == 1
    line = line_of(proc, "telegram")
    assert line.startswith(f"✗ telegram: bot @hf_digest_test_bot {said}; fix: add @hf_digest_test_bot"), line
    assert telegram_server.token not in proc.stdout


def email_env(sender: str) -> dict[str, str]:
    return {"DIGEST_NOTIFY": "email", "DIGEST_EMAIL_FROM": sender, "DIGEST_EMAIL_TO": "reader@example.org"}


def test_a_verified_sender_passes_and_an_unverified_one_fails(moto_endpoint: str) -> None:
    domain = f"{uuid.uuid4().hex[:8]}.example.com"
    boto3.client("sesv2", region_name="us-east-1").create_email_identity(EmailIdentity=domain)
    # moto's SES holds an identity as verified once it exists (it has no verification e-mail to confirm)
    proc = check(email_env(f"digest@{domain}"))
    assert proc.exit_code == 0, proc.stdout + proc.stderr
    assert line_of(proc, "email") == (
        f"✓ email: SES may send as digest@{domain} (identity {domain} is verified)"
    )

    proc = check(email_env("digest@unverified.example.net"))
    assert proc.exit_code == 1
    assert line_of(proc, "email") == (
        "✗ email: digest@unverified.example.net is not an SES identity in us-east-1; "
        "fix: verify the address or its domain in SES (DIGEST_EMAIL_FROM)"
    )


def test_webhooks_are_checked_by_shape_and_proven_only_by_a_test_post(
    slack_server: SlackServer, discord_server: DiscordServer
) -> None:
    env = {
        "DIGEST_NOTIFY": "slack,discord",
        "SLACK_WEBHOOK_URL": slack_server.webhook_url,
        "DISCORD_WEBHOOK_URL": discord_server.webhook_url,
    }
    proc = check(env)
    assert proc.exit_code == 0, proc.stdout + proc.stderr
    assert "only a post proves it (hf-digest check --send-test)" in line_of(proc, "slack")
    assert "only a post proves it" in line_of(proc, "discord")
    assert slack_server.received == [] and discord_server.received == []
    assert slack_server.webhook_url not in proc.stdout and discord_server.webhook_url not in proc.stdout

    proc = check(env, "--send-test")
    assert proc.exit_code == 0, proc.stdout + proc.stderr
    assert line_of(proc, "slack") == "✓ slack: slack took the test message"
    assert len(slack_server.delivered) == 1 and len(discord_server.delivered) == 1
    assert "test message" in str(slack_server.delivered[0]) and "test message" in str(
        discord_server.delivered[0]
    )

    proc = check(env | {"SLACK_WEBHOOK_URL": "https://hooks.slack.com/not-a-hook"})
    assert proc.exit_code == 1
    assert line_of(proc, "slack").startswith("✗ slack: SLACK_WEBHOOK_URL is not a slack webhook URL")


def test_everything_green_at_once(
    github: GitHubServer,
    bucket: str,
    bedrock: BedrockServer,
    telegram_server: TelegramServer,
    tmp_path: pytest.TempPathFactory,
) -> None:
    domain = f"{uuid.uuid4().hex[:8]}.example.com"
    boto3.client("sesv2", region_name="us-east-1").create_email_identity(EmailIdentity=domain)
    env = (
        github_env(github)
        | telegram_env(telegram_server)
        | email_env(f"digest@{domain}")
        | {
            "DIGEST_DESTINATIONS": "local,github,s3",
            "DIGEST_OUTPUT_DIR": str(tmp_path),
            "S3_BUCKET": bucket,
            "DIGEST_SUMMARY_MODEL": MODEL,
            "DIGEST_NOTIFY": "telegram,email",
        }
    )
    proc = check(env)
    assert proc.exit_code == 0, proc.stdout + proc.stderr
    parts = [line.split(":", 1)[0] for line in proc.stdout.splitlines()]
    assert parts == [f"✓ {p}" for p in ("settings", "local", "github", "s3", "bedrock", "telegram", "email")]
    assert TOKEN not in proc.stdout and telegram_server.token not in proc.stdout


def test_no_network_is_one_line_naming_the_host(monkeypatch: pytest.MonkeyPatch, moto_endpoint: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", OFFLINE)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", OFFLINE)
    env = {
        "DIGEST_DESTINATIONS": "github,s3",
        "GITHUB_REPOSITORY": "octo/blog",
        "GITHUB_API_URL": OFFLINE,
        "GITHUB_TOKEN": TOKEN,
        "S3_BUCKET": "some-bucket",
        "DIGEST_SUMMARY_MODEL": MODEL,
    }
    proc = check(env)
    assert proc.exit_code == 1
    for part in ("github", "s3", "bedrock"):
        line = line_of(proc, part)
        assert line.startswith(f"✗ {part}: ") and "cannot reach nonexistent.invalid (no network?)" in line, (
            line
        )
        assert not line.startswith(f"✗ {part}: {part}:")
        assert "NameResolutionError" not in line and "Traceback" not in line


@pytest.mark.parametrize(
    ("event", "error"),
    [
        ({"check": False}, "check: must be true for a check event"),
        ({"check": "yes"}, 'check: must be true or false, got "yes"'),
        (
            {"check": True, "date": "2026-02-10"},
            "date: is not a known field; a check event takes check, send_test",
        ),
    ],
)
def test_a_check_event_takes_only_its_own_fields(event: dict[str, object], error: str) -> None:
    from datetime import UTC, datetime

    from hf_digest.config import Settings
    from hf_digest.errors import BadInput
    from hf_digest.request import CheckRequest, from_event

    now = datetime(2026, 2, 11, 3, tzinfo=UTC)
    assert from_event({"check": True, "send_test": True}, Settings(), now) == CheckRequest(send_test=True)
    with pytest.raises(BadInput) as refused:
        from_event(event, Settings(), now)
    assert str(refused.value) == error
