"""Case 14: with little time left the handler stops retrying and fails cleanly, never mid-write."""

from __future__ import annotations

import re

import pytest

from hf_digest.errors import DeadlineExceeded, PublishError
from tests.drip_server import HEADERS, DripProxy
from tests.github_server import fault
from tests.reliability.stack import Stack

DAY = "2026-02-10"
EVENT = {"date": DAY}


def test_with_only_the_margin_left_no_request_is_started(stack: Stack) -> None:
    # The margin (SAFETY_MARGIN_S, 5 s) is kept to publish or report: no request may eat into it.
    stack.hf.inject("/api/daily_papers", 503, 503, 503)
    run = stack.invoke(EVENT, remaining_ms=5_000)
    assert isinstance(run.error, DeadlineExceeded)
    # Publishers are built first, so the first request refused is the token's read from Secrets Manager.
    assert re.fullmatch(
        r"Secrets Manager '[^']+': too little time is left for a request "
        r"\([0-5]\.\d s left, 5 s of them kept to publish or report\)",
        str(run.error),
    ), run.error
    assert stack.hf.requests == []
    stack.assert_nothing_written()


def test_a_github_error_with_little_time_left_stops_before_any_half_write(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 7.5 s: enough for the reads (a budget of 2.5 s each), not for waiting 2.5 s or more to retry.
    monkeypatch.setattr("hf_digest.adapters.publish.github_api.BACKOFF_S", 5.0)
    stack.github.inject(
        "PATCH", f"/repos/{stack.github.full_name}/git/refs/", *[fault(500, "Server Error")] * 4
    )
    run = stack.invoke(EVENT, remaining_ms=7_500)
    assert isinstance(run.error, PublishError)
    assert "answered 500 Server Error; no time left to retry" in str(run.error)
    assert "s3: " in str(run.error) and "too little for another request" in str(run.error)
    assert [r.method for r in stack.github.requests].count("PATCH") == 1  # no second try
    stack.assert_nothing_written_to_the_branch()
    assert stack.versions() == {}  # S3 did not even start


def test_too_little_time_for_s3_leaves_it_untouched_and_a_rerun_completes(stack: Stack) -> None:
    # Enough for Hugging Face and GitHub; S3 wants its connect and read timeouts plus the margin (18 s).
    short = stack.invoke(EVENT, remaining_ms=12_000)
    assert isinstance(short.error, PublishError) and short.wall_s < 12
    assert "s3: 1" in str(short.error) and "s left, too little for another request" in str(short.error)
    assert stack.versions() == {}
    rerun = stack.invoke(EVENT)
    assert rerun.outcomes() == {"github": "unchanged", "s3": "created"}
    stack.assert_published_once(DAY)


def test_hf_digest_invoke_with_a_short_timeout_fails_cleanly(stack: Stack) -> None:
    stack.hf.inject("/api/daily_papers", 503, 503, 503)
    done = stack.cli(EVENT, "--timeout", "5")
    assert done.returncode == 1 and done.stdout == ""
    last = done.stderr.splitlines()[-1]
    # The token's read from Secrets Manager comes first (publishers are built before Hugging Face is read).
    assert last.startswith("hf-digest: error: Secrets Manager '") and "too little time is left for a " in last
    assert stack.hf.requests == []
    stack.assert_nothing_written()


@pytest.mark.parametrize(
    ("timeout", "what", "says", "requests"),
    [
        # Less than the 5 s margin: no request starts, not even the token's read (the first).
        ("3", "Secrets Manager '", "too little time is left for a request (", 0),
        # Cut after its budget (under 3 s).
        (
            "8",
            "Hugging Face /api/daily_papers for 2026-02-10: ",
            "no whole answer within the run's time budget (",
            1,
        ),
    ],
)
def test_hf_digest_invoke_against_a_dripping_hugging_face_ends_on_its_deadline(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, timeout: str, what: str, says: str, requests: int
) -> None:
    # Hugging Face's answer comes one byte every 50 ms: no read timeout fires, only the budget can end it.
    with DripProxy(stack.hf.url, drip=HEADERS) as slow:
        monkeypatch.setenv("HF_BASE_URL", slow.url)
        done = stack.cli(EVENT, "--timeout", timeout)
        drips = slow.wait_for_drips(requests)
    assert done.returncode == 1 and done.stdout == ""
    last = done.stderr.splitlines()[-1]
    assert last.startswith(f"hf-digest: error: {what}")
    assert says in last
    assert len(slow.forwarded) == requests
    assert all(d.cut and d.sent < d.total for d in drips) and len(drips) == requests
    stack.assert_nothing_written()


def test_optional_features_leave_the_post_its_time(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    # 25 s: enough for the day and both destinations, not for what each shown paper released (DIGEST_LINKED),
    # whose listings must leave 30 s (PUBLISH_RESERVE_S) for the post: they are not asked, and the result
    # says so for each paper.
    monkeypatch.setenv("DIGEST_LINKED", "on")
    run = stack.invoke(EVENT, remaining_ms=25_000)
    assert (run.status, run.outcomes()) == ("published", {"github": "created", "s3": "created"})
    assert run.result is not None
    left_out = [w for w in run.result["warnings"] if "linked models, datasets and Spaces left out" in w]
    assert len(left_out) == 10 and all("too little time is left" in w for w in left_out), left_out
    assert stack.hf.requests == stack.hf.day_requests and len(stack.hf.requests) == 1
    stack.assert_published_once(DAY)
