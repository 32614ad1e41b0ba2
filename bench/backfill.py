"""A 30-day backfill (September 2025, from the month sample) to GitHub and S3, at production's pace.

It runs `runs.backfill.run_range`, what `hf-digest` runs for a range, in this process: one digest per
day with its Pacer holding Hugging Face requests to `backfill_pace_s` apart (DIGEST_BACKFILL_PACE,
0.75 s by default: 400 of the 500 anonymous API calls allowed per 5 minutes). `--quick` scales the pace.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from bench.servers import Servers

FIRST_DAY = date(2025, 9, 1)
DAYS = 30
DEADLINE_S = 3600.0


@dataclass(frozen=True)
class BackfillFigures:
    days: int
    published: int
    empty: int
    wall_s: float
    waited_s: float  # of wall_s, the time the pacer slept
    pace_s: float  # seconds per Hugging Face request, as run
    pace_scale: float  # 1.0 is production's pace; --quick scales it down
    hf: int
    round_days: int  # days of a round number of papers (20, 30, ...): one more request, it may be a page size
    github_reads: int
    github_writes: int
    s3: int
    secrets: int
    commits: int


def _round(papers: int) -> bool:
    """A day the source asks twice: a short page of a round size may be a server's page size."""
    return papers > 0 and papers % 10 == 0


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def measure(servers: Servers, pace_scale: float = 1.0) -> BackfillFigures:
    from hf_digest import config
    from hf_digest.adapters import publish
    from hf_digest.core.outcomes import Status
    from hf_digest.huggingface.source import HuggingFaceSource
    from hf_digest.outbound.deadline import Deadline
    from hf_digest.request import parse_options, parse_range
    from hf_digest.runs.backfill import Pacer, run_range
    from hf_digest.runs.digest import Context

    class CountingPacer(Pacer):
        waited = 0.0

        def spent(self, requests: int) -> float:
            wait = super().spent(requests)
            self.waited += wait
            return wait

    with servers.destination() as dest, _environment(servers.env(dest)):
        settings = config.from_env()
        settings = replace(settings, backfill_pace_s=settings.backfill_pace_s * pace_scale)
        now = datetime.now(UTC)
        last = FIRST_DAY + timedelta(days=DAYS - 1)
        options = parse_options({}, settings, trigger="cli")
        request = parse_range(FIRST_DAY.isoformat(), last.isoformat(), options, now)
        commits_before = len(dest.github.git_log("main"))
        servers.hf.reset_log()
        servers.moto.start_counting()
        started = time.perf_counter()
        publishers = publish.build(request.options.destinations, settings)
        pacer = CountingPacer(settings.backfill_pace_s)
        source = HuggingFaceSource(settings)
        ctx = Context(settings, source, publishers, Deadline.after(DEADLINE_S), now)
        result = run_range(request, ctx, pacer=pacer)
        wall_s = time.perf_counter() - started
        aws = servers.moto.stop_counting()
        if not result.ok:
            raise RuntimeError(f"backfill failed: {result.to_json()}")
        github = dest.github.requests
        statuses = [run.status for run in result.runs]
        return BackfillFigures(
            days=len(result.runs),
            published=statuses.count(Status.PUBLISHED),
            empty=statuses.count(Status.EMPTY),
            wall_s=wall_s,
            waited_s=pacer.waited,
            pace_s=settings.backfill_pace_s,
            pace_scale=pace_scale,
            hf=len(servers.hf.requests),
            round_days=sum(
                1 for run in result.runs if _round(len(servers.hf.items_for_day(run.day.isoformat())))
            ),
            github_reads=sum(1 for r in github if r.method == "GET"),
            github_writes=sum(1 for r in github if r.method != "GET"),
            s3=aws.s3,
            secrets=aws.secretsmanager,
            commits=len(dest.github.git_log("main")) - commits_before,
        )
