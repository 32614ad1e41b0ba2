"""Issue 21: configuration that would overwrite a post is refused before anything is written. The paths the
templates produce are compared, not the template strings; `hf-digest invoke` exits 2 with one line naming
the settings, before any request to Hugging Face, GitHub or S3."""

from __future__ import annotations

import json

import pytest

from tests.reliability.stack import Stack

DAY = "2026-02-10"
TWO_PROFILES = json.dumps(
    [
        {"name": "robots", "include": "robot", "path_template": "_posts/{date}-picks.md"},
        {"name": "agents", "include": "agent", "path_template": "_posts/{year}-{month}-{day}-picks.md"},
    ]
)
LONG_NAME = "_posts/{date}-" + "한" * 90 + ".md"  # 90 Korean syllables: 270 bytes in UTF-8


@pytest.mark.parametrize(
    ("env", "said"),
    [
        # two profiles whose templates differ but name one file
        (
            {"DIGEST_PROFILES": TWO_PROFILES},
            "DIGEST_PROFILES: profiles 'robots' and 'agents' both write _posts/2026-02-10-picks.md to github",
        ),
        # a post path equal to a data, a site or a feed path
        (
            {"DIGEST_DATA_PATH_TEMPLATE": "_posts/{year}-{month}-{day}-hf-daily-papers{lang_suffix}.md"},
            "DIGEST_DATA_PATH_TEMPLATE: '_posts/{year}-{month}-{day}-hf-daily-papers{lang_suffix}.md' names "
            "_posts/2026-02-10-hf-daily-papers.md, which DIGEST_PATH_TEMPLATE",
        ),
        (
            {"DIGEST_SITE": "on", "DIGEST_PATH_TEMPLATE": "daily/{date}.html"},
            "DIGEST_SITE: 'daily/<day>.html' names daily/2026-02-10.html, which DIGEST_PATH_TEMPLATE",
        ),
        (
            {"DIGEST_FEED_PATH_TEMPLATE": "_posts/2026-02-15-hf-weekly-papers.md"},
            "DIGEST_FEED_PATH_TEMPLATE: '_posts/2026-02-15-hf-weekly-papers.md' names "
            "_posts/2026-02-15-hf-weekly-papers.md, which DIGEST_WEEKLY_PATH_TEMPLATE",
        ),
        # a path template with no date: every day (week, month) would overwrite one file
        (
            {"DIGEST_PATH_TEMPLATE": "_posts/hf-daily-papers{lang_suffix}.md"},
            "DIGEST_PATH_TEMPLATE: '_posts/hf-daily-papers{lang_suffix}.md' names one file "
            "(_posts/hf-daily-papers.md) for 2026-02-10 and 2026-02-11, so each day would overwrite the last",
        ),
        (
            {"DIGEST_WEEKLY_PATH_TEMPLATE": "_posts/{year}-{month}-weekly.md"},
            "DIGEST_WEEKLY_PATH_TEMPLATE: '_posts/{year}-{month}-weekly.md' names one file "
            "(_posts/2026-02-weekly.md) for 2026-02-15 and 2026-02-22, so each week would overwrite the last",
        ),
        (
            {"DIGEST_MONTHLY_PATH_TEMPLATE": "_posts/{year}-monthly.md"},
            "DIGEST_MONTHLY_PATH_TEMPLATE: '_posts/{year}-monthly.md' names one file "
            "(_posts/2026-monthly.md) for 2026-01-31 and 2026-02-28, so each month would overwrite the last",
        ),
        # a branch git refuses
        ({"GITHUB_BRANCH": "main..blog"}, "GITHUB_BRANCH: 'main..blog' is not a branch name git accepts"),
        ({"GITHUB_BRANCH": "blog.lock"}, "GITHUB_BRANCH: 'blog.lock' is not a branch name git accepts"),
        # names over the file system's limits
        ({"DIGEST_PATH_TEMPLATE": LONG_NAME}, "DIGEST_PATH_TEMPLATE: "),
        ({"DIGEST_PATH_TEMPLATE": "a/" * 2100 + "{date}.md"}, "DIGEST_PATH_TEMPLATE: "),
    ],
)
def test_settings_that_would_overwrite_a_file_exit_2_naming_them_before_any_request(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], said: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    done = stack.cli({"date": DAY})
    assert (done.returncode, done.stdout) == (2, ""), done.stderr[-3000:]
    line = done.stderr.splitlines()[-1]  # after the run's JSON log line
    assert line.startswith(f"hf-digest: error: {said}"), line
    assert "Traceback" not in done.stderr
    assert stack.hf.requests == []
    stack.assert_nothing_written()


def test_a_name_over_the_limit_says_how_long_it_is_and_the_limit(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_PATH_TEMPLATE", LONG_NAME)
    done = stack.cli({"date": DAY})
    assert done.returncode == 2
    assert "a file or folder name of 284 bytes" in done.stderr and "at most 255" in done.stderr
    monkeypatch.setenv("DIGEST_PATH_TEMPLATE", "a/" * 2100 + "{date}.md")
    done = stack.cli({"date": DAY})
    assert done.returncode == 2
    assert "a path of 4213 bytes" in done.stderr and "at most 4096" in done.stderr


def test_settings_that_only_look_alike_still_run(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two profiles writing one feed (each adds its own entries) and two languages' posts are not clashes."""
    profiles = json.loads(TWO_PROFILES)
    profiles[1]["path_template"] = "_posts/{year}-{month}-{day}-agents.md"
    monkeypatch.setenv("DIGEST_PROFILES", json.dumps(profiles))
    monkeypatch.setenv("GITHUB_BRANCH", "main")
    done = stack.cli({"date": DAY})
    assert done.returncode == 0, done.stderr[-3000:]
    assert stack.github.read_file("main", "_posts/2026-02-10-picks.md") is not None
    assert stack.github.read_file("main", "_posts/2026-02-10-agents.md") is not None
