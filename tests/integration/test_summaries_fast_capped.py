"""Issue 24 against the local Bedrock Runtime: the day's brief ("오늘의 흐름"), checked and cached; ten calls
at once by default, fewer while Bedrock throttles (AIMD); and a hard monthly cost cap, tallied in the state
store (SQLite and DynamoDB) with one atomic add per call."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hf_digest.adapters.state import DynamoStore, SQLiteStore, StateStore
from hf_digest.config import Settings
from hf_digest.core.model import Paper, papers_from_items
from hf_digest.core.rank import rank
from hf_digest.enrich.summaries.converse import converse_client
from hf_digest.enrich.summaries.prompt import converse_request, estimated_input_tokens, load_prompt
from hf_digest.enrich.summaries.report import SummaryReport, price
from hf_digest.enrich.summaries.summarize import summarize
from hf_digest.outbound import aws
from hf_digest.outbound.deadline import Deadline
from tests.bedrock_server import DAY, Answer, BedrockServer, Call, Error
from tests.helpers import create_state_table, load_sample

MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
DECEMBER = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
JANUARY = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)


def run(
    papers: list[Paper],
    store: StateStore,
    *,
    brief: bool = False,
    deadline_s: float = 300,
    now: datetime = DECEMBER,
    reserve_s: float = 5.0,
    **changes: Any,
) -> tuple[dict[str, Any], SummaryReport]:
    chosen = replace(Settings(summary_model=MODEL), **changes)
    summaries, report = summarize(
        papers,
        "ko",
        chosen,
        store,
        converse_client(chosen),
        Deadline.after(deadline_s),
        brief=brief,
        reserve_s=reserve_s,
        now=now,
    )
    return dict(summaries), report


def in_flight(calls: list[Call], at: float) -> int:
    return sum(1 for call in calls if call.started <= at < call.finished)


# -- the day's brief -------------------------------------------------------------------------------------


def test_the_day_brief_is_one_more_call_written_from_the_checked_summaries_and_cached(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    summaries, report = run(papers, store, brief=True)

    day = [call for call in bedrock.calls if call.arxiv_id == DAY]
    assert len(day) == 1 and len(bedrock.calls) == 11 and bedrock.problems == []
    assert day[0].started >= max(c.finished for c in bedrock.calls if c.arxiv_id != DAY)  # after them all
    sent = day[0].params["messages"][0]["content"][1]["text"]
    assert all(s.problem in sent and s.title in sent for s in summaries.values())  # the checked fields
    assert report.brief and report.brief.startswith("오늘 소개된 논문들은")
    assert report.to_json()["brief"]["status"] == "generated" and report.calls == 11
    bedrock.reset_calls()

    _, again = run(papers, store, brief=True)

    assert bedrock.calls == [] and again.brief == report.brief
    assert again.to_json()["brief"]["status"] == "cached"


def test_a_brief_naming_a_paper_not_shown_is_refused_and_the_post_keeps_its_keywords_only(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    bedrock.script(
        DAY,
        Answer(
            "오늘 소개된 논문들은 AlphaGeometry 이후의 흐름을 따라 추론 능력을 높이는 새로운 학습 방법을 "
            "함께 다룹니다. 여러 논문이 실험으로 그 효과를 검증합니다."
        ),
    )

    _, report = run(papers, store, brief=True)

    assert report.brief is None and report.status == "ok"  # the papers' summaries are unaffected
    brief = report.to_json()["brief"]
    assert brief["status"] == "rejected" and brief["reason"] == "names not in the paper: AlphaGeometry"


def test_a_brief_may_name_the_shown_papers(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    named = [p.title.split(":")[0] for p in papers if p.title.split(":")[0] in ("MOVA", "QuantaAlpha")]
    assert named == ["MOVA", "QuantaAlpha"]
    text = (
        f"오늘은 영상과 음성을 함께 만드는 {named[0]}와 투자 신호를 찾는 {named[1]}처럼 에이전트와 "
        "생성 모델을 다룬 논문이 많습니다. 여러 논문이 새로운 학습 방법을 실험으로 검증합니다."
    )
    bedrock.script(DAY, Answer(text))

    _, report = run(papers, store, brief=True)

    assert report.brief == text


def test_a_week_or_month_asks_for_no_brief(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    _, report = run(papers, store, brief=False)
    assert DAY not in {call.arxiv_id for call in bedrock.calls} and report.brief_status is None


# -- fast by default, slower while throttled ----------------------------------------------------------


def test_a_top_ten_digest_at_the_defaults_starts_every_call_before_the_first_answers(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    """At 1.5 s of model latency, ten calls at once take about one call's time, under the target of two."""
    bedrock.latency_s = 1.5

    summaries, _ = run(papers, store)

    calls = bedrock.calls  # the server's own clock
    starts = [call.started for call in calls]
    assert len(summaries) == 10 and len(calls) == 10
    assert max(starts) - min(starts) < 1.5  # all ten started within one call's latency
    assert max(call.finished for call in calls) - min(starts) < 2 * 1.5
    assert in_flight(calls, max(starts)) == 10


