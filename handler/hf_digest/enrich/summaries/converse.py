"""One paper's Bedrock Converse call: bounded retries that fit the deadline, errors as one clear line.

botocore's retry modes cannot see the Lambda deadline, so its retries are off and `Caller` retries
throttling and transient errors under the request policy (hf_digest.outbound.policy), starting no attempt that
could not finish in time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar

from hf_digest.config import Settings
from hf_digest.enrich.summaries.prompt import AnswerError, Fields, answer_from
from hf_digest.errors import DeadlineExceeded
from hf_digest.outbound import aws, budget, policy
from hf_digest.outbound.deadline import Deadline

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 20.0
ATTEMPT_S = CONNECT_TIMEOUT_S + READ_TIMEOUT_S  # the longest one attempt can take
MAX_ATTEMPTS = 4  # per paper, the first included
BACKOFF_S = 0.5  # doubled after each retry, with jitter
RETRYABLE = frozenset(
    {
        "ThrottlingException",
        "ModelTimeoutException",
        "ServiceUnavailableException",
        "InternalServerException",
        "ModelNotReadyException",
    }
)


def paper_policy(
    deadline: Deadline, reserve_s: float, sleep: Callable[[float], None], max_wait_s: float = math.inf
) -> policy.Policy:
    """How one paper's call is retried, whichever provider takes it: MAX_ATTEMPTS, half-jittered backoff,
    no attempt started that could not finish before the deadline less reserve_s."""
    return policy.Policy(
        deadline,
        BACKOFF_S,
        tries=MAX_ATTEMPTS,
        floor=0.5,
        max_wait_s=max_wait_s,
        attempt_s=ATTEMPT_S,
        margin_s=reserve_s,
        sleep=sleep,
    )


class ConverseClient(Protocol):
    """bedrock-runtime's client, or anything answering converse() the same way."""

    def converse(self, **kwargs: Any) -> Any: ...


def converse_client(settings: Settings) -> ConverseClient:
    """boto3's bedrock-runtime client in DIGEST_SUMMARY_REGION (default: the function's region).

    It honours AWS_ENDPOINT_URL_BEDROCK_RUNTIME and AWS_ENDPOINT_URL like every boto3 client.
    """
    client: ConverseClient = budget.guard(
        aws.client(
            "bedrock-runtime",
            setting="DIGEST_SUMMARY_REGION"
            if settings.summary_region
            else f"DIGEST_SUMMARY_MODEL {settings.summary_model}",
            region_name=settings.summary_region,
            connect_timeout_s=CONNECT_TIMEOUT_S,
            read_timeout_s=READ_TIMEOUT_S,
            max_attempts=1,
        )
    )
    return client


Client = TypeVar("Client")


@dataclass(frozen=True)
class Called:
    """What the calls for one paper came to."""

    fields: Fields | None = None  # the tool's input as the model wrote it, when the answer could be read
    problem: str | None = None
    answered: bool = False  # the model answered (a refused answer is cached; an error is not)
    fatal: str | None = None  # an error every other call would meet too: stop calling
    input_tokens: int = 0
    output_tokens: int = 0
    attempts: int = 0
    throttled: int = 0  # attempts Bedrock refused with ThrottlingException (summarize lowers concurrency)

    @classmethod
    def stopped(cls, fatal: str, attempts: int) -> Called:
        """An error every other paper's call would meet too: fatal is both the problem and the stop."""
        return cls(problem=fatal, fatal=fatal, attempts=attempts)


@dataclass(frozen=True)
class PaperCalls(Generic[Client]):
    """One run's calls for papers: with client, to model, within deadline (keeping reserve_s)."""

    client: Client
    model: str
    deadline: Deadline
    reserve_s: float
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Caller(PaperCalls[ConverseClient]):
    """Makes one paper's Converse call (Bedrock)."""

    def cache_request(self, request: Mapping[str, Any]) -> Mapping[str, Any]:
        """What the cache key hashes: the Converse request itself (the key Bedrock's summaries always had)."""
        return request

    def call(self, request: Mapping[str, Any]) -> Called:
        """The paper's answer, retried under the request policy (outbound.policy); a repeated call costs
        tokens only, so a lost reply is tried again."""
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        lost: list[str | None] = []  # each dropped attempt: the host no request reached, if none did
        throttled: list[str] = []  # each attempt Bedrock throttled

        def attempt(attempts: int) -> Called:
            try:
                with budget.watch(self.deadline, "Bedrock Converse"):
                    response = self.client.converse(**request)
            except DeadlineExceeded as exc:
                return Called(problem=str(exc), attempts=attempts)
            except ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", "Unknown"))
                if code == "ThrottlingException":
                    throttled.append(code)
                fatal = self.fatal(code, str(error.get("Message", "")))
                if fatal:
                    return Called.stopped(fatal, attempts)
                if code in RETRYABLE:
                    raise policy.Again(code) from None
                return Called(problem=f"{code} after {attempts} attempt(s)", attempts=attempts)
            except NoCredentialsError as exc:
                fatal = f"Bedrock: {aws.unreachable(exc)}"
                return Called.stopped(fatal, attempts)
            except BotoCoreError as exc:  # a dropped connection, a read or connect timeout
                # No connection at all: after the retries, every other paper's call would meet the same.
                lost.append(aws.unreachable(exc))
                raise policy.Again(type(exc).__name__) from None
            return answer_called(response, attempts)

        rules = paper_policy(self.deadline, self.reserve_s, self.sleep)
        try:
            called = rules.run(attempt)
        except policy.GaveUp as gave:
            if lost and lost[-1]:
                fatal = f"Bedrock: {lost[-1]}"
                called = Called.stopped(fatal, gave.attempts)
            else:
                reason = f"{gave.again.reason} after {gave.attempts} attempt(s)"
                called = Called(problem=reason, attempts=gave.attempts)
        return replace(called, throttled=len(throttled))

    def fatal(self, code: str, message: str) -> str | None:
        """One line naming the setting and what to do, for errors no other paper's call can escape."""
        region = getattr(getattr(self.client, "meta", None), "region_name", None) or "this region"
        said = " ".join(message.split())[:200]
        refused = aws.credential_problem(code, f"Bedrock in {region}")
        if refused:  # who is asking, not which model
            return refused
        if code == "AccessDeniedException":
            return (
                f"DIGEST_SUMMARY_MODEL {self.model}: access denied in {region}: enable access to this model "
                "in the Bedrock console (Model access) and allow bedrock:InvokeModel on it (for an inference "
                f"profile, also on the foundation models it routes to). Bedrock said: {said}"
            )
        if code in ("ValidationException", "ResourceNotFoundException"):
            return (
                f"DIGEST_SUMMARY_MODEL: Bedrock in {region} refused model {self.model!r} ({code}: {said}); "
                "name a model or inference profile id that is offered there"
            )
        return None


def answer_called(response: Any, attempts: int) -> Called:
    """What a Converse-shaped answer came to: its summary, or why it could not be read, and its tokens."""
    usage = response.get("usage", {}) if isinstance(response, Mapping) else {}
    input_tokens, output_tokens = int(usage.get("inputTokens", 0)), int(usage.get("outputTokens", 0))
    try:
        fields = answer_from(response if isinstance(response, Mapping) else {})
    except AnswerError as exc:
        return Called(
            problem=f"not parsed: {exc}",
            answered=True,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            attempts=attempts,
        )
    return Called(
        fields=fields,
        answered=True,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        attempts=attempts,
    )
