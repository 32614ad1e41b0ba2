"""Tokens are checked when read, and scrubbed from messages in every form a message writes them."""

from __future__ import annotations

import json
import traceback
from urllib.parse import quote, quote_plus

import pytest
import requests

from hf_digest.config import Secret, from_env
from hf_digest.errors import ConfigError
from hf_digest.outbound.redact import check_token, scrub
from hf_digest.outbound.secrets import _token_in

BAD = {
    "line-break": ("ghp_line\nbreak_0123", "a line break"),
    "carriage-return": ("ghp_carriage\rreturn_0123", "a line break"),
    "tab": ("ghp_tab\tinside_0123", "a space or tab"),
    "control": ("ghp_bell\x07inside_0123", "a control character"),
    "typographic-quote": ("ghp_quote\u2019d_0123", "a character outside Latin-1"),
    "latin-1": ("ghp_accent\u00e9_0123", "a character outside ASCII"),
    "emoji": ("ghp_emoji\U0001f917_0123", "a character outside Latin-1"),
}


@pytest.mark.parametrize("name", ["HF_TOKEN", "GITHUB_TOKEN"])
@pytest.mark.parametrize("case", list(BAD))
def test_a_token_that_cannot_be_a_header_is_refused_when_read_naming_only_the_variable(
    name: str, case: str
) -> None:
    value, what = BAD[case]
    with pytest.raises(ConfigError) as caught:
        from_env({name: value})
    message = str(caught.value)
    assert message.startswith(f"{name}: the token holds {what}, which cannot be sent in an HTTP header")
    assert "\n" not in message and caught.value.exit_code == 2
    shown = "".join(traceback.format_exception(caught.value)) + repr(caught.value.args)
    assert value not in shown and repr(value)[1:-1] not in shown and value[4:9] not in shown


def test_surrounding_whitespace_is_trimmed_and_good_tokens_pass() -> None:
    settings = from_env({"HF_TOKEN": " hf_abc-DEF.123_x\n", "GITHUB_TOKEN": "github_pat_11AB~x"})
    assert settings.hf_token == Secret("hf_abc-DEF.123_x")
    assert check_token("github_pat_11AB~x", "V") == "github_pat_11AB~x"


@pytest.mark.parametrize("case", ["line-break", "typographic-quote", "latin-1"])
def test_a_secrets_manager_value_is_checked_the_same_way(case: str) -> None:
    value, what = BAD[case]
    for stored in (value, json.dumps({"token": value})):
        with pytest.raises(ConfigError) as caught:
            _token_in(stored, "blog/token")
        assert str(caught.value).startswith(
            f"GITHUB_TOKEN_SECRET: secret 'blog/token': the token holds {what}"
        )
        assert value not in str(caught.value)


TOKEN = 'ghp_"odd/token %+é\n\u2019\U0001f917'


def header_error(token: str) -> str:
    """What requests says when a header cannot be sent: the value quoted, its newline escaped."""
    try:
        requests.Request("GET", "http://127.0.0.1:9/", headers={"Authorization": f"Bearer {token}"}).prepare()
    except requests.exceptions.InvalidHeader as exc:
        return str(exc)
    raise AssertionError("requests accepted the header")


@pytest.mark.parametrize(
    "shown",
    [
        TOKEN,
        repr(TOKEN),
        repr(f"Bearer {TOKEN}'"),
        json.dumps(TOKEN),
        json.dumps(TOKEN, ensure_ascii=False),
        repr(TOKEN.encode("utf-8")),
        quote(TOKEN, safe=""),
        quote(TOKEN, safe="").lower(),
        quote_plus(TOKEN),
        f"https://api.example/?token={quote(TOKEN)}",
        TOKEN.encode("unicode_escape").decode(),
        header_error(TOKEN),
    ],
    ids=[
        "raw",
        "repr",
        "repr-with-both-quotes",
        "json",
        "json-unicode",
        "bytes",
        "percent",
        "percent-lower",
        "plus",
        "query",
        "unicode-escape",
        "invalid-header",
    ],
)
def test_the_scrubber_catches_every_form_a_message_gives_a_token(shown: str) -> None:
    text = scrub(f"request failed: {shown} (after 2 tries)", [Secret(TOKEN)])
    assert text.startswith("request failed: ") and "***" in text
    for piece in ("odd/token", "odd%2Ftoken", "odd%2ftoken", "odd/token%20", "\\u2019", "\u2019"):
        assert piece not in text, text


def test_scrub_leaves_text_without_secrets_alone() -> None:
    assert scrub("all fine", [Secret("ghp_x1"), None, ""]) == "all fine"
