"""Whatever text Hugging Face holds, every channel's payload passes its platform's checks and shows the
text as typed: no markup, no entity, no mention of its own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_digest.adapters.notify import discord, slack, telegram
from hf_digest.adapters.notify.message import DigestMessage, MessagePaper
from hf_digest.core.model import clean_text
from hf_digest.core.outcomes import SpanKind
from tests.discord_server import form_errors, seen
from tests.slack_server import SlackServer, check_blocks
from tests.telegram_server import TEXT_LIMIT, parse_html, utf16

# Pieces that mean something to Slack mrkdwn, Discord markdown or Telegram HTML, mixed into any text.
SPECIALS = [
    "<", ">", "&", "&amp;", "&lt;", "<b>", "</a>", '"', "*", "_", "~", "`", "```", "|", "||", "[", "](", ")",
    "\\", "# ", "- ", "> ", "1. ", "@everyone", "<@123>", ":fire:", "🤗", "👍", "한국어 제목", "。", ". ",
]  # fmt: skip
text = st.lists(st.text(max_size=12) | st.sampled_from(SPECIALS), max_size=30).map("".join).map(clean_text)
papers = st.builds(
    MessagePaper,
    title=text.filter(bool),
    upvotes=st.integers(min_value=0, max_value=10_000),
    organization=st.none() | text.filter(bool),
    summary=st.none() | text.filter(bool),
    hf_url=st.from_regex(r"\Ahttps://huggingface\.co/papers/26\d\d\.\d{5}\Z"),
)
messages = st.builds(
    DigestMessage,
    kind=st.sampled_from([kind.noun for kind in SpanKind]),
    key=st.sampled_from(["2026-02-10", "2026-W06", "2026-02"]),
    lang=st.sampled_from(["ko", "en"]),
    total=st.integers(min_value=1, max_value=500),
    shown=st.integers(min_value=1, max_value=100),
    papers=st.lists(papers, max_size=10).map(tuple),
    post_url=st.none() | st.just("https://blog.example.org/2026/02/10/hf-daily-papers.html"),
)


def starts(message: DigestMessage) -> list[str]:
    """The start of each title, which every shortening keeps."""
    return [p.title[:20].rstrip(" ,;:") for p in message.papers]


@settings(max_examples=60, deadline=None)
@given(messages)
def test_slack_payloads_pass_block_kit_and_show_titles_as_typed(message: DigestMessage) -> None:
    payload = slack.payload(message, None)
    check_blocks(payload["blocks"])
    shown = SlackServer.visible(payload)
    assert all(start in shown for start in starts(message))


@settings(max_examples=60, deadline=None)
@given(messages)
def test_discord_payloads_pass_the_embed_limits_and_carry_no_markup(message: DigestMessage) -> None:
    payload = discord.payload(message, None)
    assert form_errors(payload) == {}
    embed = payload["embeds"][0]
    texts = [
        embed["title"],
        embed["description"],
        *(f[k] for f in embed["fields"] for k in ("name", "value")),
    ]
    read = [seen(t) for t in texts]
    assert [m for _, markup in read for m in markup] == []
    joined = "\n".join(t for t, _ in read)
    assert all(start in joined for start in starts(message))


@settings(max_examples=60, deadline=None)
@given(messages)
def test_telegram_text_parses_and_fits(message: DigestMessage) -> None:
    shown, _ = parse_html(telegram.payload(message, None)["text"])
    assert utf16(shown.strip()) <= TEXT_LIMIT
    assert all(start in shown for start in starts(message))
