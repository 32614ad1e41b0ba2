"""The GitHub publisher against a local GitHub API backed by a real git repository."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from hf_digest import USER_AGENT
from hf_digest.adapters.publish.github import GitHubPublisher, blob_sha, web_root
from hf_digest.config import Secret, Settings
from hf_digest.core.model import Bundle, OutputFile, day_span
from hf_digest.core.outcomes import Delivery, Status
from hf_digest.errors import ConfigError, DeadlineExceeded, PublishError
from hf_digest.outbound.deadline import Deadline
from hf_digest.runs.result import destination_json
from tests.github_server import GitHubServer, fault
from tests.helpers import MakeGitHubServer

TOKEN = "github_pat_local_test_token_0123456789"
READ_ONLY = "github_pat_read_only_token_abcdef"
WRONG = "github_pat_wrong_token_zyxwvu"
SECRET_TOKENS = ("github_pat_from_secret_plain_111", "github_pat_from_secret_json_222")
ALL_TOKENS = (TOKEN, READ_ONLY, WRONG, *SECRET_TOKENS)
DAY = date(2026, 2, 10)
POST = "_posts/2026-02-10-hf-daily-papers.md"
DATA = "_data/hf_daily/2026-02-10.json"
ADD = "Add Hugging Face Daily Papers for 2026-02-10"
UPDATE = "Update Hugging Face Daily Papers for 2026-02-10"
REQUEST_COUNTS: dict[str, int] = {}


def post_bytes(upvotes: int) -> bytes:
    text = f'---\ntitle: "HF Daily Papers 2026-02-10"\n---\n\n1. 논문 제목 — {upvotes} upvotes  \r\n\tend\n'
    return text.encode("utf-8")


def bundle(upvotes: int = 42, *, data: bool = False) -> Bundle:
    files = [OutputFile(POST, post_bytes(upvotes), "text/markdown; charset=utf-8")]
    if data:
        files.append(OutputFile(DATA, json.dumps({"upvotes": upvotes}).encode(), "application/json"))
    return Bundle(day_span(DAY), files=tuple(files))


@pytest.fixture(autouse=True)
def _no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every log record of every test, with its extra keys, is scanned for any token."""
    # Everything at DEBUG: botocore's DEBUG lines print Secrets Manager answers whole, so reading a
    # secret must keep botocore at INFO or above by itself.
    caplog.set_level(logging.DEBUG)
    yield
    for record in [*caplog.get_records("setup"), *caplog.get_records("call")]:
        assert_clean(record.getMessage(), repr(record.__dict__))


def assert_clean(*things: object) -> None:
    """No token in things, nor in the whole chain (cause and context) of an exception among them."""
    for thing in things:
        texts = [str(thing), repr(thing)]
        if isinstance(thing, BaseException):
            texts.append("".join(traceback.format_exception(thing)))
            link: BaseException | None = thing
            while link is not None:
                texts += [str(link), repr(link), repr(link.args)]
                link = link.__cause__ or link.__context__
        for text in texts:
            for token in ALL_TOKENS:
                assert token not in text, f"a token leaked into: {text[:200]}"


@pytest.fixture
def make_server(make_github_server: MakeGitHubServer) -> Iterator[Callable[..., GitHubServer]]:
    servers: list[GitHubServer] = []

    def make(**options: Any) -> GitHubServer:
        files = {"_config.yml": b"title: blog\n", "_posts/2026-02-09-old.md": b"old\n"}
        server = make_github_server(token=TOKEN, files=files, **options)
        servers.append(server)
        return server

    yield make
    for server in servers:
        for ex in server.requests:  # the token travels only in the Authorization header
            assert_clean(ex.path, ex.query, ex.body, ex.response)


@pytest.fixture
def server(make_server: Callable[..., GitHubServer]) -> GitHubServer:
    return make_server()


def settings_for(server: GitHubServer, **changes: Any) -> Settings:
    base = Settings(
        github_repository=server.full_name,
        github_api_url=server.api_url,
        github_token=Secret(TOKEN),
        github_branch="main",
    )
    return replace(base, **changes)


