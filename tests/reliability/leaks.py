"""The token scan: every text the suite sees is searched for a token or an Authorization header value."""

from __future__ import annotations

import html
import json
import re
import traceback
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

# Recognisable values, so a hit is never a coincidence.
TOKEN = "github_pat_RELIABILITY_write_token_7d1e5a"
READ_ONLY_TOKEN = "github_pat_RELIABILITY_read_only_3b8a90"
WRONG_TOKEN = "github_pat_RELIABILITY_wrong_token_91c4ff"
HF_TOKEN = "hf_RELIABILITY_hub_token_5e2f0a77"
# Tokens no HTTP header can carry (a user pasted them badly): the code must refuse them unseen.
UNSENDABLE_TOKENS = ("github_pat_RELIABILITY_line\nbreak_4c1d", "hf_RELIABILITY_quote\u2019mark_8e2a/x")
AWS_SESSION_TOKEN = "IQoJb3JpZ2luX2VjRELIABILITYsessiontoken0c4e"  # an STS session token's shape
OPENAI_API_KEY = "sk-proj-RELIABILITY_openai_key_6b0e2d"  # an OpenAI project key's shape
# The notification channels' secrets: a webhook URL is a secret, and so are its path and its token alone;
# the bot token (alone, and in its `/bot<token>/` path) and the chat id.
SLACK_HOOK_TOKEN = "slackReliabilityHook7c1e"
SLACK_HOOK = f"/services/T0RELIAB/B0RELIAB/{SLACK_HOOK_TOKEN}"
DISCORD_HOOK_ID = "1234567890123456789"  # tests.discord_server's default id
DISCORD_HOOK_TOKEN = "discordReliabilityWebhookToken_4f2b"
DISCORD_HOOK = f"/api/webhooks/{DISCORD_HOOK_ID}/{DISCORD_HOOK_TOKEN}"
TELEGRAM_TOKEN = "987654321:TelegramReliabilityBotToken_9a3d"
TELEGRAM_PATH = f"/bot{TELEGRAM_TOKEN}/"
TELEGRAM_CHAT = "-1009876543210"
NOTIFY_TOKENS = (
    SLACK_HOOK,
    SLACK_HOOK_TOKEN,
    DISCORD_HOOK,
    DISCORD_HOOK_TOKEN,
    TELEGRAM_PATH,
    TELEGRAM_TOKEN,
    TELEGRAM_CHAT,
)
# A reason cut to length can end inside a token: its first characters alone are a leak too.
CUT_TOKENS = (SLACK_HOOK_TOKEN, DISCORD_HOOK_TOKEN, TELEGRAM_TOKEN.split(":")[1])
CUT_AT = 12
TOKENS = (
    TOKEN,
    READ_ONLY_TOKEN,
    WRONG_TOKEN,
    HF_TOKEN,
    AWS_SESSION_TOKEN,
    OPENAI_API_KEY,
    *UNSENDABLE_TOKENS,
    *NOTIFY_TOKENS,
)

# Authorization header values in any shape a log line or a repr could give them.
_AUTH_VALUES = (
    re.compile(r"Bearer\s+(?!\*\*\*)[\w.\-]{6,}"),  # GitHub and Hugging Face tokens (the code writes ***)
    re.compile(r"AWS4-HMAC-SHA256\s+Credential="),  # a SigV4 Authorization header
    re.compile(r"Signature=[0-9a-f]{64}"),
    re.compile(r"(?i)x-amz-security-token['\"]?\s*[:=]\s*b?['\"]?\w"),  # the session credential itself
)


def shapes(token: str) -> set[str]:
    """A token as a message can carry it: typed, escaped (repr, JSON, HTML), percent-encoded."""
    return {
        token,
        html.escape(token),
        repr(token)[1:-1],
        json.dumps(token)[1:-1],
        json.dumps(token, ensure_ascii=False)[1:-1],
        quote(token, safe=""),
        quote(token, safe="").lower(),
        quote_plus(token),
    }


def find_leaks(text: str) -> list[str]:
    """What in text is a token (in any of its shapes) or an Authorization header value; empty when clean."""
    found = [f"token {token[:16]}..." for token in TOKENS if any(shape in text for shape in shapes(token))]
    found += [f"the start of token {token[:6]}..." for token in CUT_TOKENS if token[:CUT_AT] in text]
    found += [f"{pattern.pattern!r}: {m[0][:40]}" for pattern in _AUTH_VALUES for m in pattern.finditer(text)]
    return found


def texts_of(thing: object) -> list[str]:
    """The texts a thing can show: str, repr, JSON, and for an exception its whole chain and traceback."""
    if isinstance(thing, str):
        return [thing]
    if isinstance(thing, bytes):
        return [thing.decode("utf-8", errors="replace")]
    texts = [str(thing), repr(thing)]
    if isinstance(thing, BaseException):
        texts.append("".join(traceback.format_exception(thing)))
        link: BaseException | None = thing
        seen: set[int] = set()
        while link is not None and id(link) not in seen:
            seen.add(id(link))
            texts += [str(link), repr(link), repr(link.args), repr(vars(link))]
            link = link.__cause__ or link.__context__
    else:
        try:
            texts.append(json.dumps(thing, ensure_ascii=False, default=repr))
        except (TypeError, ValueError):
            pass
    return texts


@dataclass
class LeakScan:
    """Collects (where, text) pairs during a test; check() lists every leak among them."""

    texts: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, *things: object) -> None:
        for thing in things:
            if thing is not None:
                self.texts += [(where, text) for text in texts_of(thing)]

    def kinds(self) -> set[str]:
        return {where for where, _ in self.texts}

    def check(self) -> list[str]:
        return [f"{where}: {leak}" for where, text in self.texts for leak in find_leaks(text)]
