"""The glue between one Lambda invocation and the pipeline: event -> request -> run -> metrics -> result.

A run that a destination refused raises PublishError after its result is logged, so Lambda retries the
event and, after the last retry, hands it to the OnFailure queue.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest import config, request
from hf_digest.deadline import Deadline
from hf_digest.errors import DigestError, PublishError
from hf_digest.observability import metrics
from hf_digest.pipeline import PUBLISHED, RunResult, run_request
from hf_digest.publish import FAILED

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
    details = "; ".join(f"{o.destination}: {o.error or 'failed'}" for o in failed)
    return PublishError(f"{result.day}: publishing failed at {names}" + (f" ({details})" if details else ""))


def handle(event: object, remaining_ms: int, now: datetime | None = None) -> dict[str, Any]:
    """Run the digest an event asks for and return the result JSON; raise when it did not publish."""
    try:
        settings = config.from_env()
        digest_request = request.from_event(event, settings, now or datetime.now(UTC))
    except DigestError as exc:
        log.error("invalid event or settings: %s", exc, extra={"status": "rejected", "error_kind": exc.kind})
        metrics.add_metric(name="RunRejected", unit=MetricUnit.Count, value=1)
        raise
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
        result = run_request(digest_request, settings, Deadline.from_lambda_context(remaining_ms))
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