def publisher(server: GitHubServer, **changes: Any) -> GitHubPublisher:
    made = GitHubPublisher.from_settings(settings_for(server, **changes))
    made.api.backoff_s = 0.05  # keeps retries quick; their count and the deadline checks are what is tested
    return made


def publish(server: GitHubServer, b: Bundle, **changes: Any) -> Delivery:
    outcome = publisher(server, **changes).publish(b, Deadline.after(60))
    assert_clean(outcome, destination_json(outcome))
    return outcome


def fails(server: GitHubServer, b: Bundle, error: type[Exception] = PublishError, **changes: Any) -> str:
    with pytest.raises(error) as info:
        publisher(server, **changes).publish(b, Deadline.after(60))
    assert_clean(info.value)
    return str(info.value)


def head(server: GitHubServer, branch: str = "main") -> str:
    return server.git.git("rev-parse", f"refs/heads/{branch}").strip()


def test_first_publish_is_one_commit_with_the_exact_bytes(server: GitHubServer) -> None:
    before = len(server.requests)
    outcome = publish(server, bundle())
    REQUEST_COUNTS["first publish, 1 file, branch set"] = len(server.requests) - before
    assert outcome.status == Status.CREATED
    assert outcome.commit == head(server)
    assert outcome.url == f"{server.host}/octo/blog/commit/{outcome.commit}"
    assert outcome.location == f"{server.host}/octo/blog/blob/main/{POST}"
    assert server.git_log("main") == [ADD, "Init"]
    assert server.read_file("main", POST) == post_bytes(42)
    assert server.read_file("main", "_posts/2026-02-09-old.md") == b"old\n"  # the rest of the blog is kept
    who = server.git.git("show", "-s", "--format=%an <%ae>|%cn <%ce>", "refs/heads/main").strip()
    person = "hf-daily-digest <hf-daily-digest@users.noreply.github.com>"
    assert who == f"{person}|{person}"
    for ex in server.requests:
        assert ex.headers["authorization"] == f"Bearer {TOKEN}"
        assert ex.headers["accept"] == "application/vnd.github+json"
        assert ex.headers["x-github-api-version"] == "2022-11-28"
        assert ex.headers["user-agent"] == USER_AGENT


def test_rerun_writes_nothing_and_reports_unchanged(server: GitHubServer) -> None:
    first = publish(server, bundle())
    before = len(server.requests)
    again = publish(server, bundle())
    REQUEST_COUNTS["rerun, unchanged"] = len(server.requests) - before
    assert again.status == Status.UNCHANGED
    assert again.commit == first.commit == head(server)
    assert server.git_log("main") == [ADD, "Init"]
    assert [ex.method for ex in server.requests[before:]] == ["GET", "GET"]


def test_changed_upvotes_make_one_update_commit(server: GitHubServer) -> None:
    publish(server, bundle(42))
    outcome = publish(server, bundle(57))
    assert outcome.status == Status.UPDATED
    assert server.git_log("main") == [UPDATE, ADD, "Init"]
    assert server.read_file("main", POST) == post_bytes(57)


def test_post_and_data_file_land_in_one_commit(server: GitHubServer) -> None:
    before = len(server.requests)
    outcome = publish(server, bundle(data=True))
    REQUEST_COUNTS["first publish, post + data file"] = len(server.requests) - before
    assert outcome.status == Status.CREATED
    assert server.git_log("main") == [ADD, "Init"]
    changed = server.git.git("show", "--name-only", "--format=", "refs/heads/main").split()
    assert sorted(changed) == sorted([POST, DATA])
    assert server.read_file("main", DATA) == b'{"upvotes": 42}'
    # Only the data file differs next time: still one commit, and it touches only that file.
    publish(server, replace(bundle(data=True), files=(bundle().files[0], OutputFile(DATA, b"{}", "x"))))
    assert server.git.git("show", "--name-only", "--format=", "refs/heads/main").split() == [DATA]
    assert server.git_log("main")[0] == UPDATE


