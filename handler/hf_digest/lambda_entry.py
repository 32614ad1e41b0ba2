"""The glue between one Lambda invocation and the pipeline: event -> request -> run -> metrics -> result.

A run that a destination refused raises PublishError after its result is logged, so Lambda retries the
event and, after the last retry, hands it to the OnFailure queue. Besides a day, the function takes a
schedule's full run (target, catch-up, refresh), a range (queued one day per message), a week or a month,
and the backfill queue's SQS batches.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest import config, jobs, worker
from hf_digest.config import Settings
from hf_digest.days import CATCH_UP, REFRESH, DaysResult
from hf_digest.deadline import Deadline
from hf_digest.errors import DigestError, PublishError
from hf_digest.observability import metrics
from hf_digest.pipeline import PUBLISHED, RunResult, run_request
from hf_digest.publish import FAILED, UPDATED
from hf_digest.request import DigestRequest

log = logging.getLogger(__name__)


def run_metric(status: str) -> str:
    """The count metric for a run's status: published -> RunPublished, dry_run -> RunDryRun."""
    return "Run" + "".join(part.capitalize() for part in status.split("_"))


def correlation_id(event: object, request_id: str) -> str:
    """The EventBridge event id for a scheduled event (ties the logs to its delivery), else the request id."""
    if isinstance(event, Mapping) and isinstance(event.get("id"), str) and event["id"]:
        return str(event["id"])
    return request_id


def record(result: RunResult) -> None:
    """Papers listed and published, and one count for the run's status."""
    metrics.add_metadata(key="date", value=result.day.isoformat())
    metrics.add_metric(name="PapersListed", unit=MetricUnit.Count, value=result.papers_total)
    published = result.papers_shown if result.status == PUBLISHED else 0
    metrics.add_metric(name="PapersPublished", unit=MetricUnit.Count, value=published)
    metrics.add_metric(name=run_metric(result.status), unit=MetricUnit.Count, value=1)


def loggable(result: RunResult) -> dict[str, Any]:
    """The result JSON for a log line: a dry run's markdown is replaced by its length."""
    data = result.to_json()
    post = data.pop("post", None)
    if post is not None:
        data["post_chars"] = len(post)
    return data


def failure(result: RunResult) -> PublishError:
    """The error that makes Lambda retry: it names each failed destination and why."""
    failed = [o for o in result.outcomes if o.status == FAILED]
    names = ", ".join(o.destination for o in failed) or "no destination"
    details = "; ".join(o.error or f"{o.destination}: failed" for o in failed)
    return PublishError(f"{result.day}: publishing failed at {names}" + (f" ({details})" if details else ""))


def handle(event: object, remaining_ms: int, now: datetime | None = None) -> dict[str, Any]:
    """Run the digest an event asks for and return the result JSON; raise when it did not publish."""
    now = now or datetime.now(UTC)
    deadline = Deadline.from_lambda_context(remaining_ms)
    try:
        settings = config.from_env()
        if worker.is_sqs_batch(event):
            assert isinstance(event, Mapping)
            return worker.handle_batch(event, settings, deadline, now, on_result=record)
        digest_request = jobs.parse_event(event, settings, now)
    except DigestError as exc:
        log.error("invalid event or settings: %s", exc, extra={"status": "rejected", "error_kind": exc.kind})
        metrics.add_metric(name="RunRejected", unit=MetricUnit.Count, value=1)
        raise
    if isinstance(digest_request, jobs.RangeRequest):
        return _backfill(digest_request, settings, deadline, now)
    if isinstance(digest_request, jobs.PeriodRequest):
        return _period(digest_request, settings, deadline, now)
    if digest_request.trigger == "schedule":
        return _scheduled(digest_request, settings, deadline, now)
    return _day(digest_request, settings, deadline, now)


def _setup_failed(exc: DigestError, extra: dict[str, Any]) -> DigestError:
    """A run that could not start (a destination's setting, the queue): logged and counted once."""
    log.error("run failed: %s", exc, extra={**extra, "status": "error", "error_kind": exc.kind})
    metrics.add_metric(name="RunError", unit=MetricUnit.Count, value=1)
    return exc


def _day(
    digest_request: DigestRequest, settings: Settings, deadline: Deadline, now: datetime
) -> dict[str, Any]:
    """One manual day, as before ranges and schedules took more."""
    day = digest_request.day.isoformat()
    log.info(
        "digest requested",
        extra={
            "date": day,
            "trigger": digest_request.trigger,
            "dry_run": digest_request.dry_run,
            "destinations": list(digest_request.destinations),
        },
    )
    try:
        result = run_request(digest_request, settings, deadline, now)
    except DigestError as exc:
        log.error("run failed: %s", exc, extra={"date": day, "status": "error", "error_kind": exc.kind})
        metrics.add_metric(name="RunError", unit=MetricUnit.Count, value=1)
        raise
    record(result)
    log_level = logging.INFO if result.ok else logging.ERROR
    log.log(
        log_level, "run finished", extra={"date": day, "status": result.status, "result": loggable(result)}
    )
    if not result.ok:
        raise failure(result)
    return result.to_json()


