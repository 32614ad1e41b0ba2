"""Where a run's links point: the blog's own `_config.yml` (the GitHub repository's, else the local folder's),
overridden by DIGEST_SITE_URL and DIGEST_PERMALINK; a config that cannot be read never stops the post."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.github_server import GitHubServer
from tests.helpers import MakeGitHubServer, hf_digest
from tests.hf_server import HFServer

TOKEN = "github_pat_blog_config_test_token_42"
DAY = "2026-02-10"
CHIRPY = b"""url: https://you.github.io
baseurl: /blog
defaults:
  - scope: {type: posts}
    values: {permalink: /posts/:title/}
"""


def run(hf: HFServer, out: Path, **env: str) -> dict[str, Any]:
    done = hf_digest(hf, "run", "--date", DAY, "--json", env={"DIGEST_OUTPUT_DIR": str(out), **env})
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert isinstance(result, dict)
    return result


def test_the_local_blogs_config_decides_the_link(hf_server: HFServer, tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_bytes(CHIRPY)
    result = run(hf_server, tmp_path)
    assert result["url"] == "https://you.github.io/blog/posts/2026-02-10-hf-daily-papers/"
    assert "warnings" not in result


def test_overrides_win_over_the_config(hf_server: HFServer, tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_bytes(CHIRPY)
    result = run(hf_server, tmp_path, DIGEST_SITE_URL="https://papers.example.org", DIGEST_PERMALINK="pretty")
    assert result["url"] == (
        "https://papers.example.org/daily%20papers/%EC%9D%BC%EA%B0%84/2026/02/10/2026-02-10-hf-daily-papers/"
    )


def test_without_a_config_jekylls_default_applies_and_no_address_means_no_link(
    hf_server: HFServer, tmp_path: Path
) -> None:
    assert "url" not in run(hf_server, tmp_path / "a")
    result = run(hf_server, tmp_path / "b", DIGEST_SITE_URL="https://b.example")
    assert (
        result["url"]
        == "https://b.example/daily%20papers/%EC%9D%BC%EA%B0%84/2026/02/10/2026-02-10-hf-daily-papers.html"
    )


@pytest.mark.parametrize("broken", [b"url: [unclosed\n", b"permalink: /:year/:nope/\n", b"\xff\xfe\x00"])
def test_a_config_that_cannot_be_read_is_a_warning_and_the_post_is_published(
    hf_server: HFServer, tmp_path: Path, broken: bytes
) -> None:
    (tmp_path / "_config.yml").write_bytes(broken)
    result = run(hf_server, tmp_path, DIGEST_SITE_URL="https://b.example")
    assert result["status"] == "published" and (tmp_path / "_posts/2026-02-10-hf-daily-papers.md").is_file()
    [warning] = result["warnings"]
    assert warning.startswith("the blog's _config.yml was not read (local: _config.yml")
    assert "links follow Jekyll's default permalink" in warning and "\n" not in warning
    assert result["url"].endswith("/2026/02/10/2026-02-10-hf-daily-papers.html")


def test_the_github_blogs_config_wins_over_the_local_folders(
    hf_server: HFServer, make_github_server: MakeGitHubServer, tmp_path: Path
) -> None:
    github: GitHubServer = make_github_server(token=TOKEN, files={"_config.yml": CHIRPY})
    (tmp_path / "_config.yml").write_bytes(b"url: https://local.example\npermalink: date\n")
    env = {
        "DIGEST_DESTINATIONS": "local,github",
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_TOKEN": TOKEN,
    }
    result = run(hf_server, tmp_path, **env)
    assert result["url"] == "https://you.github.io/blog/posts/2026-02-10-hf-daily-papers/"
    feed = (tmp_path / "feeds/hf-daily-papers.ko.atom").read_text(encoding="utf-8")
    assert 'href="https://you.github.io/blog/posts/2026-02-10-hf-daily-papers/"' in feed
    assert 'href="https://you.github.io/blog/feeds/hf-daily-papers.ko.atom"' in feed