def test_a_throttling_storm_lowers_the_calls_in_flight_and_the_run_ends_before_its_deadline(
    bedrock: BedrockServer, store: SQLiteStore, samples_dir: Path
) -> None:
    many: list[Paper] = []
    for day in ("09", "10", "11"):
        found, _ = papers_from_items(load_sample(samples_dir, f"daily_papers_date_2026-02-{day}.json"))
        many += rank(found, 10)
    bedrock.latency_s = 0.2
    for paper in many:
        bedrock.script(paper.arxiv_id, Error("ThrottlingException"))  # every paper's first attempt
    deadline_s, reserve_s = 33.0, 5.0  # ATTEMPT_S (23 s) + reserve: about 5 s of calls may start
    began = time.monotonic()

    summaries, report = run(many, store, deadline_s=deadline_s, reserve_s=reserve_s)

    ended = time.monotonic()
    calls = bedrock.calls
    first = [call.started for call in calls[:10]]
    late = [call.started for call in calls if call.started > calls[0].finished + 1.5]
    assert in_flight(calls, max(first)) == 10  # the storm met ten calls at once
    assert late and max(in_flight(calls, at) for at in late) <= 5  # then AIMD halved the window
    assert report.throttled >= 10 and report.concurrency is not None and report.concurrency[1] < 10
    assert report.to_json()["concurrency"] == {"most": 10, "lowest": report.concurrency[1]}
    assert len(summaries) >= 10  # papers were still summarised
    # what could not be retried before the deadline fell back, as any throttled call does
    assert {p.status for p in report.papers} <= {"generated", "deadline", "failed"}
    assert all((p.reason or "").startswith("Throttling") for p in report.papers if p.status == "failed")
    assert ended - began < deadline_s - reserve_s  # over before the post had to be published


# -- the monthly cost cap -----------------------------------------------------------------------------


def one_call_micro(papers: list[Paper]) -> int:
    """The most one paper's call may cost by the run's own estimate, in micro-USD."""
    rates = price(MODEL)
    assert rates is not None
    prompt = load_prompt(None, "ko")
    estimates = [estimated_input_tokens(converse_request(prompt, p, MODEL, 400)) for p in papers]
    return max(math.ceil(tokens * rates[0] + 400 * rates[1]) for tokens in estimates)


