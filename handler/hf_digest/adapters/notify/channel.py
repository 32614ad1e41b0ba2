"""What every channel shares: the Notifier protocol, its one error, and fitting a message to limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from hf_digest.adapters.notify.message import BUDGETS, Message, shortened
from hf_digest.adapters.notify.templates import Parts
from hf_digest.config import Secret
from hf_digest.errors import DigestError
from hf_digest.outbound import redact
from hf_digest.outbound.deadline import Deadline

T = TypeVar("T")


class ChannelFailed(DigestError):
    """A channel could not take the message; the reason is the platform's, never a URL or a token."""

    kind = "notify"

    def __init__(self, channel: str, reason: str, *, requests: int = 0) -> None:
        super().__init__(f"{channel}: {reason}")
        self.channel = channel
        self.reason = reason
        self.requests = requests


class MayHaveArrived(ChannelFailed):
    """The whole message was sent and the answer was lost: it may have arrived, so it is not sent again."""


class Notifier(Protocol):
    """One channel: renders a message into its payload, and sends it."""

    channel: str

    def render(self, message: Message) -> dict[str, Any]:
        """The payload that would be sent, without any secret (what a dry run prints)."""
        ...

    def send(self, message: Message, deadline: Deadline) -> int:
        """Deliver message; the number of requests made. Raises ChannelFailed (MayHaveArrived when the
        message went out whole and its answer was lost)."""
        ...


def fit(
    channel: str,
    message: Message,
    template_dir: Path | None,
    build: Callable[[Message, Parts], T],
    problems: Callable[[T], list[str]],
) -> T:
    """The first rendering with the channel's templates, from the longest budget down, that breaks none of
    the platform's limits."""
    parts = Parts(template_dir, message.lang, channel)
    found: list[str] = []
    for budget in BUDGETS:
        payload = build(shortened(message, budget), parts)
        found = problems(payload)
        if not found:
            return payload
    raise ChannelFailed(channel, "the message exceeds the platform's limits: " + "; ".join(found[:3]))


def too_many(what: str, count: int, limit: int) -> list[str]:
    """A problem when a payload holds more than limit of what (blocks, embed fields), else none."""
    return [f"{count} {what} ({limit} allowed)"] if count > limit else []


def too_big(what: str, total: int, limit: int) -> list[str]:
    """A problem when the characters of what, all counted, pass limit (Discord's 6,000 in all embeds,
    the share of Slack's 50 blocks we keep to), else none."""
    return [f"{what} add up to {total} characters ({limit} allowed)"] if total > limit else []


def too_long(where: str, text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """A problem when text is longer than limit (or empty), else none."""
    size = measure(text)
    if not 0 < size <= limit:
        return [f"{where} has {size} characters (1 to {limit} allowed)"]
    return []


def webhook_secrets(url: Secret) -> list[Secret]:
    """A webhook URL's secret parts: the URL, its path (with and without the query) and its last segment
    (the token). A 404 page echoes the path alone, as Apache's and nginx's do."""
    parts = urlsplit(url.reveal())
    path = parts.path
    token = path.rstrip("/").rsplit("/", 1)[-1]
    found = [url.reveal(), url.reveal().split("?", 1)[0], path, token]
    if parts.query:
        found.append(f"{path}?{parts.query}")
    return [Secret(value) for value in dict.fromkeys(found)]


def scrub(text: str, secrets: Iterable[Secret | None]) -> str:
    """text with every secret's value, in every form a message gives it (escaped for HTML or JSON,
    percent-encoded), replaced by ***: platform answers and error pages echo what they were sent."""
    # Shorter ones would hide ordinary words; the longest first, so a path goes before its token.
    values = {s.reveal() for s in secrets if s is not None and len(s.reveal()) >= 6}
    longest: list[str] = sorted(values, key=len, reverse=True)
    return redact.scrub(text, longest)
