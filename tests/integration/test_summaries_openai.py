"""Summaries from an OpenAI-compatible API (DIGEST_SUMMARY_PROVIDER=openai) against the local server, whose
requests are checked with the `openai` package's own request types: the same prompt and schema, checks,
cache, budget, deadline and retries as Bedrock's, and the same summaries from the same answers."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hf_digest.adapters.state import SQLiteStore, StateStore
from hf_digest.config import Secret, Settings
from hf_digest.core.model import Paper
from hf_digest.enrich.summaries.converse import converse_client
from hf_digest.enrich.summaries.openai_chat import chat_client, rate_limit_wait
from hf_digest.enrich.summaries.prompt import TOOL, converse_request, load_prompt
from hf_digest.enrich.summaries.report import SummaryReport
from hf_digest.enrich.summaries.summarize import Summarizer, summarize
from hf_digest.outbound.deadline import Deadline
from tests.bedrock_server import BedrockServer
from tests.helpers import hf_digest
from tests.hf_server import HFServer
from tests.openai_server import BROKEN_ARGUMENTS, BROKEN_BODY, DROP, Delay, OpenAIServer, Refuse, Throttle

MODEL = "gpt-4o-mini"
BEDROCK_MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hf_digest.enrich.summaries.converse.BACKOFF_S", 0.05)


def settings(api: OpenAIServer, **changes: Any) -> Settings:
    key = Secret(api.api_key) if api.api_key else None
    chosen = Settings(
        summary_model=MODEL,
        summary_provider="openai",
        openai_base_url=api.url,
        openai_api_key=key,
        summary_price_in_usd=0.15,  # gpt-4o-mini's, per million tokens: the monthly cap needs a price
        summary_price_out_usd=0.60,
    )
    return replace(chosen, **changes).validate()


def run(
    api: OpenAIServer, papers: list[Paper], store: StateStore, lang: str = "ko", **changes: Any
) -> tuple[dict[str, Any], SummaryReport]:
    reserve_s = changes.pop("reserve_s", 30.0)
    deadline = Deadline.after(changes.pop("deadline_s", 300.0))
    chosen = settings(api, **changes)
    summaries, report = summarize(
        papers, lang, chosen, store, chat_client(chosen), deadline, reserve_s=reserve_s
    )
    return dict(summaries), report


def statuses(report: SummaryReport) -> dict[str, str]:
    return {paper.arxiv_id: paper.status for paper in report.papers}


def test_each_paper_is_summarised_with_a_request_the_openai_types_accept(
    openai_api: OpenAIServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    summaries, report = run(openai_api, papers, store)

    assert openai_api.problems == []  # every request passed CompletionCreateParamsNonStreaming
    assert sorted(str(c.arxiv_id) for c in openai_api.calls) == sorted(p.arxiv_id for p in papers)
    first = openai_api.calls[0]
    assert first.headers["authorization"] == f"Bearer {openai_api.api_key}"
    # Whatever tools the prompt module offers, each goes as a function with its JSON schema unchanged.
    offered = [
        tool["toolSpec"]
        for tool in converse_request(load_prompt(None, "ko"), papers[0], MODEL, 400)["toolConfig"]["tools"]
    ]
    assert first.body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": spec["name"],
                "description": spec["description"],
                "parameters": spec["inputSchema"]["json"],
            },
        }
        for spec in offered
    ]
    assert offered and first.body["tools"][0]["function"]["name"] == TOOL
    assert first.body["tool_choice"] == {"type": "function", "function": {"name": TOOL}}
    assert [m["role"] for m in first.body["messages"]] == ["system", "user"]
    assert report.status == "ok" and report.count("generated") == 10
    assert list(summaries) == [p.arxiv_id for p in papers]
    assert all(s.model == MODEL for s in summaries.values())
    assert report.input_tokens > 0 and report.output_tokens > 0  # from the answers' usage


def test_both_providers_give_the_same_summaries_for_the_same_answers(
    openai_api: OpenAIServer, bedrock: BedrockServer, tmp_path: Path, papers: list[Paper]
) -> None:
    from_openai, _ = run(openai_api, papers, SQLiteStore(tmp_path / "a.sqlite3"))
    chosen = Settings(summary_model=BEDROCK_MODEL)
    from_bedrock, report = summarize(
        papers,
        "ko",
        chosen,
        SQLiteStore(tmp_path / "b.sqlite3"),
        converse_client(chosen),
        Deadline.after(300),
    )
    assert report.count("generated") == 10
    assert {k: s.text for k, s in from_openai.items()} == {k: s.text for k, s in from_bedrock.items()}


def test_a_rerun_makes_no_call_and_another_provider_or_host_is_asked_anew(
    openai_api: OpenAIServer, bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    two = papers[:2]
    first, _ = run(openai_api, two, store)
    openai_api.reset_calls()
    again, rerun = run(openai_api, two, store)
    assert openai_api.calls == [] and again == first and rerun.count("cached") == 2

    # The same model name through Bedrock, and the same API at another host, pay again: a switch of
    # provider never reuses the other's answer.
    chosen = Settings(summary_model=BEDROCK_MODEL)
    _, bedrock_report = summarize(two, "ko", chosen, store, converse_client(chosen), Deadline.after(300))
    assert bedrock_report.count("generated") == 2 and len(bedrock.calls) == 2
    other_host = openai_api.url.replace("127.0.0.1", "localhost")
    _, moved = run(openai_api, two, store, openai_base_url=other_host)
    assert moved.count("generated") == 2 and len(openai_api.calls) == 2


def test_throttling_waits_as_the_headers_say_then_succeeds(
    openai_api: OpenAIServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    three = papers[:3]
    openai_api.script(three[0].arxiv_id, Throttle(retry_after="0.4"))
    openai_api.script(three[1].arxiv_id, Throttle(retry_after=None, retry_after_ms="300"))
    openai_api.script(
        three[2].arxiv_id, Throttle(retry_after=None, reset_requests="350ms", reset_tokens="0.2s")
    )
    _, report = run(openai_api, three, store)

    assert report.count("generated") == 3
    for paper, waited in zip(three, (0.4, 0.3, 0.35), strict=True):
        starts = [c.started for c in openai_api.calls if c.arxiv_id == paper.arxiv_id]
        assert len(starts) == 2 and starts[1] - starts[0] >= waited
    assert {p.attempts for p in report.papers} == {2}


def test_rate_limit_headers_as_openai_sends_them() -> None:
    assert rate_limit_wait({"Retry-After": "2"}) == 2.0
    assert rate_limit_wait({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert rate_limit_wait({"x-ratelimit-reset-requests": "6m0s", "x-ratelimit-reset-tokens": "1s"}) == 360.0
    assert rate_limit_wait({"x-ratelimit-reset-tokens": "1h2m3.5s"}) == 3723.5
    assert rate_limit_wait({"x-ratelimit-reset-requests": "soon"}) is None


def test_server_errors_and_dropped_connections_are_retried_then_fall_back(
    openai_api: OpenAIServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    three = papers[:3]
    openai_api.script(three[0].arxiv_id, Refuse(500), DROP)  # then answers
    openai_api.script(three[1].arxiv_id, *[Refuse(503, "overloaded")] * 4)  # never does
    summaries, report = run(openai_api, three, store)

    assert statuses(report) == {
        three[0].arxiv_id: "generated",
        three[1].arxiv_id: "failed",
        three[2].arxiv_id: "generated",
    }
    failed = report.papers[1]
    assert failed.attempts == 4 and failed.reason == "HTTP 503 after 4 attempt(s)"
    assert three[1].arxiv_id not in summaries and report.status == "partial"


def test_a_hanging_server_is_cut_at_the_deadline(
    openai_api: OpenAIServer, store: SQLiteStore, papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    # One attempt may take 1 s here (not 23): a 7 s deadline, less the 5 s margin, cuts the hang at 2 s.
    monkeypatch.setattr("hf_digest.enrich.summaries.summarize.ATTEMPT_S", 1.0)
    monkeypatch.setattr("hf_digest.enrich.summaries.converse.ATTEMPT_S", 1.0)
    openai_api.script(papers[0].arxiv_id, Delay(60))
    began = time.monotonic()
    _, report = run(openai_api, papers[:1], store, deadline_s=7.0, reserve_s=0.0)

    assert time.monotonic() - began < 6
    paper = report.papers[0]
    assert paper.status == "failed" and paper.attempts == 1
    assert paper.reason and "no whole answer within the run's time budget" in paper.reason


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (
            {"openai_api_key": Secret("sk-wrong-key-abcdef0123456789")},
            "OPENAI_API_KEY: the key was refused by 127.0.0.1:{port} (401: Incorrect API key provided: ***.)",
        ),
        (
            {"openai_api_key": None},
            "OPENAI_API_KEY: not set, and 127.0.0.1:{port} asks for a key "
            "(401: Incorrect API key provided: none.)",
        ),
        (
            {"summary_model": "gpt-9-nonexistent"},
            "DIGEST_SUMMARY_MODEL: 127.0.0.1:{port} has no model 'gpt-9-nonexistent' (404: The model "
            "`gpt-9-nonexistent` does not exist or you do not have access to it.); name a model it serves, "
            "or check OPENAI_BASE_URL (it ends before /chat/completions, e.g. .../v1)",
        ),
    ],
    ids=["401-key", "401-no-key", "404-model"],
)
def test_a_refusal_is_one_line_naming_the_setting_and_stops_the_calls(
    openai_api: OpenAIServer, store: SQLiteStore, papers: list[Paper], change: dict[str, Any], line: str
) -> None:
    summaries, report = run(openai_api, papers, store, summary_concurrency=1, **change)

    port = openai_api.url.split(":")[2].split("/")[0]
    assert report.error == line.format(port=port)
    assert len(openai_api.calls) == 1  # every other paper would meet the same: not called
    assert summaries == {} and report.status == "failed"
    assert "sk-wrong" not in str(report.to_json())


def test_a_server_that_is_not_there_is_named_once(store: SQLiteStore, papers: list[Paper]) -> None:
    with OpenAIServer() as gone:
        url = gone.url
    chosen = replace(settings(gone), openai_base_url=url)
    _, report = summarize(papers[:2], "ko", chosen, store, chat_client(chosen), Deadline.after(300))
    assert (
        report.error == f"OPENAI_BASE_URL: cannot reach {url.split('/')[2]} (no network, or no server there?)"
    )


def test_broken_json_falls_back_with_a_warning(
    openai_api: OpenAIServer, store: SQLiteStore, papers: list[Paper], caplog: pytest.LogCaptureFixture
) -> None:
    three = papers[:3]
    openai_api.script(three[0].arxiv_id, BROKEN_ARGUMENTS)
    openai_api.script(three[1].arxiv_id, BROKEN_BODY)
    with caplog.at_level(logging.WARNING):
        summaries, report = run(openai_api, three, store)

    assert statuses(report) == {
        three[0].arxiv_id: "rejected",  # the model answered: its refusal is cached, not paid again soon
        three[1].arxiv_id: "failed",
        three[2].arxiv_id: "generated",
    }
    assert report.papers[0].reason == "not parsed: the answer is text, not the tool's JSON"
    assert report.papers[1].reason == "the answer is not JSON"
    assert list(summaries) == [three[2].arxiv_id]
    fell_back = [r for r in caplog.records if r.getMessage() == "summary fell back"]
    assert {getattr(r, "arxiv_id", None) for r in fell_back} == {three[0].arxiv_id, three[1].arxiv_id}


def test_a_local_server_without_a_key_gets_no_authorization_header(
    store: SQLiteStore, papers: list[Paper]
) -> None:
    with OpenAIServer(api_key=None, models=frozenset({"llama3.2:3b"})) as ollama:
        _, report = run(ollama, papers[:2], store, summary_model="llama3.2:3b")
        assert report.count("generated") == 2 and ollama.problems == []
        assert all("authorization" not in c.headers for c in ollama.calls)


def test_the_summarizer_chooses_the_provider_once(
    openai_api: OpenAIServer, bedrock: BedrockServer, store: SQLiteStore
) -> None:
    summarizer = Summarizer.from_settings(settings(openai_api), store)
    assert summarizer is not None and type(summarizer.client).__name__ == "ChatClient"
    assert (
        type(Summarizer.from_settings(Settings(summary_model=BEDROCK_MODEL), store)).__name__ == "Summarizer"
    )


def test_the_local_server_refuses_what_the_openai_types_refuse(openai_api: OpenAIServer) -> None:
    import requests

    good = {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}
    sent = {"Authorization": f"Bearer {openai_api.api_key}"}
    url = f"{openai_api.url}/chat/completions"
    assert requests.post(url, json=good, headers=sent, timeout=5).status_code == 200
    for bad in (
        {**good, "maxTokens": 10},  # a Converse name
        {**good, "messages": [{"role": "user", "contents": "hi"}]},
        {**good, "tool_choice": {"type": "function", "name": TOOL}},  # the Responses API's shape
        {**good, "tools": [{"type": "function", "function": {"name": TOOL, "parameters": {"type": 3}}}]},
    ):
        assert requests.post(url, json=bad, headers=sent, timeout=5).status_code == 400
    assert len(openai_api.problems) == 4


def test_a_model_without_a_stated_price_exits_2_before_any_call(
    openai_api: OpenAIServer, hf_server: HFServer, tmp_path: Path
) -> None:
    """The monthly cost cap counts an OpenAI-compatible model at the price the user states; none stated,
    the run stops with one line naming both settings before the state store, a call or a post."""
    env = {
        "DIGEST_SUMMARY_PROVIDER": "openai",
        "DIGEST_SUMMARY_MODEL": MODEL,
        "OPENAI_BASE_URL": openai_api.url,
        "OPENAI_API_KEY": str(openai_api.api_key),
        "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3"),
    }
    done = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path / "blog"), env=env)
    assert done.exit_code == 2
    [line] = done.stderr.splitlines()
    assert "DIGEST_SUMMARY_PRICE_IN_USD and DIGEST_SUMMARY_PRICE_OUT_USD" in line and MODEL in line
    assert str(openai_api.api_key) not in line
    assert openai_api.calls == [] and not (tmp_path / "blog").exists()
    assert not (tmp_path / "state.sqlite3").exists()
