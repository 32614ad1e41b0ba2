"""A blog that already holds our posts under their file names, as the digest wrote them before posts had a
`slug`: a scheduled run with catch-up and refresh adds no second copy of any day, rewrites in place only
the posts it refreshes, and a rerun of the old days gives every one of them its own page."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from hf_digest import config, lambda_entry
from hf_digest.core.model import day_span, papers_from_items
from hf_digest.core.rank import digest
from hf_digest.observability import metrics
from hf_digest.rendering import render
from tests.github_server import GitHubServer
from tests.helpers import MakeHFServer
from tests.hf_server import HFServer

TOKEN = "github_pat_migration_test_token_7c2a"
LISTED = ("2026-02-06", "2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13")
OLD = ("2026-02-06", "2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12")  # published before the slug
SCHEDULED = {
    "version": "0",
    "id": "migration-test-event",
    "detail-type": "Scheduled Event",
    "source": "aws.scheduler",
    "time": "2026-02-14T03:00:00Z",
    "detail": "{}",
}
RUN_AT = datetime(2026, 2, 14, 3, 5, tzinfo=UTC)
CHIRPY_CONFIG = b"""url: https://you.github.io
defaults:
  - scope: {path: '', type: posts}
    values: {layout: post, permalink: /posts/:title/}
"""


def post(day: str) -> str:
    return f"_posts/{day}-hf-daily-papers.md"


def old_post(items: list[dict[str, Any]], day: str) -> bytes:
    """The day's post as the digest wrote it on 2026-02-13 before posts had a slug."""
    papers, skipped = papers_from_items(items)
    ranked = digest(day_span(date.fromisoformat(day)), papers, 10, skipped)
    content = render.render(ranked, config.from_env({}), counts_read=date(2026, 2, 13)).files[0].content
    without = re.sub(rb"^slug: .*\n", b"", content, count=1, flags=re.MULTILINE)
    assert without != content
    return without


@pytest.fixture(autouse=True)
def _no_metrics_left() -> Iterator[None]:
    yield
    metrics.clear_metrics()


@pytest.fixture
def hf(make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]]) -> HFServer:
    return make_hf_server({day: copy.deepcopy(sample_days[day]) for day in LISTED})


@pytest.fixture
def github(
    tmp_path: Path, hf: HFServer, clean_settings: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[GitHubServer]:
    """A Chirpy blog on GitHub holding 02-06..02-12 under today's names, without a slug."""
    (tmp_path / "github").mkdir()
    server = GitHubServer(tmp_path / "github", token=TOKEN).start()
    seeded = {post(day): old_post(hf.days[day], day) for day in OLD}
    server.commit_files("main", {"_config.yml": CHIRPY_CONFIG, **seeded}, "A blog with last week's posts")
    for name, value in {
        "HF_BASE_URL": hf.url,
        "DIGEST_DESTINATIONS": "github",
        "GITHUB_REPOSITORY": server.full_name,
        "GITHUB_API_URL": server.api_url,
        "GITHUB_TOKEN": TOKEN,
        "DIGEST_BACKFILL_PACE": "0",
        "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3"),
    }.items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


def posts_on(server: GitHubServer) -> list[str]:
    listed = server.git.git("ls-tree", "-r", "--name-only", "refs/heads/main", "_posts/")
    return sorted(listed.splitlines())


def test_a_scheduled_run_finds_each_day_under_its_old_name(github: GitHubServer) -> None:
    before = {day: github.read_file("main", post(day)) for day in OLD}

    result = lambda_entry.handle(SCHEDULED, 120_000, RUN_AT)

    days = {d["date"]: (d["reason"], d["status"]) for d in result["days"]}
    assert (result["date"], result["status"]) == ("2026-02-13", "published")
    # Catch-up found every old day where it was: none published again, under no other name.
    assert posts_on(github) == sorted([*(post(day) for day in OLD), post("2026-02-13")])
    assert not {"2026-02-09", "2026-02-10", "2026-02-11"} & set(days)
    # The refreshed days (1 and 7 back) changed bytes (the slug, the day counts were read): in place.
    assert days["2026-02-12"] == days["2026-02-06"] == ("refresh", "published")
    for day in ("2026-02-06", "2026-02-12"):
        now = github.read_file("main", post(day))
        assert now is not None and now != before[day] and f"\nslug: {day}-hf-daily-papers\n".encode() in now
    for day in ("2026-02-09", "2026-02-10", "2026-02-11"):
        assert github.read_file("main", post(day)) == before[day]
    assert result["url"] == "https://you.github.io/posts/2026-02-13-hf-daily-papers/"

    # A rerun of the old days (the README's migration step) gives each its slug, in place, in one go.
    rerun = lambda_entry.handle({"from": "2026-02-06", "to": "2026-02-12"}, 120_000, RUN_AT)
    assert posts_on(github) == sorted([*(post(day) for day in OLD), post("2026-02-13")])
    statuses = {d["date"]: d["status"] for d in rerun["days"]}
    assert {day: statuses[day] for day in ("2026-02-09", "2026-02-10", "2026-02-11")} == dict.fromkeys(
        ("2026-02-09", "2026-02-10", "2026-02-11"), "published"
    )
    for day in OLD:
        text = github.read_file("main", post(day))
        assert text is not None and f"\nslug: {day}-hf-daily-papers\n".encode() in text
