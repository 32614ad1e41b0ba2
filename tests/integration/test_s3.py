"""The S3 destination against a real moto_server over HTTP: exact bytes, one write per change, safe races."""

from __future__ import annotations

import hashlib
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from hf_digest.adapters.publish.s3 import CACHE_CONTROL, CONFLICT_ROUNDS, S3Publisher
from hf_digest.config import Settings
from hf_digest.core.model import Bundle, OutputFile, day_span
from hf_digest.errors import ConfigError, DeadlineExceeded, PublishError
from hf_digest.outbound.deadline import Deadline
from tests.helpers import deny_put_policy

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

POST = "_posts/2026-02-10-hf-daily-papers.md"
DATA = "_data/papers/2026-02-10.json"
MARKDOWN = "text/markdown; charset=utf-8"


def _bundle(post: bytes, data: bytes | None = None) -> Bundle:
    files = [OutputFile(POST, post, MARKDOWN)]
    if data is not None:
        files.append(OutputFile(DATA, data, "application/json"))
    return Bundle(day_span(date(2026, 2, 10)), files=tuple(files))


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class _Killed(BaseException):
    """The process dying mid-run (a Lambda timeout, a kill): nothing in the publisher may catch it."""


def _deadline() -> Deadline:
    return Deadline.after(120)


@pytest.fixture
def s3(moto_endpoint: str) -> S3Client:
    """A client of our own, the 'other writer' and the inspector."""
    return boto3.client("s3", region_name="us-east-1")


def _new_bucket(s3: S3Client, versioned: bool = False) -> str:
    name = f"digest-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@pytest.fixture
def bucket(s3: S3Client) -> str:
    return _new_bucket(s3)


def _publisher(bucket: str, prefix: str = "") -> S3Publisher:
    return S3Publisher.from_settings(Settings(destinations=("s3",), s3_bucket=bucket, s3_prefix=prefix))


def _record_calls(publisher: S3Publisher) -> list[str]:
    """The S3 operations the publisher sends, in order (each API call once, whatever botocore retries)."""
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    publisher.client.meta.events.register("before-call.s3", record)
    return calls


def _before_put(publisher: S3Publisher, action: Callable[[int], object]) -> None:
    """Run action(n) just before the publisher's n-th PutObject (1-based), after it has read the key."""
    count = 0

    def hook(**_: Any) -> None:
        nonlocal count
        count += 1
        action(count)

    publisher.client.meta.events.register("before-call.s3.PutObject", hook)


def _before_first_put(publisher: S3Publisher, action: Callable[[], object]) -> None:
    _before_put(publisher, lambda n: action() if n == 1 else None)


