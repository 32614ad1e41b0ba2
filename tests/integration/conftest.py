"""Fixtures for tests that talk to a local Hugging Face look-alike (tests/hf_server.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.github_server import GitHubServer
from tests.hf_server import HFServer, load_sample_days

MakeHFServer = Callable[..., HFServer]
MakeGitHubServer = Callable[..., GitHubServer]


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
