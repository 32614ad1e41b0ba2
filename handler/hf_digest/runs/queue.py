"""The backfill queue's consumer: each SQS message is one manual day event, run on its own.

Powertools' batch utility reports the messages that failed (`batchItemFailures`), so SQS retries only those
days; a day that keeps failing lands in the dead-letter queue after the queue's maxReceiveCount.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hf_digest.config import Settings
from hf_digest.core.outcomes import Status
from hf_digest.errors import BadInput, DeadlineExceeded, DigestError
from hf_digest.outbound.deadline import Deadline
from hf_digest.request import DigestRequest, QueueBatch, day_event
from hf_digest.runs.backfill import Pacer
from hf_digest.runs.days import MIN_DAY_S
from hf_digest.runs.digest import Context, Features, run_digest
from hf_digest.runs.result import DigestResult, Metrics, notifications_json, record_notifications

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from hf_digest.adapters.notify.report import NotifyReport
    from hf_digest.runs import Adapters

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchOutcome:
    """The answer SQS reads (the message ids to retry) and each finished day's result."""

    answer: dict[str, Any]
    results: tuple[DigestResult, ...]
    notifications: NotifyReport | None = None  # the batch's new days, in one summary per channel

    @property
    def ok(self) -> bool:
        return not self.answer.get("batchItemFailures")

    def to_json(self) -> dict[str, Any]:
        return self.answer

    def failure(self) -> None:
        return None  # the failed messages are retried one by one through batchItemFailures

    def log(self) -> None:
        failures = len(self.answer.get("batchItemFailures", []))
        log.log(
            logging.INFO if self.ok else logging.ERROR,
            "queue batch finished",
            extra={
                "status": Status.OK if self.ok else Status.PARTIAL,
                "days": len(self.results),
                "failed": failures,
                **({"notifications": notifications_json(self.notifications)} if self.notifications else {}),
            },
        )

    def record(self, metrics: Metrics) -> None:
        for result in self.results:
            result.record(metrics)
        if self.notifications is not None:
            record_notifications([self.notifications], metrics)

    def summary(self) -> str:
        return json.dumps(self.answer)


def consume(
    batch: QueueBatch, settings: Settings, adapters: Adapters, deadline: Deadline, now: datetime
) -> BatchOutcome:
    """Run each message's day with the invocation's adapters; the answer lists the message ids to retry."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    # Report every failure, even a whole batch of them, so each day is retried on its own.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    pacer = Pacer(settings.backfill_pace_s)
    results: list[DigestResult] = []
    # Each message is a day of a backfill: the days it creates are told in one summary per batch.
    herald = adapters.herald(False, deadline, now)
    older = herald.later() if herald else None
    features = adapters.features(older)
    handle = _record_handler(settings, adapters, deadline, now, pacer, results.append, features)
    answer = process_partial_response(event=dict(batch.event), record_handler=handle, processor=processor)
    summary = herald.summary() if herald else None
    return BatchOutcome(dict(answer), tuple(results), summary)


def _record_handler(
    settings: Settings,
    adapters: Adapters,
    deadline: Deadline,
    now: datetime,
    pacer: Pacer,
    done: Callable[[DigestResult], None],
    features: Features,
) -> Callable[[SQSRecord], dict[str, Any]]:
    def record_handler(record: SQSRecord) -> dict[str, Any]:
        """One message's day; a failure is logged once, with its reason, and raised for SQS to retry."""
        extra: dict[str, Any] = {"message_id": record.message_id}
        try:
            request = _day_request(record, settings, now)
            extra["date"] = request.span.key
            if not deadline.allows(MIN_DAY_S, 0.0):
                raise DeadlineExceeded(f"{request.span.key}: not started, {deadline.remaining():.0f} s left")
            publishers = adapters.publishers(request.options, deadline)
            blog = adapters.blog(publishers, deadline)  # read once for the whole batch
            result = run_digest(
                request, Context(settings, adapters.source, publishers, deadline, now, features, blog)
            )
            done(result)
            pacer.spent(result.hf_requests)
            if not result.ok:
                raise result.failure()
        except DigestError as exc:
            log.error(
                "queued day failed: %s", exc, extra={**extra, "status": Status.FAILED, "error_kind": exc.kind}
            )
            raise
        log.info("queued day finished", extra={**extra, "status": result.status})
        return result.to_json()

    return record_handler


def _day_request(record: SQSRecord, settings: Settings, now: datetime) -> DigestRequest:
    try:
        body = json.loads(record.body)
    except ValueError:
        raise BadInput("body", f"message {record.message_id} is not JSON") from None
    if not isinstance(body, dict):
        raise BadInput("body", f"message {record.message_id} is not a JSON object")
    return day_event(body, settings, now)
