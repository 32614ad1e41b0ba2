"""The one request policy (outbound.policy): waits, jitter, the deadline as a budget, unsafe requests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from hf_digest.outbound import budget, policy
from hf_digest.outbound.deadline import Deadline


def answers(*outcomes: Exception | str) -> Callable[[int], str]:
    """An attempt that raises or returns each outcome in turn, and records the attempt numbers."""
    queue = list(outcomes)

    def attempt(number: int) -> str:
        made.append(number)
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    made: list[int] = []
    attempt.made = made  # type: ignore[attr-defined]
    return attempt


def rules(sleeps: list[float], **overrides: object) -> policy.Policy:
    settings: dict[str, object] = {"deadline": Deadline.after(600), "base_s": 1.0, "sleep": sleeps.append}
    return policy.Policy(**(settings | overrides))  # type: ignore[arg-type]


def test_a_servers_own_wait_is_used_as_it_is_and_errors_back_off_exponentially() -> None:
    sleeps: list[float] = []
    attempt = answers(policy.Again("503"), policy.Again("429", wait_s=7.5), policy.Again("503"), "ok")
    assert rules(sleeps, jitter=lambda: 1.0).run(attempt) == "ok"
    assert sleeps == [1.0, 7.5, 4.0]  # the 429's Retry-After counts as the second try: 1·2¹ was not used


@pytest.mark.parametrize("floor", [0.0, 0.5])
def test_jittered_waits_stay_between_the_floor_and_the_capped_step(floor: float) -> None:
    made = rules([], base_s=3.0, floor=floor, cap_s=8.0)
    for retries, step in enumerate([3.0, 6.0, 8.0, 8.0]):
        waits = [made.backoff(retries) for _ in range(500)]
        assert all(floor * step <= wait <= step for wait in waits)
        assert max(waits) - min(waits) > step * (1 - floor) / 2  # jittered, not one fixed value


def test_the_tries_are_bounded_and_the_last_answer_is_reported() -> None:
    sleeps: list[float] = []
    attempt = answers(*[policy.Again(f"HTTP 50{n}") for n in range(6)])
    with pytest.raises(policy.GaveUp) as gave:
        rules(sleeps, tries=4).run(attempt)
    assert (gave.value.why, gave.value.attempts, gave.value.again.reason) == ("tries", 4, "HTTP 503")
    assert len(sleeps) == 3


def test_rate_limit_waits_kept_apart_have_their_own_bound() -> None:
    sleeps: list[float] = []
    attempt = answers(*[policy.Again("429", wait_s=1.0, rate=True)] * 3, policy.Again("500"), "ok")
    assert rules(sleeps, rate_waits=3, tries=2, jitter=lambda: 0.5).run(attempt) == "ok"
    assert sleeps == [1.0, 1.0, 1.0, 0.5]
    with pytest.raises(policy.GaveUp) as gave:
        rules([], rate_waits=2).run(answers(*[policy.Again("429", wait_s=1.0, rate=True)] * 3))
    assert (gave.value.why, gave.value.rate_waits, gave.value.attempts) == ("tries", 2, 3)


def test_no_wait_that_would_pass_the_deadline_less_the_margin_and_an_attempt() -> None:
    sleeps: list[float] = []
    # 20 s left: 5 s of margin, 10 s for the attempt; a Retry-After of 6 s would leave too little.
    with pytest.raises(policy.GaveUp) as gave:
        rules(sleeps, deadline=Deadline.after(20), attempt_s=10.0).run(
            answers(policy.Again("429", wait_s=6.0))
        )
    assert (gave.value.why, gave.value.wait_s, sleeps) == ("time", 6.0, [])
    assert (
        rules(sleeps, deadline=Deadline.after(20), attempt_s=10.0).run(
            answers(policy.Again("429", wait_s=4.0), "ok")
        )
        == "ok"
    )
    assert sleeps == [4.0]


def test_a_wait_longer_than_allowed_is_given_up_at_once() -> None:
    sleeps: list[float] = []
    with pytest.raises(policy.GaveUp) as gave:
        rules(sleeps, max_wait_s=60.0).run(answers(policy.Again("429", wait_s=61.0)))
    assert (gave.value.why, sleeps) == ("long", [])


def test_other_errors_pass_through_without_a_retry() -> None:
    attempt = answers(LookupError("refused"), "ok")
    with pytest.raises(LookupError):
        rules([]).run(attempt)
    assert attempt.made == [1]  # type: ignore[attr-defined]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that reads a request and closes without answering: the reply is lost after it arrived."""
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                received.append(conn.recv(65536))

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    listener.close()


def post_losing_its_reply(url: str, session: requests.Session) -> Callable[[int], str]:
    def attempt(_: int) -> str:
        try:
            with budget.watch(Deadline.after(60), "test"):
                session.post(url, json={"text": "hello"}, timeout=5)
        except requests.ConnectionError as exc:
            raise policy.Lost("the reply was lost", policy.Again(type(exc).__name__)) from None
        return "answered"

    return attempt


def test_an_unsafe_request_with_a_lost_reply_is_not_retried_but_may_have_arrived(
    silent_server: str,
) -> None:
    sleeps: list[float] = []
    with pytest.raises(policy.Unconfirmed) as lost:
        rules(sleeps, unsafe=True).run(post_losing_its_reply(silent_server, budget.session()))
    assert (lost.value.reason, lost.value.attempts, sleeps) == ("the reply was lost", 1, [])


def test_a_safe_request_whose_reply_was_lost_is_retried(silent_server: str) -> None:
    sleeps: list[float] = []
    with pytest.raises(policy.GaveUp) as gave:
        rules(sleeps, tries=3).run(post_losing_its_reply(silent_server, budget.session()))
    assert (gave.value.attempts, len(sleeps)) == (3, 2)


def test_an_unsafe_request_that_never_went_out_is_retried() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"  # nothing listens: refused before a byte was sent
    sleeps: list[float] = []
    with pytest.raises(policy.GaveUp) as gave:
        rules(sleeps, tries=2, unsafe=True).run(post_losing_its_reply(url, budget.session()))
    assert (gave.value.why, gave.value.attempts, len(sleeps)) == ("tries", 2, 1)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    clock = now.timestamp
    assert policy.retry_after("120", clock) == 120.0
    assert policy.retry_after(" 1.5 ", clock) == 1.5
    assert policy.retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), clock) == 90.0
    assert policy.retry_after("Mon, 07 Dec 2026 05:00:00 GMT", clock) == 0.0  # past: no wait
    for bad in ("", "soon", "-3", "nan", "inf"):
        assert policy.retry_after(bad, clock) is None
