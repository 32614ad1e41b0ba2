"""The Lambda entry: Powertools around one call into the digest; the logic lives in hf_digest."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hf_digest import lambda_entry
from hf_digest.observability import logger, metrics, tracer


@logger.inject_lambda_context(log_event=False, clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.set_correlation_id(lambda_entry.correlation_id(event, context.aws_request_id))
    return lambda_entry.handle(event, context.get_remaining_time_in_millis())