@pytest.mark.parametrize("same_commit_object", [True, False])
def test_two_runs_at_once_leave_exactly_one_commit(server: GitHubServer, same_commit_object: bool) -> None:
    gate = threading.Barrier(2, timeout=10)
    server.hold("POST", "/repos/octo/blog/git/blobs", gate)  # both have read the same head before writing
    outcomes: list[Delivery] = []

    def run(name: str) -> None:
        outcomes.append(publish(server, bundle(), github_committer_name=name))

    names = ["digest", "digest"] if same_commit_object else ["digest-a", "digest-b"]
    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == 2
    assert server.git_log("main") == [ADD, "Init"]
    assert {o.commit for o in outcomes} == {head(server)}
    if same_commit_object:  # made in the same second they are one object, and the second update is a no-op
        assert sorted(o.status for o in outcomes) in (
            [Status.CREATED, Status.CREATED],
            [Status.CREATED, Status.UNCHANGED],
        )
    else:  # the loser is refused, re-reads, and finds its content there
        assert sorted(o.status for o in outcomes) == [Status.CREATED, Status.UNCHANGED]
        assert sorted(ex.status for ex in server.requests if ex.method == "PATCH") == [200, 422]


def test_409_on_the_ref_update_is_retried(server: GitHubServer) -> None:
    server.inject("PATCH", "/repos/octo/blog/git/refs/heads/main", fault(409, "Reference update failed"))
    assert publish(server, bundle()).status == Status.CREATED
    assert server.git_log("main") == [ADD, "Init"]
    assert [ex.status for ex in server.requests if ex.method == "PATCH"] == [409, 200]


def test_a_commit_landing_meanwhile_is_kept_and_ours_goes_on_top(server: GitHubServer) -> None:
    server.before_ref_update(lambda: server.commit_files("main", {"about.md": b"about\n"}, "Other writer"))
    outcome = publish(server, bundle())
    assert outcome.status == Status.CREATED
    assert server.git_log("main") == [ADD, "Other writer", "Init"]
    assert server.read_file("main", "about.md") == b"about\n"
    assert server.read_file("main", POST) == post_bytes(42)
    assert [ex.status for ex in server.requests if ex.method == "PATCH"] == [422, 200]


def test_another_run_writing_the_same_content_meanwhile_means_unchanged(server: GitHubServer) -> None:
    server.before_ref_update(lambda: server.commit_files("main", {POST: post_bytes(42)}, "Other run"))
    outcome = publish(server, bundle())
    assert outcome.status == Status.UNCHANGED
    assert outcome.commit == head(server)
    assert server.git_log("main") == ["Other run", "Init"]


def test_retry_after_is_waited_for(server: GitHubServer) -> None:
    limit = fault(429, "You have exceeded a secondary rate limit", retry_after="1")
    server.inject("GET", "/repos/octo/blog/git/ref/", limit)
    started = time.monotonic()
    assert publish(server, bundle()).status == Status.CREATED
    assert time.monotonic() - started >= 1.0
    assert server.git_log("main") == [ADD, "Init"]


def test_a_retry_after_given_as_an_http_date_is_waited_for(server: GitHubServer) -> None:
    """RFC 9110 allows Retry-After as a date; it was taken for a secondary limit with no time (60 s)."""
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    limit = fault(429, "You have exceeded a secondary rate limit", retry_after=when)
    server.inject("GET", "/repos/octo/blog/git/ref/", limit)
    started = time.monotonic()
    assert publish(server, bundle()).status == Status.CREATED
    assert 1.0 <= time.monotonic() - started < 10  # the date's 2-3 s, not a minute
    assert server.git_log("main") == [ADD, "Init"]


def test_an_exhausted_quota_an_hour_away_fails_fast_saying_when(server: GitHubServer) -> None:
    reset = int(time.time()) + 3600
    limit = fault(403, "API rate limit exceeded", x_ratelimit_remaining="0", x_ratelimit_reset=str(reset))
    server.inject("GET", "/repos/octo/blog/git/ref/", limit)
    started = time.monotonic()
    message = fails(server, bundle())
    assert time.monotonic() - started < 10  # not the hour asked for
    when = datetime.fromtimestamp(reset, UTC)
    assert "try again after" in message and when.strftime("%Y-%m-%d %H:%M") in message and "UTC" in message
    assert len(server.requests) == 1


def test_bad_credentials_fail_at_once_naming_repository_and_permission(server: GitHubServer) -> None:
    message = fails(server, bundle(), github_token=Secret(WRONG))
    assert len(server.requests) == 1
    assert "octo/blog" in message and "401" in message and '"Contents: Read and write"' in message


