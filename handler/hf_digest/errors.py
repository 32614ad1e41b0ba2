"""The short hierarchy of errors the digest raises, each mapped once to an exit code."""

from __future__ import annotations


class DigestError(Exception):
    """Anything the digest reports to its user as a one-line error."""

    exit_code = 1
    kind = "failure"


class BadInput(DigestError):
    """The caller asked for something invalid (a date, an event field, a flag)."""

    exit_code = 2
    kind = "bad_input"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ConfigError(DigestError):
    """A setting is missing or malformed; the message names the variable."""

    exit_code = 2
    kind = "config"


class UpstreamError(DigestError):
    """Hugging Face could not serve the day (after bounded retries)."""

    kind = "upstream"


class DayNotAvailable(UpstreamError):
    """Hugging Face answered 400: the day is invalid or its list is not open yet."""

    kind = "day_not_available"


class WrongDay(UpstreamError):
    """Hugging Face answered with another day's (or period's) list than the one asked for."""

    kind = "wrong_day"

    def __init__(self, message: str, *, asked: str, served: str) -> None:
        super().__init__(message)
        self.asked = asked
        self.served = served


class RateLimited(UpstreamError):
    """A rate limit asked for a wait longer than the time left."""

    kind = "rate_limited"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PublishError(DigestError):
    """A destination refused or failed to take the post."""

    kind = "publish"


class DeadlineExceeded(DigestError):
    """Too little time is left to try again safely; stop before being killed mid-write."""

    kind = "deadline"
