"""The GitHub token: from GITHUB_TOKEN, or from AWS Secrets Manager when GITHUB_TOKEN_SECRET names a secret.

Powertools (and so boto3) is imported only when a secret is read, so a local run never pays for it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from typing import TYPE_CHECKING

from hf_digest import budget
from hf_digest.config import Secret, Settings
from hf_digest.deadline import Deadline
from hf_digest.errors import ConfigError
from hf_digest.redact import check_token

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

# Powertools keeps a secret for this long, so a warm Lambda does not ask Secrets Manager on every run.
SECRET_MAX_AGE_S = 300
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
MAX_ATTEMPTS = 3  # botocore standard retry mode, the first attempt included
# What decides which Secrets Manager a client talks to (tests point AWS_ENDPOINT_URL at local servers).
_ENDPOINT_VARIABLES = (
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
)
_PROVIDERS: dict[tuple[str, ...], SecretsProvider] = {}
# At DEBUG, botocore logs whole response bodies (a secret's value among them) and every request's headers
# (the SigV4 Authorization value and the session token).
_WIRE_LOGGERS = ("botocore", "boto3", "urllib3")


def github_token(settings: Settings, deadline: Deadline | None = None) -> Secret:
    """The token to write with; ConfigError names the variable or the secret (never a value) when missing.

    With deadline, reading Secrets Manager keeps to the run's time budget (hf_digest.budget).
    """
    if settings.github_token_secret:
        return _from_secrets_manager(settings.github_token_secret, deadline)
    if settings.github_token is not None and settings.github_token.reveal():
        return settings.github_token
    raise ConfigError(
        "GITHUB_TOKEN: not set; give a fine-grained token with 'Contents: Read and write' on the repository "
        "(or GITHUB_TOKEN_SECRET naming a Secrets Manager secret that holds it)"
    )


def quiet_aws_wire_logs() -> None:
    """Keep the AWS SDK's loggers at INFO or above, whatever the root level, before any AWS request."""
    for logger_name in _WIRE_LOGGERS:
        wire_logger = logging.getLogger(logger_name)
        wire_logger.setLevel(max(wire_logger.getEffectiveLevel(), logging.INFO))


def _from_secrets_manager(name: str, deadline: Deadline | None) -> Secret:
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    quiet_aws_wire_logs()
    provider = _provider()
    watching = budget.watch(deadline, f"Secrets Manager {name!r}") if deadline else contextlib.nullcontext()
    with watching:
        try:
            value = provider.get(name, max_age=SECRET_MAX_AGE_S)
        except GetParameterError as exc:
            # The message is botocore's (error code and operation), never the secret's value.
            raise ConfigError(f"GITHUB_TOKEN_SECRET: cannot read secret {name!r}: {_reason(exc)}") from None
    return Secret(_token_in(value, name))


def _provider() -> SecretsProvider:
    """One Powertools provider (and its 300 s cache) per endpoint and region, on a watchable client."""
    import boto3
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.config import Config

    where = tuple(os.environ.get(name, "") for name in _ENDPOINT_VARIABLES)
    if where not in _PROVIDERS:
        config = Config(
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=READ_TIMEOUT_S,
            retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        )
        client = budget.guard(boto3.session.Session().client("secretsmanager", config=config))
        _PROVIDERS[where] = SecretsProvider(boto3_client=client)
    return _PROVIDERS[where]


def _reason(exc: Exception) -> str:
    cause = exc.__cause__ or exc.__context__
    text = str(cause or exc) or type(cause or exc).__name__
    return text.splitlines()[0][:300]


def _token_in(value: object, name: str) -> str:
    """The token from a plain-string secret or a JSON one like {"token": "..."}."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"GITHUB_TOKEN_SECRET: secret {name!r} is binary, not a token") from None
    text = value.strip() if isinstance(value, str) else ""
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise ConfigError(
                f"GITHUB_TOKEN_SECRET: secret {name!r} starts with '{{' but is not JSON"
            ) from None
        token = data.get("token") if isinstance(data, dict) else None
        text = token.strip() if isinstance(token, str) else ""
        if not text:
            raise ConfigError(f"GITHUB_TOKEN_SECRET: secret {name!r} is JSON without a 'token' string")
    if not text:
        raise ConfigError(f"GITHUB_TOKEN_SECRET: secret {name!r} is empty")
    if " " in text:
        raise ConfigError(f"GITHUB_TOKEN_SECRET: secret {name!r} holds more than one word; expected a token")
    return check_token(text, f"GITHUB_TOKEN_SECRET: secret {name!r}")
