"""A scheduled run heals missed days and refreshes settled upvotes, against local Hugging Face, GitHub and S3.

The handler runs in-process with a pinned `now`, so the "counts read on" date of each write is known.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from hf_digest import lambda_entry
from hf_digest.errors import DigestError, PublishError
from hf_digest.observability import metrics
from tests.github_server import GitHubServer
from tests.helpers import MakeHFServer
from tests.hf_server import HFServer, relisted

TOKEN = "github_pat_catchup_test_token_5e1d"
LISTED = ("2026-02-06", "2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13")
# 2026-02-14 03:00 UTC: the schedule targets 2026-02-13 (a Friday); catch-up looks at 02-06..02-12,
# refresh at 1 and 7 days back: 02-12 and 02-06.
SCHEDULED = {
    "version": "0",
    "id": "catchup-test-event",
    "detail-type": "Scheduled Event",
    "source": "aws.scheduler",
    "time": "2026-02-14T03:00:00Z",
    "detail": "{}",
}
FIRST_WRITE = datetime(2026, 2, 13, 12, 0, tzinfo=UTC)  # 21:00 in Seoul: counts read on 2026-02-13
SCHEDULED_RUN = datetime(2026, 2, 14, 3, 5, tzinfo=UTC)  # 12:05 in Seoul: counts read on 2026-02-14


def post(day: str) -> str:
    return f"_posts/{day}-hf-daily-papers.md"


@pytest.fixture(autouse=True)
def _no_metrics_left() -> Iterator[None]:
    """handle() runs without Powertools' flush here: drop what it recorded."""
    yield
    metrics.clear_metrics()


@pytest.fixture
def hf(make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]]) -> HFServer:
    return make_hf_server({day: copy.deepcopy(sample_days[day]) for day in LISTED})


@pytest.fixture
def github(tmp_path: Path) -> Iterator[GitHubServer]:
    (tmp_path / "github").mkdir()
    server = GitHubServer(tmp_path / "github", token=TOKEN).start()
    server.commit_files("main", {"README.md": b"# blog\n"}, "Initial commit")
    yield server
    server.stop()


@pytest.fixture
def site(
    clean_settings: None,
    monkeypatch: pytest.MonkeyPatch,
    hf: HFServer,
    github: GitHubServer,
    moto_endpoint: str,
    tmp_path: Path,
) -> dict[str, Any]:
    """Three destinations, every day 02-06..02-12 already published there on 2026-02-13."""
    bucket = f"catchup-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    out = tmp_path / "site"
    for name, value in {
        "HF_BASE_URL": hf.url,
        "DIGEST_DESTINATIONS": "local,github,s3",
        "DIGEST_OUTPUT_DIR": str(out),
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_TOKEN": TOKEN,
        "S3_BUCKET": bucket,
        "DIGEST_BACKFILL_PACE": "0",
    }.items():
        monkeypatch.setenv(name, value)
    done = lambda_entry.handle({"from": "2026-02-06", "to": "2026-02-12"}, 120_000, FIRST_WRITE)
    assert done["counts"] == {"empty": 2, "published": 5}
    hf.reset_log()
    return {"out": out, "s3": s3, "bucket": bucket}


def s3_read(site: dict[str, Any], day: str) -> bytes | None:
    try:
        body = site["s3"].get_object(Bucket=site["bucket"], Key=post(day))["Body"].read()
    except site["s3"].exceptions.NoSuchKey:
        return None
    assert isinstance(body, bytes)
    return body


def by_day(result: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, str]]]:
    """date -> (reason, status, {destination: status})."""
    return {
        d["date"]: (d["reason"], d["status"], {o["destination"]: o["status"] for o in d["destinations"]})
        for d in result["days"]
    }