def _versions(s3: S3Client, bucket: str, key: str) -> int:
    return len(s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", []))


def test_first_write_stores_exact_bytes_with_type_cache_and_sha256(s3: S3Client, bucket: str) -> None:
    post, data = "# 데일리 페이퍼\n".encode(), b'{"papers": []}\n'
    publisher = _publisher(bucket)
    calls = _record_calls(publisher)

    outcome = publisher.publish(_bundle(post, data), _deadline())

    assert (outcome.status, outcome.location) == ("created", f"s3://{bucket}/{POST}")
    for key, content, content_type in ((POST, post, MARKDOWN), (DATA, data, "application/json")):
        stored = s3.get_object(Bucket=bucket, Key=key)
        assert stored["Body"].read() == content
        assert stored["ContentType"] == content_type
        assert stored["CacheControl"] == CACHE_CONTROL == "public, max-age=300"
        assert stored["Metadata"] == {"sha256": _sha(content)}
    assert calls == ["HeadObject", "PutObject", "HeadObject", "PutObject"]  # first publish of two files


def test_put_order_is_data_first_post_last(bucket: str) -> None:
    publisher = _publisher(bucket)
    keys: list[str] = []
    publisher.client.meta.events.register(
        "before-call.s3.PutObject", lambda params, **_: keys.append(params["url_path"].rsplit("/", 1)[-1])
    )
    publisher.publish(_bundle(b"post", b"{}"), _deadline())
    assert keys == ["2026-02-10.json", "2026-02-10-hf-daily-papers.md"]


def test_rerun_with_same_content_writes_nothing(s3: S3Client, bucket: str) -> None:
    bundle = _bundle(b"# post\n", b"{}")
    _publisher(bucket).publish(bundle, _deadline())
    before = s3.head_object(Bucket=bucket, Key=POST)["LastModified"]
    rerun = _publisher(bucket)
    calls = _record_calls(rerun)

    outcome = rerun.publish(bundle, _deadline())

    assert outcome.status == "unchanged"
    assert calls == ["HeadObject", "HeadObject"]  # a rerun: 2 requests, no PutObject
    assert s3.head_object(Bucket=bucket, Key=POST)["LastModified"] == before


def test_changed_content_replaces_the_object(s3: S3Client, bucket: str) -> None:
    _publisher(bucket).publish(_bundle(b"old post", b"{}"), _deadline())
    outcome = _publisher(bucket).publish(_bundle(b"new post", b"{}"), _deadline())
    assert outcome.status == "updated"
    stored = s3.get_object(Bucket=bucket, Key=POST)
    assert stored["Body"].read() == b"new post"
    assert stored["Metadata"]["sha256"] == _sha(b"new post")


def test_prefix_goes_before_every_key(s3: S3Client, bucket: str) -> None:
    outcome = _publisher(bucket, prefix="site/blog").publish(_bundle(b"post", b"{}"), _deadline())
    assert outcome.location == f"s3://{bucket}/site/blog/{POST}"
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == [f"site/blog/{DATA}", f"site/blog/{POST}"]


def test_object_uploaded_without_sha256_metadata_is_compared_by_its_bytes(s3: S3Client, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key=POST, Body=b"same")  # e.g. by `aws s3 sync`, no metadata
    assert _publisher(bucket).publish(_bundle(b"same"), _deadline()).status == "unchanged"
    assert _publisher(bucket).publish(_bundle(b"diff"), _deadline()).status == "updated"
    assert s3.get_object(Bucket=bucket, Key=POST)["Body"].read() == b"diff"


def test_writer_between_read_and_create_makes_us_read_again(s3: S3Client) -> None:
    bucket = _new_bucket(s3, versioned=True)
    publisher = _publisher(bucket)
    calls = _record_calls(publisher)
    _before_first_put(publisher, lambda: s3.put_object(Bucket=bucket, Key=POST, Body=b"theirs"))

    outcome = publisher.publish(_bundle(b"ours"), _deadline())

    # Create-only PUT got 412, so we read again and replaced exactly the version the other run wrote.
    assert calls == ["HeadObject", "PutObject", "HeadObject", "PutObject"]
    assert outcome.status == "updated"
    assert s3.get_object(Bucket=bucket, Key=POST)["Body"].read() == b"ours"
    assert _versions(s3, bucket, POST) == 2


def test_writer_between_read_and_update_is_caught_by_if_match(s3: S3Client) -> None:
    bucket = _new_bucket(s3, versioned=True)
    s3.put_object(Bucket=bucket, Key=POST, Body=b"v1 by hand")
    publisher = _publisher(bucket)
    calls = _record_calls(publisher)
    _before_first_put(publisher, lambda: s3.put_object(Bucket=bucket, Key=POST, Body=b"v2 by another run"))

    outcome = publisher.publish(_bundle(b"v3"), _deadline())

    assert calls == ["HeadObject", "PutObject", "HeadObject", "PutObject"]  # the If-Match PUT got 412
    assert outcome.status == "updated"
    assert s3.get_object(Bucket=bucket, Key=POST)["Body"].read() == b"v3"
    assert _versions(s3, bucket, POST) == 3  # v1, v2, v3: nothing written blind over v2


def test_other_run_writing_the_same_bytes_first_leaves_us_unchanged(s3: S3Client, bucket: str) -> None:
    other = _publisher(bucket)
    publisher = _publisher(bucket)
    _before_first_put(publisher, lambda: other.publish(_bundle(b"same"), _deadline()))
    assert publisher.publish(_bundle(b"same"), _deadline()).status == "unchanged"


def test_a_key_that_never_settles_fails_after_bounded_rounds(s3: S3Client, bucket: str) -> None:
    publisher = _publisher(bucket)
    _before_put(publisher, lambda n: s3.put_object(Bucket=bucket, Key=POST, Body=f"theirs {n}".encode()))
    with pytest.raises(PublishError, match=f"{CONFLICT_ROUNDS} writes"):
        publisher.publish(_bundle(b"ours"), _deadline())
    assert s3.get_object(Bucket=bucket, Key=POST)["Body"].read() == f"theirs {CONFLICT_ROUNDS}".encode()


@pytest.mark.parametrize("same", [True, False], ids=["same-content", "different-content"])
def test_two_runs_at_once_leave_one_whole_object(s3: S3Client, same: bool) -> None:
    bucket = _new_bucket(s3, versioned=True)
    contents = (b"post from run A", b"post from run A" if same else b"post from run B, longer")
    runs = (_publisher(bucket), _publisher(bucket))
    both_read = threading.Barrier(2, timeout=10)
    a_done = threading.Event()
    # Both runs read the key (absent) before either writes; B's write then lands after A's.

    def b_waits_for_a() -> None:
        both_read.wait()
        a_done.wait(10)

    _before_first_put(runs[0], both_read.wait)
    _before_first_put(runs[1], b_waits_for_a)

    def run(i: int) -> str:
        try:
            return runs[i].publish(_bundle(contents[i]), _deadline()).status
        finally:
            if i == 0:
                a_done.set()

    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(run, (0, 1)))

    stored = s3.get_object(Bucket=bucket, Key=POST)
    body = stored["Body"].read()
    assert body in contents
    assert stored["Metadata"]["sha256"] == _sha(body)
    if same:
        assert statuses == ["created", "unchanged"]
        assert _versions(s3, bucket, POST) == 1  # written exactly once
    else:
        assert statuses == ["created", "updated"]
        assert _versions(s3, bucket, POST) == 2


