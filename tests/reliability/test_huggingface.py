"""Cases 1-3 and 5-7: what Hugging Face answers, and what the handler then publishes (or does not)."""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

import pytest

from hf_digest.errors import DayNotAvailable, RateLimited, UpstreamError
from hf_digest.huggingface import source
from hf_digest.huggingface.source import HuggingFaceSource
from tests.hf_server import Fault
from tests.reliability.stack import Stack

DAY = "2026-02-10"
API = "/api/daily_papers"
PAGE = "/papers/date/"
RETRYING = "Hugging Face request failed; retrying"
# A missing value printed: "기관: None", "(null)", "None명", "⭐ None" (as in tests/unit/test_render.py).
MISSING = re.compile(r"(?:: |\(|\[|👍 |⭐ )(?:None|null)\b|None명|\b(?:None|null)$", re.MULTILINE)


def ratelimit(seconds: int) -> Fault:
    """Hugging Face's 429: the reset time is in `RateLimit: ...;t=S`, there is no Retry-After."""
    headers = {"RateLimit": f'"api";r=0;t={seconds}', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
    return Fault(429, headers, "Too Many Requests")


# --- 1. 500/502/503, then 200 --------------------------------------------------------------------------


def test_server_errors_then_200_make_one_post_after_bounded_jittered_waits(stack: Stack) -> None:
    stack.hf.inject(API, 500, 502, 503)
    run = stack.invoke({"date": DAY})
    assert (run.status, run.outcomes()) == ("published", {"github": "created", "s3": "created"})
    assert run.result is not None and len(stack.hf.day_requests) == 4
    assert run.result["hf_requests"] == len(stack.hf.requests) == 4  # the day's tries, nothing else
    stack.assert_published_once(DAY)
    retries = stack.output.lines(RETRYING)
    assert [(r["attempt"], r["status"]) for r in retries] == [(1, 500), (2, 502), (3, 503)]
    caps = [source.BACKOFF_BASE_S * 2 ** (r["attempt"] - 1) for r in retries]
    assert all(0 <= r["wait_s"] <= cap for r, cap in zip(retries, caps, strict=True))  # bounded
    assert any(r["wait_s"] < cap for r, cap in zip(retries, caps, strict=True))  # jittered, not fixed


def test_a_server_that_keeps_failing_gets_bounded_tries_then_a_clear_error(stack: Stack) -> None:
    stack.hf.inject(API, *[503] * 10)
    stack.hf.inject(PAGE, *[503] * 10)
    run = stack.invoke({"date": DAY})
    assert isinstance(run.error, UpstreamError)
    assert str(run.error) == (
        f"Hugging Face could not serve {DAY}: the API answered HTTP 503 (4 attempts); "
        f"the page /papers/date/{DAY} answered HTTP 503 (4 attempts)"
    )
    paths = [r.path for r in stack.hf.requests]
    assert paths == [API] * 4 + [f"{PAGE}{DAY}"] * 4  # 1 + MAX_RETRIES each, then stop
    stack.assert_nothing_written()
    assert stack.output.metrics()[-1] == {"RunError": 1}


# --- 2. 429 ---------------------------------------------------------------------------------------------


def test_a_rate_limit_of_two_seconds_is_waited_out(stack: Stack) -> None:
    stack.hf.inject(API, ratelimit(2))
    run = stack.invoke({"date": DAY})
    assert run.status == "published"
    assert 2.0 <= run.wall_s < 10.0
    assert [r["wait_s"] for r in stack.output.lines(RETRYING)] == [2.0]
    stack.assert_published_once(DAY)


@pytest.mark.parametrize(
    ("reset_s", "remaining_ms"),
    [(3600, 120_000), (6, 10_000)],
    ids=["an-hour-away", "longer-than-the-deadline-allows"],
)
def test_a_rate_limit_longer_than_the_run_can_wait_fails_fast(
    stack: Stack, reset_s: int, remaining_ms: int
) -> None:
    stack.hf.inject(API, ratelimit(reset_s))
    run = stack.invoke({"date": DAY}, remaining_ms=remaining_ms)
    assert isinstance(run.error, RateLimited) and run.error.retry_after == reset_s
    assert f"the limit resets in {reset_s} s, longer than this run can wait; retry after " in str(run.error)
    assert run.wall_s < 4.0  # far below the wait asked for (6 s, 3600 s): no sleep, none past the deadline
    assert len(stack.hf.requests) == 1
    stack.assert_nothing_written()


# --- 3. read timeout, connection reset ------------------------------------------------------------------


@pytest.fixture
def short_read_timeout(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """The handler builds its source with the default timeouts; a 0.25 s read timeout keeps hangs short."""
    assert HuggingFaceSource.__init__.__kwdefaults__ is not None
    monkeypatch.setitem(HuggingFaceSource.__init__.__kwdefaults__, "timeout", (2.0, 0.25))
    stack.hf.hang_s = 1.0


@pytest.mark.usefixtures("short_read_timeout")
@pytest.mark.parametrize("faults", [["hang"], ["drop"], ["hang", "drop"]])
def test_a_read_timeout_or_reset_connection_is_retried(stack: Stack, faults: list[str]) -> None:
    stack.hf.inject(API, *faults)
    run = stack.invoke({"date": DAY})
    assert run.status == "published"
    assert run.result is not None and len(stack.hf.day_requests) == len(faults) + 1
    assert run.result["hf_requests"] == len(stack.hf.requests)
    stack.assert_published_once(DAY)


@pytest.mark.usefixtures("short_read_timeout")
@pytest.mark.parametrize(
    ("fault", "problem"),
    [("hang", "gave no answer within the timeout"), ("drop", "dropped or refused the connection")],
)
def test_a_server_that_never_answers_fails_clearly_and_writes_nothing(
    stack: Stack, fault: str, problem: str
) -> None:
    stack.hf.inject(API, *[fault] * 4)
    stack.hf.inject(PAGE, *[fault] * 4)
    run = stack.invoke({"date": DAY})
    assert isinstance(run.error, UpstreamError)
    assert f"Hugging Face could not serve {DAY}: the API {problem}" in str(run.error)
    assert f"the page /papers/date/{DAY} {problem}" in str(run.error)
    assert len(stack.hf.requests) == 8
    stack.assert_nothing_written()


# --- 4 (first part). 400 for the day --------------------------------------------------------------------


def test_a_400_for_the_day_is_not_retried_and_writes_nothing(stack: Stack) -> None:
    stack.hf.open_until = date(2026, 2, 9)  # Hugging Face has not opened the day
    run = stack.invoke({"date": DAY})
    assert isinstance(run.error, DayNotAvailable)
    assert str(run.error).startswith(f"Hugging Face has no list for {DAY}: ")
    assert len(stack.hf.requests) == 1
    stack.assert_nothing_written()


# --- 5. an empty day ------------------------------------------------------------------------------------


def test_an_empty_day_is_empty_with_a_metric_and_writes_nothing(stack: Stack) -> None:
    run = stack.invoke({"date": "2026-02-14"})  # a Saturday: Hugging Face lists []
    assert run.result is not None
    assert (run.status, run.result["papers_total"], run.result["destinations"]) == ("empty", 0, [])
    stack.assert_nothing_written()
    assert stack.github.requests == []
    assert stack.output.metrics()[-1] == {"PapersListed": 0, "PapersPublished": 0, "RunEmpty": 1}


# --- 6. the page fallback -------------------------------------------------------------------------------


def test_the_page_serves_the_day_when_the_api_is_gone(stack: Stack) -> None:
    stack.hf.inject(API, 404)
    run = stack.invoke({"date": DAY})
    assert run.result is not None and (run.status, run.result["source"]) == ("published", "html")
    assert run.result["papers_total"] == 33
    stack.assert_published_once(DAY)


@pytest.mark.parametrize(
    ("page_fault", "says"),
    [
        ("html-no-div", 'has no div[data-target="DailyPapers"]'),
        ("html-bad-json", "holds data-props that are not JSON"),
        ("html-other-day", f"shows the list of '2026-02-09', not of {DAY}"),
    ],
)
def test_a_page_that_cannot_be_trusted_is_refused_and_nothing_published(
    stack: Stack, page_fault: str, says: str
) -> None:
    stack.hf.inject(API, 404)
    stack.hf.inject(PAGE, page_fault)
    run = stack.invoke({"date": DAY})
    assert isinstance(run.error, UpstreamError)
    assert f"the page /papers/date/{DAY} {says}" in str(run.error)
    stack.assert_nothing_written()


# --- 7. schema drift ------------------------------------------------------------------------------------


def drifted(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 2026-02-10 items with four kinds of drift in the first five."""
    items = copy.deepcopy(items)
    del items[0]["paper"]["upvotes"]
    del items[1]["paper"]["title"]
    items[1].pop("title", None)
    items[2]["paper"]["upvotes"] = None
    nulls = items[3]
    nulls["paper"].update(
        dict.fromkeys(
            ("summary", "authors", "organization", "githubRepo", "githubStars", "projectPage", "ai_summary")
        )
    )
    nulls["paper"]["ai_keywords"] = None
    nulls.update(numComments=None, thumbnail=None, summary=None, organization=None, submittedBy=None)
    nulls["paper"]["upvotes"] = 999
    extra = items[4]
    extra["paper"].update(upvotes=998, reviewScore={"mean": 4.5}, newFlag=True)
    extra.update(brandNewKey=[1, 2, 3], anotherOne=None)
    return items


def test_drifted_items_are_skipped_with_warnings_and_no_none_reaches_the_post(
    stack: Stack, sample_days: dict[str, list[dict[str, Any]]]
) -> None:
    items = drifted(sample_days[DAY])
    stack.hf.days[DAY] = items
    run = stack.invoke({"date": DAY})
    assert run.result is not None and run.status == "published"
    assert (run.result["papers_total"], run.result["papers_shown"]) == (33, 10)  # what Hugging Face listed
    skipped = [
        (items[i]["paper"]["id"], why) for i, why in ((0, "upvote count"), (1, "title"), (2, "upvote count"))
    ]
    assert len(run.result["warnings"]) == 3
    for (arxiv_id, why), warning in zip(skipped, sorted(run.result["warnings"]), strict=True):
        assert arxiv_id in warning and why in warning
    assert len(stack.output.lines("paper left out: " + run.result["warnings"][0])) == 1
    post = stack.assert_published_once(DAY).decode("utf-8")
    assert items[3]["paper"]["title"] in post and items[4]["paper"]["title"] in post
    assert "총 **33개** 논문 중 좋아요 상위 **10개**를 소개합니다.\n그중 **3개**는 형식이 맞지 않거나" in post
    assert MISSING.findall(post) == []
    assert "None" not in post.split("---")[1]  # the front matter


def test_when_no_item_can_be_read_the_run_fails_loudly(
    stack: Stack, sample_days: dict[str, list[dict[str, Any]]]
) -> None:
    items = copy.deepcopy(sample_days[DAY])
    for item in items:
        item["paper"]["upVotes"] = item["paper"].pop("upvotes")  # a renamed key
    stack.hf.days[DAY] = items
    run = stack.invoke({"date": DAY})
    assert isinstance(run.error, UpstreamError)
    assert f"Hugging Face listed 33 items for {DAY} but none could be read as a paper" in str(run.error)
    stack.assert_nothing_written()
