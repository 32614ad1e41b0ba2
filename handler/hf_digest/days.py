"""Runs of several days (a schedule's catch-up and refresh, a backfill): each day's result, one failing day
never hiding the others, and the whole as one JSON result.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hf_digest import pipeline
from hf_digest.config import Settings
from hf_digest.deadline import Deadline
from hf_digest.errors import DeadlineExceeded, DigestError, PublishError
from hf_digest.pipeline import PUBLISHED, RunResult, Source
from hf_digest.publish import FAILED, UNCHANGED, Publisher
from hf_digest.request import DigestRequest

log = logging.getLogger(__name__)

TARGET = "target"  # the day a schedule fired for
CATCH_UP = "catch-up"  # a recent day some destination lacks
REFRESH = "refresh"  # a recent day re-read for its settled upvotes
BACKFILL = "backfill"  # a day of a requested range
# A day is not started with less time than this left: it would be cut off mid-way.
MIN_DAY_S = 20.0


@dataclass(frozen=True)
class DayRun:
    """What happened to one day: the pipeline's result, or the error that stopped it."""

    day: date
    reason: str
    result: RunResult | None = None
    error: DigestError | None = field(default=None, compare=False)

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else FAILED

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.ok

    def to_json(self) -> dict[str, Any]:
        if self.result is None:
            error = self.error or DigestError("failed")
            return {
                "date": self.day.isoformat(),
                "reason": self.reason,
                "status": FAILED,
                "error": str(error),
                "error_kind": error.kind,
            }
        data = self.result.to_json()
        data.pop("post", None)  # a dry run's markdown belongs to a single-day result only
        return {"date": data.pop("date"), "reason": self.reason, **data}


@dataclass(frozen=True)
class DaysResult:
    runs: tuple[DayRun, ...]

    @property
    def ok(self) -> bool:
        return all(run.ok for run in self.runs)

    @property
    def failed(self) -> list[DayRun]:
        return [run for run in self.runs if not run.ok]

    @property
    def status(self) -> str:
        """failed if any day failed, else published if any day was written, else the one status all share."""
        statuses = {run.status for run in self.runs}
        if FAILED in statuses or not self.ok:
            return FAILED
        if PUBLISHED in statuses:
            return PUBLISHED
        return statuses.pop() if len(statuses) == 1 else UNCHANGED

    @property
    def hf_requests(self) -> int:
        return sum(run.result.hf_requests for run in self.runs if run.result is not None)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(run.status for run in self.runs).items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "counts": self.counts(),
            "hf_requests": self.hf_requests,
            "days": [run.to_json() for run in self.runs],
        }

    def failure(self) -> DigestError:
        """The error a failed run raises: the first day's own error when only one day failed."""
        failed = self.failed
        if len(failed) == 1 and failed[0].error is not None:
            return failed[0].error
        names = ", ".join(f"{run.day} ({run.reason}: {_why(run)})" for run in failed)
        return PublishError(f"{len(failed)} of {len(self.runs)} days failed: {names}")


def _why(run: DayRun) -> str:
    if run.error is not None:
        return str(run.error)
    if run.result is not None:
        return "; ".join(f"{o.destination}: {o.error}" for o in run.result.outcomes if o.status == FAILED)
    return "failed"


def run_day(
    request: DigestRequest,
    reason: str,
    settings: Settings,
    source: Source,
    publishers: Sequence[Publisher],
    deadline: Deadline,
    now: datetime,
) -> DayRun:
    """One day through the pipeline; an error becomes the day's failed status instead of stopping the run."""
    extra = {"date": request.day.isoformat(), "reason": reason}
    if not deadline.allows(MIN_DAY_S, 0.0):
        error = DeadlineExceeded(f"{request.day}: not started, {deadline.remaining():.0f} s left")
        log.error("day skipped: %s", error, extra={**extra, "status": FAILED})
        return DayRun(request.day, reason, error=error)
    try:
        result = pipeline.run(request, settings, source, publishers, deadline, now=now)
    except DigestError as exc:
        log.error("day failed: %s", exc, extra={**extra, "status": FAILED, "error_kind": exc.kind})
        return DayRun(request.day, reason, error=exc)
    log.info("day done", extra={**extra, "status": result.status, "hf_requests": result.hf_requests})
    return DayRun(request.day, reason, result)
