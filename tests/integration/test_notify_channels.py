"""Slack, Discord and Telegram against local servers that check payloads as the platforms do."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from hf_digest.adapters.notify.channel import ChannelFailed, MayHaveArrived, Notifier
from hf_digest.adapters.notify.discord import DiscordNotifier
from hf_digest.adapters.notify.message import DigestMessage, digest_message
from hf_digest.adapters.notify.slack import SlackNotifier
from hf_digest.adapters.notify.telegram import TelegramNotifier
from hf_digest.config import Secret
from hf_digest.core.model import Paper
from hf_digest.core.outcomes import SpanKind
from hf_digest.core.permalink import post_url
from hf_digest.outbound.deadline import Deadline
from tests.chat_server import ChatServer
from tests.discord_server import DiscordServer, seen
from tests.helpers import hostile_papers
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer, parse_html

CHANNELS = ("slack", "discord", "telegram")


pytestmark = pytest.mark.usefixtures("quick_notify_retries")


def day_message(papers: list[Paper], total: int, *, lang: str = "ko", top: int = 3) -> DigestMessage:
    link = post_url("https://blog.example.org", "2026/02/10/hf-daily-papers.html")
    return digest_message(SpanKind.DAY, "2026-02-10", papers[:10], total, lang=lang, top=top, post_url=link)


@pytest.fixture
def servers(
    slack_server: SlackServer, discord_server: DiscordServer, telegram_server: TelegramServer
) -> dict[str, ChatServer]:
    return {"slack": slack_server, "discord": discord_server, "telegram": telegram_server}


def notifier_for(channel: str, servers: dict[str, Any]) -> Notifier:
    if channel == "slack":
        return SlackNotifier(Secret(servers["slack"].webhook_url), None)
    if channel == "discord":
        return DiscordNotifier(Secret(servers["discord"].webhook_url), None)
    telegram = servers["telegram"]
    return TelegramNotifier(Secret(telegram.token), Secret(telegram.chat_id), None, telegram.api_url)


def shown_text(channel: str, server: ChatServer) -> str:
    """What a reader of the channel sees of the last accepted message."""
    payload = server.delivered[-1]
    if channel == "slack":
        return SlackServer.visible(payload)
    if channel == "discord":
        embed = payload["embeds"][0]
        parts = [embed["title"], embed["description"]]
        parts += [text for f in embed.get("fields", []) for text in (f["name"], f["value"])]
        texts, markup = zip(*(seen(part) for part in parts), strict=True)
        assert not [m for found in markup for m in found], "Discord would format this text"
        return "\n".join(texts)
    return parse_html(payload["text"])[0]


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_day_reaches_the_channel_with_its_top_papers_and_links(
    channel: str, servers: dict[str, ChatServer], ranked: list[Paper]
) -> None:
    message = day_message(ranked, len(ranked))
    made = notifier_for(channel, servers).send(message, Deadline.after(60))
    server = servers[channel]
    assert made == 1 and len(server.received) == 1 and len(server.delivered) == 1
    text = shown_text(channel, server)
    assert "Hugging Face Daily Papers - 2026-02-10" in text
    assert f"총 {len(ranked)}개 논문 중 좋아요 상위 10개를 소개합니다." in text
    for paper in ranked[:3]:
        assert paper.title in text and f"👍 {paper.upvotes}" in text
    assert ranked[3].title not in text
    raw = server.received[0].raw.decode()
    assert "https://blog.example.org/2026/02/10/hf-daily-papers.html" in raw
    assert f"https://huggingface.co/papers/{ranked[0].arxiv_id}" in raw


def test_telegram_turns_link_previews_off_and_links_each_title(
    telegram_server: TelegramServer, ranked: list[Paper]
) -> None:
    notifier_for("telegram", {"telegram": telegram_server}).send(day_message(ranked, 58), Deadline.after(60))
    sent = telegram_server.delivered[0]
    assert sent["parse_mode"] == "HTML" and sent["link_preview_options"] == {"is_disabled": True}
    result = telegram_server.received[0].reply["result"]
    links = [e for e in result["entities"] if e["type"] == "a"]
    assert [e["url"] for e in links][:3] == [
        f"https://huggingface.co/papers/{p.arxiv_id}" for p in ranked[:3]
    ]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_hostile_long_korean_titles_fit_the_limits_and_show_as_typed(
    channel: str, lang: str, servers: dict[str, ChatServer], ranked: list[Paper]
) -> None:
    hostile = hostile_papers(ranked, 10)
    message = day_message(hostile, len(ranked), lang=lang, top=10)
    notifier_for(channel, servers).send(message, Deadline.after(60))
    server = servers[channel]
    assert [r.answer.status for r in server.received] == [200]  # the platform's checks passed first time
    text = shown_text(channel, server)
    for paper in hostile:
        # Titles may be shortened to fit, never altered: each one's start shows exactly as typed.
        assert paper.title[:60] in text
    assert "<b>굵게</b> & 한국어로" in text and "<i>Lab</i> & *Co*" in text
    summaries = re.findall(r"이 논문은 <모델> & 데이터를 제안한다\.", text)
    assert summaries, "the summaries show as typed, cut at a sentence end"


def test_discord_mentions_cannot_ping(discord_server: DiscordServer, ranked: list[Paper]) -> None:
    notifier_for("discord", {"discord": discord_server}).send(
        day_message(hostile_papers(ranked), 58), Deadline.after(60)
    )
    assert discord_server.delivered[0]["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize(
    ("channel", "limited"),
    [
        ("slack", SlackServer.rate_limited(1)),
        ("discord", DiscordServer.rate_limited(0.3)),
        ("telegram", TelegramServer.rate_limited(1)),
    ],
)
def test_a_429_is_waited_out_as_the_platform_says_then_sent_once(
    channel: str, limited: Any, servers: dict[str, ChatServer], ranked: list[Paper]
) -> None:
    server = servers[channel]
    server.answer_next(limited)
    made = notifier_for(channel, servers).send(day_message(ranked, 58), Deadline.after(60))
    assert made == 2
    assert [r.answer.status for r in server.received] == [429, 200]
    assert len(server.delivered) == 1


def test_a_slack_retry_after_given_as_an_http_date_is_waited_out(
    slack_server: SlackServer, ranked: list[Paper]
) -> None:
    """RFC 9110 allows Retry-After as a date; it was taken for no wait at all (our short backoff)."""
    from tests.chat_server import Answer

    when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    slack_server.answer_next(Answer.text(429, "rate_limited", **{"Retry-After": when}))
    started = time.monotonic()
    made = notifier_for("slack", {"slack": slack_server}).send(day_message(ranked, 58), Deadline.after(60))
    assert made == 2 and 1.0 <= time.monotonic() - started < 10  # the date's 2-3 s
    assert [r.answer.status for r in slack_server.received] == [429, 200]


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_server_error_is_retried_with_backoff(
    channel: str, servers: dict[str, ChatServer], ranked: list[Paper]
) -> None:
    from tests.chat_server import Answer

    server = servers[channel]
    server.answer_next(Answer.text(500, "internal error"), Answer.text(503, "unavailable"))
    assert notifier_for(channel, servers).send(day_message(ranked, 58), Deadline.after(60)) == 3
    assert [r.answer.status for r in server.received] == [500, 503, 200]


def test_a_rate_limit_longer_than_the_time_left_fails_at_once(
    slack_server: SlackServer, ranked: list[Paper]
) -> None:
    slack_server.answer_next(SlackServer.rate_limited(3600))
    with pytest.raises(ChannelFailed, match=r"HTTP 429 rate_limited; a retry after 3600\.0s would pass"):
        notifier_for("slack", {"slack": slack_server}).send(day_message(ranked, 58), Deadline.after(60))
    assert len(slack_server.received) == 1


@pytest.mark.parametrize(
    ("channel", "refusal", "reason"),
    [
        ("slack", SlackServer.refused("no_service", 404), "HTTP 404 no_service"),
        ("slack", SlackServer.refused("channel_is_archived", 410), "HTTP 410 channel_is_archived"),
        ("discord", DiscordServer.unknown_webhook(), "HTTP 404 Unknown Webhook (10015)"),
        (
            "telegram",
            TelegramServer.error(403, "Forbidden: bot was kicked from the channel chat"),
            "HTTP 403 Forbidden: bot was kicked from the channel chat",
        ),
    ],
)
def test_a_permanent_error_is_not_retried_and_names_the_platforms_reason(
    channel: str, refusal: Any, reason: str, servers: dict[str, ChatServer], ranked: list[Paper]
) -> None:
    servers[channel].answer_next(refusal)
    with pytest.raises(ChannelFailed) as failed:
        notifier_for(channel, servers).send(day_message(ranked, 58), Deadline.after(60))
    assert (failed.value.channel, failed.value.reason, failed.value.requests) == (channel, reason, 1)
    assert len(servers[channel].received) == 1


def test_wrong_credentials_are_refused_as_each_platform_refuses_them(
    servers: dict[str, Any], ranked: list[Paper]
) -> None:
    message = day_message(ranked, 58)
    wrong: list[Notifier] = [
        SlackNotifier(Secret(servers["slack"].base_url + "/services/T0/B0/wrong"), None),
        DiscordNotifier(Secret(f"{servers['discord'].base_url}/api/webhooks/1/wrong"), None),
        TelegramNotifier(Secret("1:wrong"), Secret("-100"), None, servers["telegram"].api_url),
        TelegramNotifier(
            Secret(servers["telegram"].token), Secret("-100999"), None, servers["telegram"].api_url
        ),
    ]
    reasons = []
    for notifier in wrong:
        with pytest.raises(ChannelFailed) as failed:
            notifier.send(message, Deadline.after(60))
        reasons.append(failed.value.reason)
    assert reasons == [
        "HTTP 404 no_service",
        "HTTP 404 Unknown Webhook (10015)",
        "HTTP 401 Unauthorized",
        "HTTP 400 Bad Request: chat not found",
    ]


def test_discords_rate_limit_headers_are_honoured_before_the_next_message(ranked: list[Paper]) -> None:
    with DiscordServer(bucket=1, reset_after_s=0.5) as server:
        notifier = DiscordNotifier(Secret(server.webhook_url), None)
        for day in ("2026-02-10", "2026-02-11"):
            notifier.send(digest_message(SpanKind.DAY, day, ranked, 58, lang="en", top=3), Deadline.after(60))
        assert [r.answer.status for r in server.received] == [200, 200]  # never a 429


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_reply_lost_after_the_whole_message_is_not_tried_again(
    channel: str, servers: dict[str, ChatServer], ranked: list[Paper]
) -> None:
    from tests.chat_server import Answer

    server = servers[channel]
    server.answer_next(Answer.dropped())  # the whole POST read, the connection closed without a word
    with pytest.raises(MayHaveArrived) as lost:
        notifier_for(channel, servers).send(day_message(ranked, 58), Deadline.after(60))
    assert (lost.value.requests, len(server.received)) == (1, 1)
    assert "after the whole message was sent; it may have arrived" in lost.value.reason


def test_a_missing_server_is_retried_then_reported_without_its_address(ranked: list[Paper]) -> None:
    from tests.helpers import free_port

    url = f"http://127.0.0.1:{free_port()}/services/T0/B0/closedPortSecret"
    with pytest.raises(ChannelFailed) as failed:
        SlackNotifier(Secret(url), None).send(day_message(ranked, 58), Deadline.after(60))
    assert failed.value.reason == "cannot connect (ConnectionError) (after 4 attempts)"
    assert failed.value.requests == 4
    assert "closedPortSecret" not in repr(failed.value) and failed.value.__cause__ is None
