"""Reading Hugging Face's answers: the API's JSON pages, the day's page, and a 429's wait.

Errors here complete a sentence: "the API ..." or "the page ..." (Unserved), or ask for a retry (BadBody).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests

from hf_digest.errors import RateLimited, UpstreamError
from hf_digest.huggingface import served
from hf_digest.outbound import policy

MAX_RATE_LIMIT_WAITS = 3  # per request, for 429
# Hugging Face's 429 carries `RateLimit: "api";r=0;t=37` (seconds until the window resets), not Retry-After.
_RATELIMIT_RESET = re.compile(r"(?:^|;)\s*t\s*=\s*(\d+(?:\.\d+)?)")


class Unserved(UpstreamError):
    """The API or the page could not serve the list; the message completes "the API ..." / "the page ..."."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable  # no connection was ever made: DNS, refused, connect timeout


class OtherList(Unserved):
    """The answer is another day's (or period's) list."""

    def __init__(self, refused: served.Refusal) -> None:
        super().__init__(str(refused))
        self.served = refused.served


class BadBody(Exception):
    """A 200 whose body could not be read (likely cut short): worth another try."""


def items_from_json(response: requests.Response) -> list[dict[str, Any]]:
    try:
        data = response.json()
    except ValueError as exc:
        raise BadBody(f"answered a body that is not JSON ({len(response.content)} bytes)") from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise Unserved(f"answered JSON that is not a list of papers ({type(data).__name__})")
    return data


def paper_from_json(response: requests.Response) -> dict[str, Any]:
    """One paper as `GET /api/papers/{id}` answers it (huggingface_hub's `HfApi.paper_info` reads the same):
    a JSON object with `id`, `title`, `summary` (the abstract), `authors`, `ai_keywords`, ..."""
    try:
        data = response.json()
    except ValueError as exc:
        raise BadBody(f"answered a body that is not JSON ({len(response.content)} bytes)") from exc
    if not isinstance(data, dict):
        raise UpstreamError(f"Hugging Face answered /api/papers with {type(data).__name__}, not a paper")
    return data


def items_from_page(response: requests.Response, day: date) -> list[dict[str, Any]]:
    """The items embedded in the page's DailyPapers props, only if the page shows `day` itself."""
    from selectolax.lexbor import LexborHTMLParser  # the page is read only when the API did not serve the day

    html = response.content.decode("utf-8", errors="replace")
    node = LexborHTMLParser(html).css_first('div[data-target="DailyPapers"]')
    if node is None:
        raise Unserved('has no div[data-target="DailyPapers"]')
    raw = node.attributes.get("data-props")
    if not raw:
        raise Unserved("has a DailyPapers div without data-props")
    try:
        props = json.loads(raw)  # the parser has already unescaped the HTML entities
    except ValueError as exc:
        raise Unserved(f"holds data-props that are not JSON ({exc})") from exc
    if not isinstance(props, dict):
        raise Unserved("holds data-props that are not a JSON object")
    # A day with no list shows another day's papers: trust the page only for the day asked for.
    shown = props.get("dateString")
    if not isinstance(shown, str) or shown[:10] != day.isoformat():
        raise Unserved(f"shows the list of {shown!r}, not of {day}")
    papers = props.get("dailyPapers")
    if not isinstance(papers, list) or not all(isinstance(item, dict) for item in papers):
        raise Unserved("holds no list of papers in dailyPapers")
    return papers


def rate_limit_wait(response: requests.Response) -> float | None:
    """Seconds until the rate-limit window resets: `RateLimit: ...;t=S`, else `Retry-After`."""
    match = _RATELIMIT_RESET.search(response.headers.get("RateLimit", ""))
    if match:
        return float(match[1])
    return policy.retry_after(response.headers.get("Retry-After", ""))


def rate_limited(path: str, subject: str, wait: float, waits_done: int) -> RateLimited:
    retry_at = datetime.now(UTC) + timedelta(seconds=wait)
    why = (
        f"still rate-limited after {waits_done} waits"
        if waits_done >= MAX_RATE_LIMIT_WAITS
        else f"the limit resets in {wait:.0f} s, longer than this run can wait"
    )
    return RateLimited(
        f"Hugging Face rate limit (HTTP 429) on {path} for {subject}: {why}; retry after "
        f"{retry_at:%Y-%m-%d %H:%M:%S} UTC (set HF_TOKEN for a larger quota)",
        retry_after=wait,
    )
