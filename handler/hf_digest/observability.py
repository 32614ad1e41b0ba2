"""The Powertools singletons (logger, tracer, metrics), created once for the Lambda entry.

Importing this module must stay cheap: no boto3, no botocore, no X-Ray SDK unless tracing is on.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from hf_digest import config

SERVICE = "hf-daily-digest"
NAMESPACE = "HfDailyDigest"
PACKAGE_LOGGER = "hf_digest"
_settings = config.powertools(SERVICE, NAMESPACE)
_service = _settings.service


class HandlerTracer(Protocol):
    def capture_lambda_handler(self, *, capture_response: bool) -> Callable[..., Any]: ...


class _NoTracer:
    """Stands in for Powertools' Tracer where tracing is off or the X-Ray SDK is absent.

    Powertools' Tracer imports aws_xray_sdk.core, and with it botocore, even when disabled: that costs
    init time on every cold start and a 30 MB botocore in the layer for a function traced once a day.
    """

    def capture_lambda_handler(self, *, capture_response: bool) -> Callable[..., Any]:
        def keep(handler: Callable[..., Any]) -> Callable[..., Any]:
            return handler

        return keep


def tracing_enabled(env: Mapping[str, str] | None = None) -> bool:
    """True on Lambda when POWERTOOLS_TRACE_DISABLED is not truthy and the X-Ray SDK can be imported."""
    wanted = config.powertools(SERVICE, NAMESPACE, env).trace
    return wanted and importlib.util.find_spec("aws_xray_sdk") is not None


def _tracer() -> HandlerTracer:
    if not tracing_enabled():
        return _NoTracer()
    from aws_lambda_powertools import Tracer

    return Tracer(service=_service)


logger = Logger(service=_service)
metrics = Metrics(namespace=_settings.namespace, service=_service)
tracer = _tracer()

# The package logs with stdlib loggers (logging.getLogger(__name__)); give their parent Powertools' JSON
# handler so those lines carry the same keys (request id, correlation id) plus their own `extra`.
logging.getLogger(PACKAGE_LOGGER)
copy_config_to_registered_loggers(source_logger=logger, include={PACKAGE_LOGGER})
