"""A small GitHub REST client: auth headers, deadline-clamped timeouts, rate limits and bounded retries.

The token travels only in the Authorization header; every text that leaves this module (log lines,
errors) passes through `_scrub`, and no requests exception is chained, so none can carry it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from hf_digest import USER_AGENT
from hf_digest.config import Secret
from hf_digest.errors import DeadlineExceeded, PublishError
from hf_digest.outbound import budget, policy
from hf_digest.outbound.deadline import Deadline
from hf_digest.outbound.redact import scrub

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
MAX_SERVER_RETRIES = 3  # after the first try, for 5xx answers and network failures
MAX_RATE_LIMIT_WAITS = 2
BACKOFF_S = 0.5
# GitHub's advice for a secondary rate limit that names no time: wait at least a minute.
SECONDARY_LIMIT_WAIT_S = 60.0
PERMISSION = 'a fine-grained token with "Contents: Read and write" on {repo}'
# Answers that mean another write got in first: re-read the branch and decide again.
_CONFLICT_MESSAGES = (
    "not a fast forward",
    "sha wasn't supplied",
    "reference cannot be updated",
    "reference update failed",
)


class Conflict(Exception):
    """The branch moved (or a write raced another); the caller re-reads and redoes its work."""


class GitHubApi:
    """Requests to one repository's REST API, failing with PublishError messages a user can act on."""

    def __init__(
        self,
        api_url: str,
        repository: str,
        token: Secret,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.repository = repository
        self._token = token
        self._session = session or budget.session()
        self._sleep = sleep
        self.backoff_s = BACKOFF_S

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token.reveal()}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }

    def _scrub(self, text: str) -> str:
        return scrub(text, [self._token])

    def _fail(self, text: str) -> PublishError:
        return PublishError(self._scrub(f"github: {self.repository}: {text}"))

    def _policy(self, deadline: Deadline) -> policy.Policy:
        def waiting(why: policy.Again, wait: float, _: int) -> None:
            if why.rate:
                extra = {"destination": "github", "status": why.status, "wait_s": round(wait, 1)}
                log.warning("github rate limit: waiting", extra=extra)

        return policy.Policy(
            deadline,
            self.backoff_s,
            tries=MAX_SERVER_RETRIES + 1,
            rate_waits=MAX_RATE_LIMIT_WAITS,
            floor=0.5,
            sleep=self._sleep,
            on_retry=waiting,
        )

    def backoff(self, attempt: int, deadline: Deadline, reason: str) -> None:
        """Sleep a short jittered time before try attempt+1, or raise DeadlineExceeded when none is left."""
        rules = self._policy(deadline)
        wait = rules.backoff(attempt - 1)
        if not rules.fits(wait):
            raise DeadlineExceeded(self._scrub(f"github: {self.repository}: {reason}; no time left to retry"))
        rules.pause(wait)

    def call(
        self,
        method: str,
        path: str,
        deadline: Deadline,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The JSON object of a 2xx answer; Conflict for 409 and 422 races; PublishError for the rest.

        GitHub's writes are safe to repeat (outbound.policy): blobs, trees and commits are named by their
        content, and a ref update that is not a fast forward answers a Conflict, on which the caller reads
        the branch again before writing."""
        what = f"{method} {path}"

        def attempt(_: int) -> dict[str, Any]:
            try:
                with budget.watch(deadline, f"github: {self.repository}: {what}"):
                    resp = self._session.request(
                        method,
                        self.api_url + path,
                        json=body,
                        params=params,
                        headers=self._headers(),
                        timeout=budget.timeouts(deadline, CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
                    )
            except UnicodeError:  # http.client encodes headers as Latin-1; the error's args hold the value
                raise self._fail(f"{what} failed: a header (the token?) cannot be sent as Latin-1") from None
            except requests.RequestException as exc:
                reason = f"{what} failed: {type(exc).__name__}: {self._scrub(str(exc))[:300]}"
                if _no_connection(exc):
                    reason = f"{what} failed: cannot reach {urlsplit(self.api_url).hostname} (no network?)"
                log.warning("github request failed", extra={"destination": "github", "reason": reason})
                raise policy.Again(reason) from None
            status = resp.status_code
            data = _json_object(resp)
            message = self._scrub(str(data.get("message", "")))[:300] if data is not None else ""
            extra = {"destination": "github", "method": method, "path": path, "status": status}
            log.debug("github answered", extra=extra)
            if 200 <= status < 300:
                if data is None:
                    raise self._fail(f"{what} answered {status} without a JSON object")
                return data
            wait = _rate_limit_wait(resp, message)
            if wait is not None:
                raise policy.Again(
                    f"rate limited by GitHub ({status} on {what})", wait_s=wait, rate=True, status=status
                )
            if status >= 500:
                log.warning("github server error", extra=extra)
                raise policy.Again(f"{what} answered {status} {message}".rstrip(), status=status)
            if status in (401, 403, 404):
                raise self._fail(self._access_hint(status, what, message))
            lowered = message.lower()
            if status == 409 or (status == 422 and any(m in lowered for m in _CONFLICT_MESSAGES)):
                raise Conflict(f"{what} answered {status} {message}".rstrip())
            raise self._fail(f"{what} answered {status} {message}".rstrip())

        try:
            return self._policy(deadline).run(attempt)
        except policy.GaveUp as gave:
            reason = gave.again.reason
            if gave.again.rate:
                resume = datetime.fromtimestamp(time.time() + gave.wait_s, UTC).strftime(
                    "%Y-%m-%d %H:%M:%S UTC"
                )
                raise self._fail(f"{reason}; try again after {resume}") from None
            if gave.why == "time":
                raise DeadlineExceeded(
                    self._scrub(f"github: {self.repository}: {reason}; no time left to retry")
                ) from None
            if gave.again.status is None:  # no answer: the network failed
                raise self._fail(reason) from None
            raise self._fail(f"{reason} (after {gave.errors} tries)") from None

    def _access_hint(self, status: int, what: str, message: str) -> str:
        need = f"it needs {PERMISSION.format(repo=self.repository)}"
        if status == 401:
            return f"{what} answered 401 {message or 'Bad credentials'}: the token is bad or expired; {need}"
        if status == 403:
            return f"{what} answered 403 {message or 'Forbidden'}: the token may not write here; {need}"
        return (
            f"{what} answered 404 {message or 'Not Found'}: the repository or branch does not exist, "
            f"or the token cannot see it; {need}"
        )


def _no_connection(exc: requests.RequestException) -> bool:
    """True when no connection was made at all (no DNS, no route, refused, timed out connecting)."""
    from urllib3.exceptions import NewConnectionError  # NameResolutionError is one too

    cause = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectTimeout) or isinstance(cause, NewConnectionError)


def _json_object(resp: requests.Response) -> dict[str, Any] | None:
    try:
        data = resp.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _rate_limit_wait(resp: requests.Response, message: str) -> float | None:
    """Seconds to wait when the answer is a primary or secondary rate limit, else None."""
    if resp.status_code not in (403, 429):
        return None
    retry_after = resp.headers.get("retry-after", "").strip()
    if retry_after:
        wait = policy.retry_after(retry_after)
        return SECONDARY_LIMIT_WAIT_S if wait is None else wait
    if resp.headers.get("x-ratelimit-remaining", "").strip() == "0":
        try:
            reset = float(resp.headers.get("x-ratelimit-reset", ""))
        except ValueError:
            return SECONDARY_LIMIT_WAIT_S
        return max(0.0, reset - time.time()) + 1.0
    if resp.status_code == 429 or "rate limit" in message.lower():
        return SECONDARY_LIMIT_WAIT_S
    return None
