"""One policy for every outbound request: Hugging Face, GitHub, the summary models and the notifications.

An adapter makes one attempt and says what its answer means; `Policy.run` decides the rest in one place:
- bounded, jittered retries: exponential backoff (`base_s * 2**n`, capped), full or half jitter;
- the server's own wait (`Retry-After`, a rate-limit reset, a platform's `retry_after`) used as it is;
- the run's deadline as a total budget: no wait that would leave less than the margin and the time an
  attempt needs (`budget.watch` cuts an attempt that runs past it);
- an unsafe request (a chat POST, an e-mail) whose whole request went out and whose reply was lost is
  never tried again: it is reported as `Unconfirmed` ("may have arrived").
Each adapter keeps its own reading of answers and headers, and turns `GaveUp` into its own error.

No retry library: tenacity (9.2.1) would only run this loop (its stop, wait and retry would all be ours),
and adds 8-12 ms to every cold start (`-X importtime`, on top of the handler's imports); urllib3's `Retry`
cannot see the deadline, a lost reply, or botocore's requests.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Literal, TypeVar

from hf_digest.outbound.budget import MIN_REQUEST_S
from hf_digest.outbound.deadline import SAFETY_MARGIN_S, Deadline
from hf_digest.outbound.watches import written

TRIES = 4  # attempts for errors, the first included
BACKOFF_CAP_S = 8.0

T = TypeVar("T")
Why = Literal["tries", "long", "time"]


class Again(Exception):
    """An attempt's answer worth another try: a 5xx, a timeout, a dropped connection, a rate limit."""

    def __init__(
        self, reason: str, *, wait_s: float | None = None, rate: bool = False, status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_s = wait_s  # the server's own wait; None: the policy's backoff
        self.rate = rate  # a rate limit: counted apart from errors when the policy keeps rate_waits
        self.status = status


class Lost(Exception):
    """No reply came (dropped, timed out, cut). For an unsafe request that went out whole the policy raises
    Unconfirmed(reason); otherwise it goes on as if the attempt had raised `unsent` (an Again retries)."""

    def __init__(self, reason: str, unsent: Exception) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unsent = unsent


class Unconfirmed(Exception):
    """An unsafe request went out whole and its reply was lost: it may have arrived, so it is not repeated."""

    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


class GaveUp(Exception):
    """No further try: the tries are spent ("tries"), the wait is longer than allowed ("long"), or it would
    pass the deadline less the margin ("time")."""

    def __init__(
        self, again: Again, why: Why, wait_s: float, attempts: int, errors: int, rate_waits: int
    ) -> None:
        super().__init__(f"{again.reason} ({why})")
        self.again = again
        self.why = why
        self.wait_s = wait_s  # the wait the next try would have needed
        self.attempts = attempts  # every attempt made
        self.errors = errors  # the attempts that ended in an error (not a rate limit kept apart)
        self.rate_waits = rate_waits  # rate-limit waits already done


def retry_after(value: str, now: Callable[[], float] = time.time) -> float | None:
    """Seconds a `Retry-After` value asks to wait: a number of seconds or an HTTP-date (RFC 9110 10.2.3);
    None when it is neither. A date already past asks for no wait."""
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return number if 0.0 <= number < math.inf else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "GMT" parses as naive UTC
        return max(0.0, when.replace(tzinfo=UTC).timestamp() - now())
    return max(0.0, when.timestamp() - now())


@dataclass(frozen=True)
class Policy:
    """How one adapter's requests are retried within deadline."""

    deadline: Deadline
    base_s: float  # the first backoff step; doubled after each error
    tries: int = TRIES
    rate_waits: int | None = None  # rate-limit waits allowed on top of tries; None: they count as tries
    floor: float = 0.0  # the least share of a step a jittered wait takes: 0 full jitter, 0.5 half
    cap_s: float = BACKOFF_CAP_S
    max_wait_s: float = math.inf  # a server asking for longer is a failure now
    attempt_s: float = MIN_REQUEST_S  # kept after a wait for the next attempt itself
    margin_s: float = SAFETY_MARGIN_S  # kept after that attempt, to publish or report
    unsafe: bool = False  # a request not safe to repeat once it went out whole
    sleep: Callable[[float], None] | None = None  # time.sleep, looked up when used
    jitter: Callable[[], float] = random.random
    on_retry: Callable[[Again, float, int], None] | None = (
        None  # (why, wait, count of its kind) before a wait
    )

    def backoff(self, retries: int) -> float:
        """The jittered wait after retries earlier retries: between floor and all of min(cap, base * 2**n)."""
        step = min(self.cap_s, self.base_s * 2.0**retries)
        return step * (self.floor + (1.0 - self.floor) * self.jitter())

    def fits(self, wait_s: float) -> bool:
        """True when waiting wait_s still leaves an attempt and the margin before the deadline."""
        return self.deadline.allows(wait_s + self.attempt_s, self.margin_s)

    def pause(self, wait_s: float) -> None:
        (self.sleep or time.sleep)(wait_s)

    def run(self, attempt: Callable[[int], T]) -> T:
        """attempt(n)'s value for the first n (from 1) that returns; raises GaveUp, Unconfirmed, or what an
        attempt raised other than Again and Lost."""
        errors = rate_waits = 0
        number = 0
        while True:
            number += 1
            before = written()
            try:
                return attempt(number)
            except Again as exc:
                again = exc
            except Lost as lost:
                if self.unsafe and written() != before:
                    raise Unconfirmed(lost.reason, number) from None
                if not isinstance(lost.unsent, Again):
                    raise lost.unsent from None
                again = lost.unsent
            apart = again.rate and self.rate_waits is not None
            if apart:
                count, limit = rate_waits, self.rate_waits or 0
            else:
                errors += 1
                count, limit = errors, self.tries
            wait = again.wait_s if again.wait_s is not None else self.backoff(count - (0 if apart else 1))
            why: Why | None = None
            if count >= limit:
                why = "tries"
            elif wait > self.max_wait_s:
                why = "long"
            elif not self.fits(wait):
                why = "time"
            if why is not None:
                raise GaveUp(again, why, wait, number, errors, rate_waits) from None
            if apart:
                rate_waits += 1
                count = rate_waits
            if self.on_retry is not None:
                self.on_retry(again, wait, count)
            self.pause(wait)
