"""The backfill queue's consumer: each SQS message is one manual day event, run on its own.

Powertools' batch utility reports the messages that failed (`batchItemFailures`), so SQS retries only those
days; a day that keeps failing lands in the dead-letter queue after the queue's maxReceiveCount.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hf_digest import pipeline, request
from hf_digest.backfill import Pacer
from hf_digest.config import Settings
from hf_digest.deadline import Deadline
from hf_digest.errors import BadInput, PublishError
from hf_digest.pipeline import RunResult
from hf_digest.publish import FAILED

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

log = logging.getLogger(__name__)


def is_sqs_batch(event: object) -> bool:
    """True for the event Lambda's SQS event source mapping sends: `Records` from `aws:sqs`."""
    if not isinstance(event, Mapping):
        return False
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(r, Mapping) and r.get("eventSource") == "aws:sqs" for r in records)
    )


def day_failure(result: RunResult) -> PublishError:
    failed = [o for o in result.outcomes if o.status == FAILED]
    details = "; ".join(f"{o.destination}: {o.error or 'failed'}" for o in failed)
    return PublishError(f"{result.day}: publishing failed" + (f" ({details})" if details else ""))


def handle_batch(
    event: Mapping[str, Any],
    settings: Settings,
    deadline: Deadline,
    now: datetime,
    on_result: Callable[[RunResult], None] = lambda result: None,
) -> dict[str, Any]:
    """Run each message's day; the answer lists the message ids to retry (and nothing else)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    # Report every failure, even a whole batch of them, so each day is retried on its own.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    pacer = Pacer(settings.backfill_pace_s)

    def record_handler(record: SQSRecord) -> dict[str, Any]:
        try:
            body = json.loads(record.body)
        except ValueError:
            raise BadInput("body", f"message {record.message_id} is not JSON") from None
        day_request = request.from_event(body, settings, now)
        result = pipeline.run_request(day_request, settings, deadline, now)
        on_result(result)
        extra = {"date": result.day.isoformat(), "status": result.status, "message_id": record.message_id}
        log.log(logging.INFO if result.ok else logging.ERROR, "queued day finished", extra=extra)
        pacer.spent(result.hf_requests)
        if not result.ok:
            raise day_failure(result)
        return result.to_json()

    answer = process_partial_response(event=dict(event), record_handler=record_handler, processor=processor)
    return dict(answer)