def test_calls_stop_at_the_cap_within_one_calls_price_and_the_next_month_resumes(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    one = one_call_micro(papers)
    cap_usd = 3.5 * one / 1_000_000

    summaries, report = run(papers, store, summary_monthly_usd=cap_usd)

    spent = store.add("spend#2026-12", 0)
    assert 0 < spent <= cap_usd * 1_000_000
    assert cap_usd * 1_000_000 - spent < one  # stopped within one call's price of the cap
    counts = report.to_json()
    assert len(bedrock.calls) == len(summaries) == counts["generated"] > 0
    assert counts["generated"] + report.count("cost_cap") == 10 and report.status == "partial"
    assert [w for w in report.warnings if "DIGEST_SUMMARY_MONTHLY_USD" in w] == [report.warnings[0]]
    assert report.metrics()["SummaryCostCapReached"] == 1.0
    assert counts["month"] == {
        "month": "2026-12",
        "cap_usd": cap_usd,
        "spent_usd": round(spent / 1_000_000, 6),
        "reached": True,
    }
    bedrock.reset_calls()

    _, same_month = run(papers, store, summary_monthly_usd=cap_usd)
    assert bedrock.calls == [] and same_month.count("cost_cap") == 10 - counts["generated"]

    _, january = run(papers, store, summary_monthly_usd=cap_usd, now=JANUARY)
    assert january.count("generated") > 0 and len(bedrock.calls) == january.count("generated")
    assert store.add("spend#2027-01", 0) > 0 and store.add("spend#2026-12", 0) == spent


def test_a_cap_reached_before_the_run_makes_no_call(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    store.add("spend#2026-12", 1_000_000)  # a dollar already spent this month (another run, another day)

    summaries, report = run(papers, store, brief=True)

    assert summaries == {} and bedrock.calls == []
    assert report.status == "capped" and report.count("cost_cap") == 10
    assert report.metrics()["SummariesRunFailed"] == 0.0  # its own alarm, not the failure one
    assert report.to_json()["brief"]["status"] == "skipped"


def test_a_stated_price_is_what_the_cap_counts(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    bedrock.models = bedrock.models | {"us.meta.llama3-1-8b-instruct-v1:0"}
    _, report = run(
        papers[:2],
        store,
        summary_model="us.meta.llama3-1-8b-instruct-v1:0",
        summary_price_in_usd=0.22,
        summary_price_out_usd=0.22,
    )

    expected = sum(math.ceil((p.input_tokens + p.output_tokens) * 0.22) for p in report.papers)
    assert expected > 0 and store.add("spend#2026-12", 0) == expected
    tokens = report.input_tokens + report.output_tokens
    assert report.cost_usd == pytest.approx(tokens * 0.22 / 1_000_000)


def test_the_sqlite_tally_counts_every_add_from_threads_at_once(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "state.sqlite3")

    def add() -> None:
        for _ in range(10):
            store.add("spend#2026-12", 7, ttl_s=3600)

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.add("spend#2026-12", 0) == 8 * 10 * 7
    assert store.get_many(["spend#2026-12"]) == {}  # a counter is not a cached value


def test_the_dynamodb_tally_is_one_update_item_add_per_charge(moto_endpoint: str) -> None:
    """DynamoDB applies an UpdateItem's ADD atomically; moto serves requests without that guarantee, so
    this checks the shape (one ADD, never a read then a write) and the totals, one add after another."""
    client = aws.client("dynamodb", setting="DIGEST_STATE_TABLE")
    store = DynamoStore(create_state_table(client), client)
    sent: list[tuple[str, dict[str, Any]]] = []
    client.meta.events.register(
        "provide-client-params.dynamodb.*",
        lambda params, model, **_: sent.append((model.name, dict(params))),
    )

    totals = [store.add("spend#2026-12", amount, ttl_s=3600) for amount in (7, 0, 5)]

    assert totals == [7, 7, 12]
    assert [name for name, _ in sent] == ["UpdateItem"] * 3
    assert all(params["UpdateExpression"].startswith("ADD #t :amount") for _, params in sent)
    assert store.get_many(["spend#2026-12"]) == {}


def test_a_brief_the_cap_leaves_no_room_for_is_not_asked_and_says_so_once(
    bedrock: BedrockServer, store: SQLiteStore, papers: list[Paper]
) -> None:
    run(papers, store)  # the day's papers, cached and paid for
    spent = store.add("spend#2026-12", 0)
    bedrock.reset_calls()

    summaries, report = run(papers, store, brief=True, summary_monthly_usd=(spent + 1) / 1_000_000)

    assert bedrock.calls == [] and len(summaries) == 10 and report.status == "ok"  # all from the cache
    assert report.brief is None and report.to_json()["brief"]["status"] == "cost_cap"
    assert [w for w in report.warnings if w.startswith("DIGEST_SUMMARY_MONTHLY_USD")] == list(report.warnings)
    assert len(report.warnings) == 1 and report.metrics()["SummaryCostCapReached"] == 1.0
