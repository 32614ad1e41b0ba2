"""Runs of several days (a schedule's catch-up and refresh, a backfill): each day's result, one failing day
never hiding the others, and the whole as one outcome.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest.core.model import day_span
from hf_digest.core.outcomes import Status
from hf_digest.errors import DeadlineExceeded, DigestError, PublishError
from hf_digest.request import DigestRequest, Options
from hf_digest.runs.digest import Context, run_digest
from hf_digest.runs.result import (
    DigestResult,
    Metrics,
    notifications_json,
    record_notifications,
    status_metric,
)

if TYPE_CHECKING:
    from hf_digest.adapters.notify.report import NotifyReport

log = logging.getLogger(__name__)

TARGET = "target"  # the day a schedule fired for
CATCH_UP = "catch-up"  # a recent day some destination lacks
REFRESH = "refresh"  # a recent day re-read for its settled upvotes
BACKFILL = "backfill"  # a day of a requested range
# A day is not started with less time than this left: it would be cut off mid-way.
MIN_DAY_S = 20.0
# A run of days says the first of these that any of its days has: a weekend in a dry run stays a dry run.
STATUS_ORDER = (Status.PUBLISHED, Status.DRY_RUN, Status.UNCHANGED, Status.EMPTY)


@dataclass(frozen=True)
class DayRun:
    """What happened to one day: the digest's result, or the error that stopped it."""

    day: date
    reason: str
    result: DigestResult | None = None
    error: DigestError | None = field(default=None, compare=False)
    requests: int = 0  # Hugging Face requests of a day that failed before it had a result

    @property
    def status(self) -> Status:
        return self.result.status if self.result is not None else Status.FAILED

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.ok

    @property
    def hf_requests(self) -> int:
        return self.result.hf_requests if self.result is not None else self.requests

    def failure(self) -> DigestError:
        """Why the day failed: its own error, or the destinations that refused it."""
        if self.result is not None:
            return self.result.failure()
        return self.error or DigestError(f"{self.day}: failed")

    def to_json(self) -> dict[str, Any]:
        if self.result is None:
            error = self.failure()
            return {
                "date": self.day.isoformat(),
                "reason": self.reason,
                "status": Status.FAILED,
                "error": str(error),
                "error_kind": error.kind,
                "hf_requests": self.requests,
            }
        data = self.result.to_json()
        data.pop("post", None)  # a dry run's markdown belongs to a single-day result only
        return {"date": data.pop("date"), "reason": self.reason, **data}

    def summary(self) -> str:
        return self.result.summary() if self.result is not None else f"failed {self.day}: {self.error}"


