"""AWS clients made watchable by `outbound.budget` (imported only with an AWS client, so botocore too).

botocore has no public way to choose its connection class, but its event system is public: a `before-send`
handler may answer a signed request itself ("None or an instance of AWSResponse", botocore's events
reference). `guard` registers one that sends through a urllib3 pool of botocore's own connection classes
made to record their sockets, with the client's configured timeouts and TLS verification (the CA bundle
hf_digest.outbound.aws gives the client too: botocore keeps its own only in private attributes), as botocore's
URLLib3Session would; the client's retries, signing and parsing are botocore's as before.
"""

from __future__ import annotations

import socket
import urllib.request
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from botocore.awsrequest import (
    AWSHTTPConnection,
    AWSHTTPConnectionPool,
    AWSHTTPSConnection,
    AWSHTTPSConnectionPool,
    AWSPreparedRequest,
    AWSResponse,
)
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ReadTimeoutError,
    SSLError,
)
from botocore.httpsession import get_cert_path
from urllib3 import PoolManager, Retry, Timeout
from urllib3.exceptions import ConnectTimeoutError as URLLib3ConnectTimeoutError
from urllib3.exceptions import NewConnectionError, ProtocolError
from urllib3.exceptions import ReadTimeoutError as URLLib3ReadTimeoutError
from urllib3.exceptions import SSLError as URLLib3SSLError

from hf_digest.errors import DeadlineExceeded
from hf_digest.outbound import aws
from hf_digest.outbound.watches import Recorded, watches

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


class _Sender:
    """Sends a client's signed requests on connections the thread's watches can cut."""

    def __init__(self, config: Any, verify: bool | str) -> None:
        """config: the client's botocore Config (its timeouts and pool size); verify: what the client verifies
        TLS with (outbound.aws.verify: a CA bundle's path, True for botocore's own, False for none)."""
        timeout = Timeout(connect=config.connect_timeout, read=config.read_timeout)
        self._pools = PoolManager(
            maxsize=config.max_pool_connections,
            timeout=timeout,
            cert_reqs="CERT_REQUIRED" if verify else "CERT_NONE",
            ca_certs=(get_cert_path(True) if verify is True else verify) or None,
        )
        self._pools.pool_classes_by_scheme = dict(POOLS)
        self._proxied = bool(config.proxies)

    def send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        """The answer to request, or None to leave a request that goes through a proxy to botocore (its
        session knows the proxy settings; such a request keeps to its timeouts but is not watched)."""
        url = urlsplit(request.url)
        if self._proxied or _through_proxy(url.scheme, url.hostname or ""):
            return None
        target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        pool = self._pools.connection_from_url(request.url)
        # botocore's types for these are wider than urllib3's; botocore passes them as they are.
        body: Any = request.body
        headers: Any = request.headers
        try:
            answer = pool.urlopen(
                method=request.method,
                url=target,
                body=body,
                headers=headers,
                retries=Retry(False),
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
                chunked=_chunked(headers),
                enforce_content_length=False,
            )
            response = AWSResponse(request.url, answer.status, cast(Any, answer.headers), answer)
            if not request.stream_output:
                response.content  # noqa: B018  # read the whole answer now, inside the watch
            return response
        # botocore's own exceptions for what its session would raise, so its retry rules see the same.
        except URLLib3SSLError as exc:
            raise SSLError(endpoint_url=request.url, error=exc) from exc
        except (NewConnectionError, socket.gaierror) as exc:
            raise EndpointConnectionError(endpoint_url=request.url, error=exc) from exc
        except URLLib3ConnectTimeoutError as exc:
            raise ConnectTimeoutError(endpoint_url=request.url, error=exc) from exc
        except URLLib3ReadTimeoutError as exc:
            raise ReadTimeoutError(endpoint_url=request.url, error=exc) from exc
        except ProtocolError as exc:
            raise ConnectionClosedError(error=exc, request=request, endpoint_url=request.url) from exc
        except Exception as exc:
            raise HTTPClientError(error=exc) from exc


def _through_proxy(scheme: str, host: str) -> bool:
    """True when the standard proxy settings (HTTP(S)_PROXY, NO_PROXY) send scheme://host through a proxy."""
    return scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(host)


def _chunked(headers: Any) -> bool:
    encoding = headers.get("Transfer-Encoding", b"")
    return (encoding.encode() if isinstance(encoding, str) else encoding).lower() == b"chunked"


def guard(client: T) -> T:
    """client, its requests made cuttable by the thread's watches and its retries stopped after a cut."""
    events = client.meta.events  # type: ignore[attr-defined]
    sender = _Sender(client.meta.config, aws.verify(client))  # type: ignore[attr-defined]
    events.register_first("before-send", sender.send)
    events.register_first("needs-retry", _no_retry_after_cut)
    return client


def _no_retry_after_cut(**_: Any) -> None:
    """botocore's retry hook: once a watch of this thread has cut its connection, stop (an exception here
    ends the call; returning a delay would retry)."""
    if any(active.fired for active in watches()):
        raise DeadlineExceeded("the run's time budget is spent")