def test_catch_up_publishes_only_the_missing_days_where_they_are_missing(
    site: dict[str, Any], github: GitHubServer, hf: HFServer
) -> None:
    (site["out"] / post("2026-02-10")).unlink()  # the local site lost 02-10
    site["s3"].delete_object(Bucket=site["bucket"], Key=post("2026-02-11"))  # the bucket lost 02-11
    commits_before = github.git_log("main")

    result = lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)

    assert (result["date"], result["status"]) == ("2026-02-13", "published")
    days = by_day(result)
    assert days["2026-02-13"] == (
        "target",
        "published",
        {"local": "created", "github": "created", "s3": "created"},
    )
    # The two missing days, each to the one destination that lacked it.
    assert days["2026-02-10"] == ("catch-up", "published", {"local": "created"})
    assert days["2026-02-11"] == ("catch-up", "published", {"s3": "created"})
    # The weekend is empty on Hugging Face: looked at, not missing, nothing written.
    assert days["2026-02-07"][:2] == days["2026-02-08"][:2] == ("catch-up", "empty")
    # Days every destination holds are not fetched for catch-up; refresh days are, and did not change.
    assert "2026-02-09" not in days
    assert days["2026-02-06"] == (
        "refresh",
        "unchanged",
        {"local": "unchanged", "github": "unchanged", "s3": "unchanged"},
    )
    assert days["2026-02-12"] == (
        "refresh",
        "unchanged",
        {"local": "unchanged", "github": "unchanged", "s3": "unchanged"},
    )
    # Each day once; 2026-02-06 (30 papers, a round number) twice: 30 may be the server's page size.
    assert sorted(hf.asked("date", first_pages=True)) == [
        "2026-02-06", "2026-02-07", "2026-02-08", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13",
    ]  # fmt: skip
    assert github.git_log("main") == ["Add Hugging Face Daily Papers for 2026-02-13", *commits_before]
    # The healed copies are the same posts, read again today.
    for healed, elsewhere in (
        ((site["out"] / post("2026-02-10")).read_bytes(), github.read_file("main", post("2026-02-10"))),
        (s3_read(site, "2026-02-11"), github.read_file("main", post("2026-02-11"))),
    ):
        assert healed is not None and elsewhere is not None
        assert healed == elsewhere.replace("2026-02-13 기준".encode(), "2026-02-14 기준".encode())

    # The next day nothing is missing any more: catch-up touches nothing.
    again = lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)
    assert {d["status"] for d in again["days"]} <= {"unchanged", "empty"}
    assert len(github.git_log("main")) == len(commits_before) + 1


def test_refresh_rewrites_only_the_post_whose_upvotes_changed(
    site: dict[str, Any], github: GitHubServer, hf: HFServer
) -> None:
    first = {day: github.read_file("main", post(day)) for day in ("2026-02-06", "2026-02-12")}
    assert all(
        text is not None and "좋아요 수는 2026-02-13 기준입니다." in text.decode() for text in first.values()
    )
    # Upvotes on 02-12 keep rising: its lowest paper of the top 10 gains enough to lead the day.
    papers = hf.days["2026-02-12"]
    papers.sort(key=lambda item: -item["paper"]["upvotes"])
    risen = papers[9]
    risen["paper"]["upvotes"] = papers[0]["paper"]["upvotes"] + 100

    result = lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)

    days = by_day(result)
    assert days["2026-02-12"] == (
        "refresh",
        "published",
        {"local": "updated", "github": "updated", "s3": "updated"},
    )
    assert days["2026-02-06"] == (
        "refresh",
        "unchanged",
        {"local": "unchanged", "github": "unchanged", "s3": "unchanged"},
    )
    assert github.git_log("main")[:2] == [
        "Update Hugging Face Daily Papers for 2026-02-12",
        "Add Hugging Face Daily Papers for 2026-02-13",
    ]
    rewritten = github.read_file("main", post("2026-02-12"))
    assert rewritten is not None
    text = rewritten.decode()
    # Same path, same front-matter date; new ranking and the date its counts were read.
    assert "\ndate: 2026-02-12 09:15:00 +0900\n" in text
    assert "좋아요 수는 2026-02-14 기준입니다." in text
    assert text.split("\n1. **", 1)[1].startswith(risen["paper"]["title"].split()[0])
    assert (site["out"] / post("2026-02-12")).read_bytes() == rewritten == s3_read(site, "2026-02-12")
    # The unchanged day keeps its bytes, its old read date included.
    assert github.read_file("main", post("2026-02-06")) == first["2026-02-06"]
    assert (site["out"] / post("2026-02-06")).read_bytes() == first["2026-02-06"]