@dataclass(frozen=True)
class DaysOutcome:
    """A schedule's days (target first) or a backfill's, as one result, one log line and one error."""

    kind: str  # "schedule" | "backfill"
    runs: tuple[DayRun, ...]
    first: date
    last: date
    elapsed_s: float = 0.0
    notifications: NotifyReport | None = None  # the one summary of the older days created, per channel
    warnings: tuple[str, ...] = ()  # what the run itself missed (the days seen empty not read or kept)

    @property
    def ok(self) -> bool:
        return all(run.ok for run in self.runs)

    @property
    def failed(self) -> list[DayRun]:
        return [run for run in self.runs if not run.ok]

    @property
    def status(self) -> Status:
        """The most telling status among the days: failed, then published, dry_run, unchanged, empty."""
        if not self.ok:
            return Status.FAILED
        statuses = {run.status for run in self.runs}
        return next(status for status in STATUS_ORDER if status in statuses)

    @property
    def hf_requests(self) -> int:
        return sum(run.hf_requests for run in self.runs)

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(run.status for run in self.runs).items()))

    def reports(self) -> list[NotifyReport]:
        """What the channels were told: each day told at once, then the older days' summary."""
        told = [run.result.notifications for run in self.runs if run.result is not None]
        return [report for report in [*told, self.notifications] if report is not None]

    def to_json(self) -> dict[str, Any]:
        days = [run.to_json() for run in self.runs]
        if self.kind == "schedule":
            # The target day's fields, the run's status, and every day's outcome beside them.
            target = {key: value for key, value in days[0].items() if key != "reason"}
            data = {**target, "status": self.status, "target_status": target["status"], "days": days}
            if self.warnings:
                data["warnings"] = [*target.get("warnings", []), *self.warnings]
        else:
            data = {
                "from": self.first.isoformat(),
                "to": self.last.isoformat(),
                "status": self.status,
                "counts": self.counts(),
                "hf_requests": self.hf_requests,
                "days": days,
            }
        if self.notifications is not None:
            # A schedule's top-level notifications are its target day's; a backfill has only the summary.
            key = "older_notifications" if self.kind == "schedule" else "notifications"
            data[key] = notifications_json(self.notifications)
        return data

    def failure(self) -> DigestError | None:
        """The error a failed run raises: the day's own when only one day failed."""
        failed = self.failed
        if not failed:
            return None
        if len(failed) == 1:
            return failed[0].failure()
        names = ", ".join(f"{run.day} ({run.reason}: {run.failure()})" for run in failed)
        return PublishError(f"{len(failed)} of {len(self.runs)} days failed: {names}")

    def log(self) -> None:
        extra: dict[str, Any] = {"date": self.last.isoformat()}
        message = "run finished"
        if self.kind != "schedule":
            extra = {"from": self.first.isoformat(), "to": self.last.isoformat(), "days": len(self.runs)}
            message = "backfill finished"
        level = logging.INFO if self.ok else logging.ERROR
        log.log(level, message, extra={**extra, "status": self.status, "result": self.to_json()})

    def record(self, metrics: Metrics) -> None:
        """The run's status; a scheduled run's target-day counts and how many recent days it healed (posts
        it created for days before the target), refreshed (posts it rewrote) or failed."""
        metrics.add_metric(name=status_metric(self.status), unit=MetricUnit.Count, value=1)
        if self.warnings:
            metrics.add_metric(name="RunWarnings", unit=MetricUnit.Count, value=len(self.warnings))
        for run in self.runs:
            if run.result is not None:
                run.result.record_summaries(metrics)
        reports = self.reports()
        if reports:
            record_notifications(reports, metrics)
        if self.kind != "schedule":
            return
        target, recent = self.runs[0], self.runs[1:]
        if target.result is not None:
            target.result.record_papers(metrics)
        healed = sum(1 for run in recent if _wrote(run, Status.CREATED))
        refreshed = sum(1 for run in recent if run.reason == REFRESH and _wrote(run, Status.UPDATED))
        metrics.add_metric(name="DaysCaughtUp", unit=MetricUnit.Count, value=healed)
        metrics.add_metric(name="DaysRefreshed", unit=MetricUnit.Count, value=refreshed)
        metrics.add_metric(name="DaysFailed", unit=MetricUnit.Count, value=len(self.failed))

    def summary(self) -> str:
        lines = [run.summary() for run in self.runs]
        lines.extend(f"warning: {warning}" for warning in self.warnings)
        counts = ", ".join(f"{n} {status}" for status, n in self.counts().items())
        lines.append(
            f"{self.kind} {self.first}..{self.last}: {counts} ({len(self.runs)} days, "
            f"{self.hf_requests} Hugging Face requests, {self.elapsed_s:.1f} s)"
        )
        return "\n".join(lines)


def _wrote(run: DayRun, status: Status) -> bool:
    return run.result is not None and any(d.status == status for d in run.result.deliveries)


def run_day(day: date, options: Options, reason: str, ctx: Context) -> DayRun:
    """One day through the digest path; an error fails that day instead of stopping the run."""
    source, deadline = ctx.source, ctx.deadline
    extra = {"date": day.isoformat(), "reason": reason}
    if not deadline.allows(MIN_DAY_S, 0.0):
        error = DeadlineExceeded(f"{day}: not started, {deadline.remaining():.0f} s left")
        log.error("day skipped: %s", error, extra={**extra, "status": Status.FAILED})
        return DayRun(day, reason, error=error)
    before = source.requests
    request = DigestRequest(day_span(day), options)
    try:
        result = run_digest(request, ctx)
    except DigestError as exc:
        log.error("day failed: %s", exc, extra={**extra, "status": Status.FAILED, "error_kind": exc.kind})
        return DayRun(day, reason, error=exc, requests=source.requests - before)
    except Exception as exc:  # one day's bug must not stop the other days of the run
        log.exception(
            "day failed unexpectedly", extra={**extra, "status": Status.FAILED, "error_kind": "bug"}
        )
        bug = DigestError(f"{day}: unexpected {type(exc).__name__}: {str(exc)[:200]}")
        return DayRun(day, reason, error=bug, requests=source.requests - before)
    log.info("day done", extra={**extra, "status": result.status, "hf_requests": result.hf_requests})
    return DayRun(day, reason, result)
