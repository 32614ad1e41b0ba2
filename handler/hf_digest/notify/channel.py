"""What every channel shares: the Notifier protocol, its one error, and fitting a message to limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from hf_digest.config import Secret
from hf_digest.deadline import Deadline
from hf_digest.errors import DigestError
from hf_digest.notify.message import BUDGETS, Message, shortened

T = TypeVar("T")


class ChannelFailed(DigestError):
    """A channel could not take the message; the reason is the platform's, never a URL or a token."""

    kind = "notify"

    def __init__(self, channel: str, reason: str, *, requests: int = 0) -> None:
        super().__init__(f"{channel}: {reason}")
        self.channel = channel
        self.reason = reason
        self.requests = requests


class Notifier(Protocol):
    """One channel: renders a message into its payload, and sends it."""

    channel: str

    def render(self, message: Message) -> dict[str, Any]:
        """The payload that would be sent, without any secret (what a dry run prints)."""
        ...

    def send(self, message: Message, deadline: Deadline) -> int:
        """Deliver message; the number of requests made. Raises ChannelFailed."""
        ...


def fit(
    channel: str, message: Message, build: Callable[[Message], T], problems: Callable[[T], list[str]]
) -> T:
    """The first rendering, from the longest budget down, that breaks none of the platform's limits."""
    found: list[str] = []
    for budget in BUDGETS:
        payload = build(shortened(message, budget))
        found = problems(payload)
        if not found:
            return payload
    raise ChannelFailed(channel, "the message exceeds the platform's limits: " + "; ".join(found[:3]))


def too_long(where: str, text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """A problem when text is longer than limit (or empty), else none."""
    size = measure(text)
    if not 0 < size <= limit:
        return [f"{where} has {size} characters (1 to {limit} allowed)"]
    return []


def scrub(text: str, secrets: Iterable[Secret | None]) -> str:
    """text with every secret's value replaced by ***: platform answers can echo what they were sent."""
    for secret in secrets:
        if secret is not None and len(secret.reveal()) >= 6:  # shorter ones would hide ordinary words
            text = text.replace(secret.reveal(), "***")
    return text
