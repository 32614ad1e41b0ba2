"""A total time budget for every outbound request, taken from the run's deadline.

A read timeout applies to each read, so a server that drips a byte every few seconds keeps a request
alive far past the Lambda's time. Inside `with watch(deadline, what):` a timer shuts down the socket of
every connection the block uses when the deadline less `SAFETY_MARGIN_S` (kept to publish or report)
arrives, and the block raises DeadlineExceeded, whatever the HTTP library made of the cut.

Connections are seen through their classes (outbound.watches): a requests `session()` and a boto3 client
passed to `guard()` (which sends through botocore's public `before-send` event, outbound.budget_aws) hand
each socket they send on to the watches of the calling thread. Every adapter (Hugging Face, GitHub,
S3, Secrets Manager, and chat, e-mail, queue and model clients to come) uses one or the other.
This module bounds each attempt; whether to try again, and how long to wait first, is outbound.policy's.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import requests
import requests.adapters
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from hf_digest.errors import DeadlineExceeded
from hf_digest.outbound.deadline import SAFETY_MARGIN_S, Deadline
from hf_digest.outbound.watches import Recorded, Watch, watches

# A request is not started with less of its budget than this: it could not finish.
MIN_REQUEST_S = 0.5

T = TypeVar("T")


def left(deadline: Deadline) -> float:
    """Seconds a request may still take: the time left less the margin kept to publish or report."""
    return deadline.remaining() - SAFETY_MARGIN_S


def timeouts(deadline: Deadline, connect_s: float, read_s: float) -> tuple[float, float]:
    """(connect, read) timeouts no longer than the budget left."""
    budget = max(left(deadline), MIN_REQUEST_S)
    return min(connect_s, budget), min(read_s, budget)


@contextmanager
def watch(deadline: Deadline, what: str) -> Iterator[float]:
    """Cut every connection the block uses (in this thread) when the budget is spent; yields the budget.

    After a cut the block raises DeadlineExceeded naming what, whatever it raised or returned (a cut
    answer is never used); DeadlineExceeded comes at once when less than MIN_REQUEST_S is left.
    """
    budget = left(deadline)
    if not budget >= MIN_REQUEST_S:  # NaN included
        raise DeadlineExceeded(
            f"{what}: too little time is left for a request ({deadline.remaining():.1f} s left, "
            f"{SAFETY_MARGIN_S:g} s of them kept to publish or report)"
        )
    current = Watch()
    timer = threading.Timer(min(budget, threading.TIMEOUT_MAX), current.fire)
    timer.daemon = True
    cut = DeadlineExceeded(
        f"{what}: no whole answer within the run's time budget ({budget:.1f} s, keeping "
        f"{SAFETY_MARGIN_S:g} s before the deadline to publish or report); the connection was cut"
    )
    active = watches()
    active.append(current)
    try:
        timer.start()
        yield budget
    except Exception:
        if current.fired:
            raise cut from None
        raise
    else:
        # http.client takes end-of-file inside the headers for their end: a cut answer can look whole.
        if current.fired:
            raise cut
    finally:
        timer.cancel()
        active.remove(current)


class _HTTP(Recorded):
    pass


class _HTTPS(Recorded, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTP


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPS


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(*args, **kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


def session() -> requests.Session:
    """A requests Session whose requests a watch can cut."""
    made = requests.Session()
    adapter = _Adapter()
    made.mount("http://", adapter)
    made.mount("https://", adapter)
    return made


def guard(client: T) -> T:
    """A boto3 client whose requests a watch can cut, and which does not retry after a cut."""
    from hf_digest.outbound import budget_aws  # botocore is imported only where an AWS client is

    return budget_aws.guard(client)