def test_a_read_only_token_fails_at_its_first_write(make_server: Callable[..., GitHubServer]) -> None:
    server = make_server(readonly_token=READ_ONLY)
    message = fails(server, bundle(), github_token=Secret(READ_ONLY))
    assert (
        "Resource not accessible by personal access token" in message
        and "Contents: Read and write" in message
    )
    assert [ex.status for ex in server.writes()] == [403]
    assert server.git_log("main") == ["Init"]


def test_an_unknown_repository_fails_at_once(server: GitHubServer) -> None:
    message = fails(server, bundle(), github_repository="octo/missing")
    assert "octo/missing" in message and "404" in message and "Contents: Read and write" in message
    assert len(server.requests) == 1


def test_server_errors_are_retried_a_bounded_number_of_times(server: GitHubServer) -> None:
    server.inject("POST", "/repos/octo/blog/git/trees", fault(500, "Server Error"), fault(502, "Bad Gateway"))
    assert publish(server, bundle()).status == Status.CREATED
    server.inject("POST", "/repos/octo/blog/git/trees", *[fault(503, "Unavailable")] * 6)
    message = fails(server, bundle(7))
    assert "503" in message and "after 4 tries" in message
    assert server.git_log("main") == [ADD, "Init"]


def test_no_time_left_stops_retrying(server: GitHubServer) -> None:
    server.inject("POST", "/repos/octo/blog/git/blobs", fault(500, "Server Error"))
    with pytest.raises(DeadlineExceeded) as info:
        publisher(server).publish(bundle(), Deadline.after(5.0))
    assert_clean(info.value)
    assert server.git_log("main") == ["Init"]


def test_github_enterprise_server_under_api_v3(make_server: Callable[..., GitHubServer]) -> None:
    server = make_server(prefix="/api/v3")
    outcome = publish(server, bundle())
    assert outcome.status == Status.CREATED
    assert outcome.location == f"{server.host}/octo/blog/blob/main/{POST}"
    assert all(ex.path.startswith("/repos/") for ex in server.requests)
    assert server.git_log("main") == [ADD, "Init"]
    assert web_root("https://ghe.example.com/api/v3") == "https://ghe.example.com"
    assert web_root("https://api.github.com") == "https://github.com"


def test_the_default_branch_is_discovered(make_server: Callable[..., GitHubServer]) -> None:
    server = make_server(default_branch="gh-pages")
    before = len(server.requests)
    outcome = publish(server, bundle(), github_branch=None)
    REQUEST_COUNTS["first publish, 1 file, default branch discovered"] = len(server.requests) - before
    assert server.requests[0].path == "/repos/octo/blog"
    assert server.git_log("gh-pages") == [ADD, "Init"]
    assert outcome.location.endswith(f"/blob/gh-pages/{POST}")


def test_a_truncated_tree_is_walked_folder_by_folder(make_server: Callable[..., GitHubServer]) -> None:
    server = make_server(tree_limit=1)
    assert publish(server, bundle(data=True)).status == Status.CREATED
    again = publish(server, bundle(data=True))
    assert again.status == Status.UNCHANGED
    assert server.git_log("main") == [ADD, "Init"]


def test_git_blob_sha_matches_git() -> None:
    data = post_bytes(3)
    out = subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True)
    assert blob_sha(data) == out.stdout.decode().strip()


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"github_repository": None}, "GITHUB_REPOSITORY"),
        ({"github_repository": "just-a-name"}, "GITHUB_REPOSITORY"),
        ({"github_token": None}, "GITHUB_TOKEN"),
        ({"github_message_add": "Add {day}"}, "GITHUB_COMMIT_MESSAGE"),
    ],
)
def test_settings_mistakes_name_the_variable(
    server: GitHubServer, changes: dict[str, Any], variable: str
) -> None:
    with pytest.raises(ConfigError, match=variable):
        GitHubPublisher.from_settings(settings_for(server, **changes))
    assert server.requests == []