def test_crash_between_files_is_repaired_by_a_rerun(s3: S3Client, bucket: str) -> None:
    bundle = _bundle(b"post", b'{"papers": 1}')
    crashing = _publisher(bucket)

    def crash(n: int) -> None:
        if n == 2:  # the post, after the data
            raise _Killed

    _before_put(crashing, crash)
    with pytest.raises(_Killed):
        crashing.publish(bundle, _deadline())
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [DATA]  # no post without data

    rerun = _publisher(bucket)
    calls = _record_calls(rerun)
    assert rerun.publish(bundle, _deadline()).status == "created"
    assert calls == ["HeadObject", "HeadObject", "PutObject"]  # the data is left alone
    assert s3.get_object(Bucket=bucket, Key=POST)["Body"].read() == b"post"


def test_bucket_policy_denying_put_fails_at_once_naming_the_permission(s3: S3Client, bucket: str) -> None:
    # moto_server enforces an explicit Deny in a bucket policy (403 with an empty body, like a HEAD).
    s3.put_bucket_policy(Bucket=bucket, Policy=deny_put_policy(bucket))
    publisher = _publisher(bucket, prefix="blog")
    calls = _record_calls(publisher)

    with pytest.raises(PublishError) as raised:
        publisher.publish(_bundle(b"post"), _deadline())

    message = str(raised.value)
    assert "access denied" in message and bucket in message
    assert f"s3:GetObject and s3:PutObject on arn:aws:s3:::{bucket}/blog/*" in message
    assert f"s3:ListBucket on arn:aws:s3:::{bucket} " in message
    assert "testing" not in message  # the fake credentials
    assert calls == ["HeadObject", "PutObject"]


def test_missing_bucket_fails_at_once_naming_it(moto_endpoint: str) -> None:
    name = f"digest-missing-{uuid.uuid4().hex[:8]}"
    publisher = _publisher(name)
    calls = _record_calls(publisher)
    with pytest.raises(PublishError, match=f"bucket {name} does not exist"):
        publisher.publish(_bundle(b"post", b"{}"), _deadline())
    assert calls == ["HeadObject", "PutObject"]


def test_unset_bucket_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="S3_BUCKET"):
        S3Publisher.from_settings(Settings(destinations=("s3",)))


def test_missing_region_says_to_set_aws_region(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(ConfigError, match=r"my-bucket.*set AWS_REGION"):
        _publisher("my-bucket")


def test_too_little_time_stops_before_any_request(bucket: str) -> None:
    publisher = _publisher(bucket)
    calls = _record_calls(publisher)
    with pytest.raises(DeadlineExceeded):
        publisher.publish(_bundle(b"post"), Deadline.after(3))
    assert calls == []


def test_no_answer_from_s3_is_a_publish_error_without_secrets(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:  # a loopback port nobody listens on once the socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(PublishError, match=r"request for s3://my-bucket/_posts/.* failed") as raised:
        _publisher("my-bucket").publish(_bundle(b"post"), _deadline())
    assert "testing" not in str(raised.value)
