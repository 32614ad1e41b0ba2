"""The token scan over the OpenAI-compatible summaries, through the handler with the whole stack: the API key
rides in every request's Authorization header, and a server that echoes a refused key back in its error
(as OpenAI quotes part of it) leaves it in no log, result, output or exception."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.openai_server import DROP, OpenAIServer, Refuse, Throttle
from tests.reliability.leaks import OPENAI_API_KEY, LeakScan
from tests.reliability.stack import Stack


@pytest.fixture
def api(stack: Stack, scan: LeakScan, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    monkeypatch.setattr("hf_digest.enrich.summaries.converse.BACKOFF_S", 0.05)
    with OpenAIServer(api_key=OPENAI_API_KEY) as server:
        for name, value in {
            "DIGEST_SUMMARY_PROVIDER": "openai",
            "DIGEST_SUMMARY_PRICE_IN_USD": "0.15",
            "DIGEST_SUMMARY_PRICE_OUT_USD": "0.60",
            "DIGEST_SUMMARY_MODEL": "gpt-4o-mini",
            "OPENAI_BASE_URL": server.url,
            "OPENAI_API_KEY": OPENAI_API_KEY,
        }.items():
            monkeypatch.setenv(name, value)
        yield server
        for call in server.calls:  # what reached the API: only the header carries the key
            scan.add("openai request", call.body)


def test_the_handler_with_openai_summaries_leaks_no_key(
    stack: Stack, api: OpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = (item["paper"]["id"] for item in stack.hf.items_for_day("2026-02-10")[:2])
    api.script(first, Throttle(retry_after="0.1"), DROP)
    api.script(second, Refuse(500))

    published = stack.invoke({"date": "2026-02-10"})
    api.api_key = "sk-proj-the-other-key-on-the-server"  # ours is now refused, and echoed back whole
    refused = stack.invoke({"date": "2026-02-09"})
    done = stack.cli({"date": "2026-02-06"})

    assert published.result is not None and published.result["summaries"]["generated"] == 10
    assert {c.headers.get("authorization") for c in api.calls if c.status != 401} == {
        f"Bearer {OPENAI_API_KEY}"
    }
    assert refused.result is not None and refused.result["status"] == "published"
    error = refused.result["summaries"]["error"]
    assert error.startswith("OPENAI_API_KEY: the key was refused by ") and "***" in error
    assert done.returncode == 0, done.stderr
    stack.scan.add("summaries result", published.result["summaries"], refused.result["summaries"])
    assert any(r.levelno >= logging.ERROR and r.getMessage() == "summaries: failed" for r in caplog.records)
