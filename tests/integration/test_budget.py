"""A deadline that holds: each adapter against its real local server behind a proxy that drips the answer
one byte every 50 ms (its headers, or its body). A read timeout never fires on such a server; the run's
time budget (the deadline less SAFETY_MARGIN_S) must cut the connection: the call ends with
DeadlineExceeded and the server sees the connection closed long before its drip is over."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hf_digest.adapters.publish import s3
from hf_digest.adapters.publish.github import GitHubPublisher
from hf_digest.config import Secret, Settings
from hf_digest.core.model import Bundle, OutputFile, day_span
from hf_digest.errors import DeadlineExceeded
from hf_digest.huggingface.source import HuggingFaceSource
from hf_digest.outbound import aws, budget, secrets
from hf_digest.outbound.deadline import SAFETY_MARGIN_S, Deadline
from tests.drip_server import BODY, HEADERS, DripProxy, Forwarded
from tests.helpers import MakeGitHubServer
from tests.hf_server import HFServer

BUDGET_S = 1.5  # what each call may take: far less than any drip here
DAY = date(2026, 2, 10)
POST = OutputFile("_posts/2026-02-10-hf-daily-papers.md", b"# post\n" * 40, "text/markdown; charset=utf-8")
TOKEN = "github_pat_budget_test_token_5e1f"


def deadline(extra_s: float = 0.0) -> Deadline:
    return Deadline.after(SAFETY_MARGIN_S + BUDGET_S + extra_s)


@pytest.fixture
def drips() -> Iterator[list[DripProxy]]:
    started: list[DripProxy] = []
    yield started
    for proxy in started:
        proxy.stop()


def dripping(drips: list[DripProxy], upstream: str, mode: str, **options: Any) -> DripProxy:
    proxy = DripProxy(upstream, drip=mode, **options).start()
    drips.append(proxy)
    return proxy


def assert_cut_early(proxy: DripProxy) -> None:
    """The server saw the client hang up well before the end of its (single) dripped answer."""
    [drip] = proxy.wait_for_drips()
    assert drip.cut and drip.sent <= drip.total / 2, drip


MODES = pytest.mark.parametrize("mode", [HEADERS, BODY])


@MODES
def test_hugging_face_is_cut_at_the_budget(hf_server: HFServer, drips: list[DripProxy], mode: str) -> None:
    proxy = dripping(drips, hf_server.url, mode)
    source = HuggingFaceSource(Settings(hf_base_url=proxy.url), sleep=lambda _: None)
    with pytest.raises(DeadlineExceeded) as caught:
        source.fetch_day(DAY, deadline())
    assert str(caught.value).startswith(
        "Hugging Face /api/daily_papers for 2026-02-10: no whole answer within the run's time budget"
    )
    assert_cut_early(proxy)
    assert [r.path.split("?")[0] for r in proxy.forwarded] == ["/api/daily_papers"]  # no retry, no page


@MODES
def test_github_is_cut_at_the_budget(
    make_github_server: MakeGitHubServer, drips: list[DripProxy], mode: str
) -> None:
    server = make_github_server(token=TOKEN)
    proxy = dripping(drips, server.api_url, mode, when=lambda r: r.method == "GET")
    settings = Settings(
        github_repository=server.full_name,
        github_api_url=proxy.url,
        github_token=Secret(TOKEN),
        github_branch="main",
    )
    with pytest.raises(DeadlineExceeded) as caught:
        GitHubPublisher.from_settings(settings).publish(Bundle(day_span(DAY), (POST,)), deadline())
    assert str(caught.value).startswith(f"github: {server.full_name}: GET /repos/{server.full_name}/git/ref")
    assert "no whole answer within the run's time budget" in str(caught.value)
    assert TOKEN not in repr(caught.value.__context__) + repr(caught.value.__cause__)
    assert_cut_early(proxy)
    assert len(proxy.forwarded) == 1 and server.git_log("main") == ["Init"]


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=endpoint)


@pytest.mark.parametrize(
    ("mode", "operation", "slow"),
    [(HEADERS, "HeadObject", "HEAD"), (BODY, "GetObject", "GET")],
)
def test_s3_is_cut_at_the_budget(
    moto_endpoint: str,
    drips: list[DripProxy],
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    operation: str,
    slow: str,
) -> None:
    bucket = f"budget-{uuid.uuid4().hex[:10]}"
    direct = s3_client(moto_endpoint)
    direct.create_bucket(Bucket=bucket)
    # Written by something else (no sha256 metadata) with the post's length: the publisher reads its bytes.
    direct.put_object(Bucket=bucket, Key=POST.path, Body=b"x" * len(POST.content))
    proxy = dripping(drips, moto_endpoint, mode, when=lambda r: r.method == slow)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    # The publisher wants its connect and read timeouts before each request; keep them short here, far
    # above the 50 ms between dripped bytes.
    monkeypatch.setattr(aws, "CONNECT_TIMEOUT_S", 0.5)
    monkeypatch.setattr(aws, "READ_TIMEOUT_S", 1.0)
    publisher = s3.S3Publisher.from_settings(Settings(s3_bucket=bucket))
    with pytest.raises(DeadlineExceeded) as caught:
        publisher.publish(Bundle(day_span(DAY), (POST,)), deadline(extra_s=1.5))
    assert str(caught.value).startswith(f"s3: {operation} s3://{bucket}/{POST.path}: no whole answer")
    assert_cut_early(proxy)
    assert [r.method for r in proxy.forwarded].count(slow) == 1  # botocore did not retry after the cut
    held = direct.get_object(Bucket=bucket, Key=POST.path)["Body"].read()
    assert hashlib.sha256(held).digest() == hashlib.sha256(b"x" * len(POST.content)).digest()  # untouched


def is_get_secret(request: Forwarded) -> bool:
    return request.headers.get("x-amz-target") == "secretsmanager.GetSecretValue"


@MODES
def test_secrets_manager_is_cut_at_the_budget(
    moto_endpoint: str, drips: list[DripProxy], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    import boto3

    name = f"budget/github-token-{uuid.uuid4().hex[:8]}"
    boto3.client("secretsmanager", endpoint_url=moto_endpoint).create_secret(
        Name=name, SecretString=json.dumps({"token": TOKEN})
    )
    proxy = dripping(drips, moto_endpoint, mode, when=is_get_secret)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
    with pytest.raises(DeadlineExceeded) as caught:
        secrets.github_token(Settings(github_token_secret=name), deadline())
    assert str(caught.value).startswith(f"Secrets Manager {name!r}: no whole answer within the run's")
    assert_cut_early(proxy)
    assert len(proxy.forwarded) == 1 and TOKEN not in str(caught.value)


def test_a_request_is_not_started_without_budget_for_it(hf_server: HFServer) -> None:
    source = HuggingFaceSource(Settings(hf_base_url=hf_server.url), sleep=lambda _: None)
    with pytest.raises(DeadlineExceeded, match=r"too little time is left for a request \(5\.\d s left, 5 s"):
        source.fetch_day(DAY, Deadline.after(SAFETY_MARGIN_S + budget.MIN_REQUEST_S - 0.1))
    assert hf_server.requests == []


def test_an_answer_inside_the_budget_is_untouched(hf_server: HFServer, drips: list[DripProxy]) -> None:
    # The same proxy, dripping the headers fast enough to end well within the budget.
    proxy = dripping(drips, hf_server.url, HEADERS, interval_s=0.001)
    source = HuggingFaceSource(Settings(hf_base_url=proxy.url), sleep=lambda _: None)
    listing = source.fetch_day(DAY, Deadline.after(60))
    assert len(listing.items) == 33
    assert [d.cut for d in proxy.wait_for_drips()] == [False]


@pytest.mark.parametrize("seconds", [float("inf"), 10.0**12])
def test_a_deadline_beyond_any_timer_still_lets_requests_run(hf_server: HFServer, seconds: float) -> None:
    source = HuggingFaceSource(Settings(hf_base_url=hf_server.url), sleep=lambda _: None)
    assert len(source.fetch_day(DAY, Deadline.after(seconds)).items) == 33


def test_a_deadline_that_is_not_a_number_starts_no_request(hf_server: HFServer) -> None:
    source = HuggingFaceSource(Settings(hf_base_url=hf_server.url), sleep=lambda _: None)
    with pytest.raises(DeadlineExceeded, match="too little time is left for a request"):
        source.fetch_day(DAY, Deadline.after(float("nan")))
    assert hf_server.requests == []


def test_a_guarded_aws_client_still_goes_through_the_configured_proxy(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watched sender leaves a request bound for a proxy to botocore, which knows the proxy settings:
    here a proxy nobody listens on, so the call fails there instead of reaching moto directly."""
    from botocore.exceptions import ProxyConnectionError

    from tests.helpers import free_port

    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = budget.guard(aws.client("s3", setting="test", max_attempts=1))
    with pytest.raises(ProxyConnectionError):
        client.list_buckets()
    monkeypatch.delenv("HTTP_PROXY")
    assert "Buckets" in budget.guard(aws.client("s3", setting="test")).list_buckets()


