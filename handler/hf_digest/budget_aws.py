"""AWS clients made watchable by `hf_digest.budget` (imported only with an AWS client, so botocore too)."""

from __future__ import annotations

from typing import Any, TypeVar

from botocore.awsrequest import (
    AWSHTTPConnection,
    AWSHTTPConnectionPool,
    AWSHTTPSConnection,
    AWSHTTPSConnectionPool,
)

from hf_digest.errors import DeadlineExceeded
from hf_digest.watches import Recorded, watches

T = TypeVar("T")


# botocore's stubs type AWSConnection's overrides differently from urllib3's: the classes combine at runtime.
class _AWSHTTP(Recorded, AWSHTTPConnection):  # type: ignore[misc]
    pass


class _AWSHTTPS(Recorded, AWSHTTPSConnection):  # type: ignore[misc]
    pass


class _AWSHTTPPool(AWSHTTPConnectionPool):
    ConnectionCls = _AWSHTTP


class _AWSHTTPSPool(AWSHTTPSConnectionPool):
    ConnectionCls = _AWSHTTPS


POOLS = {"http": _AWSHTTPPool, "https": _AWSHTTPSPool}


def guard(client: T) -> T:
    """client, its requests made cuttable by the thread's watches and its retries stopped after a cut."""
    # botocore offers no public way to choose its connection class: its URLLib3Session keeps the pool
    # classes in `_pool_classes_by_scheme`, the same dict its PoolManager and proxy managers use.
    pools = client._endpoint.http_session._pool_classes_by_scheme  # type: ignore[attr-defined]
    if pools.get("http") is not AWSHTTPConnectionPool or pools.get("https") is not AWSHTTPSConnectionPool:
        raise RuntimeError("botocore's HTTP session changed; hf_digest.budget cannot watch this client")
    pools.update(POOLS)
    client.meta.events.register_first("needs-retry", _no_retry_after_cut)  # type: ignore[attr-defined]
    return client


def _no_retry_after_cut(**_: Any) -> None:
    """botocore's retry hook: once a watch of this thread has cut its connection, stop (an exception here
    ends the call; returning a delay would retry)."""
    if any(active.fired for active in watches()):
        raise DeadlineExceeded("the run's time budget is spent")