def test_a_failing_day_does_not_hide_the_others_and_the_run_still_fails(
    site: dict[str, Any], github: GitHubServer, hf: HFServer
) -> None:
    (site["out"] / post("2026-02-10")).unlink()
    (site["out"] / post("2026-02-10")).mkdir()  # the local destination cannot write 02-10 now
    with pytest.raises(PublishError, match="2026-02-10"):
        lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)
    # Every other day was still tried: the target reached all three destinations.
    assert github.read_file("main", post("2026-02-13")) is not None
    assert (site["out"] / post("2026-02-13")).is_file()
    assert s3_read(site, "2026-02-13") is not None
    assert "2026-02-12" in set(hf.asked("date"))  # refresh ran after the failure


def test_a_run_that_only_healed_a_day_says_published_and_counts_the_healed_day(
    site: dict[str, Any], github: GitHubServer
) -> None:
    lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)  # the target is published once
    metrics.clear_metrics()
    (site["out"] / post("2026-02-10")).unlink()  # the local site loses a recent day afterwards

    result = lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)

    # The target had nothing new, but the run wrote a post: it says so, and keeps the target's own status.
    assert (result["status"], result["target_status"]) == ("published", "unchanged")
    assert by_day(result)["2026-02-10"] == ("catch-up", "published", {"local": "created"})
    recorded = {name: metric["Value"] for name, metric in metrics.metric_set.items()}
    assert recorded["RunPublished"] == [1.0] and "RunUnchanged" not in recorded
    assert recorded["DaysCaughtUp"] == [1.0] and recorded["DaysFailed"] == [0.0]


def test_one_days_unexpected_error_fails_that_day_and_the_others_go_on(
    site: dict[str, Any], github: GitHubServer, hf: HFServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hf_digest.rendering import render as rendering

    real = rendering.render

    def render(ranked: Any, *args: Any, **kwargs: Any) -> Any:
        if ranked.span.key == "2026-02-12":
            raise TypeError("a bug that only this day's papers reach")
        return real(ranked, *args, **kwargs)

    monkeypatch.setattr(rendering, "render", render)  # what runs/digest calls for every day
    (site["out"] / post("2026-02-10")).unlink()
    with pytest.raises(DigestError) as caught:
        lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)
    assert str(caught.value) == "2026-02-12: unexpected TypeError: a bug that only this day's papers reach"
    # The days before and after it in the run were all done.
    assert github.read_file("main", post("2026-02-13")) is not None
    assert (site["out"] / post("2026-02-10")).is_file()
    assert "2026-02-06" in set(hf.asked("date"))  # refresh, after the failing day


def test_a_failed_days_requests_count_in_the_runs_total(
    site: dict[str, Any], hf: HFServer, clean_settings: None
) -> None:
    from hf_digest import config, runs
    from hf_digest.outbound.deadline import Deadline
    from hf_digest.request import from_event

    hf.inject("/", *[503] * 8)  # the API and the page both keep failing for 02-12: 4 tries each
    settings = config.from_env()
    request = from_event({"from": "2026-02-12", "to": "2026-02-13"}, settings, SCHEDULED_RUN)
    outcome = runs.execute(request, settings, Deadline.after(120), SCHEDULED_RUN)
    data = outcome.to_json()
    failed, done = data["days"]
    assert (failed["status"], done["status"]) == ("failed", "published")
    assert failed["hf_requests"] == 8
    assert data["hf_requests"] == failed["hf_requests"] + done["hf_requests"] == len(hf.requests)


def scheduled_at(time: str) -> dict[str, Any]:
    return {**SCHEDULED, "id": f"catchup-{time}", "time": time}


