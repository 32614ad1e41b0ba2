"""The Hugging Face source against a local look-alike: paging, retries, rate limits, the page fallback."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests

from hf_digest import USER_AGENT
from hf_digest.config import Secret, Settings
from hf_digest.core.model import papers_from_items
from hf_digest.errors import DayNotAvailable, DeadlineExceeded, RateLimited, UpstreamError
from hf_digest.huggingface.source import BACKOFF_CAP_S, HuggingFaceSource
from hf_digest.huggingface.source_answers import MAX_RATE_LIMIT_WAITS
from hf_digest.outbound.deadline import SAFETY_MARGIN_S, Deadline
from tests.helpers import free_port
from tests.hf_server import Fault, HFServer

API = "/api/daily_papers"
PAGE = "/papers/date/"
TOKEN = "hf_TESTtokenThatMustNeverBeLogged"
DAY = date(2025, 9, 30)  # 82 papers in the shared samples
RATE_LIMIT_POLICY = '"fixed";q=500;w=300;pk=:a2V5:'

MakeHFServer = Callable[..., HFServer]


def source(
    server: HFServer,
    sleeps: list[float],
    *,
    token: str | None = None,
    jitter: Callable[[], float] = lambda: 1.0,
    timeout: tuple[float, float] = (5.0, 20.0),
    sleep: Callable[[float], None] | None = None,
) -> HuggingFaceSource:
    settings = Settings(hf_base_url=server.url, hf_token=Secret(token) if token else None)
    return HuggingFaceSource(settings, sleep=sleep or sleeps.append, jitter=jitter, timeout=timeout)


def synthetic_day(day: str, count: int) -> list[dict[str, Any]]:
    return [
        {
            "paper": {
                "id": f"2601.{n:05d}",
                "title": f"Paper {n}",
                "summary": "An abstract.",
                "upvotes": 1000 - n,
                "authors": [{"name": "A. Author"}],
                "submittedOnDailyAt": f"{day}T00:00:00.000Z",
            },
            "title": f"Paper {n}",
        }
        for n in range(count)
    ]


def ids(items: Any) -> list[str]:
    return [item["paper"]["id"] for item in items]


def hits(server: HFServer, prefix: str) -> int:
    return sum(1 for r in server.requests if r.path.startswith(prefix))


def test_a_day_of_82_papers_comes_in_one_request(hf_server: HFServer) -> None:
    listing = source(hf_server, []).fetch_day(DAY, Deadline.after(60))

    assert (listing.day, listing.via, listing.requests) == (DAY, "api", 1)
    assert len(set(ids(listing.items))) == len(listing.items) == 82
    papers, problems = papers_from_items(listing.items)
    assert len(papers) == 82 and problems == []
    [request] = hf_server.requests
    assert request.query == {"date": "2025-09-30", "limit": "100", "p": "0"}
    assert request.headers["user-agent"] == USER_AGENT
    assert request.headers["accept"] == "application/json"
    assert "authorization" not in request.headers


@pytest.mark.parametrize(("count", "expected_requests"), [(150, 2), (100, 2), (250, 3), (0, 1)])
def test_one_request_per_100_papers_each_with_the_token(
    make_hf_server: MakeHFServer, count: int, expected_requests: int
) -> None:
    server = make_hf_server({"2026-01-05": synthetic_day("2026-01-05", count)})

    listing = source(server, [], token=TOKEN).fetch_day(date(2026, 1, 5), Deadline.after(60))

    assert sorted(ids(listing.items)) == sorted(ids(synthetic_day("2026-01-05", count)))
    assert listing.requests == len(server.requests) == expected_requests
    assert [r.query["p"] for r in server.requests] == [str(p) for p in range(expected_requests)]
    for request in server.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.headers["user-agent"] == USER_AGENT


def test_a_month_is_paged_like_a_day(hf_server: HFServer) -> None:
    items = source(hf_server, []).fetch_period({"month": "2025-09"}, Deadline.after(60))

    assert len(set(ids(items))) == len(items) == 535
    assert [r.query["p"] for r in hf_server.requests] == ["0", "1", "2", "3", "4", "5"]


def test_two_server_errors_then_success_waits_with_jitter(hf_server: HFServer) -> None:
    hf_server.inject(API, 500, 503)
    sleeps: list[float] = []
    jitters = iter([0.25, 0.75])

    listing = source(hf_server, sleeps, jitter=lambda: next(jitters)).fetch_day(DAY, Deadline.after(60))

    assert (listing.via, len(listing.items), listing.requests) == ("api", 82, 3)
    assert hits(hf_server, API) == 3
    # Full jitter: a random share of 0.5 s, then of 1 s.
    assert sleeps == [0.125, 0.75]


def test_backoff_doubles_and_stays_bounded(hf_server: HFServer) -> None:
    hf_server.inject(API, *[500] * 10)
    sleeps: list[float] = []

    listing = source(hf_server, sleeps).fetch_day(DAY, Deadline.after(60))

    assert listing.via == "html"
    assert sleeps == [0.5, 1.0, 2.0]


def test_backoff_stops_doubling_at_its_cap(hf_server: HFServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hf_digest.huggingface.source.BACKOFF_BASE_S", 3.0)  # 3, 6, then 12 unless capped
    hf_server.inject(API, *[500] * 4)
    sleeps: list[float] = []

    listing = source(hf_server, sleeps).fetch_day(DAY, Deadline.after(60))

    assert listing.via == "html"
    assert sleeps == [3.0, 6.0, BACKOFF_CAP_S]


def test_a_rate_limit_with_a_short_reset_is_waited_out(hf_server: HFServer) -> None:
    hf_server.inject(API, Fault(429, {"RateLimit": '"api";r=0;t=1', "RateLimit-Policy": RATE_LIMIT_POLICY}))
    sleeps: list[float] = []

    listing = source(hf_server, sleeps).fetch_day(DAY, Deadline.after(60))

    assert (listing.via, len(listing.items), listing.requests) == ("api", 82, 2)
    assert sleeps == [1.0]


def test_retry_after_is_honoured_when_ratelimit_is_absent(hf_server: HFServer) -> None:
    hf_server.inject(API, Fault(429, {"Retry-After": "2"}))
    sleeps: list[float] = []

    assert len(source(hf_server, sleeps).fetch_day(DAY, Deadline.after(60)).items) == 82
    assert sleeps == [2.0]


def test_a_rate_limit_longer_than_the_run_fails_at_once(hf_server: HFServer) -> None:
    long_wait = {"RateLimit": '"api";r=0;t=3600', "RateLimit-Policy": RATE_LIMIT_POLICY}
    hf_server.inject(API, Fault(429, long_wait))
    sleeps: list[float] = []

    with pytest.raises(RateLimited) as caught:
        source(hf_server, sleeps).fetch_day(DAY, Deadline.after(600))

    assert caught.value.retry_after == 3600
    assert "3600 s" in str(caught.value) and "retry after" in str(caught.value)
    assert sleeps == []
    assert len(hf_server.requests) == 1  # neither retried nor sent to the page, which shares the quota


def test_rate_limit_waits_are_bounded(hf_server: HFServer) -> None:
    hf_server.inject(API, *[Fault(429, {"RateLimit": '"api";r=0;t=1'})] * 10)
    sleeps: list[float] = []

    with pytest.raises(RateLimited, match="still rate-limited"):
        source(hf_server, sleeps).fetch_day(DAY, Deadline.after(60))

    assert sleeps == [1.0] * MAX_RATE_LIMIT_WAITS
    assert len(hf_server.requests) == MAX_RATE_LIMIT_WAITS + 1


def test_a_dropped_connection_is_retried(hf_server: HFServer) -> None:
    hf_server.inject(API, "drop")
    sleeps: list[float] = []

    listing = source(hf_server, sleeps).fetch_day(DAY, Deadline.after(60))

    assert (listing.via, len(listing.items), listing.requests) == ("api", 82, 2)
    assert len(sleeps) == 1


def test_a_read_timeout_is_retried(make_hf_server: MakeHFServer, sample_days: Any) -> None:
    server = make_hf_server(sample_days, hang_s=5.0)
    server.inject(API, "hang")
    started = time.monotonic()

    listing = source(server, [], timeout=(1.0, 0.3)).fetch_day(DAY, Deadline.after(60))

    assert (listing.via, len(listing.items), listing.requests) == ("api", 82, 2)
    assert time.monotonic() - started < 4.5  # gave up on the hung request (5 s) after its read timeout


def test_an_unreadable_json_body_is_retried(hf_server: HFServer) -> None:
    hf_server.inject(API, Fault(200, {"Content-Type": "application/json"}, '[{"paper": {"id": "25'))

    listing = source(hf_server, []).fetch_day(DAY, Deadline.after(60))

    assert (listing.via, len(listing.items), listing.requests) == ("api", 82, 2)


def test_a_permanent_failure_is_an_upstream_error_after_bounded_requests(hf_server: HFServer) -> None:
    hf_server.inject(API, *[500] * 20)
    hf_server.inject(PAGE, *[502] * 20)
    sleeps: list[float] = []

    with pytest.raises(UpstreamError) as caught:
        source(hf_server, sleeps, token=TOKEN).fetch_day(DAY, Deadline.after(60))

    assert type(caught.value) is UpstreamError
    message = str(caught.value)
    assert "the API answered HTTP 500 (4 attempts)" in message
    assert "the page /papers/date/2025-09-30 answered HTTP 502 (4 attempts)" in message
    assert TOKEN not in message and "make demo" not in message
    assert (hits(hf_server, API), hits(hf_server, PAGE), len(sleeps)) == (4, 4, 6)


def test_no_connection_at_all_says_how_to_try_it_offline() -> None:
    port = free_port()  # nothing listens there: every connection is refused by the system
    settings = Settings(hf_base_url=f"http://127.0.0.1:{port}")
    sleeps: list[float] = []
    hf = HuggingFaceSource(settings, sleep=sleeps.append, jitter=lambda: 1.0)

    with pytest.raises(UpstreamError) as day:
        hf.fetch_day(DAY, Deadline.after(60))
    with pytest.raises(UpstreamError) as month:
        hf.fetch_period({"month": "2025-09"}, Deadline.after(60))

    hint = " (no access to 127.0.0.1? try it offline: `make demo`)"
    assert str(day.value).startswith(f"Hugging Face could not serve {DAY}: the API dropped or refused")
    assert str(day.value).endswith(f"(4 attempts){hint}") and "\n" not in str(day.value)
    assert str(month.value).endswith(f"(4 attempts){hint}")
    assert len(sleeps) == 9  # the bounded retries still ran: 3 for the API, 3 for the page, 3 for the month


def test_a_server_that_answers_badly_gets_no_offline_hint(hf_server: HFServer) -> None:
    hf_server.inject(API, *["drop"] * 4)
    hf_server.inject(PAGE, *["drop"] * 4)

    with pytest.raises(UpstreamError) as caught:
        source(hf_server, []).fetch_day(DAY, Deadline.after(60))

    assert "dropped or refused the connection" in str(caught.value)
    assert "make demo" not in str(caught.value)  # it was reached: access is not the problem


def test_a_day_not_open_yet_is_day_not_available(make_hf_server: MakeHFServer) -> None:
    server = make_hf_server({}, open_until=date(2026, 2, 10))

    with pytest.raises(DayNotAvailable, match=r"invalid or the day is not open yet \(HTTP 400\)"):
        source(server, []).fetch_day(date(2026, 2, 11), Deadline.after(60))

    assert len(server.requests) == 1  # no retry, no page


def test_a_future_day_on_the_sample_server_is_not_available(hf_server: HFServer) -> None:
    tomorrow = datetime.now(UTC).date() + timedelta(days=2)

    with pytest.raises(DayNotAvailable, match=str(tomorrow)):
        source(hf_server, []).fetch_day(tomorrow, Deadline.after(60))


def test_the_page_serves_the_day_when_the_api_fails(hf_server: HFServer, sample_days: Any) -> None:
    hf_server.inject(API, *[500] * 4)

    listing = source(hf_server, [], token=TOKEN).fetch_day(DAY, Deadline.after(60))

    assert (listing.via, listing.requests) == ("html", 5)
    assert sorted(ids(listing.items)) == sorted(ids(sample_days["2025-09-30"]))
    assert listing.items == tuple(hf_server.items_for_day("2025-09-30"))  # same papers, same fields
    page_request = hf_server.requests[-1]
    assert page_request.path == "/papers/date/2025-09-30"
    assert page_request.headers["user-agent"] == USER_AGENT


@pytest.mark.parametrize(
    "fault",
    [
        Fault(404, {}, '{"error": "Not Found"}'),
        Fault(200, {"Content-Type": "application/json"}, '{"error": "unexpected"}'),
    ],
    ids=["api-404", "api-not-a-list"],
)
def test_a_gone_or_changed_api_goes_to_the_page_without_retries(hf_server: HFServer, fault: Fault) -> None:
    hf_server.inject(API, fault)
    sleeps: list[float] = []

    listing = source(hf_server, sleeps).fetch_day(DAY, Deadline.after(60))

    assert (listing.via, len(listing.items), listing.requests, sleeps) == ("html", 82, 2, [])


@pytest.mark.parametrize(
    ("page_fault", "says"),
    [
        ("html-other-day", "shows the list of '2025-09-29', not of 2025-09-30"),
        ("html-no-div", 'has no div[data-target="DailyPapers"]'),
        ("html-bad-json", "holds data-props that are not JSON"),
    ],
)
def test_a_page_that_cannot_be_trusted_is_refused(hf_server: HFServer, page_fault: str, says: str) -> None:
    hf_server.inject(API, *[500] * 4)
    hf_server.inject(PAGE, page_fault)

    with pytest.raises(UpstreamError) as caught:
        source(hf_server, []).fetch_day(DAY, Deadline.after(60))

    assert says in str(caught.value)
    assert "the API answered HTTP 500" in str(caught.value)
    assert hits(hf_server, PAGE) == 1  # a refused page is not fetched again


def test_an_empty_day_whose_page_shows_the_day_before_is_refused(hf_server: HFServer) -> None:
    # 2026-02-14 is a Saturday with no papers: the page falls back to Friday's list, as on the real site.
    hf_server.inject(API, *[500] * 4)

    with pytest.raises(UpstreamError, match="shows the list of '2026-02-13', not of 2026-02-14"):
        source(hf_server, []).fetch_day(date(2026, 2, 14), Deadline.after(60))


def test_little_time_left_stops_a_storm_of_errors_at_once(hf_server: HFServer) -> None:
    hf_server.inject(API, *[500] * 20)
    hf_server.inject(PAGE, *[500] * 20)
    sleeps: list[float] = []

    # 2 s left is less than the margin kept to publish or report: no request is even started.
    with pytest.raises(DeadlineExceeded, match="too little time is left for a request"):
        source(hf_server, sleeps).fetch_day(DAY, Deadline.after(2))

    assert sleeps == []
    assert hf_server.requests == []


def test_retries_stop_before_they_would_outlive_the_deadline(hf_server: HFServer) -> None:
    hf_server.inject(API, *[500] * 20)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    deadline = Deadline.after(SAFETY_MARGIN_S + 1.2)  # room for the 0.5 s wait, not for the 1 s after it
    with pytest.raises(DeadlineExceeded):
        source(hf_server, sleeps, sleep=sleep).fetch_day(DAY, deadline)

    assert sleeps == [0.5]
    assert deadline.remaining() > SAFETY_MARGIN_S - 0.5
    assert hits(hf_server, PAGE) == 0


def test_retries_are_logged_with_keys_and_without_the_token(
    hf_server: HFServer, caplog: pytest.LogCaptureFixture
) -> None:
    hf_server.inject(API, 500, *[503] * 3)
    caplog.set_level(logging.DEBUG, logger="hf_digest")

    listing = source(hf_server, [], token=TOKEN).fetch_day(DAY, Deadline.after(60))

    assert listing.via == "html"
    retries = [r for r in caplog.records if hasattr(r, "wait_s")]
    assert [(r.__dict__["attempt"], r.__dict__["status"]) for r in retries] == [(1, 500), (2, 503), (3, 503)]
    assert all(r.__dict__["date"] == "2025-09-30" for r in retries)
    assert any("page" in r.getMessage() for r in caplog.records)
    assert all(TOKEN not in str(r.__dict__) for r in caplog.records)


def test_the_lookalike_pages_like_hugging_face(hf_server: HFServer) -> None:
    """The test server itself: default limit 50, limit clamped to 100, [] past the end, JSON 400s."""
    base = f"{hf_server.url}{API}"
    assert len(requests.get(base, params={"date": "2025-09-30"}, timeout=5).json()) == 50
    assert len(requests.get(base, params={"date": "2025-09-30", "limit": "500"}, timeout=5).json()) == 82
    assert requests.get(base, params={"date": "2025-09-30", "limit": "100", "p": "1"}, timeout=5).json() == []
    listed = requests.get(base, params={"date": "2026-02-10"}, timeout=5).json()
    votes = [item["paper"]["upvotes"] for item in listed]
    assert votes == sorted(votes, reverse=True)
    bad = requests.get(base, params={"date": "2025-13-01"}, timeout=5)
    assert bad.status_code == 400 and "error" in bad.json()