@pytest.fixture
def moto_over_tls(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """moto_server answering HTTPS with a certificate for 127.0.0.1 from a CA of its own; (endpoint, CA)."""
    from tests.helpers import free_port

    cert, key, ca = _certificate(tmp_path)
    exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    port = free_port()
    proc = subprocess.Popen(
        [exe, "-H", "127.0.0.1", "-p", str(port), "--ssl-cert", str(cert), "--ssl-key", str(key)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        yield f"https://127.0.0.1:{port}", ca
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _certificate(folder: Path) -> tuple[Path, Path, Path]:
    """(server certificate, its key, the CA certificate that signed it), as PEM files in folder."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def made(subject: str, key: Any, issuer: str, signer: Any, *, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
            builder = builder.add_extension(usage, critical=True)
            builder = builder.add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False
            )
        else:
            names = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
            builder = builder.add_extension(names, critical=False)
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = made("budget test CA", ca_key, "budget test CA", ca_key, ca=True)
    server_cert = made("127.0.0.1", server_key, "budget test CA", ca_key, ca=False)
    paths = folder / "server.pem", folder / "server.key", folder / "ca.pem"
    paths[0].write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    paths[2].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return paths


def test_a_guarded_aws_client_verifies_tls_with_aws_ca_bundle(
    moto_over_tls: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watched sender trusts what the client trusts: the CA bundle AWS_CA_BUNDLE names (a private CA,
    a corporate proxy's), and nothing else."""
    from botocore.exceptions import SSLError

    endpoint, ca = moto_over_tls
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    for name, value in {
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }.items():
        monkeypatch.setenv(name, value)
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
        "AWS_CA_BUNDLE",
        "REQUESTS_CA_BUNDLE",
    ):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SSLError):  # certifi's bundle does not hold the test CA
        budget.guard(aws.client("s3", setting="test", max_attempts=1)).list_buckets()
    monkeypatch.setenv("AWS_CA_BUNDLE", str(ca))
    with budget.watch(Deadline.after(60), "S3"):
        assert "Buckets" in budget.guard(aws.client("s3", setting="test", max_attempts=1)).list_buckets()
    monkeypatch.delenv("AWS_CA_BUNDLE")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))  # botocore's fallback, honoured the same way
    assert "Buckets" in budget.guard(aws.client("s3", setting="test", max_attempts=1)).list_buckets()
