"""Topic filters, named digests and returning papers through the CLI against the local Hugging Face."""

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
    # One read of the day, and of each week behind the returning papers, for both profiles.
    assert hf_server.asked("date") == ["2026-02-10"]
    assert hf_server.asked("week", first_pages=True) == ["2026-W06", "2026-W07"]
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


def test_returning_papers_across_a_ten_day_backfill(
    make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    days = chained_days(sample_days)
    server = make_hf_server(days)
    last = FIRST + timedelta(days=9)
    args = ["run", "--from", FIRST.isoformat(), "--to", last.isoformat(), "--out", str(tmp_path)]
    env = {"DIGEST_BACKFILL_PACE": "0", "DIGEST_TOP_N": "0"}  # returning papers are marked by default
    proc = hf_digest(server, *args, env=env)
    assert proc.exit_code == 0, proc.stderr
    weeks = [r.query["week"] for r in server.requests if "week" in r.query]
    assert sorted(weeks) == ["2026-W05", "2026-W06", "2026-W07"]  # each fetched once for the whole range
    assert len(server.requests) == 10 + len(weeks)
    first = (tmp_path / post_path(FIRST.isoformat())).read_text()
    assert "재등장" not in first
    for n in range(1, 10):
        day = (FIRST + timedelta(days=n)).isoformat()
        text = (tmp_path / post_path(day)).read_text()
        marked = [line for line in text.splitlines() if "🔁 재등장" in line]
        assert len(marked) == 3, day
        assert all(line.endswith("- 👍 10000 · 🔁 재등장") for line in marked)

    hidden = tmp_path / "hidden"
    args[-1] = str(hidden)
    proc = hf_digest(server, *args, env={**env, "DIGEST_HIDE_RETURNING": "on"})
    assert proc.exit_code == 0, proc.stderr
    text = (hidden / post_path("2026-02-05")).read_text()
    assert "재등장" not in text and text.count("👍 10000") == 3  # its own three, listed again the next day
    assert "총 **14개** 중 최근 7일에 소개한 **3개**를 빼고 좋아요 상위 **11개**를 소개합니다." in text

    # DIGEST_RETURNING=off: a request a day, nothing marked.
    server.reset_log()
    args[-1] = str(tmp_path / "off")
    proc = hf_digest(server, *args, env={**env, "DIGEST_RETURNING": "off"})
    assert proc.exit_code == 0, proc.stderr
    assert server.asked("week") == [] and len(server.requests) == 10
    posts = [(tmp_path / "off" / post_path((FIRST + timedelta(days=n)).isoformat())) for n in range(10)]
    assert not any("재등장" in post.read_text() for post in posts)


def test_a_week_lists_each_paper_once_and_a_failing_history_still_posts(
    make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    server = make_hf_server(chained_days(sample_days))
    proc = hf_digest(server, "run", "--week", "2026-W06", "--top", "0", "--out", str(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    text = (tmp_path / post_path("2026-02-08", "weekly")).read_text()
    links = [line for line in text.splitlines() if "[HF](https://huggingface.co/papers/" in line]
    ids = [line.split("/papers/")[1].split(")")[0] for line in links]
    assert len(ids) == len(set(ids)) == 7 * 11  # each day's three repeats listed once

    server.refuse = {"week": 500}
    server.reset_log()
    proc = hf_digest(server, "run", "--date", "2026-02-10", "--out", str(tmp_path / "d"), "--json")
    assert proc.exit_code == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "published"
    [warning] = [w for w in result["warnings"] if w.startswith("returning papers not marked: ")]
    assert "Hugging Face could not serve week=2026-W06: the API answered HTTP 500" in warning, warning
    assert "재등장" not in (tmp_path / "d" / post_path("2026-02-10")).read_text()
