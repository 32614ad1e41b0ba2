"""POST to a chat platform: bounded retries with backoff on 5xx and 429, never a wait past the deadline.

The URL holds the secret (a webhook's path, a bot token), so it is never logged and no exception that
could show it (requests' carry the URL) is kept: reasons are the platform's words or an error's class,
and an answer's body has every form of every secret masked before any of it is quoted or cut (a 404
page repeats the path it was asked for).

A POST is not safe to repeat: once the whole request is on its way (`written()` moved) a lost
answer (connection dropped, no answer in time, the run's budget spent) means it may have arrived, and
it is reported as MayHaveArrived, never tried again. Only a request that never went out whole (connection
refused, reset while sending) is retried.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from hf_digest import aws, budget
from hf_digest.config import Secret
from hf_digest.deadline import Deadline
from hf_digest.errors import DeadlineExceeded
from hf_digest.notify.channel import ChannelFailed, MayHaveArrived, scrub
from hf_digest.watches import written

log = logging.getLogger(__name__)

USER_AGENT = "hf-daily-digest/0.1 (+https://github.com/hf-daily-digest)"
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


def backoff(attempt: int) -> float:
    """Full jitter: a wait up to BACKOFF_BASE_S * 2**attempt."""
    return random.uniform(0, BACKOFF_BASE_S * 2**attempt)  # noqa: S311 - jitter, not cryptography


def seconds(value: object) -> float | None:
    """A non-negative number of seconds from a header or a JSON field, else None."""
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if 0 <= number < 86_400 else None


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
    made = 0
    for attempt in range(MAX_ATTEMPTS):
        made += 1
        verdict, reply = _attempt(channel, session, url, payload, deadline)
        if reply is not None:
            reply = Reply(reply.status, reply.headers, reply.body, tuple(hidden))
            verdict = judge(reply)
            if verdict.delivered:
                return reply, made
        reason = scrub(verdict.reason, hidden)[:REASON_LIMIT]
        if verdict.sent:
            log.warning("notification may have arrived", extra={"channel": channel, "reason": reason})
            raise MayHaveArrived(channel, reason, requests=made)
        if not verdict.retry:
            raise ChannelFailed(channel, reason, requests=made)
        if attempt == MAX_ATTEMPTS - 1:
            raise ChannelFailed(channel, f"{reason} (after {made} attempts)", requests=made)
        wait = verdict.wait_s if verdict.wait_s is not None else backoff(attempt)
        if wait > MAX_WAIT_S or not deadline.allows(wait + REQUEST_TIMEOUT_S):
            raise ChannelFailed(
                channel, f"{reason}; a retry after {wait:.1f}s would pass the deadline", requests=made
            )
        log.warning(
            "notification retried", extra={"channel": channel, "reason": reason, "wait_s": round(wait, 2)}
        )
        time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def readable(text: str) -> str:
    """Text as one line, an HTML error page (a proxy's 502, a web server's 404) without its tags."""
    return " ".join(_TAG.sub(" ", text).split()) if _TAG.search(text) else text


def _attempt(
    channel: str, session: requests.Session, url: Secret, payload: Mapping[str, Any], deadline: Deadline
) -> tuple[Verdict, Reply | None]:
    before = written()
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
                headers = CaseInsensitiveDict(response.headers)
                return Verdict(), Reply(response.status_code, headers, response.content)
    except DeadlineExceeded as exc:
        # Out of time before sending (no other try this run), or cut mid-answer after it.
        return _lost(before, str(exc), Verdict(reason=str(exc))), None
    except requests.exceptions.ReadTimeout:
        # Only after the request went out: the platform may have the message already.
        return _lost(before, "no answer in time", Verdict(reason="no answer in time")), None
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        # Refused, or reset while sending: nothing arrived. Dropped after the whole request: it may have.
        name = type(exc).__name__
        unsent = Verdict(reason=f"cannot connect ({name})", retry=True)
        return _lost(before, f"the connection closed without an answer ({name})", unsent), None
    except (requests.exceptions.RequestException, ValueError) as exc:  # ValueError: the URL (never shown)
        return Verdict(reason=f"request failed ({type(exc).__name__})"), None


def _lost(before: int, what: str, unsent: Verdict) -> Verdict:
    """unsent when the request never went out whole; else a verdict that the message may have arrived."""
    if written() == before:
        return unsent
    return Verdict(reason=f"{what} after the whole message was sent; it may have arrived", sent=True)
