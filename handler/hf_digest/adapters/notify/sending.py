"""POST to a chat platform: bounded retries with backoff on 5xx and 429, never a wait past the deadline.

The URL holds the secret (a webhook's path, a bot token), so it is never logged and no exception that
could show it (requests' carry the URL) is kept: reasons are the platform's words or an error's class,
and an answer's body has every form of every secret masked before any of it is quoted or cut (a 404
page repeats the path it was asked for).

A POST is not safe to repeat: the request policy (hf_digest.outbound.policy, `unsafe`) sees when the whole
request was on its way (`written()` moved) and its answer was lost (connection dropped, no answer in
time, the run's budget spent): it may have arrived, and it is reported as MayHaveArrived, never tried
again. Only a request that never went out whole (connection refused, reset while sending) is retried.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from requests.structures import CaseInsensitiveDict

from hf_digest.adapters.notify.channel import ChannelFailed, MayHaveArrived, scrub
from hf_digest.config import Secret
from hf_digest.errors import DeadlineExceeded
from hf_digest.outbound import aws, budget, policy
from hf_digest.outbound.deadline import Deadline

log = logging.getLogger(__name__)

USER_AGENT = "hf-daily-digest/0.1 (+https://github.com/hf-daily-digest)"
T = TypeVar("T")
MAX_ATTEMPTS = 4
BACKOFF_BASE_S = 1.0  # doubled per attempt, with full jitter
MAX_WAIT_S = 60.0  # a platform asking for longer is a failure now, retried by the next run
CONNECT_TIMEOUT_S = 3.0
REQUEST_TIMEOUT_S = 10.0
REASON_LIMIT = 300
_TAG = re.compile(r"<[!/a-zA-Z][^<>]*>")
QUOTED = 200  # characters of an answer a reason quotes


@dataclass(frozen=True)
class Reply:
    """A platform's answer, detached from the request (whose URL is a secret)."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    hidden: tuple[Secret, ...] = ()  # the secrets quoted() masks

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def quoted(self) -> str:
        """The start of the body as a reason quotes it: secrets masked before it is cut (a 404 page
        repeats the path it was asked for), one line, an HTML page's tags left out."""
        return readable(scrub(self.text(), self.hidden)).strip()[:QUOTED]

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass(frozen=True)
class Verdict:
    """How a channel reads a reply: delivered, worth another try (after wait_s if it says), or refused."""

    delivered: bool = False
    reason: str = ""
    retry: bool = False
    wait_s: float | None = None  # the platform's own wait; None: our backoff
    sent: bool = False  # no answer, but the whole request went out: it may have arrived


Judge = Callable[[Reply], Verdict]


def seconds(value: object) -> float | None:
    """A non-negative number of seconds (or a Retry-After HTTP-date) from a header or a JSON field, else
    None; a day or more counts as none."""
    number = policy.retry_after(str(value))
    return number if number is not None and number < 86_400 else None


def post_json(
    channel: str,
    session: requests.Session,
    url: Secret,
    payload: Mapping[str, Any],
    deadline: Deadline,
    judge: Judge,
    *,
    secrets: Iterable[Secret | None] = (),
) -> tuple[Reply, int]:
    """POST payload until judge says delivered; the reply and the requests made.

    Raises ChannelFailed, or MayHaveArrived when the whole message went out and its answer was lost."""
    aws.quiet_wire_logs()  # urllib3 logs each request line, with the URL's path, at DEBUG
    hidden = [secret for secret in (url, *secrets) if secret is not None]

    def attempt(made: int) -> tuple[Reply, int]:
        answer = _attempt(channel, session, url, payload, deadline, made, hidden)
        reply = Reply(answer.status, answer.headers, answer.body, tuple(hidden))
        verdict = judge(reply)
        if verdict.delivered:
            return reply, made
        reason = scrub(verdict.reason, hidden)[:REASON_LIMIT]
        if verdict.retry:
            raise policy.Again(reason, wait_s=verdict.wait_s)
        raise ChannelFailed(channel, reason, requests=made)

    return unsafe_retries(channel, attempt, deadline, hidden)


