"""Fixtures for tests that talk to a local Hugging Face look-alike (tests/hf_server.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.hf_server import HFServer, load_sample_days

MakeHFServer = Callable[..., HFServer]


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
