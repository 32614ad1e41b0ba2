"""Cases 9-13: GitHub and S3 failing, racing or refusing, and the token's secret missing."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime

import pytest

from hf_digest.errors import ConfigError, PublishError
from tests.github_server import fault
from tests.helpers import create_secret, deny_put_policy, post_path, quiet_botocore
from tests.reliability.leaks import READ_ONLY_TOKEN, TOKEN, WRONG_TOKEN
from tests.reliability.stack import Stack

DAY = "2026-02-10"
EVENT = {"date": DAY}


def refs(stack: Stack) -> str:
    return f"/repos/{stack.github.full_name}/git/refs/"


# --- 9. publishing fails after rendering ----------------------------------------------------------------


def test_github_500_on_the_ref_update_then_a_rerun_completes_with_identical_bytes(stack: Stack) -> None:
    stack.github.inject("PATCH", refs(stack), *[fault(500, "Server Error")] * 4)
    failed = stack.invoke(EVENT)
    assert isinstance(failed.error, PublishError)
    assert str(failed.error).startswith(f"{DAY}: publishing failed at github (github: ")
    assert (
        "octo/blog: PATCH /repos/octo/blog/git/refs/heads/main answered 500 Server Error (after 4 tries)"
        in str(failed.error)
    )
    assert stack.head() == stack.initial_head  # no half post: the branch never moved
    first_bytes = stack.in_s3(DAY)  # S3 took the post in the same run
    assert first_bytes is not None

    rerun = stack.invoke(EVENT)
    assert (rerun.status, rerun.outcomes()) == ("published", {"github": "created", "s3": "unchanged"})
    assert stack.assert_published_once(DAY) == first_bytes  # identical bytes, one commit, one object


def test_s3_access_denied_then_a_rerun_completes_with_identical_bytes(stack: Stack) -> None:
    with quiet_botocore():
        stack.s3.put_bucket_policy(Bucket=stack.bucket, Policy=deny_put_policy(stack.bucket))
    failed = stack.invoke(EVENT)
    assert isinstance(failed.error, PublishError)
    assert f"{DAY}: publishing failed at s3 (s3: " in str(failed.error)
    assert f"access denied (PutObject s3://{stack.bucket}/{post_path(DAY)})" in str(failed.error)
    assert stack.versions() == {}
    first_bytes = stack.in_git(DAY)  # GitHub took the post in the same run

    with quiet_botocore():
        stack.s3.delete_bucket_policy(Bucket=stack.bucket)
    rerun = stack.invoke(EVENT)
    assert (rerun.status, rerun.outcomes()) == ("published", {"github": "unchanged", "s3": "created"})
    assert stack.assert_published_once(DAY) == first_bytes


# --- 10. another commit lands between our read and our write --------------------------------------------


def test_a_commit_landing_between_read_and_write_is_kept_and_ours_goes_on_top(stack: Stack) -> None:
    other = {"_posts/2026-02-10-someone-else.md": b"---\ntitle: mine\n---\n"}

    def land_another_commit() -> None:
        stack.github.commit_files("main", other, "Someone else's post")

    stack.github.before_ref_update(land_another_commit)
    run = stack.invoke(EVENT)
    assert run.outcomes() == {"github": "created", "s3": "created"}
    assert stack.github_log() == [f"Add Hugging Face Daily Papers for {DAY}", "Someone else's post", "Init"]
    assert stack.github.read_file("main", "_posts/2026-02-10-someone-else.md") == b"---\ntitle: mine\n---\n"
    patches = [r.status for r in stack.github.requests if r.method == "PATCH"]
    assert patches == [422, 200]  # "Update is not a fast forward", then ours on the new head


def test_a_409_on_the_ref_update_is_read_again_and_lands_once(stack: Stack) -> None:
    stack.github.inject("PATCH", refs(stack), fault(409, "Reference update failed"))
    run = stack.invoke(EVENT)
    assert run.outcomes() == {"github": "created", "s3": "created"}
    stack.assert_published_once(DAY)


# --- 11. GitHub rate limits -----------------------------------------------------------------------------


def test_a_github_rate_limit_with_retry_after_is_waited_out(stack: Stack) -> None:
    limited = fault(403, "You have exceeded a secondary rate limit.", retry_after="1")
    stack.github.inject("GET", f"/repos/{stack.github.full_name}", limited)
    run = stack.invoke(EVENT)
    assert run.status == "published" and 1.0 <= run.wall_s < 10
    assert [line["wait_s"] for line in stack.output.lines("github rate limit: waiting")] == [1.0]
    stack.assert_published_once(DAY)


def test_an_exhausted_quota_an_hour_away_fails_fast_saying_when_to_retry(stack: Stack) -> None:
    reset = int(time.time()) + 3600
    limited = fault(
        403, "API rate limit exceeded for user ID 1.", x_ratelimit_remaining="0", x_ratelimit_reset=str(reset)
    )
    stack.github.inject("GET", f"/repos/{stack.github.full_name}", limited)
    run = stack.invoke(EVENT)
    assert isinstance(run.error, PublishError) and run.wall_s < 10.0  # not the hour asked for
    when = re.search(r"try again after (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", str(run.error))
    assert when is not None, str(run.error)
    retry_at = datetime.strptime(when[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()
    assert reset <= retry_at <= reset + 5
    assert len(stack.github.requests) == 1 and stack.head() == stack.initial_head
    assert stack.in_s3(DAY) is not None  # the other destination still got the post


# --- 12. bad token, token without Contents permission, missing repository --------------------------------


@pytest.mark.parametrize(
    ("token", "repository", "says", "requests"),
    [
        (WRONG_TOKEN, None, "answered 401 Bad credentials: the token is bad or expired", 1),
        (READ_ONLY_TOKEN, None, "answered 403 Resource not accessible by personal access token", 7),
        (TOKEN, "octo/missing", "answered 404 Not Found: the repository or branch does not exist", 1),
    ],
    ids=["401-bad-token", "403-read-only-token", "404-missing-repository"],
)
def test_a_refusing_github_fails_at_once_without_a_retry_storm(
    stack: Stack,
    monkeypatch: pytest.MonkeyPatch,
    token: str,
    repository: str | None,
    says: str,
    requests: int,
) -> None:
    secret = stack.secret_name + "-other"
    create_secret(secret, token)
    monkeypatch.setenv("GITHUB_TOKEN_SECRET", secret)
    if repository:
        monkeypatch.setenv("GITHUB_REPOSITORY", repository)
    run = stack.invoke(EVENT)
    assert isinstance(run.error, PublishError)
    assert says in str(run.error)
    assert 'it needs a fine-grained token with "Contents: Read and write"' in str(run.error)
    # One refused request (for the read-only token: the repository, the blog's _config.yml as ref, tree and
    # blob, the ref and tree again to publish, then its first write): no retries.
    assert len(stack.github.requests) == requests
    assert stack.head() == stack.initial_head
    assert [line["destination"] for line in stack.output.lines("publish failed")] == ["github"]


# --- 13. the token's secret is missing or unreadable ----------------------------------------------------


def _delete_secret(name: str) -> None:
    import boto3

    with quiet_botocore():
        boto3.client("secretsmanager").delete_secret(SecretId=name, RecoveryWindowInDays=7)


@pytest.mark.parametrize(
    ("stored", "says"),
    [
        (None, "cannot read secret {name!r}: "),
        ("deleted", "cannot read secret {name!r}: "),
        (json.dumps({"password": TOKEN}), "secret {name!r} is JSON without a 'token' string"),
        (f"{TOKEN} {TOKEN}", "secret {name!r} holds more than one word; expected a token"),
        ("   ", "secret {name!r} is empty"),
    ],
    ids=["missing", "marked-for-deletion", "json-without-token", "two-words", "blank"],
)
def test_a_missing_or_unreadable_secret_fails_before_hugging_face_naming_only_the_secret(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, stored: str | None, says: str
) -> None:
    name = stack.secret_name + "-broken"
    if stored == "deleted":
        create_secret(name, TOKEN)
        _delete_secret(name)
    elif stored is not None:
        create_secret(name, stored)
    monkeypatch.setenv("GITHUB_TOKEN_SECRET", name)
    run = stack.invoke(EVENT)
    assert isinstance(run.error, ConfigError)
    assert str(run.error).startswith("GITHUB_TOKEN_SECRET: ")
    assert says.format(name=name) in str(run.error)
    assert stack.hf.requests == [] and stack.github.requests == []  # the scan checks no value leaked
    stack.assert_nothing_written()
    assert stack.output.metrics()[-1] == {"RunError": 1}


def test_the_failure_names_each_destination_once(stack: Stack) -> None:
    stack.github.inject("PATCH", refs(stack), *[fault(500, "Server Error")] * 4)
    failed = stack.invoke(EVENT)
    assert isinstance(failed.error, PublishError)
    assert "github: github:" not in str(failed.error)
