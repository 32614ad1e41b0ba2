"""Backfill: every day of a range, one after another under Hugging Face's rate limit, or (in AWS) one SQS
message per day for the same function to take from its queue.

Anonymous callers get 500 API calls per 5 minutes per IP; DIGEST_BACKFILL_PACE (0.75 s per request by
default: 400 per 5 minutes) keeps a backfill under that with room for the daily run.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest.config import Settings
from hf_digest.core.outcomes import Status
from hf_digest.errors import ConfigError, PublishError
from hf_digest.outbound import aws, budget
from hf_digest.outbound.deadline import Deadline
from hf_digest.request import RangeRequest
from hf_digest.runs.days import BACKFILL, DayRun, DaysOutcome, run_day
from hf_digest.runs.digest import Context
from hf_digest.runs.result import Metrics

if TYPE_CHECKING:
    from hf_digest.adapters.notify.herald import Herald

log = logging.getLogger(__name__)

SQS_BATCH = 10  # SendMessageBatch takes at most 10 messages


class Pacer:
    """Sleeps so that, from the first request on, requests never outrun one per `interval` seconds."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._start = clock()
        self._spent = 0

    def spent(self, requests: int) -> float:
        """Count requests just made; wait until they fit the pace. Returns the seconds waited."""
        self._spent += requests
        wait = self._start + self._spent * self.interval - self._clock()
        if wait > 0:
            self._sleep(wait)
            return wait
        return 0.0


@dataclass
class Progress:
    """A progress bar with the time left, on a terminal; one plain line per day elsewhere (logs, pipes)."""

    total: int
    stream: IO[str] | None
    started: float = 0.0
    done: int = 0

    def __post_init__(self) -> None:
        self.started = time.monotonic()

    def step(self, run: DayRun) -> None:
        self.done += 1
        if self.stream is None:
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        width = 24
        filled = width * self.done // self.total
        bar = "#" * filled + "-" * (width - filled)
        line = f"[{bar}] {self.done}/{self.total} {run.day} {run.status:<9} {_clock(left)} left"
        if self.stream.isatty():
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r{line}{end}")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


def run_range(
    request: RangeRequest,
    ctx: Context,
    *,
    progress: IO[str] | None = None,
    pacer: Pacer | None = None,
    herald: Herald | None = None,
) -> DaysOutcome:
    """Every day of the range in order, paced; weekends come out empty, a failed day stops nothing. The
    days created are told in one summary per channel, or not at all (DIGEST_NOTIFY_BACKFILL)."""
    ctx = ctx.announcing(herald.later() if herald else None)
    started = time.monotonic()
    days = request.days()
    pacer = pacer or Pacer(ctx.settings.backfill_pace_s)
    bar = Progress(len(days), progress)
    runs: list[DayRun] = []
    for day in days:
        run = run_day(day, request.options, BACKFILL, ctx)
        runs.append(run)
        bar.step(run)
        if day != days[-1]:
            pacer.spent(max(1, run.hf_requests))
    elapsed = time.monotonic() - started
    summary = herald.summary() if herald else None
    return DaysOutcome(
        "backfill", tuple(runs), request.first, request.last, elapsed_s=elapsed, notifications=summary
    )


@dataclass(frozen=True)
class QueuedOutcome:
    """A range handed to the backfill queue, one message per day."""

    request: RangeRequest
    ok = True

    def to_json(self) -> dict[str, Any]:
        days = self.request.days()
        return {
            "status": Status.QUEUED,
            "from": self.request.first.isoformat(),
            "to": self.request.last.isoformat(),
            "counts": {Status.QUEUED: len(days)},
            "days": [{"date": day.isoformat(), "reason": BACKFILL, "status": Status.QUEUED} for day in days],
        }

    def failure(self) -> None:
        return None

    def log(self) -> None:
        extra = {"from": self.request.first.isoformat(), "to": self.request.last.isoformat()}
        log.info(
            "backfill queued", extra={**extra, "status": Status.QUEUED, "days": len(self.request.days())}
        )

    def record(self, metrics: Metrics) -> None:
        metrics.add_metric(name="DaysQueued", unit=MetricUnit.Count, value=len(self.request.days()))

    def summary(self) -> str:
        first, last = self.request.first, self.request.last
        return f"{Status.QUEUED} {first}..{last}: {len(self.request.days())} days, one queue message each"


def enqueue(request: RangeRequest, settings: Settings, deadline: Deadline) -> QueuedOutcome:
    """One message per day on the backfill queue, each a manual day event."""
    if not settings.backfill_queue_url:
        raise ConfigError("DIGEST_BACKFILL_QUEUE_URL: not set; name the queue that takes one message per day")
    client = budget.guard(aws.client("sqs", setting="DIGEST_BACKFILL_QUEUE_URL"))
    days = request.days()
    for start in range(0, len(days), SQS_BATCH):
        chunk = days[start : start + SQS_BATCH]
        entries = [
            {"Id": day.isoformat(), "MessageBody": json.dumps(request.day_event(day), separators=(",", ":"))}
            for day in chunk
        ]
        with budget.watch(deadline, "SQS backfill queue"):
            answer = client.send_message_batch(QueueUrl=settings.backfill_queue_url, Entries=entries)
        failed = answer.get("Failed", [])
        if failed:
            names = ", ".join(f"{f['Id']} ({f.get('Code', '?')})" for f in failed)
            raise PublishError(f"backfill queue refused {len(failed)} days: {names}; send the range again")
    return QueuedOutcome(request)
