"""`python -m bench.summaries`: the summaries' figures against the local Bedrock Runtime (in process).

Converse calls per digest (first run, rerun; a daily digest adds one call for its brief), the wall time of
a 10-paper digest's summaries with 1.5 s of scripted model latency at the default concurrency (and at the
old default of 4), the same under a throttling storm (AIMD), tokens per paper, and the monthly cost of
daily + weekly + monthly runs at two models' published prices against DIGEST_SUMMARY_MONTHLY_USD, with
the weekly and monthly calls measured after their days were cached.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tests.bedrock_server import Answer, BedrockServer, Error
from tests.hf_server import load_sample_days

from bench import cost as lambda_cost
from bench.servers import SAMPLES
from hf_digest.adapters.state import SQLiteStore
from hf_digest.config import Settings
from hf_digest.core.model import Paper, papers_from_items
from hf_digest.core.rank import rank
from hf_digest.enrich.summaries.converse import converse_client
from hf_digest.enrich.summaries.report import PRICES_AS_OF, SummaryReport, cost_usd
from hf_digest.enrich.summaries.summarize import summarize
from hf_digest.outbound.deadline import Deadline

LATENCY_S = 1.5
CONCURRENCY = (4, 10)  # the old default bound, and the default since issue 24 (one call per paper)
TOP_N = 10
MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
PRICED = (MODEL, "apac.amazon.nova-lite-v1:0")  # the two models the README quotes
WEEK = ("2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13")
MONTH_FILE = "honggi82_month_2025-11.json"
Row = tuple[str, str, str, str]


@dataclass(frozen=True)
class SummaryFigures:
    first_calls: int
    rerun_calls: int
    papers: int
    wall_s: dict[int, float]  # concurrency -> wall time of the 10 papers' summaries at LATENCY_S
    start_spread_s: float  # at the default: the server's last call start minus its first
    storm_wall_s: float  # every paper throttled once, at the default
    storm_lowest: int  # the lowest concurrency AIMD went to in the storm
    input_per_paper: float
    output_per_paper: float
    day_input: int  # a daily digest's tokens, its brief included
    day_output: int
    weekly_new_calls: int  # after the week's days were summarised
    monthly_new_calls: int  # after the month's days were summarised
    month_days: int

    def monthly_usd(self, model: str) -> float:
        """Per month: 30 daily digests of new papers with their briefs, plus what the weekly and monthly
        runs add."""
        daily = cost_usd(model, self.day_input, self.day_output) or 0.0
        calls = (
            lambda_cost.WEEKLY_RUNS * self.weekly_new_calls
            + lambda_cost.MONTHLY_RUNS * self.monthly_new_calls
        )
        per_call = cost_usd(model, round(self.input_per_paper), round(self.output_per_paper))
        return lambda_cost.RUNS_PER_MONTH * daily + calls * (per_call or 0.0)


@contextmanager
def _bedrock() -> Iterator[BedrockServer]:
    server = BedrockServer(models=frozenset(PRICED)).start()
    saved = {k: os.environ.get(k) for k in _ENV}
    os.environ.update(_ENV | {"AWS_ENDPOINT_URL_BEDROCK_RUNTIME": server.url})
    try:
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": "",
}


def realistic_answer(paper: Paper) -> Answer:
    """An answer as long as a real Korean one (a title, three lines of about 60-80 characters, four
    keywords), passing every check."""
    short = [word for word in paper.ai_keywords if len(word) <= 30]
    first, second = [*short, "method", "model"][:2]
    return Answer(
        fields={
            "title": f"{first} 기반의 새로운 접근 방식과 그 학습 방법",
            "problem": f"기존 방법은 이 문제({first})에서 학습과 추론의 효율이 낮고 일반화가 어렵다는 "
            "한계가 있습니다.",
            "method": f"저자들은 여러 구성 요소({second})를 결합해 학습과 추론 과정을 함께 개선하는 "
            "방법을 제안합니다.",
            "result": "여러 벤치마크 실험에서 기존 방법보다 일관되게 좋은 결과를 얻었다고 보고합니다.",
            "keywords": [*[*short, "benchmark", "training", "evaluation"][:3], "학습 방법"],
        }
    )


def _script(bedrock: BedrockServer, papers: Sequence[Paper]) -> None:
    for paper in papers:
        bedrock.script(paper.arxiv_id, realistic_answer(paper))


def _run(papers: Sequence[Paper], store: SQLiteStore, *, brief: bool = True, **changes: Any) -> SummaryReport:
    settings = replace(Settings(summary_model=MODEL), **changes)
    client = converse_client(settings)
    deadline = Deadline.after(lambda_cost.TIMEOUT_S)
    return summarize(papers, "ko", settings, store, client, deadline, brief=brief)[1]


def _top(items: list[dict[str, Any]]) -> list[Paper]:
    return rank(papers_from_items(items)[0], TOP_N)


def measure(samples: Path = SAMPLES) -> SummaryFigures:
    days = load_sample_days(samples)
    day = _top(days["2026-02-10"])
    with _bedrock() as bedrock, tempfile.TemporaryDirectory(prefix="bench-summaries-") as tmp:
        store = SQLiteStore(Path(tmp) / "state.sqlite3")
        _script(bedrock, day)
        first = _run(day, store)
        first_calls = len(bedrock.calls)
        bedrock.reset_calls()
        _run(day, store)
        rerun_calls = len(bedrock.calls)

        wall: dict[int, float] = {}
        bedrock.latency_s = LATENCY_S
        spread = 0.0
        for concurrency in CONCURRENCY:
            fresh = SQLiteStore(Path(tmp) / f"wall-{concurrency}.sqlite3")
            bedrock.reset_calls()
            started = time.perf_counter()
            _run(day, fresh, brief=False, summary_concurrency=concurrency)
            wall[concurrency] = time.perf_counter() - started
            starts = [call.started for call in bedrock.calls]
            spread = max(starts) - min(starts)
        for paper in day:
            bedrock.script(paper.arxiv_id, Error("ThrottlingException"), realistic_answer(paper))
        started = time.perf_counter()
        storm = _run(day, SQLiteStore(Path(tmp) / "storm.sqlite3"), brief=False)
        storm_wall = time.perf_counter() - started
        bedrock.latency_s = 0.0

        weekly = _cached_period_calls(bedrock, [_top(days[d]) for d in WEEK if d in days], Path(tmp) / "w")
        month = _month_days(samples / MONTH_FILE)
        monthly = _cached_period_calls(bedrock, list(month.values()), Path(tmp) / "m")
    return SummaryFigures(
        first_calls=first_calls,
        rerun_calls=rerun_calls,
        papers=len(day),
        wall_s=wall,
        start_spread_s=spread,
        storm_wall_s=storm_wall,
        storm_lowest=storm.concurrency[1] if storm.concurrency else 0,
        input_per_paper=statistics.mean(p.input_tokens for p in first.papers),
        output_per_paper=statistics.mean(p.output_tokens for p in first.papers),
        day_input=first.input_tokens,
        day_output=first.output_tokens,
        weekly_new_calls=weekly,
        monthly_new_calls=monthly,
        month_days=len(month),
    )


def _cached_period_calls(bedrock: BedrockServer, days: list[list[Paper]], path: Path) -> int:
    """Calls a period's digest (its top N over all its days) makes after each day was summarised."""
    store = SQLiteStore(path.with_suffix(".sqlite3"))
    for papers in days:
        _run(papers, store)
    bedrock.reset_calls()
    _run(rank([p for papers in days for p in papers], TOP_N), store, brief=False)
    return len(bedrock.calls)


