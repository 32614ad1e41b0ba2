"""Lists Hugging Face should not be trusted with as they come: another day's list answered for the day
asked (a cache that ignores the query string), a stray item among the day's own, and a server that caps
pages below our `limit`. Through the local look-alike and the real source, for days, weeks and months."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from hf_digest.config import Settings
from hf_digest.core.model import day_span, papers_from_items
from hf_digest.core.rank import digest as rank_digest
from hf_digest.errors import WrongDay
from hf_digest.huggingface import served
from hf_digest.huggingface.source import HuggingFaceSource
from hf_digest.outbound.deadline import Deadline
from hf_digest.rendering.render import render
from hf_digest.request import parse_month, parse_week
from tests.hf_server import HFServer

API = "/api/daily_papers"
PAGE = "/papers/date/"
DAY = date(2026, 2, 10)


def source(server: HFServer) -> HuggingFaceSource:
    return HuggingFaceSource(Settings(hf_base_url=server.url), sleep=lambda _: None)


def api_requests(server: HFServer) -> list[dict[str, str]]:
    return [r.query for r in server.requests if r.path == API]


# --- another day's list -----------------------------------------------------------------------------


def test_the_api_answering_another_days_list_falls_back_to_the_days_page(hf_server: HFServer) -> None:
    hf_server.serve_as = {"date": "2026-02-09"}  # every date= answered with Monday's list
    listing = source(hf_server).fetch_day(DAY, Deadline.after(60))
    assert listing.via == "html"  # the page is not behind the stale cache here
    assert {item["paper"]["submittedOnDailyAt"][:10] for item in listing.items} == {"2026-02-10"}


@pytest.mark.parametrize(
    ("asked", "served_day"),
    [(DAY, "2026-02-09"), (date(2025, 1, 23), "2025-01-22"), (date(2025, 1, 21), "2025-01-22")],
    ids=["newest-schema", "older-schema-day-after", "older-schema-day-before"],
)
def test_another_days_list_is_refused_naming_both_days_when_the_page_fails_too(
    hf_server: HFServer, asked: date, served_day: str
) -> None:
    # 2025-01-22's items carry no submittedOnDailyAt: their submission time is what tells their day.
    hf_server.serve_as = {"date": served_day}
    hf_server.inject(PAGE, *[503] * 4)
    with pytest.raises(WrongDay) as caught:
        source(hf_server).fetch_day(asked, Deadline.after(60))
    error = caught.value
    assert error.asked == asked.isoformat() and served_day in error.served
    assert str(error).startswith(
        f"Hugging Face could not serve {asked}: the API answered with the list of {error.served}: "
    )
    assert "items were listed on another day" in str(error) and "\n" not in str(error)


@pytest.mark.parametrize(
    ("query", "stale", "asked"),
    [
        ({"week": "2025-W40"}, {"week": "2025-W38"}, "week 2025-W40"),
        ({"month": "2025-09"}, {"month": "2025-11"}, "month 2025-09"),
    ],
)
def test_another_periods_list_is_refused(
    hf_server: HFServer, query: dict[str, str], stale: dict[str, str], asked: str
) -> None:
    hf_server.serve_as = stale
    with pytest.raises(WrongDay) as caught:
        source(hf_server).fetch_period(query, Deadline.after(60))
    assert caught.value.asked == asked
    assert str(caught.value).startswith(
        f"Hugging Face could not serve {asked}: the API answered with the list"
    )
    assert len(api_requests(hf_server)) == 1  # refused on its first page


def test_a_stray_item_among_the_days_own_is_left_out_with_a_warning_and_counted(
    make_hf_server: Any, sample_days: dict[str, list[dict[str, Any]]]
) -> None:
    items = copy.deepcopy(sample_days[DAY.isoformat()])
    stray = copy.deepcopy(sample_days["2026-02-09"][0])
    hf = make_hf_server({DAY.isoformat(): [*items, stray]})
    listing = source(hf).fetch_day(DAY, Deadline.after(60))
    assert listing.via == "api" and len(listing.items) == len(items) + 1

    papers, warnings = papers_from_items(listing.items, served.Window.day(DAY))
    assert stray["paper"]["id"] not in {p.arxiv_id for p in papers} and len(papers) == len(items)
    at = [item["paper"]["id"] for item in listing.items].index(stray["paper"]["id"])
    assert warnings == [f"item {at}: {stray['paper']['id']} was listed on 2026-02-09, not 2026-02-10"]
    digest = rank_digest(day_span(DAY), papers, 10, warnings)
    assert digest.total == len(items) + 1  # what Hugging Face listed, the stray included
    post = render(digest, Settings(), "en").files[0].content.decode()
    assert f"**{len(items) + 1}** papers were listed; the top **10** by upvotes are shown." in post
    assert "**1** of them are left out (malformed, or listed on another day)." in post


def test_a_periods_stray_is_left_out(hf_server: HFServer) -> None:
    period = parse_week("2025-W40")
    items = source(hf_server).fetch_period(period.query, Deadline.after(60))
    late = copy.deepcopy(items[0])
    late["paper"]["submittedOnDailyAt"] = "2025-10-06T00:00:00.000Z"  # the Monday after
    late["paper"]["id"] = "2510.99999"
    papers, warnings = papers_from_items([*items, late], period.window)
    assert len(papers) == len(items) and warnings[0].endswith("was listed on 2025-10-06, not week 2025-W40")
    post = render(rank_digest(period, papers, 5, warnings), Settings(), "ko").files[0]
    assert "그중 **1개**는 형식이 맞지 않거나 다른 날의 목록이라 제외했습니다." in post.content.decode()


def test_every_recording_is_its_own_days_list(sample_days: dict[str, list[dict[str, Any]]]) -> None:
    for day, items in sample_days.items():
        window = served.Window.day(date.fromisoformat(day))
        assert served.refusal(items, window) is None
        assert [served.stray(item, window) for item in items] == [None] * len(items), day


# --- a server that caps its pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "count", "cap", "pages"),
    [
        ("2025-09-30", 82, 50, [("100", "0"), ("50", "1")]),
        ("2026-05-12", 50, 50, [("100", "0"), ("50", "1")]),  # one more request: an empty page
        ("2025-09-30", 82, None, [("100", "0")]),  # a normal day of fewer than 100: one request
        ("2026-05-12", 50, None, [("100", "0"), ("50", "1")]),  # 50 may be a cap: one more, empty
        ("2026-02-10", 33, 30, [("100", "0"), ("30", "1")]),
    ],
    ids=["82-capped-at-50", "50-capped-at-50", "82-uncapped", "50-uncapped", "33-capped-at-30"],
)
def test_a_server_capping_pages_below_the_limit_still_gives_the_whole_day(
    hf_server: HFServer, day: str, count: int, cap: int | None, pages: list[tuple[str, str]]
) -> None:
    hf_server.page_cap = cap
    listing = source(hf_server).fetch_day(date.fromisoformat(day), Deadline.after(60))
    assert len(listing.items) == count == len({item["paper"]["id"] for item in listing.items})
    assert [(q["limit"], q["p"]) for q in api_requests(hf_server)] == pages
    assert listing.requests == len(pages)


def test_a_learned_page_size_is_kept_for_the_next_days(hf_server: HFServer) -> None:
    hf_server.page_cap = 50
    days = source(hf_server)
    assert len(days.fetch_day(date(2025, 9, 30), Deadline.after(60)).items) == 82
    hf_server.reset_log()
    assert len(days.fetch_day(date(2025, 9, 29), Deadline.after(60)).items) > 0
    assert {q["limit"] for q in api_requests(hf_server)} == {"50"}


@pytest.mark.parametrize(("query", "count"), [({"month": "2025-09"}, 535), ({"week": "2025-W40"}, None)])
def test_a_capped_server_gives_whole_weeks_and_months(
    hf_server: HFServer, query: dict[str, str], count: int | None
) -> None:
    whole = source(hf_server).fetch_period(query, Deadline.after(60))
    hf_server.page_cap = 50
    capped = source(hf_server).fetch_period(query, Deadline.after(60))
    assert len(capped) == len(whole) == (count or len(whole)) and len(whole) > 50
    period = parse_month(query["month"]) if "month" in query else parse_week(query["week"])
    assert papers_from_items(capped, period.window)[1] == []
