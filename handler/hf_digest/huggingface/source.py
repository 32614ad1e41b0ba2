"""Hugging Face Daily Papers: the JSON API, paged, with bounded retries and the day's page as a fallback.

Only the API is read normally (Hugging Face asked digest projects to use it); the page is a last resort
when the API cannot serve the day, and is trusted only when it shows the day that was asked for.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3

from hf_digest import USER_AGENT
from hf_digest.config import Settings
from hf_digest.core.model import Span
from hf_digest.core.outcomes import SpanKind
from hf_digest.errors import DayNotAvailable, DeadlineExceeded, RateLimited, UpstreamError, WrongDay
from hf_digest.huggingface import served
from hf_digest.huggingface.source_answers import (
    MAX_RATE_LIMIT_WAITS,
    BadBody,
    OtherList,
    Unserved,
    items_from_json,
    items_from_page,
    paper_from_json,
    rate_limit_wait,
    rate_limited,
)
from hf_digest.outbound import budget, policy
from hf_digest.outbound.deadline import Deadline

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # the API's maximum `limit`; a page shorter than the server's page size is the last one
MAX_ITEMS = 5_000  # far beyond any day or month: stops a server that ignores `p`
MAX_RETRIES = 3  # per request, for 5xx, timeouts, dropped connections and unreadable JSON
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 8.0
TIMEOUT_S = (5.0, 20.0)  # (connect, read)
# A paper looked up for a reader's library is optional, asked again next run: one retry, no rate-limit wait.
PAPER_TRIES = 2


T = TypeVar("T")


@dataclass(frozen=True)
class DayListing:
    """The raw items Hugging Face lists for one day, and how they were obtained."""

    day: date
    items: tuple[dict[str, Any], ...]
    via: str  # "api" or "html"
    requests: int  # HTTP requests made, retries and fallback included


class _Failed(policy.Again):
    """A try that failed (5xx, no answer, an unreadable body); unreachable: no connection was ever made."""

    def __init__(self, reason: str, unreachable: bool = False, *, status: int | None = None) -> None:
        super().__init__(reason, status=status)
        self.unreachable = unreachable


class _NotIndexed(UpstreamError):
    """Hugging Face has no page for the paper asked for (404): an answer, not a failure."""


class _Tally:
    """Counts HTTP requests across pages, retries and the fallback."""

    def __init__(self) -> None:
        self.requests = 0


class HuggingFaceSource:
    """Reads a day's Daily Papers list, one request per 100 papers."""

    name = "huggingface"

    def __init__(
        self,
        settings: Settings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        timeout: tuple[float, float] = TIMEOUT_S,
    ) -> None:
        self._base = settings.hf_base_url.rstrip("/")
        self._offline_hint = f" (no access to {urlsplit(self._base).hostname}? try it offline: `make demo`)"
        self._session = session or budget.session()
        self._sleep = sleep
        self._jitter = jitter
        self._timeout = timeout
        self._has_token = settings.hf_token is not None
        # Learned from a short first page that turned out not to be the last: the server's own page size.
        self._server_page: int | None = None
        self.requests = 0  # every HTTP request this source made, failed days included
        self._counting = threading.Lock()  # DIGEST_LINKED and library ids ask a few papers at once
        self._headers = {"User-Agent": USER_AGENT}
        if settings.hf_token is not None:
            self._headers["Authorization"] = f"Bearer {settings.hf_token.reveal()}"

    def fetch_day(self, day: date, deadline: Deadline) -> DayListing:
        """The day's items from the API, else from the day's page; raises an UpstreamError subclass."""
        tally = _Tally()
        window = served.Window.day(day)
        try:
            items = self._fetch_pages({"date": day.isoformat()}, window, deadline, tally)
            return DayListing(day, tuple(items), "api", tally.requests)
        except Unserved as api_failure:
            logger.warning(
                "Hugging Face API failed; reading the day's page instead",
                extra={"date": day.isoformat(), "problem": str(api_failure)},
            )
            try:
                items = self._fetch_html(day, window, deadline, tally)
            except Unserved as page_failure:
                hint = self._offline_hint if api_failure.unreachable and page_failure.unreachable else ""
                message = (
                    f"Hugging Face could not serve {day}: the API {api_failure}; "
                    f"the page /papers/date/{day} {page_failure}{hint}"
                )
                if isinstance(api_failure, OtherList):
                    raise WrongDay(message, asked=window.label, served=api_failure.served) from page_failure
                raise UpstreamError(message) from page_failure
            return DayListing(day, tuple(items), "html", tally.requests)

    def fetch(self, span: Span, deadline: Deadline) -> DayListing:
        """The span's items: a day's (with the page as fallback), or a week's or month's from the API."""
        if span.kind == SpanKind.DAY:
            return self.fetch_day(span.last, deadline)
        tally = _Tally()
        items = self.fetch_period(span.query, deadline, tally)
        return DayListing(span.last, tuple(items), "api", tally.requests)

    def fetch_period(
        self, query: dict[str, str], deadline: Deadline, tally: _Tally | None = None
    ) -> list[dict[str, Any]]:
        """All items for a query such as {"week": "2025-W40"} or {"month": "2025-09"}, paged."""
        window = period_window(query)
        try:
            return self._fetch_pages(query, window, deadline, tally or _Tally())
        except OtherList as exc:
            message = f"Hugging Face could not serve {window.label}: the API {exc}"
            raise WrongDay(message, asked=window.label, served=exc.served) from exc
        except Unserved as exc:
            hint = self._offline_hint if exc.unreachable else ""
            message = f"Hugging Face could not serve {_describe(query)}: the API {exc}{hint}"
            raise UpstreamError(message) from exc

    def _fetch_pages(
        self, query: Mapping[str, str], window: served.Window, deadline: Deadline, tally: _Tally
    ) -> list[dict[str, Any]]:
        """Every page of the list. A page shorter than asked ends it only if shorter than the server's own
        page size: a short first page of a round size (a server capping `limit`, as Hugging Face's default
        of 50 does) is followed by one more request, with that size as `limit`, to find out."""
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        limit = self._server_page or PAGE_SIZE
        page = 0
        while len(items) < MAX_ITEMS:
            params = {**query, "limit": str(limit), "p": str(page)}
            batch = self._get(
                "/api/daily_papers",
                params,
                deadline,
                tally,
                subject=query.get("date") or _describe(query),
                accept="application/json",
                parse=items_from_json,
                refuse=self._api_refusal(query),
            )
            refused = served.refusal(batch, window)
            if refused is not None:
                raise OtherList(refused)
            fresh = 0
            for item in batch:
                # Upvotes change between page requests, so a paper can slide across a page boundary.
                key = _paper_id(item)
                if key is not None and key in seen:
                    continue
                if key is not None:
                    seen.add(key)
                items.append(item)
                fresh += 1
            probing = page == 1 and limit != (self._server_page or PAGE_SIZE)
            if probing and batch and fresh:
                self._server_page = limit  # the short first page was the server's page size
            if page == 0 and len(batch) < limit == PAGE_SIZE and _round_page_size(len(batch)):
                limit, page = len(batch), 1
                continue
            if len(batch) < limit or (probing and not fresh):
                return items
            if fresh == 0:
                raise Unserved(f"repeated page {page - 1} as page {page} (it ignores paging)")
            page += 1
        raise Unserved(f"kept answering full pages past {MAX_ITEMS} papers")

    def _fetch_html(
        self, day: date, window: served.Window, deadline: Deadline, tally: _Tally
    ) -> list[dict[str, Any]]:
        items = self._fetch_page(day, deadline, tally)
        refused = served.refusal(items, window)
        if refused is not None:
            raise Unserved(f"shows {day} but {refused}")
        return items

    def _fetch_page(self, day: date, deadline: Deadline, tally: _Tally) -> list[dict[str, Any]]:
        def refuse(status: int) -> UpstreamError:
            return Unserved(f"answered HTTP {status}")

        return self._get(
            f"/papers/date/{day.isoformat()}",
            {},
            deadline,
            tally,
            subject=day.isoformat(),
            accept="text/html",
            parse=lambda response: items_from_page(response, day),
            refuse=refuse,
        )

    def _api_refusal(self, query: Mapping[str, str]) -> Callable[[int], UpstreamError]:
        def refuse(status: int) -> UpstreamError:
            if status == 400:
                if "date" in query:
                    return DayNotAvailable(
                        f"Hugging Face has no list for {query['date']}: the date is invalid or the day is "
                        "not open yet (HTTP 400)"
                    )
                return DayNotAvailable(
                    f"Hugging Face has no list for {_describe(query)}: the value is invalid or not open yet "
                    "(HTTP 400)"
                )
            if status == 401:
                if self._has_token:
                    return UpstreamError("Hugging Face rejected HF_TOKEN (HTTP 401): renew it or unset it")
                return UpstreamError("Hugging Face asked for authentication (HTTP 401): set HF_TOKEN")
            if status == 403:
                return UpstreamError("Hugging Face refused access to /api/daily_papers (HTTP 403)")
            if status == 404:
                # The endpoint itself is gone or moved: the day's page may still serve it.
                return Unserved("answered HTTP 404 (no /api/daily_papers at this address)")
            return UpstreamError(f"Hugging Face answered HTTP {status} to /api/daily_papers")

        return refuse

    def _get(
        self,
        path: str,
        params: Mapping[str, str],
        deadline: Deadline,
        tally: _Tally,
        *,
        subject: str,
        accept: str,
        parse: Callable[[requests.Response], T],
        refuse: Callable[[int], UpstreamError],
        tries: int = MAX_RETRIES + 1,
        rate_waits: int = MAX_RATE_LIMIT_WAITS,
    ) -> T:
        """One GET under the request policy (outbound.policy); parse() reads a 200 and raises BadBody to ask
        for a retry."""
        headers = {**self._headers, "Accept": accept}
        what = f"Hugging Face {path} for {subject}"

        def attempt(_: int) -> T:
            tally.requests += 1
            with self._counting:
                self.requests += 1
            try:
                with budget.watch(deadline, what):
                    response = self._session.get(
                        self._base + path,
                        params=dict(params),
                        headers=headers,
                        timeout=self._timeouts(deadline),
                    )
            except requests.Timeout as exc:  # before ConnectionError: ConnectTimeout is both
                raise _Failed(
                    "gave no answer within the timeout", isinstance(exc, requests.ConnectTimeout)
                ) from None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                raise _Failed(
                    f"dropped or refused the connection ({type(exc).__name__})", _never_connected(exc)
                ) from None
            status = response.status_code
            if status == 200:
                try:
                    return parse(response)
                except BadBody as exc:
                    raise _Failed(str(exc), status=status) from None
            if status == 429:
                raise policy.Again("HTTP 429", wait_s=rate_limit_wait(response), rate=True, status=status)
            if status >= 500:
                raise _Failed(f"answered HTTP {status}", status=status)
            raise refuse(status)

        def retrying(why: policy.Again, wait: float, count: int) -> None:
            logger.warning(
                "Hugging Face request failed; retrying",
                extra={"date": subject, "attempt": count, "status": why.status, "wait_s": round(wait, 3)},
            )

        rules = policy.Policy(
            deadline,
            BACKOFF_BASE_S,
            tries=tries,
            rate_waits=rate_waits,
            cap_s=BACKOFF_CAP_S,
            sleep=self._sleep,
            jitter=self._jitter,
            on_retry=retrying,
        )
        try:
            return rules.run(attempt)
        except policy.GaveUp as gave:
            if gave.again.rate:
                raise rate_limited(path, subject, gave.wait_s, gave.rate_waits) from None
            failed = gave.again
            unreachable = isinstance(failed, _Failed) and failed.unreachable
            if gave.why == "tries":
                raise Unserved(f"{failed.reason} ({gave.errors} attempts)", unreachable=unreachable) from None
            raise DeadlineExceeded(
                f"{what} {failed.reason}; too little time is left to retry "
                f"({deadline.remaining():.1f} s left, the next try waits {gave.wait_s:.1f} s)"
            ) from None

    def paper_info(self, arxiv_id: str, deadline: Deadline) -> dict[str, Any] | None:
        """The paper `GET /api/papers/{arxiv_id}` answers (as huggingface_hub's `HfApi.paper_info` asks), or
        None when Hugging Face does not know it (HTTP 404); raises an UpstreamError when it cannot answer."""
        path = f"/api/papers/{arxiv_id}"

        def refuse(status: int) -> UpstreamError:
            if status == 404:
                return _NotIndexed(f"Hugging Face knows no paper {arxiv_id}")
            return UpstreamError(f"Hugging Face answered HTTP {status} to /api/papers")

        try:
            return self._get(
                path,
                {},
                deadline,
                _Tally(),
                subject=arxiv_id,
                accept="application/json",
                parse=paper_from_json,
                refuse=refuse,
                tries=PAPER_TRIES,
                rate_waits=0,
            )
        except _NotIndexed:
            return None
        except RateLimited:  # not waited for: the lookup is optional and asked again next run
            raise RateLimited(
                f"Hugging Face answered HTTP 429 (rate limit) to {path}; set HF_TOKEN for a larger quota"
            ) from None
        except Unserved as exc:  # its message completes "Hugging Face ..."
            raise UpstreamError(f"Hugging Face {exc} for {path}") from None

    def repo_listing(
        self, kind: str, params: Mapping[str, str], deadline: Deadline
    ) -> tuple[list[Any], bool]:
        """One page of /api/models, /api/datasets or /api/spaces, and whether Hugging Face has a next page
        (a `Link: <...>; rel="next"` header, as huggingface_hub's paginate reads it)."""

        def parse(response: requests.Response) -> tuple[list[Any], bool]:
            try:
                data = response.json()
            except ValueError as exc:
                raise BadBody(f"answered /api/{kind} with a body that is not JSON ({exc})") from None
            if not isinstance(data, list):
                raise UpstreamError(
                    f"Hugging Face answered /api/{kind} with {type(data).__name__}, not a list"
                )
            return data, "next" in response.links

        def refuse(status: int) -> UpstreamError:
            return UpstreamError(f"Hugging Face answered HTTP {status} to /api/{kind}")

        subject = params.get("filter", kind)
        return self._get(
            f"/api/{kind}",
            params,
            deadline,
            _Tally(),
            subject=subject,
            accept="application/json",
            parse=parse,
            refuse=refuse,
        )

    def _timeouts(self, deadline: Deadline) -> tuple[float, float]:
        return budget.timeouts(deadline, *self._timeout)


def _round_page_size(count: int) -> bool:
    """Whether a short page could be a server's page size: servers choose round sizes (Hugging Face's
    default is 50); a day of 50 papers costs one more request, an empty page."""
    return count > 0 and count % 10 == 0


def _never_connected(exc: requests.RequestException) -> bool:
    """True when no connection was made (name not resolved, refused), not when one was dropped."""
    # requests wraps urllib3's MaxRetryError, whose reason is NewConnectionError (NameResolutionError too).
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def period_window(query: Mapping[str, str]) -> served.Window:
    """The list days a `week=` or `month=` query covers."""
    from hf_digest.request import parse_month, parse_week  # request imports what this module does not

    return (parse_week(query["week"]) if "week" in query else parse_month(query.get("month"))).window


def _paper_id(item: Mapping[str, Any]) -> str | None:
    paper = item.get("paper")
    key = paper.get("id") if isinstance(paper, dict) else None
    return key if isinstance(key, str) else None


def _describe(query: Mapping[str, str]) -> str:
    return "&".join(f"{key}={value}" for key, value in query.items())
