"""Topic filters, named digests and retired settings through the CLI against the local Hugging Face."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.helpers import MakeGitHubServer, MakeHFServer, hf_digest, post_path, split_post
from tests.hf_server import HFServer, relisted

TOKEN = "github_pat_profiles_test_token_8080"
POST = post_path("2026-02-10")
ROBOTICS = "_posts/{date}-robotics.md"
PROFILES = [
    {"name": "everything", "destinations": ["local"]},
    {
        "name": "agents",
        "lang": "en",
        "include": "agent, reasoning",
        "exclude": "benchmark",
        "top_n": 3,
        "path_template": ROBOTICS,
        "destinations": ["local", "github"],
    },
]


def test_two_profiles_make_one_read_and_two_posts_each_to_its_destinations(
    hf_server: HFServer, make_github_server: MakeGitHubServer, tmp_path: Path
) -> None:
    github = make_github_server(token=TOKEN)
    env = {
        "DIGEST_PROFILES": json.dumps(PROFILES),
        "GITHUB_API_URL": github.api_url,
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_TOKEN": TOKEN,
    }
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path), "--json", env=env)
    assert proc.exit_code == 0, proc.stderr
    # One read of the day for both profiles, and nothing else.
    assert hf_server.asked("date") == ["2026-02-10"] and len(hf_server.requests) == 1
    result = json.loads(proc.stdout)
    assert result["status"] == "published" and result["hf_requests"] == len(hf_server.requests)
    parts = {part["profile"]: part for part in result["profiles"]}
    assert [d["destination"] for d in parts["everything"]["destinations"]] == ["local"]
    assert [d["destination"] for d in parts["agents"]["destinations"]] == ["local", "github"]
    assert parts["agents"]["filters"] == {"matched": 10, "removed_by_include": 13, "removed_by_exclude": 10}
    assert "filters" not in parts["everything"]

    everything = (tmp_path / POST).read_text()
    assert "총 **33개** 논문 중 좋아요 상위 **10개**를 소개합니다." in everything
    agents = (tmp_path / "_posts/2026-02-10-robotics.md").read_text()
    assert (
        "**33** papers were listed; **10** match the topics of interest, the top **3** by upvotes" in agents
    )
    _, body = split_post(agents)
    assert body.count("\n1. ") == 1 and "\n3. " in body and "\n4. " not in body
    assert github.read_file("main", "_posts/2026-02-10-robotics.md") == agents.encode()
    assert github.read_file("main", POST) is None
    assert TOKEN not in proc.stdout + proc.stderr


def test_a_filter_that_removes_everything_posts_so_or_nothing_when_asked(
    hf_server: HFServer, tmp_path: Path
) -> None:
    env = {"DIGEST_INCLUDE": '"quantum chromodynamics"', "DIGEST_LANG": "en"}
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path), "--json", env=env)
    assert proc.exit_code == 0, proc.stderr
    assert json.loads(proc.stdout)["filters"] == {
        "matched": 0,
        "removed_by_include": 33,
        "removed_by_exclude": 0,
    }
    assert "none match the topics of interest" in (tmp_path / POST).read_text()

    skipped = tmp_path / "skipped"
    env["DIGEST_SKIP_EMPTY_FILTERED"] = "on"
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(skipped), "--json", env=env)
    assert proc.exit_code == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "empty"
    assert not skipped.exists() or list(skipped.iterdir()) == []


FIRST = date(2026, 2, 2)  # a Monday: ten days to 2026-02-11


def chained_days(samples: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Ten days, each listing three papers of the day before again (Hugging Face re-lists a paper when
    it is submitted again) beside eleven of its own (not a round page size); the days before list none."""
    pool = [item for day in sorted(samples) if day.startswith("2026-02") for item in samples[day]]
    ids = list(dict.fromkeys(item["paper"]["id"] for item in pool))
    by_id = {item["paper"]["id"]: copy.deepcopy(item) for item in pool}
    for n in range(9):  # the three papers each day lists again: more upvotes than any, so shown first
        for i in ids[n * 11 : n * 11 + 3]:
            by_id[i]["paper"]["upvotes"] = 10_000
    days: dict[str, list[dict[str, Any]]] = {}
    for n in range(10):
        own = [by_id[i] for i in ids[n * 11 : n * 11 + 11]]
        again = [by_id[i] for i in ids[(n - 1) * 11 : (n - 1) * 11 + 3]] if n else []
        day = (FIRST + timedelta(days=n)).isoformat()
        days[day] = relisted([*again, *own], day)
    return days


def test_the_retired_returning_settings_are_ignored_and_named_in_each_result(
    make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    # Three papers of each day listed again the next day, the most upvoted: what the retired mark marked.
    server = make_hf_server(chained_days(sample_days))
    last = FIRST + timedelta(days=9)
    args = ["run", "--from", FIRST.isoformat(), "--to", last.isoformat(), "--top", "0", "--json"]
    env = {"DIGEST_BACKFILL_PACE": "0"}
    plain = hf_digest(server, *args, "--out", str(tmp_path / "plain"), env=env)
    assert plain.exit_code == 0, plain.stderr
    assert len(server.requests) == 10 and server.asked("week") == []  # a request a day, no week listing
    server.reset_log()

    retired = {**env, "DIGEST_RETURNING": "on", "DIGEST_HIDE_RETURNING": "on"}
    proc = hf_digest(server, *args, "--out", str(tmp_path / "retired"), env=retired)
    assert proc.exit_code == 0, proc.stderr
    assert len(server.requests) == 10 and server.asked("week") == []
    for n in range(10):  # nothing marked, nothing hidden: the same posts
        post = post_path((FIRST + timedelta(days=n)).isoformat())
        text = (tmp_path / "retired" / post).read_text()
        assert text == (tmp_path / "plain" / post).read_text()
        assert "🔁" not in text and text.count("👍 10000") == (3 if n else 0) + (3 if n < 9 else 0)
    days = json.loads(proc.stdout)["days"]
    assert len(days) == 10 and all(
        day["warnings"][0] == "DIGEST_RETURNING, DIGEST_HIDE_RETURNING: retired and ignored (the "
        "returning-paper mark is gone: Hugging Face lists each paper on one day only); remove from your "
        "settings"
        for day in days
    )
    assert not any(
        "retired" in w for day in json.loads(plain.stdout)["days"] for w in day.get("warnings", [])
    )


def test_a_week_lists_each_paper_once(
    make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    server = make_hf_server(chained_days(sample_days))
    proc = hf_digest(server, "run", "--week", "2026-W06", "--top", "0", "--out", str(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    text = (tmp_path / post_path("2026-02-08", "weekly")).read_text()
    links = [line for line in text.splitlines() if "[HF](https://huggingface.co/papers/" in line]
    ids = [line.split("/papers/")[1].split(")")[0] for line in links]
    assert len(ids) == len(set(ids)) == 7 * 11  # each day's three repeats listed once
