"""The local chat servers themselves: they refuse exactly what each platform documents it refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.discord_server import DiscordServer, form_errors, seen
from tests.slack_server import InvalidBlocks, SlackServer, check_blocks
from tests.telegram_server import ParseError, TelegramServer, parse_html


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "plain_text", "text": text}}


@pytest.mark.parametrize(
    ("blocks", "code"),
    [
        ([section("x")] * 51, "invalid_blocks"),
        ([section("x" * 3001)], "invalid_blocks"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "invalid_blocks"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}], "invalid_blocks"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "invalid_blocks"),
        ([{"type": "carousel"}], "invalid_blocks"),
        ([section("x" * 2900)] * 5, "msg_blocks_too_long"),
    ],
)
def test_slack_refuses_blocks_past_its_limits(blocks: list[dict[str, Any]], code: str) -> None:
    with pytest.raises(InvalidBlocks, match=f"^{code}$"):
        check_blocks(blocks)


def test_slack_answers_plain_text_codes(slack_server: SlackServer) -> None:
    ok = requests.post(slack_server.webhook_url, json={"blocks": [section("hi")]}, timeout=5)
    bad = requests.post(slack_server.webhook_url, json={"blocks": [section("")]}, timeout=5)
    gone = requests.post(slack_server.base_url + "/services/x", json={"text": "hi"}, timeout=5)
    assert (ok.status_code, ok.text) == (200, "ok")
    assert (bad.status_code, bad.text) == (400, "invalid_blocks")
    assert (gone.status_code, gone.text) == (404, "no_service")


def test_slack_shows_plain_text_as_typed_and_reads_mrkdwn_links() -> None:
    payload = {
        "blocks": [
            section("<b> & *x*"),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "a &amp; b <https://x.org|post>"}]},
        ]
    }
    assert SlackServer.visible(payload) == "<b> & *x*\na & b post"


def test_discord_names_the_field_past_its_limit_and_the_6000_total() -> None:
    field = {"name": "n", "value": "v" * 1025}
    errors = form_errors({"embeds": [{"title": "t", "fields": [{"name": "ok", "value": "ok"}, field]}]})
    assert errors == {
        "embeds": {
            "0": {
                "fields": {
                    "1": {
                        "value": {
                            "_errors": [
                                {
                                    "code": "BASE_TYPE_MAX_LENGTH",
                                    "message": "Must be 1024 or fewer in length.",
                                }
                            ]
                        }
                    }
                }
            }
        }
    }
    big = {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}
    assert form_errors(big)["embeds"]["_errors"][0]["code"] == "MAX_EMBED_SIZE_EXCEEDED"
    assert form_errors({"embeds": [{"title": "t" * 257}]})["embeds"]["0"]["title"]


def test_discord_answers_50035_and_its_bucket(discord_server: DiscordServer) -> None:
    bad = requests.post(discord_server.webhook_url, json={"embeds": [{"title": "t" * 257}]}, timeout=5)
    assert (
        bad.status_code == 400
        and bad.json()["code"] == 50035
        and bad.json()["message"] == "Invalid Form Body"
    )
    ok = requests.post(discord_server.webhook_url + "?wait=true", json={"content": "hi"}, timeout=5)
    assert ok.status_code == 200 and ok.json()["content"] == "hi"
    assert int(ok.headers["X-RateLimit-Remaining"]) == discord_server.bucket - 2
    quiet = requests.post(discord_server.webhook_url, json={"content": "hi"}, timeout=5)
    assert quiet.status_code == 204


def test_discords_bucket_answers_429_with_retry_after_in_the_body() -> None:
    with DiscordServer(bucket=1, reset_after_s=5) as server:
        requests.post(server.webhook_url, json={"content": "one"}, timeout=5)
        limited = requests.post(server.webhook_url, json={"content": "two"}, timeout=5)
    assert limited.status_code == 429
    assert 0 < limited.json()["retry_after"] <= 5 and limited.json()["global"] is False


@pytest.mark.parametrize(
    ("text", "shown", "markup"),
    [
        ("\\*not bold\\* \\_x\\_", "*not bold* _x_", []),
        ("[label \\| x](https://x.org)", "label | x", []),
        ("**bold**", "**bold**", ["unescaped '*'", "unescaped '*'", "unescaped '*'", "unescaped '*'"]),
        ("# heading", "# heading", ["line starts with '# h'"]),
    ],
)
def test_discord_markdown_is_read_as_a_reader_sees_it(text: str, shown: str, markup: list[str]) -> None:
    assert seen(text) == (shown, markup)


@pytest.mark.parametrize(
    "text",
    ["a < b", "a & b", "<div>x</div>", "<b>x", "<b>x</i>", '<a href="x" target="y">x</a>', "a > b", "&nbsp;"],
)
def test_telegram_refuses_what_its_html_mode_cannot_parse(text: str) -> None:
    with pytest.raises(ParseError, match=r"^Bad Request: can.t parse entities"):
        parse_html(text)


def test_telegram_reads_entities_and_counts_utf16() -> None:
    shown, entities = parse_html('<b>1. <a href="https://x.org/?a=1&amp;b=2">T &lt;x&gt;</a></b> 🚀')
    assert shown == "1. T <x> 🚀"
    assert [(e.type, e.offset, e.length, e.url) for e in entities] == [
        ("a", 3, 5, "https://x.org/?a=1&b=2"),
        ("b", 0, 8, None),
    ]


def test_telegram_answers_with_its_error_shapes(telegram_server: TelegramServer) -> None:
    url = f"{telegram_server.api_url}/bot{telegram_server.token}/sendMessage"
    chat = telegram_server.chat_id
    long = requests.post(url, json={"chat_id": chat, "text": "가" * 4097}, timeout=5)
    emoji = requests.post(url, json={"chat_id": chat, "text": "🚀" * 2049}, timeout=5)  # 4,098 UTF-16 units
    fits = requests.post(url, json={"chat_id": chat, "text": "🚀" * 2048}, timeout=5)
    wrong = requests.post(
        url.replace(telegram_server.token, "1:x"), json={"chat_id": chat, "text": "x"}, timeout=5
    )
    assert long.json() == {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
    assert emoji.status_code == 400 and fits.json()["ok"] is True
    assert wrong.status_code == 401 and wrong.json()["description"] == "Unauthorized"
    limited = TelegramServer.rate_limited(7)
    assert json.loads(limited.body)["parameters"] == {"retry_after": 7}
