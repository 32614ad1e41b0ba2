"""botocore's connection classes made watchable by `hf_digest.budget` (imported only with an AWS client)."""

from __future__ import annotations

from botocore.awsrequest import (
    AWSHTTPConnection,
    AWSHTTPConnectionPool,
    AWSHTTPSConnection,
    AWSHTTPSConnectionPool,
)

from hf_digest.budget import Recorded


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
