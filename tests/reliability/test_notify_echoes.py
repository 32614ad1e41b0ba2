"""Secrets in echoed errors: a chat platform (or the web server before it) answers with an HTML error
page that repeats the requested path, as Apache's 404 and nginx's error pages do. The webhook URL, its
path, its token and the bot token reach no result, log line or exception, in any form (HTML-escaped,
percent-encoded, or cut short), through the real handler under the token scan."""

from __future__ import annotations

import json

import pytest

from tests.chat_server import Answer
from tests.reliability.leaks import CUT_AT, CUT_TOKENS
from tests.reliability.stack import Channels, Stack

DAY = "2026-02-10"


@pytest.mark.parametrize("channel", ["slack", "discord", "telegram"])
@pytest.mark.parametrize(("status", "style"), [(404, "apache"), (500, "nginx")])
def test_an_error_page_that_repeats_the_path_shows_no_secret(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch, channel: str, status: int, style: str
) -> None:
    monkeypatch.setenv("DIGEST_NOTIFY", channel)
    server = {"slack": channels.slack, "discord": channels.discord, "telegram": channels.telegram}[channel]
    page = Answer.error_page(status, style)
    server.answer_next(*[page] * 4)  # a 500 is tried 4 times, each page as telling
    run = stack.invoke({"date": DAY})
    assert run.status == "published" and run.told() == {channel: "failed"}
    assert run.result is not None
    [told] = run.result["notifications"]["channels"]
    echoed = server.received[0].answer.body.decode()
    assert server.received[0].path in echoed  # the page did repeat the secret path
    assert told["reason"].startswith(f"HTTP {status} ") and "***" in told["reason"]
    assert "<" not in told["reason"]  # the page's text, not its markup
    shown = json.dumps(run.result)
    assert not [token for token in CUT_TOKENS if token[:CUT_AT] in shown]
    # The scan fixture checks every log line, the result and any exception for every form of them.
