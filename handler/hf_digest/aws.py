"""One way to build a boto3 client: quiet wire logs, bounded timeouts, a region that must exist.

boto3 is imported here, on first use, so a run that never talks to AWS never pays for it.
"""

from __future__ import annotations

import os
from typing import Any

from hf_digest.errors import ConfigError

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
MAX_ATTEMPTS = 3  # botocore's standard retry mode, the first attempt included


def region_name(explicit: str | None = None, *, variable: str = "AWS_REGION") -> str:
    """explicit, else AWS_REGION (Lambda sets it), else AWS_DEFAULT_REGION or the profile's region."""
    region = (explicit or "").strip() or os.environ.get("AWS_REGION", "").strip()
    if not region:
        import boto3

        region = boto3.session.Session().region_name or ""
    if not region:
        raise ConfigError(f"{variable}: no AWS region found; set AWS_REGION")
    return region


def client(
    service: str,
    *,
    region: str | None = None,
    variable: str = "AWS_REGION",
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    read_timeout_s: float = READ_TIMEOUT_S,
    max_attempts: int = MAX_ATTEMPTS,
) -> Any:
    """A boto3 client; endpoint and credentials come from the environment (AWS_ENDPOINT_URL_<SERVICE> too).

    max_attempts=1 turns botocore's retries off, for a caller that retries against a deadline itself.
    """
    import boto3
    from botocore.config import Config

    from hf_digest.secrets import quiet_aws_wire_logs

    quiet_aws_wire_logs()  # at DEBUG botocore would log each request's signature and session token
    config = Config(
        connect_timeout=connect_timeout_s,
        read_timeout=read_timeout_s,
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        user_agent_extra="hf-daily-digest",
    )
    session = boto3.session.Session()
    return session.client(service, region_name=region_name(region, variable=variable), config=config)  # type: ignore[call-overload]
