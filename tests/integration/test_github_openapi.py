"""The publisher's requests and the local server's answers, held to GitHub's official OpenAPI description.

The description comes from npm (`@octokit/openapi`, see tests/openapi_check.py INSTALL); without it the
tests skip and say how to fetch it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from hf_digest.adapters.publish.github import GitHubPublisher
from hf_digest.config import Secret, Settings
from hf_digest.core.model import Bundle, OutputFile, day_span
from hf_digest.errors import PublishError
from hf_digest.outbound.deadline import Deadline
from tests.github_server import Exchange, GitHubServer
from tests.helpers import MakeGitHubServer
from tests.openapi_check import INSTALL, SPEC_ENV, OpenApi, spec_path

TOKEN = "github_pat_openapi_check_token_42"
USED = {
    "repos/get",
    "git/get-ref",
    "git/get-tree",
    "git/get-blob",
    "git/create-blob",
    "git/create-tree",
    "git/create-commit",
    "git/update-ref",
}


def _load(flavour: str) -> OpenApi:
    path = spec_path(flavour)
    if path is None:
        pytest.skip(f"GitHub's OpenAPI description ({flavour}) is absent: run `{INSTALL}` or set {SPEC_ENV}")
    return OpenApi(path)


@pytest.fixture(scope="module")
def dotcom() -> OpenApi:
    return _load("api.github.com")


@pytest.fixture(scope="module")
def ghes() -> OpenApi:
    return _load("ghes")


@pytest.fixture
def make_server(make_github_server: MakeGitHubServer) -> Callable[..., GitHubServer]:
    return functools.partial(make_github_server, token=TOKEN)


def files(upvotes: int) -> Bundle:
    post = OutputFile("_posts/2026-02-10-hf.md", f"upvotes {upvotes}\n".encode(), "text/markdown")
    data = OutputFile("_data/hf/2026-02-10.json", b'{"upvotes": %d}' % upvotes, "application/json")
    # A derived file (a feed): merged from the blob the branch holds, so its content is read.
    feed = OutputFile.derived(
        "feeds/upvotes.txt", "text/plain", functools.partial(_add_line, b"%d" % upvotes)
    )
    return Bundle(day_span(date(2026, 2, 10)), files=(post, data, feed))


def _add_line(line: bytes, held: bytes | None) -> bytes:
    return b"\n".join(sorted({*(held or b"").split(), line})) + b"\n"


def every_path(server: GitHubServer) -> None:
    """Each request the publisher can send, and each answer the server can give it."""
    settings = Settings(
        github_repository=server.full_name, github_api_url=server.api_url, github_token=Secret(TOKEN)
    )

    def run(upvotes: int, **changes: Any) -> None:
        publisher = GitHubPublisher.from_settings(replace(settings, **changes))
        publisher.api.backoff_s = 0.01
        publisher.publish(files(upvotes), Deadline.after(60))

    run(1)  # default branch discovery, then a first commit
    run(1)  # unchanged
    server.before_ref_update(lambda: server.commit_files("main", {"about.md": b"x"}, "Other"))
    run(2, github_branch="main")  # 422 not a fast forward, then an update
    for changes in ({"github_token": Secret("github_pat_wrong")}, {"github_repository": "octo/missing"}):
        with pytest.raises(PublishError):
            run(3, **changes)


def test_client_and_server_follow_githubs_description(
    dotcom: OpenApi, make_server: Callable[..., GitHubServer]
) -> None:
    server = make_server(readonly_token="github_pat_read_only")
    every_path(server)
    with pytest.raises(PublishError):  # 403 on a write
        GitHubPublisher.from_settings(
            Settings(
                github_repository=server.full_name,
                github_api_url=server.api_url,
                github_token=Secret("github_pat_read_only"),
                github_branch="main",
            )
        ).publish(files(4), Deadline.after(60))
    assert {ex.status for ex in server.requests} >= {200, 201, 401, 403, 404, 422}
    assert dotcom.check(server.requests) == []
    operations = {
        op[1].get("operationId") for ex in server.requests if (op := dotcom.operation(ex.method, ex.path))
    }
    assert operations == USED


def test_a_truncated_tree_walk_follows_the_description(
    dotcom: OpenApi, make_server: Callable[..., GitHubServer]
) -> None:
    server = make_server(tree_limit=1)
    every_path(server)
    assert any(ex.path.startswith("/repos/octo/blog/git/trees/") and not ex.query for ex in server.requests)
    assert dotcom.check(server.requests) == []


def test_github_enterprise_server_follows_its_description(
    ghes: OpenApi, make_server: Callable[..., GitHubServer]
) -> None:
    server = make_server(prefix="/api/v3")
    every_path(server)
    assert ghes.check(server.requests) == []


def test_the_check_catches_drift(dotcom: OpenApi) -> None:
    tree = {"sha": "a" * 40, "url": "http://x", "tree": []}
    ref = {"sha": "b" * 40, "force": False}
    drifted = [
        Exchange("PATCH", "/repos/o/r/git/refs/heads/main", {}, {}, {"force": False}, 200, None),
        Exchange("GET", "/repos/o/r/git/trees/main", {"recursive": ["1"]}, {}, None, 200, tree),
        Exchange(
            "GET", "/repos/o/r/git/trees/main", {"recurse": ["1"]}, {}, None, 200, {**tree, "truncated": 0}
        ),
        Exchange("POST", "/repos/o/r/git/blob", {}, {}, {"content": ""}, 201, {}),
        Exchange("PATCH", "/repos/o/r/git/refs/heads/main", {}, {}, ref, 422, {"message": "x"}),
    ]
    problems = dotcom.check(drifted)
    assert any("request (root): 'sha' is a required property" in p for p in problems)
    assert any("answer 200 (root): 'truncated' is a required property" in p for p in problems)
    assert any("undeclared query parameter 'recurse'" in p for p in problems)
    assert any("truncated: 0 is not of type 'boolean'" in p for p in problems)
    assert any("POST /repos/o/r/git/blob: no such operation" in p for p in problems)
    assert any("answer 422 (root): 'documentation_url' is a required property" in p for p in problems)


@pytest.mark.parametrize("flavour", ["api.github.com", "ghes"])
def test_the_checks_questions_follow_githubs_description(
    flavour: str, make_server: Callable[..., GitHubServer]
) -> None:
    from hf_digest.runs.check_parts import github

    spec = _load(flavour)
    server = make_server(prefix="/api/v3" if flavour == "ghes" else "", readonly_token="github_pat_read_only")
    settings = Settings(
        github_repository=server.full_name, github_api_url=server.api_url, github_token=Secret(TOKEN)
    )
    lines = [github(settings, Deadline.after(60))]
    server.protected.add("main")
    lines.append(github(settings, Deadline.after(60)))
    lines.append(github(replace(settings, github_token=Secret("github_pat_read_only")), Deadline.after(60)))
    lines.append(github(replace(settings, github_branch="gone"), Deadline.after(60)))
    assert [line.ok for line in lines] == [True, False, False, False]
    assert spec.check(server.requests) == []
    operations = {
        op[1].get("operationId") for ex in server.requests if (op := spec.operation(ex.method, ex.path))
    }
    assert operations == {"repos/get", "repos/get-branch"}
