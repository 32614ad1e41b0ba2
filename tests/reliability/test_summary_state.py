"""Issue 21, third pass: the state store never costs the post, and the summary cache holds nothing the
gate or the settings would not give again. The handler (and `hf-digest invoke`) with summaries on against
the local Bedrock Runtime, publishing to GitHub and S3, under the token scan."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from tests.bedrock_server import Answer, BedrockServer
from tests.reliability.stack import Stack

MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
DAY = "2026-02-10"


@pytest.fixture
def summaries_on(stack: Stack, bedrock: BedrockServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Summaries on, cached in a SQLite file (the CLI's store); returns its path."""
    path = stack.tmp_path / "state" / "state.sqlite3"
    monkeypatch.setenv("DIGEST_SUMMARY_MODEL", MODEL)
    monkeypatch.setenv("DIGEST_STATE_PATH", str(path))
    return path


def read_only_home(tmp_path: Path) -> Path:
    """A home folder nothing can be created in: mode 555, or sysfs where the mode does not bind (root)."""
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    try:
        (home / ".probe").mkdir()
    except OSError:
        return home
    return Path("/sys")


def unopenable(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if case == "a folder that cannot be made":
        (tmp_path / "blocker").write_text("a file where the state folder should be\n")
        monkeypatch.setenv("DIGEST_STATE_PATH", str(tmp_path / "blocker" / "state.sqlite3"))
    elif case == "a corrupt file":
        (tmp_path / "corrupt.sqlite3").write_bytes(random.Random(21).randbytes(8192))
        monkeypatch.setenv("DIGEST_STATE_PATH", str(tmp_path / "corrupt.sqlite3"))
    else:  # the default path, under a home that cannot be written (Lambda's file system but /tmp)
        monkeypatch.delenv("DIGEST_STATE_PATH")
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        monkeypatch.setenv("HOME", str(read_only_home(tmp_path)))


def summarised(post: bytes) -> int:
    text = post.decode("utf-8")
    return text.count("\n   - 문제: ") + text.count("\n    - 문제: ")


def cached_rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [key for (key,) in db.execute("SELECT key FROM state WHERE key LIKE 'summary#%' ORDER BY key")]


def set_value(path: Path, key: str, value: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE state SET value = ? WHERE key = ?", (value, key))


CASES = ["a folder that cannot be made", "a corrupt file", "a read-only home"]


@pytest.mark.parametrize("case", CASES)
def test_a_state_store_that_cannot_be_opened_costs_the_cache_not_the_post(
    stack: Stack,
    summaries_on: Path,
    bedrock: BedrockServer,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    unopenable(case, stack.tmp_path, monkeypatch)
    monkeypatch.setenv("DIGEST_LINKED", "on")  # the linked listings' cache is in the same store

    run = stack.invoke({"date": DAY})

    assert run.status == "published", run.error
    post = stack.assert_published_once(DAY)
    # summaries made, just not cached; and the day's brief
    assert summarised(post) == 10 and len(bedrock.calls) == 11
    assert run.result is not None
    warnings = run.result["warnings"]
    assert any(w.startswith("summary cache not read: DIGEST_STATE_PATH") for w in warnings), warnings
    assert any(w.startswith("summaries of 10 paper(s) not cached") for w in warnings), warnings
    assert any(w.startswith("linked cache not read; asked Hugging Face: DIGEST_STATE_PATH") for w in warnings)
    shown = stack.output.metrics()[-1]
    assert (shown["SummaryCacheFaults"], shown["SummariesGenerated"], shown["RunPublished"]) == (2, 10, 1)
    assert shown["RunWarnings"] == len(warnings)


def test_hf_digest_invoke_with_a_corrupt_state_file_publishes_and_says_what_it_skipped(
    stack: Stack, summaries_on: Path, bedrock: BedrockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    unopenable("a corrupt file", stack.tmp_path, monkeypatch)

    done = stack.cli({"date": DAY})

    assert done.returncode == 0, done.stderr
    assert '"status": "published"' in done.stdout and '"SummaryCacheFaults":[2.0]' in done.stderr
    assert '"summary cache not read: DIGEST_STATE_PATH' in done.stdout
    assert summarised(stack.assert_published_once(DAY)) == 10


def test_unreadable_cached_entries_are_asked_again_with_a_warning(
    stack: Stack, summaries_on: Path, bedrock: BedrockServer
) -> None:
    first = stack.invoke({"date": DAY})
    keys = cached_rows(summaries_on)
    assert first.status == "published" and len(keys) == 10
    for key in keys[:2]:
        set_value(summaries_on, key, "[1, 2]")  # a JSON list where an object belongs
    for key in keys[2:4]:
        set_value(summaries_on, key, "not json {")
    bedrock.reset_calls()

    again = stack.invoke({"date": DAY})

    assert again.status == "unchanged", again.error  # the same summaries, asked again for four papers
    assert again.result is not None
    report = again.result["summaries"]
    assert (report["cached"], report["generated"], len(bedrock.calls)) == (6, 4, 4)
    assert any("4 unreadable entries ignored and asked again" in w for w in again.result["warnings"])
    assert stack.output.metrics()[-1]["SummaryCacheFaults"] == 1
    third = stack.invoke({"date": DAY})  # the entries were written again
    assert third.result is not None and third.result["summaries"]["cached"] == 10


def test_a_cached_summary_the_gate_now_refuses_is_not_shown_and_asked_again(
    stack: Stack, summaries_on: Path, bedrock: BedrockServer
) -> None:
    stack.invoke({"date": DAY})
    key = cached_rows(summaries_on)[0]
    arxiv_id = key.split("#")[1]
    # A summary an older, laxer gate let through: a bare link and a number word the abstract lacks.
    passed_before = (
        "이 논문은 새로운 방법을 제안하며 속도가 아홉 배 빨라졌습니다. 자세한 내용은 bit.ly/x 에 있습니다."
    )
    set_value(summaries_on, key, json.dumps({"text": passed_before}, ensure_ascii=False))
    bedrock.reset_calls()

    again = stack.invoke({"date": DAY})

    assert again.result is not None and again.status == "unchanged"  # the refused text never reached a post
    assert [call.arxiv_id for call in bedrock.calls] == [arxiv_id]
    assert (again.result["summaries"]["cached"], again.result["summaries"]["generated"]) == (9, 1)
    post = stack.in_git(DAY)
    assert post is not None and b"bit.ly" not in post and "아홉".encode() not in post


def test_a_refusal_caused_by_the_token_limit_does_not_outlive_a_higher_limit(
    stack: Stack, summaries_on: Path, bedrock: BedrockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_id = stack.hf.items_for_day(DAY)[0]["paper"]["id"]
    bedrock.script(first_id, Answer(stop_reason="max_tokens"))
    monkeypatch.setenv("DIGEST_SUMMARY_MAX_TOKENS", "64")
    cut = stack.invoke({"date": DAY})
    assert cut.result is not None
    refused = {p["arxiv_id"]: p for p in cut.result["summaries"]["papers"]}[first_id]
    assert refused["status"] == "rejected" and "DIGEST_SUMMARY_MAX_TOKENS" in refused["reason"]
    bedrock.reset_calls()

    monkeypatch.setenv("DIGEST_SUMMARY_MAX_TOKENS", "800")
    raised = stack.invoke({"date": DAY})

    assert raised.result is not None
    papers = {p["arxiv_id"]: p["status"] for p in raised.result["summaries"]["papers"]}
    assert papers[first_id] == "generated"
    assert {call.params["inferenceConfig"]["maxTokens"] for call in bedrock.calls} == {800}
    post = stack.in_git(DAY)
    assert post is not None and summarised(post) == 10
