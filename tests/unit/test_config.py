"""Settings from the environment: defaults, validation that names the variable, secrets kept hidden."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from hf_digest.config import Secret, from_env
from hf_digest.core import paths
from hf_digest.errors import ConfigError


def test_defaults_are_what_a_new_user_gets() -> None:
    settings = from_env({})
    assert settings.hf_base_url == "https://huggingface.co"
    assert (settings.lang, settings.top_n, settings.timezone, settings.post_time) == (
        "ko",
        10,
        "Asia/Seoul",
        time(9, 15),
    )
    assert settings.destinations == ("local",)
    assert settings.output_dir == Path("out")
    assert settings.post_path("daily", date(2026, 2, 10), "ko") == "_posts/2026-02-10-hf-daily-papers.md"
    # The other language lands beside the Korean post, never on it.
    assert settings.post_path("daily", date(2026, 2, 10), "en") == "_posts/2026-02-10-hf-daily-papers-en.md"
    assert settings.post_path("weekly", date(2026, 2, 8), "en") == "_posts/2026-02-08-hf-weekly-papers-en.md"


def test_environment_overrides_defaults() -> None:
    settings = from_env(
        {
            "HF_BASE_URL": "http://127.0.0.1:9999/",
            "DIGEST_LANG": "EN",
            "DIGEST_TOP_N": "0",
            "DIGEST_DESTINATIONS": "github, s3",
            "DIGEST_POST_TIME": "07:05",
            "DIGEST_CATEGORIES": "Papers, 논문",
            "S3_PREFIX": "/blog/",
        }
    )
    assert settings.hf_base_url == "http://127.0.0.1:9999"
    assert (settings.lang, settings.top_n, settings.destinations) == ("en", 0, ("github", "s3"))
    assert settings.post_time == time(7, 5)
    assert settings.categories == ("Papers", "논문")
    assert settings.s3_prefix == "blog"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DIGEST_LANG": "fr"}, "DIGEST_LANG"),
        ({"DIGEST_TOP_N": "ten"}, "DIGEST_TOP_N"),
        ({"DIGEST_TOP_N": "-1"}, "DIGEST_TOP_N"),
        ({"DIGEST_TIMEZONE": "Mars/Olympus"}, "DIGEST_TIMEZONE"),
        ({"DIGEST_DESTINATIONS": "ftp"}, "DIGEST_DESTINATIONS"),
        ({"DIGEST_DESTINATIONS": "local,local"}, "DIGEST_DESTINATIONS"),
        ({"DIGEST_POST_TIME": "25:00"}, "DIGEST_POST_TIME"),
        ({"DIGEST_PATH_TEMPLATE": "../../etc/{date}.md"}, "DIGEST_PATH_TEMPLATE"),
        ({"DIGEST_PATH_TEMPLATE": "/etc/{date}.md"}, "DIGEST_PATH_TEMPLATE"),
        ({"DIGEST_PATH_TEMPLATE": "_posts/{when}.md"}, "DIGEST_PATH_TEMPLATE"),
        ({"DIGEST_DATA_PATH_TEMPLATE": "_data/"}, "DIGEST_DATA_PATH_TEMPLATE"),
        ({"DIGEST_TEMPLATE_DIR": "/nonexistent/templates"}, "DIGEST_TEMPLATE_DIR"),
        ({"HF_BASE_URL": "ftp://example"}, "HF_BASE_URL"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as err:
        from_env(env)
    assert str(err.value).startswith(f"{variable}: ")


def test_tokens_never_show_in_a_repr() -> None:
    settings = from_env({"GITHUB_TOKEN": "ghp_supersecret123", "HF_TOKEN": "hf_supersecret456"})
    assert "supersecret" not in repr(settings)
    assert "supersecret" not in str(settings.hf_token)
    assert settings.github_token == Secret("ghp_supersecret123")
    assert settings.github_token is not None and settings.github_token.reveal() == "ghp_supersecret123"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("_posts/{date}-hf-daily-papers.md", "_posts/2026-02-10-hf-daily-papers.md"),
        ("{year}/{month}/{day}.md", "2026/02/10.md"),
        ("posts//{date}.md", "posts/2026-02-10.md"),
    ],
)
def test_path_templates_resolve_inside_the_root(template: str, expected: str) -> None:
    assert paths.resolve(template, date(2026, 2, 10), variable="V") == expected


def test_feeds_are_on_and_the_site_off_by_default() -> None:
    settings = from_env({})
    assert (settings.feeds, settings.site, settings.site_url) == (True, False, None)
    assert (settings.feed_entries, settings.papers_feed_entries) == (30, 100)
    assert settings.feed_paths("ko") == {
        "DIGEST_FEED_PATH_TEMPLATE": "feeds/hf-daily-papers.ko.atom",
        "DIGEST_JSON_FEED_PATH_TEMPLATE": "feeds/hf-daily-papers.ko.json",
        "DIGEST_PAPERS_FEED_PATH_TEMPLATE": "feeds/hf-papers.ko.atom",
        "DIGEST_PAPERS_JSON_FEED_PATH_TEMPLATE": "feeds/hf-papers.ko.json",
    }


def test_feed_and_site_settings_are_read_from_the_environment() -> None:
    settings = from_env(
        {
            "DIGEST_FEEDS": "off",
            "DIGEST_SITE": "ON",
            "DIGEST_SITE_URL": "https://papers.example.com/",
            "DIGEST_FEED_ENTRIES": "7",
            "DIGEST_FEED_PATH_TEMPLATE": "atom/{lang}.xml",
        }
    )
    assert (settings.feeds, settings.site, settings.feed_entries) == (False, True, 7)
    assert settings.site_url == "https://papers.example.com"
    assert settings.feed_paths("en")["DIGEST_FEED_PATH_TEMPLATE"] == "atom/en.xml"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DIGEST_FEEDS": "maybe"}, "DIGEST_FEEDS"),
        ({"DIGEST_SITE": "2"}, "DIGEST_SITE"),
        ({"DIGEST_FEED_ENTRIES": "0"}, "DIGEST_FEED_ENTRIES"),
        ({"DIGEST_PAPERS_FEED_ENTRIES": "many"}, "DIGEST_PAPERS_FEED_ENTRIES"),
        ({"DIGEST_SITE_URL": "papers.example.com"}, "DIGEST_SITE_URL"),
        ({"DIGEST_SITE_URL": "https://example.com/?q=1"}, "DIGEST_SITE_URL"),
        ({"DIGEST_FEED_PATH_TEMPLATE": "../feeds/{lang}.atom"}, "DIGEST_FEED_PATH_TEMPLATE"),
        ({"DIGEST_JSON_FEED_PATH_TEMPLATE": "feeds/{date}.json"}, "DIGEST_JSON_FEED_PATH_TEMPLATE"),
        (
            {"DIGEST_PAPERS_FEED_PATH_TEMPLATE": "feeds/hf-daily-papers.{lang}.atom"},
            "DIGEST_PAPERS_FEED_PATH_TEMPLATE",
        ),
    ],
)
def test_bad_feed_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as err:
        from_env(env)
    assert str(err.value).startswith(f"{variable}: ")


@pytest.mark.parametrize(
    ("variable", "raw", "expected"),
    [
        ("DIGEST_TOP_N", "ten", "a whole number"),
        ("DIGEST_BACKFILL_PACE", "soon", "a number of seconds"),
        ("DIGEST_REFRESH_DAYS", "1,week", "a list of whole numbers such as 1,7"),
        ("DIGEST_INTERESTS_MIN_SCORE", "high", "a number such as 0.1"),
        ("DIGEST_SUMMARY_MONTHLY_USD", "$ten", "an amount in USD such as 1.00"),
    ],
)
def test_a_number_that_is_not_one_says_what_was_expected(variable: str, raw: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        from_env({variable: raw})
    assert str(err.value) == f"{variable}: {raw!r} is not {expected}"
