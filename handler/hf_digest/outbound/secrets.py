"""The GitHub token: from GITHUB_TOKEN, or from AWS Secrets Manager when GITHUB_TOKEN_SECRET names a secret.

Powertools' SecretsProvider (so boto3) is built only when a secret is read: a local run never pays for it.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

from hf_digest import config
from hf_digest.config import Secret, Settings
from hf_digest.errors import ConfigError
from hf_digest.outbound import aws, budget
from hf_digest.outbound.deadline import Deadline
from hf_digest.outbound.redact import check_token

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

# Powertools keeps a secret for this long, so a warm Lambda does not ask Secrets Manager on every run.
SECRET_MAX_AGE_S = 300
_PROVIDERS: dict[tuple[str, ...], SecretsProvider] = {}


def github_token(settings: Settings, deadline: Deadline | None = None) -> Secret:
    """The token to write with; ConfigError names the variable or the secret (never a value) when missing.

    With deadline, reading Secrets Manager keeps to the run's time budget (hf_digest.outbound.budget).
    """
    if settings.github_token_secret:
        return _from_secrets_manager(settings.github_token_secret, deadline)
    if settings.github_token is not None and settings.github_token.reveal():
        return settings.github_token
    raise ConfigError(
        "GITHUB_TOKEN: not set; give a fine-grained token with 'Contents: Read and write' on the repository "
        "(or GITHUB_TOKEN_SECRET naming a Secrets Manager secret that holds it)"
    )


def secret_value(name: str, setting: str, deadline: Deadline | None = None) -> object:
    """The value of Secrets Manager secret name (cached for SECRET_MAX_AGE_S), within deadline's budget when
    given; ConfigError names setting, never the value."""
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    aws.quiet_wire_logs()  # on every read: a test or a caller may have lowered the level since
    provider = _provider(setting)
    watching = budget.watch(deadline, f"Secrets Manager {name!r}") if deadline else contextlib.nullcontext()
    with watching:
        try:
            return provider.get(name, max_age=SECRET_MAX_AGE_S)
        except GetParameterError as exc:
            # The message is botocore's (error code and operation), never the secret's value.
            raise ConfigError(f"{setting}: cannot read secret {name!r}: {_reason(exc)}") from None


def _provider(setting: str) -> SecretsProvider:
    """One Powertools provider (and its 300 s cache) per endpoint and region, on a watchable client."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    where = config.aws_endpoint()
    if where not in _PROVIDERS:
        client = budget.guard(aws.client("secretsmanager", setting=setting))
        _PROVIDERS[where] = SecretsProvider(boto3_client=client)
    return _PROVIDERS[where]


def _from_secrets_manager(name: str, deadline: Deadline | None) -> Secret:
    return Secret(_token_in(secret_value(name, "GITHUB_TOKEN_SECRET", deadline), name))


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
