"""The S3 site against moto_server: a 30-day build (September 2025 from the month sample), then one daily run.

Each day is what a scheduled run hands the S3 publisher: the post, the four feeds and the site's files
(DIGEST_SITE=on), published by a fresh publisher in this process. Counts are moto's, on the server side.
`python -m bench.site` prints the figures alone.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bench.backfill import _environment
from bench.servers import MONTH_FILE, SAMPLES, Moto

if TYPE_CHECKING:
    from hf_digest.core.model import Paper

FIRST_DAY = date(2025, 9, 1)
DAYS = 30


@dataclass(frozen=True)
class Run:
    """One publish: wall time, S3 requests and the objects it wrote."""

    wall_ms: float
    requests: int
    puts: int


@dataclass(frozen=True)
class SiteFigures:
    days: int
    digests: int  # days with papers (weekends write nothing)
    build_s: float
    build_requests: int
    build_puts: int
    objects: int  # keys in the bucket afterwards
    bytes: int  # their total size
    daily: Run  # the last day, into a site of all the days before it
    rerun: Run  # the same day again: nothing to write


def _papers_by_day() -> dict[date, list[Paper]]:
    from hf_digest.core.model import papers_from_items

    items = json.loads((SAMPLES / MONTH_FILE).read_text(encoding="utf-8"))
    papers, _ = papers_from_items(items)
    by_day: dict[date, list[Paper]] = defaultdict(list)
    for paper in papers:
        if paper.listed_on is not None:
            by_day[paper.listed_on].append(paper)
    return by_day


def measure(moto: Moto) -> SiteFigures:
    import boto3

    from hf_digest.adapters.publish.s3 import S3Publisher
    from hf_digest.config import Settings
    from hf_digest.core.model import Bundle, day_span
    from hf_digest.core.rank import digest
    from hf_digest.outbound.deadline import Deadline
    from hf_digest.rendering import feeds, render

    bucket = f"bench-site-{uuid.uuid4().hex[:10]}"
    by_day = _papers_by_day()
    runs: list[Run] = []
    with _environment(moto.env):
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=bucket)
        settings = Settings(destinations=("s3",), s3_bucket=bucket, site=True)

        def publish(day: date) -> Run | None:
            papers = by_day.get(day, [])
            if not papers:
                return None  # a weekend: the run reports "empty" and writes nothing
            read = day + timedelta(days=1)
            ranked = digest(day_span(day), papers, settings.top_n)
            post = render.render_post(ranked, settings, counts_read=read)
            derived = feeds.derived_files(ranked, post, settings, counts_read=read)
            bundle = Bundle(ranked.span, (post, *derived))
            moto.start_counting()
            started = time.perf_counter()
            S3Publisher.from_settings(settings).publish(bundle, Deadline.after(600))
            wall_ms = (time.perf_counter() - started) * 1000
            calls = moto.stop_counting()
            return Run(wall_ms, calls.s3, calls.operations.count("s3 PUT"))

        days = [FIRST_DAY + timedelta(days=n) for n in range(DAYS)]
        for day in days:
            run = publish(day)
            if run is not None:
                runs.append(run)
        rerun = publish(days[-1])
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert rerun is not None
    return SiteFigures(
        days=DAYS,
        digests=len(runs),
        build_s=sum(r.wall_ms for r in runs) / 1000,
        build_requests=sum(r.requests for r in runs),
        build_puts=sum(r.puts for r in runs),
        objects=len(listed),
        bytes=sum(int(o["Size"]) for o in listed),
        daily=runs[-1],
        rerun=rerun,
    )


def main() -> int:
    moto = Moto()
    try:
        figures = measure(moto)
    finally:
        moto.stop()
    print(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
