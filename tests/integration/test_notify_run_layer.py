"""`hf-digest notify` announces the post a run makes: its digest comes through the run layer, so the topic
filter, profiles and our summaries reach the message as they reach the post; a dry run reads no secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.bedrock_server import BedrockServer
from tests.helpers import hf_digest
from tests.hf_server import HFServer
from tests.slack_server import SlackServer

DAY = "2026-02-10"
MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
MINE = "_posts/{date}-mine.md"
OURS = "기존 방법은 이 문제("  # how the local Bedrock's Korean summaries begin (their problem line)


@pytest.fixture
def env(tmp_path: Path, slack_server: SlackServer) -> dict[str, str]:
    return {
        "DIGEST_NOTIFY": "slack",
        "DIGEST_SITE_URL": "https://blog.example.org",
        "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3"),
        "DIGEST_OUTPUT_DIR": str(tmp_path / "blog"),
        "SLACK_WEBHOOK_URL": slack_server.webhook_url,
    }


def slack_papers(payload: dict[str, Any]) -> list[str]:
    """The text of each paper a Slack message lists (one section with a button per paper)."""
    return [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section" and "accessory" in b]


def run_json(server: HFServer, env: dict[str, str], *args: str) -> dict[str, Any]:
    done = hf_digest(server, *args, "--json", env=env)
    assert done.exit_code == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_the_topic_filter_leaves_the_message_the_papers_the_post_shows(
    hf_server: HFServer, env: dict[str, str]
) -> None:
    env = {**env, "DIGEST_INCLUDE": "robot"}
    post = run_json(hf_server, env, "run", "--date", DAY, "--dry-run")
    told = run_json(hf_server, env, "notify", "--date", DAY, "--dry-run")
    listed = slack_papers(told["previews"]["slack"])
    assert len(listed) == post["papers_shown"] == 1  # unfiltered, it listed the top 3
    assert told["papers_shown"] == 1
    title = listed[0].split("\n", 1)[0].removeprefix("1. ")
    assert title in post["post"]


def test_a_day_the_topic_filter_left_without_a_post_tells_no_one(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer
) -> None:
    env = {**env, "DIGEST_INCLUDE": "no-such-topic-anywhere", "DIGEST_SKIP_EMPTY_FILTERED": "on"}
    done = hf_digest(hf_server, "notify", "--date", DAY, env=env)
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"{DAY}: the topic filter left no papers, so there is no post; nothing to tell\n"
    assert slack_server.received == []


def test_the_message_carries_the_summary_the_post_carries_without_asking_bedrock_again(
    hf_server: HFServer, env: dict[str, str], bedrock: BedrockServer, tmp_path: Path
) -> None:
    env = {**env, "DIGEST_SUMMARY_MODEL": MODEL}
    run_json(hf_server, env, "run", "--date", DAY, "--dest", "local")
    asked = len(bedrock.calls)
    post = (tmp_path / "blog" / "_posts" / f"{DAY}-hf-daily-papers.md").read_text(encoding="utf-8")
    told = run_json(hf_server, env, "notify", "--date", DAY, "--dry-run")
    first = slack_papers(told["previews"]["slack"])[0]
    summary = first.split("\n\n", 1)[1]
    # the first paper's three lines in the post (issue 24), which the message carries as one paragraph
    lines = [
        line.split(": ", 1)[1]
        for line in post.splitlines()
        if line.lstrip().startswith(("- 문제: ", "- 방법: ", "- 결과: "))
    ]
    assert summary.startswith(OURS) and " ".join(lines[:3]).startswith(summary)
    assert len(bedrock.calls) == asked  # the run paid for the summaries; notify read them from the cache


def test_a_dry_run_reads_no_secret_and_shows_every_channels_payload(
    hf_server: HFServer, moto_endpoint: str, tmp_path: Path
) -> None:
    env = {
        "DIGEST_NOTIFY": "slack,discord,telegram",
        "DIGEST_NOTIFY_SECRET": "hf-digest/no-such-secret",  # read, it would stop the command
        "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3"),
        "DIGEST_SITE_URL": "https://blog.example.org",
    }
    told = run_json(hf_server, env, "notify", "--date", DAY, "--dry-run")
    assert told["status"] == "dry_run"
    assert sorted(told["previews"]) == ["discord", "slack", "telegram"]
    assert told["previews"]["telegram"]["chat_id"] == "***"
    assert "preview.invalid" not in json.dumps(told)
    assert not Path(env["DIGEST_STATE_PATH"]).exists()
    sent = hf_digest(hf_server, "notify", "--date", DAY, env=env)  # telling does read it: and says so
    assert sent.exit_code != 0 and "hf-digest/no-such-secret" in sent.stderr


def test_each_profile_is_told_its_own_post(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer
) -> None:
    profiles = [
        {"name": "all"},
        {"name": "robots", "lang": "en", "include": "robot", "path_template": "_posts/{date}-robots.md"},
    ]
    env = {**env, "DIGEST_PROFILES": json.dumps(profiles)}
    posts = run_json(hf_server, env, "run", "--date", DAY, "--dry-run")["profiles"]
    done = hf_digest(hf_server, "notify", "--date", DAY, "--json", env=env)
    assert done.exit_code == 0, done.stderr
    told = json.loads(done.stdout)["profiles"]
    assert [(t["profile"], [c["status"] for c in t["notifications"]["channels"]]) for t in told] == [
        ("all", ["sent"]),
        ("robots", ["sent"]),
    ]
    messages = [slack_papers(payload) for payload in slack_server.delivered]
    assert [len(m) for m in messages] == [min(3, posts[0]["papers_shown"]), posts[1]["papers_shown"]]
    assert posts[1]["papers_shown"] == 1 and posts[1]["url"] in json.dumps(slack_server.delivered[1])


def test_a_profile_ranked_for_its_reader_is_announced_as_ranked_by_interests(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer, tmp_path: Path
) -> None:
    interests = "robot manipulation, vision-language-action models, humanoid control and embodied agents"
    for everyone_lang, mine_lang in (("ko", "en"), ("en", "ko")):
        mine = {"name": "mine", "lang": mine_lang, "interests": interests, "interests_rank": "relevance"}
        profiles = [{"name": "all", "lang": everyone_lang}, {**mine, "top_n": 3, "path_template": MINE}]
        state = str(tmp_path / f"state-{mine_lang}.sqlite3")
        env = {**env, "DIGEST_PROFILES": json.dumps(profiles), "DIGEST_STATE_PATH": state}
        done = hf_digest(hf_server, "notify", "--date", DAY, "--json", env=env)
        assert done.exit_code == 0, done.stderr
    texts = [json.dumps(payload, ensure_ascii=False) for payload in slack_server.delivered]
    assert len(texts) == 4
    ko_everyone, en_mine, en_everyone, ko_mine = texts
    assert "총 33개 논문 중 좋아요 상위 10개를 소개합니다." in ko_everyone and "관심사" not in ko_everyone
    assert "33 papers were listed; the post shows the top 10 by upvotes." in en_everyone
    assert "your interests" not in en_everyone
    assert "33 papers were listed; the post shows the top 3 by your interests." in en_mine
    assert "총 33개 논문 중 내 관심사에 가까운 상위 3개를 소개합니다." in ko_mine
    assert "by upvotes" not in en_mine and "좋아요 상위" not in ko_mine


def test_two_profiles_in_one_language_are_each_told_once(
    hf_server: HFServer, env: dict[str, str], slack_server: SlackServer
) -> None:
    profiles = [
        {"name": "all"},
        {"name": "robots", "include": "robot", "path_template": "_posts/{date}-robots.md"},
    ]
    env = {**env, "DIGEST_PROFILES": json.dumps(profiles)}
    first = run_json(hf_server, env, "run", "--date", DAY)["profiles"]
    assert [(p["profile"], [c["status"] for c in p["notifications"]["channels"]]) for p in first] == [
        ("all", ["sent"]),
        ("robots", ["sent"]),
    ]
    assert [first[0]["url"] in json.dumps(m) for m in slack_server.delivered] == [True, False]
    assert first[1]["url"] in json.dumps(slack_server.delivered[1])
    # Both posts are in place: a rerun, and `notify` for the day, tell no one again.
    run_json(hf_server, env, "run", "--date", DAY)
    told = run_json(hf_server, env, "notify", "--date", DAY)["profiles"]
    assert [[c["status"] for c in t["notifications"]["channels"]] for t in told] == [
        ["already_sent"],
        ["already_sent"],
    ]
    assert len(slack_server.delivered) == 2