def unsafe_retries(
    channel: str,
    attempt: Callable[[int], T],
    deadline: Deadline,
    hidden: Sequence[Secret] = (),
    *,
    attempt_s: float = REQUEST_TIMEOUT_S,
) -> T:
    """attempt(n)'s value under the request policy for a message not safe to send twice: retried only
    when it cannot have arrived. Raises MayHaveArrived for a lost answer after the whole request went
    out, ChannelFailed when the tries or the time are spent (reasons scrubbed of hidden)."""

    def retried(why: policy.Again, wait: float, _: int) -> None:
        extra = {"channel": channel, "reason": scrub(why.reason, hidden), "wait_s": round(wait, 2)}
        log.warning("notification retried", extra=extra)

    rules = policy.Policy(
        deadline,
        BACKOFF_BASE_S,
        tries=MAX_ATTEMPTS,
        max_wait_s=MAX_WAIT_S,
        attempt_s=attempt_s,
        unsafe=True,
        on_retry=retried,
    )
    try:
        return rules.run(attempt)
    except policy.Unconfirmed as lost:
        reason = scrub(lost.reason, hidden)[:REASON_LIMIT]
        log.warning("notification may have arrived", extra={"channel": channel, "reason": reason})
        raise MayHaveArrived(channel, reason, requests=lost.attempts) from None
    except policy.GaveUp as gave:
        reason, made = scrub(gave.again.reason, hidden)[:REASON_LIMIT], gave.attempts
        if gave.why == "tries":
            raise ChannelFailed(channel, f"{reason} (after {made} attempts)", requests=made) from None
        raise ChannelFailed(
            channel, f"{reason}; a retry after {gave.wait_s:.1f}s would pass the deadline", requests=made
        ) from None


def readable(text: str) -> str:
    """Text as one line, an HTML error page (a proxy's 502, a web server's 404) without its tags."""
    return " ".join(_TAG.sub(" ", text).split()) if _TAG.search(text) else text


def _attempt(
    channel: str,
    session: requests.Session,
    url: Secret,
    payload: Mapping[str, Any],
    deadline: Deadline,
    made: int,
    hidden: list[Secret],
) -> Reply:
    """The platform's answer; a lost one raises policy.Lost, which the policy reports as may-have-arrived
    once the whole request went out."""

    def failed(reason: str) -> ChannelFailed:
        return ChannelFailed(channel, scrub(reason, hidden)[:REASON_LIMIT], requests=made)

    try:
        with budget.watch(deadline, channel):
            response = session.post(
                url.reveal(),
                json=payload,
                headers={"User-Agent": USER_AGENT},
                timeout=budget.timeouts(deadline, CONNECT_TIMEOUT_S, REQUEST_TIMEOUT_S),
                allow_redirects=False,
            )
            with response:
                return Reply(response.status_code, CaseInsensitiveDict(response.headers), response.content)
    except DeadlineExceeded as exc:
        # Out of time before sending (no other try this run), or cut mid-answer after it.
        raise _lost(str(exc), failed(str(exc))) from None
    except requests.exceptions.ReadTimeout:
        # Only after the request went out: the platform may have the message already.
        raise _lost("no answer in time", failed("no answer in time")) from None
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        # Refused, or reset while sending: nothing arrived. Dropped after the whole request: it may have.
        name = type(exc).__name__
        unsent = policy.Again(f"cannot connect ({name})")
        raise _lost(f"the connection closed without an answer ({name})", unsent) from None
    except (requests.exceptions.RequestException, ValueError) as exc:  # ValueError: the URL (never shown)
        raise failed(f"request failed ({type(exc).__name__})") from None


def _lost(what: str, unsent: Exception) -> policy.Lost:
    return policy.Lost(f"{what} after the whole message was sent; it may have arrived", unsent)
