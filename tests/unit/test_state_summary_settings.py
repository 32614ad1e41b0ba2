"""The state store's and the summaries' settings: env names, defaults, validation naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from hf_digest.config import default_state_path, from_env
from hf_digest.errors import ConfigError


def test_state_defaults_to_sqlite_under_the_users_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/reader")
    assert from_env({}).state_path == Path("/home/reader/.cache/hf-digest/state.sqlite3")
    assert from_env({}).state_table is None
    assert from_env({"XDG_CACHE_HOME": "/var/cache/me"}).state_path == Path(
        "/var/cache/me/hf-digest/state.sqlite3"
    )
    # The XDG spec ignores a relative value.
    assert default_state_path({"XDG_CACHE_HOME": "rel"}) == Path(
        "/home/reader/.cache/hf-digest/state.sqlite3"
    )


def test_state_settings_from_the_environment(tmp_path: Path) -> None:
    settings = from_env(
        {"DIGEST_STATE_PATH": str(tmp_path / "s.db"), "DIGEST_STATE_TABLE": "hf-digest-state"}
    )
    assert settings.state_path == tmp_path / "s.db"
    assert settings.state_table == "hf-digest-state"


def test_summaries_are_off_until_a_model_is_named() -> None:
    settings = from_env({})
    assert settings.summary_model is None
    # ten calls at once: a top-10 digest's calls all start together (issue 24; see bench/summaries.py)
    assert (settings.summary_max_papers, settings.summary_concurrency) == (None, 10)
    assert settings.summary_monthly_usd == 1.00
    assert (settings.summary_price_in_usd, settings.summary_price_out_usd) == (None, None)


def test_summary_settings_from_the_environment() -> None:
    settings = from_env(
        {
            "DIGEST_SUMMARY_MODEL": "apac.amazon.nova-lite-v1:0",
            "DIGEST_SUMMARY_REGION": "ap-northeast-2",
            "DIGEST_SUMMARY_MAX_PAPERS": "5",
            "DIGEST_SUMMARY_MAX_TOKENS": "300",
            "DIGEST_SUMMARY_TOKEN_BUDGET": "9000",
            "DIGEST_SUMMARY_CONCURRENCY": "2",
        }
    )
    assert settings.summary_model == "apac.amazon.nova-lite-v1:0"
    assert settings.summary_region == "ap-northeast-2"
    assert (settings.summary_max_papers, settings.summary_max_tokens) == (5, 300)
    assert (settings.summary_token_budget, settings.summary_concurrency) == (9000, 2)


def test_the_monthly_cap_reads_dollars() -> None:
    settings = from_env({"DIGEST_SUMMARY_MONTHLY_USD": "$2.50", "DIGEST_SUMMARY_PRICE_OUT_USD": "0.24"})
    assert (settings.summary_monthly_usd, settings.summary_price_out_usd) == (2.5, 0.24)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DIGEST_SUMMARY_MODEL": "meta.llama3-1-8b-instruct-v1:0"}, "DIGEST_SUMMARY_PRICE_IN_USD"),
        (
            {"DIGEST_SUMMARY_MODEL": "meta.llama3-1-8b-instruct-v1:0", "DIGEST_SUMMARY_PRICE_IN_USD": "0.22"},
            "DIGEST_SUMMARY_PRICE_OUT_USD",
        ),
    ],
)
def test_a_model_without_a_known_price_needs_its_price_stated(env: dict[str, str], variable: str) -> None:
    from hf_digest.adapters.state.store import StateError, UnavailableStore
    from hf_digest.enrich.summaries.summarize import Summarizer

    with pytest.raises(ConfigError) as err:
        Summarizer.from_settings(from_env(env), UnavailableStore(StateError("not opened")))
    assert str(err.value).startswith(f"{variable}")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DIGEST_STATE_TABLE": "a b"}, "DIGEST_STATE_TABLE"),
        ({"DIGEST_STATE_TABLE": "ab"}, "DIGEST_STATE_TABLE"),
        ({"DIGEST_STATE_PATH": "/"}, "DIGEST_STATE_PATH"),
        ({"DIGEST_SUMMARY_MODEL": "claude haiku"}, "DIGEST_SUMMARY_MODEL"),
        ({"DIGEST_SUMMARY_REGION": "seoul"}, "DIGEST_SUMMARY_REGION"),
        ({"DIGEST_SUMMARY_MAX_PAPERS": "-1"}, "DIGEST_SUMMARY_MAX_PAPERS"),
        ({"DIGEST_SUMMARY_MAX_PAPERS": "all"}, "DIGEST_SUMMARY_MAX_PAPERS"),
        ({"DIGEST_SUMMARY_MAX_TOKENS": "10"}, "DIGEST_SUMMARY_MAX_TOKENS"),
        ({"DIGEST_SUMMARY_TOKEN_BUDGET": "-5"}, "DIGEST_SUMMARY_TOKEN_BUDGET"),
        ({"DIGEST_SUMMARY_CONCURRENCY": "0"}, "DIGEST_SUMMARY_CONCURRENCY"),
        ({"DIGEST_SUMMARY_MONTHLY_USD": "lots"}, "DIGEST_SUMMARY_MONTHLY_USD"),
        ({"DIGEST_SUMMARY_MONTHLY_USD": "-1"}, "DIGEST_SUMMARY_MONTHLY_USD"),
        ({"DIGEST_SUMMARY_PRICE_IN_USD": "cheap"}, "DIGEST_SUMMARY_PRICE_IN_USD"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as err:
        from_env(env)
    assert str(err.value).startswith(f"{variable}: ")
