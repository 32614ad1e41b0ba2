"""Tokens no HTTP header can carry, from the environment or from Secrets Manager: refused when read, with
one line naming where the token came from, before any request; the token shows nowhere in any form."""

from __future__ import annotations

import json

import pytest

from hf_digest.errors import ConfigError
from tests.helpers import create_secret
from tests.reliability.leaks import UNSENDABLE_TOKENS
from tests.reliability.stack import Stack

EVENT = {"date": "2026-02-10"}
LINE_BREAK, NON_LATIN_1 = UNSENDABLE_TOKENS
WHAT = {LINE_BREAK: "a line break", NON_LATIN_1: "a character outside Latin-1"}


@pytest.mark.parametrize("variable", ["HF_TOKEN", "GITHUB_TOKEN", "OPENAI_API_KEY"])
@pytest.mark.parametrize("token", UNSENDABLE_TOKENS, ids=["line-break", "non-latin-1"])
def test_an_unsendable_token_in_the_environment_is_refused_before_any_request(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, variable: str, token: str
) -> None:
    monkeypatch.setenv(variable, token)
    monkeypatch.delenv("GITHUB_TOKEN_SECRET")
    run = stack.invoke(EVENT)
    assert isinstance(run.error, ConfigError)
    assert str(run.error).startswith(f"{variable}: the token holds {WHAT[token]}, which cannot be sent")
    assert stack.hf.requests == [] and stack.github.requests == []  # the scan checks no shape leaked
    stack.assert_nothing_written()

    done = stack.cli(EVENT)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1] == f"hf-digest: error: {run.error}"


@pytest.mark.parametrize("token", UNSENDABLE_TOKENS, ids=["line-break", "non-latin-1"])
@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_an_unsendable_token_in_secrets_manager_is_refused_naming_only_the_secret(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, token: str, as_json: bool
) -> None:
    name = stack.secret_name + "-unsendable"
    create_secret(name, json.dumps({"token": token}) if as_json else token)
    monkeypatch.setenv("GITHUB_TOKEN_SECRET", name)
    run = stack.invoke(EVENT)
    assert isinstance(run.error, ConfigError)
    assert str(run.error) == (
        f"GITHUB_TOKEN_SECRET: secret {name!r}: the token holds {WHAT[token]}, which cannot be sent in an "
        "HTTP header; copy the token again (its value is not shown)"
    )
    assert stack.hf.requests == [] and stack.github.requests == []
    stack.assert_nothing_written()