def _scheduled(
    digest_request: DigestRequest, settings: Settings, deadline: Deadline, now: datetime
) -> dict[str, Any]:
    """The target day, catch-up and refresh; every day is tried before a failure is raised."""
    from hf_digest import catchup, publish
    from hf_digest.source import HuggingFaceSource

    day = digest_request.day.isoformat()
    log.info(
        "digest requested",
        extra={"date": day, "trigger": "schedule", "destinations": list(settings.destinations)},
    )
    try:
        publishers = publish.build(digest_request.destinations, settings)
    except DigestError as exc:
        raise _setup_failed(exc, {"date": day}) from None
    days = catchup.run_scheduled(
        digest_request, settings, HuggingFaceSource(settings), publishers, deadline, now
    )
    target = days.runs[0]
    if target.result is not None:
        record(target.result)
    else:
        metrics.add_metric(name="RunError", unit=MetricUnit.Count, value=1)
    _count_days(days)
    data = {**target.to_json(), "days": [run.to_json() for run in days.runs]}
    data.pop("reason", None)
    log.log(
        logging.INFO if days.ok else logging.ERROR,
        "run finished",
        extra={"date": day, "status": days.status, "result": data},
    )
    if not days.ok:
        raise _failure(days)
    return data


def _count_days(days: DaysResult) -> None:
    """How many recent days the run healed (catch-up) or rewrote with settled counts (refresh)."""
    healed = sum(1 for run in days.runs if run.reason == CATCH_UP and run.status == PUBLISHED)
    refreshed = sum(
        1
        for run in days.runs
        if run.reason == REFRESH and run.result and any(o.status == UPDATED for o in run.result.outcomes)
    )
    metrics.add_metric(name="DaysCaughtUp", unit=MetricUnit.Count, value=healed)
    metrics.add_metric(name="DaysRefreshed", unit=MetricUnit.Count, value=refreshed)
    metrics.add_metric(name="DaysFailed", unit=MetricUnit.Count, value=len(days.failed))


def _failure(days: DaysResult) -> DigestError:
    failed = days.failed
    if len(failed) == 1 and failed[0].result is not None:
        return failure(failed[0].result)
    return days.failure()


def _backfill(
    job: jobs.RangeRequest, settings: Settings, deadline: Deadline, now: datetime
) -> dict[str, Any]:
    """A range: one queue message per day when the queue is set (AWS), else every day here, paced."""
    from hf_digest import backfill, publish
    from hf_digest.source import HuggingFaceSource

    extra = {"from": job.first.isoformat(), "to": job.last.isoformat(), "days": len(job.days())}
    log.info("backfill requested", extra=extra)
    try:
        if settings.backfill_queue_url and not job.dry_run:
            queued = backfill.enqueue(job, settings)
            metrics.add_metric(name="DaysQueued", unit=MetricUnit.Count, value=len(queued["days"]))
            return queued
        publishers = [] if job.dry_run else publish.build(job.destinations, settings)
    except DigestError as exc:
        raise _setup_failed(exc, extra) from None
    days = backfill.run_range(job, settings, HuggingFaceSource(settings), publishers, deadline, now)
    data = {"from": job.first.isoformat(), "to": job.last.isoformat(), **days.to_json()}
    log.log(
        logging.INFO if days.ok else logging.ERROR,
        "backfill finished",
        extra={**extra, "status": days.status, "result": data},
    )
    if not days.ok:
        raise _failure(days)
    return data


def _period(job: jobs.PeriodRequest, settings: Settings, deadline: Deadline, now: datetime) -> dict[str, Any]:
    """A weekly or monthly digest."""
    from hf_digest.summaries import run_period_request

    extra = {"period": job.period.key, "kind": job.period.kind, "trigger": job.trigger}
    log.info("digest requested", extra=extra)
    try:
        result = run_period_request(job, settings, deadline, now)
    except DigestError as exc:
        raise _setup_failed(exc, extra) from None
    metrics.add_metric(name=run_metric(result.status), unit=MetricUnit.Count, value=1)
    data = result.to_json()
    logged = {key: value for key, value in data.items() if key != "post"}
    if "post" in data:
        logged["post_chars"] = len(data["post"])
    log.log(
        logging.INFO if result.ok else logging.ERROR,
        "run finished",
        extra={**extra, "status": result.status, "result": logged},
    )
    if not result.ok:
        names = ", ".join(result.failed_destinations)
        raise PublishError(f"{job.period.key}: publishing failed at {names}")
    return data
