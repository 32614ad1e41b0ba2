"""What Hugging Face lists, through the real handler: another day's list is never published, a capped page
size still gives the whole day, and items left out are counted, not hidden."""

from __future__ import annotations

import copy
from typing import Any

from hf_digest.errors import WrongDay
from tests.reliability.stack import Stack

DAY = "2026-02-10"
PAGE = "/papers/date/"


def test_another_days_list_is_never_published(stack: Stack) -> None:
    stack.hf.serve_as = {"date": "2026-02-09"}  # a cache that ignores the query string
    stack.hf.inject(PAGE, *[503] * 4)
    run = stack.invoke({"date": DAY})
    assert isinstance(run.error, WrongDay)
    assert str(run.error).startswith(
        f"Hugging Face could not serve {DAY}: the API answered with the list of 2026-02-09: 26 of 26 items "
    )
    stack.assert_nothing_written()
    assert stack.output.metrics()[-1] == {"RunError": 1}


def test_a_server_capping_pages_still_publishes_the_whole_day(stack: Stack) -> None:
    stack.hf.page_cap = 20
    run = stack.invoke({"date": DAY, "top": 0})
    assert run.result is not None and run.status == "published"
    assert (run.result["papers_total"], run.result["papers_shown"], len(stack.hf.day_requests)) == (33, 33, 2)
    assert run.result["hf_requests"] == len(stack.hf.requests)
    assert "총 **33개**의 논문이 수집되었습니다." in stack.assert_published_once(DAY).decode()


def test_a_stray_item_is_counted_as_listed_and_said_to_be_left_out(
    stack: Stack, sample_days: dict[str, list[dict[str, Any]]]
) -> None:
    stray = copy.deepcopy(sample_days["2026-02-09"][0])
    stack.hf.days[DAY] = [*sample_days[DAY], stray]
    run = stack.invoke({"date": DAY})
    assert run.result is not None and run.status == "published"
    assert run.result["papers_total"] == 34
    post = stack.assert_published_once(DAY).decode()
    assert stray["paper"]["title"] not in post
    assert "그중 **1개**는 형식이 맞지 않거나 다른 날의 목록이라 제외했습니다." in post
    assert run.result["warnings"] == [f"item 3: {stray['paper']['id']} was listed on 2026-02-09, not {DAY}"]
