"""Case 14: with little time left the handler stops retrying and fails cleanly, never mid-write."""

from __future__ import annotations

from hf_digest.errors import DeadlineExceeded, PublishError
from tests.github_server import fault
from tests.reliability.stack import Stack

DAY = "2026-02-10"
EVENT = {"date": DAY}


def test_hugging_face_errors_with_little_time_left_stop_at_once(stack: Stack) -> None:
    stack.hf.inject("/api/daily_papers", 503, 503, 503)
    run = stack.invoke(EVENT, remaining_ms=5_000)
    assert isinstance(run.error, DeadlineExceeded)
    assert "too little time is left to retry" in str(run.error)
    assert len(stack.hf.requests) == 1 and run.wall_s < 4.0  # inside the 5 s it had
    stack.assert_nothing_written()


def test_a_github_error_with_little_time_left_stops_before_any_half_write(stack: Stack) -> None:
    stack.github.inject(
        "PATCH", f"/repos/{stack.github.full_name}/git/refs/", *[fault(500, "Server Error")] * 4
    )
    run = stack.invoke(EVENT, remaining_ms=5_300)
    assert isinstance(run.error, PublishError) and run.wall_s < 5.3
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
    assert last.startswith(
        "hf-digest: error: Hugging Face /api/daily_papers for 2026-02-10 answered HTTP 503"
    )
    assert "too little time is left to retry" in last
    stack.assert_nothing_written()