def _month_days(path: Path) -> dict[str, list[Paper]]:
    import json

    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in json.loads(path.read_text(encoding="utf-8")):
        listed = str(item.get("paper", {}).get("submittedOnDailyAt") or item.get("publishedAt") or "")[:10]
        by_day[listed].append(item)
    return {day: _top(items) for day, items in sorted(by_day.items()) if day}


def rows(figures: SummaryFigures) -> list[Row]:
    one_call = LATENCY_S
    four, ten = (figures.wall_s[n] for n in CONCURRENCY)
    found: list[Row] = [
        (
            f"Summaries: Converse calls, {figures.papers}-paper daily digest (its brief included), "
            "first run / rerun",
            f"{figures.first_calls} / {figures.rerun_calls}",
            f"{figures.papers + 1} / 0",
            _ok(figures.first_calls == figures.papers + 1 and figures.rerun_calls == 0),
        ),
        (
            f"Summaries: wall time of {figures.papers} papers at {LATENCY_S:g} s model latency, 10 at once "
            "(the default)",
            f"{ten:.2f} s",
            f"< {2 * one_call:g} s",
            _ok(ten < 2 * one_call),
        ),
        (
            "Summaries: the same, the server's first to last call start at the default",
            f"{figures.start_spread_s:.2f} s",
            f"< {one_call:g} s",
            _ok(figures.start_spread_s < one_call),
        ),
        (
            "Summaries: the same, 4 at once (the default before issue 24)",
            f"{four:.2f} s",
            "—",
            "—",
        ),
        (
            "Summaries: every paper throttled once, at the default: wall time / lowest concurrency (AIMD)",
            f"{figures.storm_wall_s:.2f} s / {figures.storm_lowest}",
            f"< {lambda_cost.TIMEOUT_S:g} s / < 10",
            _ok(figures.storm_wall_s < lambda_cost.TIMEOUT_S and figures.storm_lowest < 10),
        ),
        (
            "Summaries: tokens per paper, input / output (local server's count)",
            f"{figures.input_per_paper:,.0f} / {figures.output_per_paper:,.0f}",
            "—",
            "—",
        ),
        (
            "Summaries: tokens per daily digest with its brief, input / output",
            f"{figures.day_input:,} / {figures.day_output:,}",
            "—",
            "—",
        ),
        (
            f"Summaries: new calls of the weekly / monthly digest after its days ({figures.month_days}-day "
            "month)",
            f"{figures.weekly_new_calls} / {figures.monthly_new_calls}",
            "0 / 0",
            _ok(figures.weekly_new_calls == 0 and figures.monthly_new_calls == 0),
        ),
    ]
    cap = Settings().summary_monthly_usd
    for model in PRICED:
        monthly = figures.monthly_usd(model)
        found.append(
            (
                f"Summaries per month (30 daily + weekly + monthly), {model}, prices of {PRICES_AS_OF}",
                f"${monthly:.4f}",
                f"< ${cap:.2f} (DIGEST_SUMMARY_MONTHLY_USD)",
                _ok(monthly < cap),
            )
        )
    return found


def _ok(passed: bool) -> str:
    return "ok" if passed else "**miss**"


def main() -> int:
    figures = measure()
    print("| measure | value | target | status |\n|---|---|---|---|")
    for row in rows(figures):
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