def test_a_steady_schedule_asks_only_the_day_and_its_refresh_days_once_the_weekend_was_seen_empty(
    site: dict[str, Any], hf: HFServer
) -> None:
    first = lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)
    assert by_day(first)["2026-02-07"][:2] == by_day(first)["2026-02-08"][:2] == ("catch-up", "empty")
    hf.reset_log()

    # The next day targets Saturday 02-14 (empty); catch-up looks at 02-07..02-13, refresh at 02-13 and 02-07.
    result = lambda_entry.handle(
        scheduled_at("2026-02-15T03:00:00Z"), 120_000, datetime(2026, 2, 15, 3, 5, tzinfo=UTC)
    )

    assert result["status"] == "unchanged"
    # Sunday 02-08 was seen empty after it closed: not asked again. 02-07 is a refresh day, so it is.
    assert sorted(hf.asked("date", first_pages=True)) == ["2026-02-07", "2026-02-13", "2026-02-14"]
    assert sorted(by_day(result)) == ["2026-02-07", "2026-02-13", "2026-02-14"]
    hf.reset_log()
    # The target 02-14, empty now it has closed, is remembered too: three days on, catch-up (02-10..02-16)
    # asks only 02-15; 02-10 and 02-16 are refresh days, 02-17 the target.
    lambda_entry.handle(
        scheduled_at("2026-02-18T03:00:00Z"), 120_000, datetime(2026, 2, 18, 3, 5, tzinfo=UTC)
    )
    assert sorted(hf.asked("date", first_pages=True)) == [
        "2026-02-10",
        "2026-02-15",
        "2026-02-16",
        "2026-02-17",
    ]


def test_a_steady_weekday_asks_hugging_face_for_the_day_and_its_two_refresh_days_only(
    site: dict[str, Any], hf: HFServer, sample_days: dict[str, list[dict[str, Any]]]
) -> None:
    # Monday 02-16 (22 papers) and Tuesday 02-17 (02-23's 6 papers, listed on 02-17) join the listed days.
    hf.days["2026-02-16"] = copy.deepcopy(sample_days["2026-02-16"])
    hf.days["2026-02-17"] = relisted(sample_days["2026-02-23"], "2026-02-17")
    # The schedule's runs before: each closed weekend is seen empty once, and every weekday is published.
    for fired in ("2026-02-14T03:00:00Z", "2026-02-17T03:00:00Z"):
        now = datetime.fromisoformat(fired) + timedelta(minutes=5)
        assert lambda_entry.handle(scheduled_at(fired), 120_000, now)["status"] == "published"
    hf.reset_log()

    # Tuesday 02-17's run: catch-up (02-10..02-16) finds every day held or seen empty; refresh 1 and 7 days
    # back (the defaults) reads 02-16 and 02-10. Each list is under 100 papers: one request each.
    result = lambda_entry.handle(
        scheduled_at("2026-02-18T03:00:00Z"), 120_000, datetime(2026, 2, 18, 3, 5, tzinfo=UTC)
    )

    assert (result["date"], result["status"]) == ("2026-02-17", "published")
    asked = sorted(((r.path, r.query) for r in hf.requests), key=lambda asked: asked[1].get("date", ""))
    assert asked == [
        ("/api/daily_papers", {"date": day, "limit": "100", "p": "0"})
        for day in ("2026-02-10", "2026-02-16", "2026-02-17")
    ]
    assert [day["hf_requests"] for day in result["days"]] == [1, 1, 1]  # the result counts them so


def test_a_state_store_that_cannot_open_leaves_catch_up_asking_as_before(
    site: dict[str, Any], hf: HFServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("DIGEST_STATE_PATH", str(tmp_path / "file" / "state.sqlite3"))
    for _ in range(2):
        hf.reset_log()
        result = lambda_entry.handle(SCHEDULED, 120_000, SCHEDULED_RUN)
        assert result["status"] in ("published", "unchanged")
        assert {"2026-02-07", "2026-02-08"} <= set(hf.asked("date", first_pages=True))
    assert [w for w in result["warnings"] if "the days seen empty could not be read" in w]
    assert [w for w in result["warnings"] if "was listed empty but could not be remembered" in w]