def store_secret(endpoint: str, name: str, value: str) -> None:
    """Put value into moto's Secrets Manager without botocore's DEBUG lines echoing it into the scan."""
    import boto3

    botocore_logger = logging.getLogger("botocore")
    botocore_logger.setLevel(logging.WARNING)
    try:
        client = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1")
        client.create_secret(Name=name, SecretString=value)
    finally:
        botocore_logger.setLevel(logging.NOTSET)  # the code under test must quiet it by itself


@pytest.mark.parametrize(
    ("stored", "token"),
    [(SECRET_TOKENS[0], SECRET_TOKENS[0]), (json.dumps({"token": SECRET_TOKENS[1]}), SECRET_TOKENS[1])],
)
def test_token_from_secrets_manager(
    moto_endpoint: str, server: GitHubServer, stored: str, token: str
) -> None:

    name = f"hf-digest/github-{token[-3:]}"
    store_secret(moto_endpoint, name, stored)
    server.token = token
    outcome = publish(server, bundle(), github_token=None, github_token_secret=name)
    assert outcome.status == Status.CREATED
    assert {ex.headers["authorization"] for ex in server.requests} == {f"Bearer {token}"}


@pytest.mark.parametrize(
    ("stored", "expected"),
    [(None, "cannot read secret 'hf-digest/nowhere'"), ('{"pat": "x"}', "JSON without a 'token' string")],
)
def test_a_missing_or_malformed_secret_fails_before_any_request(
    moto_endpoint: str, server: GitHubServer, stored: str | None, expected: str
) -> None:

    name = "hf-digest/nowhere" if stored is None else "hf-digest/malformed"
    if stored is not None:
        store_secret(moto_endpoint, name, stored)
    with pytest.raises(ConfigError) as info:
        GitHubPublisher.from_settings(settings_for(server, github_token_secret=name))
    message = str(info.value)
    assert expected in message and name in message and "GITHUB_TOKEN_SECRET" in message
    assert '"x"' not in message
    assert_clean(info.value)
    assert server.requests == []


def test_importing_the_publisher_does_not_load_boto3() -> None:
    code = (
        "import sys, hf_digest.adapters.publish.github, hf_digest.outbound.secrets; "
        "print('boto3' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_zz_report_request_counts() -> None:
    """Prints how many requests a publish costs (run with -s to see them)."""
    print("\nGitHub requests per publish:", json.dumps(REQUEST_COUNTS, indent=1))
    if len(REQUEST_COUNTS) == 4:  # only when the whole module ran
        assert REQUEST_COUNTS["rerun, unchanged"] == 2
        assert REQUEST_COUNTS["first publish, 1 file, branch set"] == 6


@pytest.mark.parametrize(
    "token",
    [
        "github_pat_BAD_line\nbreak_9f3e",
        "github_pat_BAD_quote\u2019mark_9f3e",
        "github_pat_BAD_carriage\r_9f3e",
    ],
    ids=["line-break", "non-latin-1", "carriage-return"],
)
def test_a_token_that_cannot_be_a_header_fails_without_showing_it_in_any_form(
    server: GitHubServer, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Settings refuse such a token when read; the client behind them must not leak one either.
    with pytest.raises(PublishError) as info:
        publisher(server, github_token=Secret(token)).publish(bundle(), Deadline.after(60))
    shown = [str(info.value), repr(info.value), "".join(traceback.format_exception(info.value))]
    shown += [r.getMessage() + repr(r.__dict__) for r in caplog.records]
    for text in shown:
        for form in (token, repr(token)[1:-1], json.dumps(token)[1:-1], "BAD_line", "BAD_quote", "BAD_carr"):
            assert form not in text, text[:300]
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert server.requests == []  # nothing was sent


def test_an_amending_file_edits_what_the_branch_holds_and_creates_nothing(server: GitHubServer) -> None:
    def amend(held: bytes | None) -> bytes:
        return (held or b"") + b"+link"

    old = "_posts/2026-02-09-old.md"
    amends = [OutputFile.derived(path, "text/plain", amend, amends=True) for path in ("absent.md", old)]
    b = bundle()
    assert publish(server, replace(b, files=(*b.files, *amends))).status == Status.CREATED
    assert server.read_file("main", old) == b"old\n+link"
    assert server.read_file("main", "absent.md") is None
