"""Fixtures every test may use: the shared samples, the local Hugging Face and GitHub servers, moto_server
over HTTP, and the Lambda handler with a Lambda-like context."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hf_digest.adapters.state import SQLiteStore
from hf_digest.cli import load_app
from hf_digest.core.model import Paper, papers_from_items
from hf_digest.core.rank import rank
from tests.bedrock_server import BedrockServer
from tests.discord_server import DiscordServer
from tests.embeddings_server import EmbeddingsServer
from tests.github_server import GitHubServer
from tests.helpers import (
    SAMPLES,
    SETTING_PREFIXES,
    MakeGitHubServer,
    MakeHFServer,
    Output,
    Stdout,
    free_port,
    load_sample,
)
from tests.hf_server import HFServer, load_sample_days
from tests.openai_server import OpenAIServer
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer


@pytest.fixture
def clean_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every digest setting from the environment for this test (restored afterwards)."""
    for name in list(os.environ):
        if name.startswith(SETTING_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own XDG_CACHE_HOME: the default SQLite state store (the days a schedule saw empty, say)
    is never the developer's, nor shared with another test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """../shared/hf-samples, or a skip that says what is missing."""
    if not SAMPLES.is_dir():
        pytest.skip(f"Hugging Face samples not found at {SAMPLES} (../shared/hf-samples beside the repo)")
    return SAMPLES


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real moto_server on loopback (S3, Secrets Manager, DynamoDB), with fake credentials set."""
    exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(exe).exists():
        pytest.fail("moto_server is not installed: run `make test` (it installs moto[server])")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("moto_server did not start within 30 s")
    saved = {k: os.environ.get(k) for k in _AWS_ENV}
    os.environ.update(_AWS_ENV | {"AWS_ENDPOINT_URL": endpoint})
    try:
        yield endpoint
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        os.environ.pop("AWS_ENDPOINT_URL", None)
        proc.terminate()
        proc.wait(timeout=10)


_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


@pytest.fixture
def quick_notify_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chat and mail retries a hundredth of a second apart: a test sees their order, not their waits."""
    monkeypatch.setattr("hf_digest.adapters.notify.sending.BACKOFF_BASE_S", 0.01)


@pytest.fixture
def papers(samples_dir: Path) -> list[Paper]:
    """The ten shown papers of 2026-02-10, in rank order: the digest the summary tests summarize."""
    found, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    return rank(found, 10)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    """A fresh SQLite state store of the test's own."""
    return SQLiteStore(tmp_path / "state.sqlite3")


@pytest.fixture(scope="module")
def ranked(samples_dir: Path) -> list[Paper]:
    """The recorded 2026-02-10 list, every paper in upvote order."""
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    return rank(papers, 0)


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[BedrockServer]:
    """A local Bedrock Runtime, reached through AWS_ENDPOINT_URL_BEDROCK_RUNTIME, with fake credentials."""
    server = BedrockServer().start()
    for name, value in _AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.url)
    yield server
    server.stop()


@pytest.fixture
def openai_api() -> Iterator[OpenAIServer]:
    """A local OpenAI-compatible chat completions API (its url is OPENAI_BASE_URL, with /v1)."""
    server = OpenAIServer().start()
    yield server
    server.stop()


@pytest.fixture
def embeddings(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddingsServer]:
    """A local Bedrock Runtime answering InvokeModel with deterministic embeddings, with fake credentials."""
    server = EmbeddingsServer().start()
    for name, value in _AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.url)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sample_days(samples_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The shared Hugging Face samples by day, read once per session."""
    return load_sample_days(samples_dir)


@pytest.fixture
def make_hf_server() -> Iterator[MakeHFServer]:
    """Start HFServer(days, **options) servers; all are stopped when the test ends."""
    servers: list[HFServer] = []

    def make(days: Mapping[str, list[dict[str, Any]]] | None = None, **options: Any) -> HFServer:
        server = HFServer(days, **options).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def hf_server(make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]]) -> HFServer:
    """A running look-alike serving every shared sample day."""
    return make_hf_server(sample_days)


@pytest.fixture
def make_github_server(tmp_path: Path) -> Iterator[MakeGitHubServer]:
    """Start GitHubServer(root, token=…, **options) servers, each with a first commit of files on its default
    branch (a Jekyll `_config.yml` unless told otherwise); all are stopped when the test ends."""
    servers: list[GitHubServer] = []

    def make(*, token: str, files: Mapping[str, bytes] | None = None, **options: Any) -> GitHubServer:
        root = tmp_path / f"github{len(servers)}"
        root.mkdir()
        server = GitHubServer(root, token=token, **options).start()
        servers.append(server)
        first = dict(files) if files is not None else {"_config.yml": b"title: blog\n"}
        server.commit_files(options.get("default_branch", "main"), first, "Init")
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def app() -> Iterator[ModuleType]:
    """handler/app.py loaded as the CLI and Lambda load it; the package logger is restored afterwards."""
    package_logger = logging.getLogger("hf_digest")
    saved = (list(package_logger.handlers), package_logger.propagate, package_logger.level)
    yield load_app()
    package_logger.handlers, package_logger.propagate = saved[0], saved[1]
    package_logger.setLevel(saved[2])


@pytest.fixture
def output(app: ModuleType, capsys: pytest.CaptureFixture[str]) -> Iterator[Output]:
    """Powertools' JSON log lines (package logger at DEBUG) and EMF metrics, as the function prints them."""
    from hf_digest.observability import PACKAGE_LOGGER, logger

    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    package = logging.getLogger(PACKAGE_LOGGER)
    saved = (list(package.handlers), package.propagate, package.level)
    # Other modules' fixtures may have reset the package logger: give it Powertools' handler again.
    package.handlers, package.propagate = [handler], False
    package.setLevel(logging.DEBUG)
    previous = handler.setStream(Stdout())
    try:
        yield Output(capsys)
    finally:
        handler.setStream(previous)
        package.handlers, package.propagate = saved[0], saved[1]
        package.setLevel(saved[2])


@pytest.fixture
def slack_server() -> Iterator[SlackServer]:
    """A local Slack incoming webhook (tests/slack_server.py)."""
    with SlackServer() as server:
        yield server


@pytest.fixture
def discord_server() -> Iterator[DiscordServer]:
    """A local Discord webhook (tests/discord_server.py)."""
    with DiscordServer() as server:
        yield server


@pytest.fixture
def telegram_server() -> Iterator[TelegramServer]:
    """A local Telegram Bot API (tests/telegram_server.py)."""
    with TelegramServer() as server:
        yield server
