"""AWS clients built one way for S3, Secrets Manager, SQS, DynamoDB and Bedrock alike: the region from the
environment, bounded timeouts and retries, and the SDK's wire logs kept quiet.

At DEBUG, botocore logs whole response bodies (a secret's value among them) and every request's headers (the
SigV4 Authorization value and the session token), so its loggers are held at INFO before any client exists.
boto3 is imported only when a client is built, so a local run never pays for it.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any
from urllib.parse import urlsplit

from hf_digest import config
from hf_digest.errors import ConfigError

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
MAX_ATTEMPTS = 3  # botocore standard retry mode, the first attempt included
_WIRE_LOGGERS = ("botocore", "boto3", "urllib3")
_VERIFY: weakref.WeakKeyDictionary[Any, bool | str] = weakref.WeakKeyDictionary()  # see verify()


def quiet_wire_logs() -> None:
    """Keep the AWS SDK's loggers at INFO or above, whatever the root level."""
    for name in _WIRE_LOGGERS:
        wire = logging.getLogger(name)
        wire.setLevel(max(wire.getEffectiveLevel(), logging.INFO))


def region() -> str | None:
    """Lambda sets AWS_REGION; botocore itself reads only AWS_DEFAULT_REGION (and its config files)."""
    import boto3

    return config.aws_region() or boto3.session.Session().region_name


def verify(client: Any) -> bool | str:
    """What client verifies TLS with: a CA bundle's path, or True for botocore's own. botocore keeps it only
    in private attributes, so client() records what it resolved; its watched sender (outbound.budget_aws)
    uses the same."""
    found = _VERIFY.get(client)
    if found is not None:
        return found
    import botocore.session

    return _resolve_verify(botocore.session.Session())


def _resolve_verify(core: Any) -> bool | str:
    """As botocore resolves it for a client: the `ca_bundle` setting (AWS_CA_BUNDLE or the profile's
    ca_bundle, through the session's public get_config_variable), else REQUESTS_CA_BUNDLE, else True."""
    bundle = core.get_config_variable("ca_bundle")
    return str(bundle) if bundle else config.requests_ca_bundle() or True


def client(
    service: str,
    *,
    setting: str,
    read_timeout_s: float | None = None,
    connect_timeout_s: float | None = None,
    region_name: str | None = None,
    max_attempts: int | None = None,
) -> Any:
    """A client for service; ConfigError names setting (what the user configured) when no region is known.

    Endpoints come from boto3's own settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>). region_name
    overrides the environment's; max_attempts=1 turns botocore's retries off for a caller that retries itself.
    """
    quiet_wire_logs()
    import boto3
    import botocore.session
    from botocore.config import Config

    where = (region_name or "").strip() or region()
    if not where:
        raise ConfigError(f"{setting}: no AWS region found; set AWS_REGION")
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_S if connect_timeout_s is None else connect_timeout_s,
        read_timeout=READ_TIMEOUT_S if read_timeout_s is None else read_timeout_s,
        # botocore's "max_attempts" counts retries only; "total_max_attempts" counts the first attempt too.
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS}
        if max_attempts is None
        else {"mode": "standard", "total_max_attempts": max_attempts},
    )
    core = botocore.session.Session()
    tls = _resolve_verify(core)
    made = boto3.session.Session(botocore_session=core).client(  # type: ignore[call-overload]
        service, region_name=where, config=config, verify=tls
    )
    _VERIFY[made] = tls
    return made


# Error codes that mean AWS refused who is asking, not what was asked (S3's, then the JSON services').
CREDENTIAL_CODES = frozenset(
    {
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "ExpiredToken",
        "TokenRefreshRequired",
        "InvalidSignatureException",
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "IncompleteSignature",
    }
)
CREDENTIALS_FIX = "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or the role"


def credential_problem(code: str, service: str) -> str | None:
    """One line for an error code that means the credentials or the request's signature were refused."""
    if code not in CREDENTIAL_CODES:
        return None
    what = "signature" if "Signature" in code else "credentials"
    return f"{service}: AWS refused the {what} ({code}); {CREDENTIALS_FIX}"


def unreachable(exc: BaseException) -> str | None:
    """What went wrong, naming the host, when no request got through (no credentials to sign it, no DNS, no
    route, no answer to connect), else None."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, NoCredentialsError

    if isinstance(exc, NoCredentialsError):
        return f"no AWS credentials found; {CREDENTIALS_FIX}"
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        url = str(getattr(exc, "kwargs", {}).get("endpoint_url", ""))
        host = urlsplit(url).hostname or url or "the endpoint"
        return f"cannot reach {host} (no network?)"
    return None
