"""Between one Lambda invocation and the run layer: event -> request -> execute -> record -> return or raise.

A run that did not publish raises after its outcome is logged, so Lambda retries the event and, after the
last retry, hands it to the OnFailure queue; a queue batch answers the message ids to retry instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest import config, runs
from hf_digest.core.outcomes import Status
from hf_digest.errors import DigestError
from hf_digest.observability import metrics
from hf_digest.outbound.deadline import Deadline
from hf_digest.request import from_event

log = logging.getLogger(__name__)


def correlation_id(event: object, request_id: str) -> str:
    """The EventBridge event id for a scheduled event (ties the logs to its delivery), else the request id."""
    if isinstance(event, Mapping) and isinstance(event.get("id"), str) and event["id"]:
        return str(event["id"])
    return request_id


def handle(event: object, remaining_ms: int, now: datetime | None = None) -> dict[str, Any]:
    """Run what the event asks for and return the result JSON; raise when it did not publish."""
    now = now or datetime.now(UTC)
    deadline = Deadline.from_lambda_context(remaining_ms)
    try:
        settings = config.load().settings
        request = from_event(event, settings, now)
    except DigestError as exc:
        log.error(
            "invalid event or settings: %s", exc, extra={"status": Status.REJECTED, "error_kind": exc.kind}
        )
        metrics.add_metric(name="RunRejected", unit=MetricUnit.Count, value=1)
        raise
    try:
        outcome = runs.execute(request, settings, deadline, now)
    except DigestError as exc:
        extra = {**runs.describe(request), "status": Status.ERROR, "error_kind": exc.kind}
        log.error("run failed: %s", exc, extra=extra)
        metrics.add_metric(name="RunError", unit=MetricUnit.Count, value=1)
        raise
    outcome.record(metrics)
    outcome.log()
    error = outcome.failure()
    if error is not None:
        raise error
    return outcome.to_json()
