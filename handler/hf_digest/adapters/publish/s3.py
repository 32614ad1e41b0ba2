"""An S3 bucket: each file written once per change with conditional writes, safe when two runs race.

Order: data files (and site pages) first, then the post, then derived files (feeds, the site's index),
so nothing points at a file that is not there yet. S3 has no transaction: a crash between files leaves
the new data beside the old (or no) post; a rerun finds the data unchanged by its sha256 metadata, skips
it and writes the rest. A derived file is read, merged and written with If-Match (or If-None-Match), and
merged again from the new state when another run wrote it in between.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from hf_digest.config import Settings
from hf_digest.core.model import MAX_HELD_BYTES, Bundle, OutputFile, Oversized
from hf_digest.core.outcomes import Delivery, Status
from hf_digest.errors import ConfigError, DeadlineExceeded, PublishError
from hf_digest.outbound import aws, budget
from hf_digest.outbound.deadline import Deadline

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import HeadObjectOutputTypeDef, PutObjectRequestTypeDef

T = TypeVar("T")
log = logging.getLogger(__name__)

# Five minutes: a static site (or CloudFront before it) shows a same-day update soon, yet caches the page.
CACHE_CONTROL = "public, max-age=300"
CONFLICT_ROUNDS = 5  # re-read and decide again at most this often when another writer gets in between
# A 412 (precondition failed) or 409 (a conflicting write in flight) means someone else wrote meanwhile;
# a PUT with If-Match on an object deleted meanwhile answers 404 NoSuchKey.
_CONFLICT_CODES = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409", "NoSuchKey"})
# No object under the key (a HEAD's error carries only "404").
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
# A HEAD has no body, so its errors carry only the HTTP status as their code.
_DENIED_CODES = {"AccessDenied", "403", "Forbidden", "AllAccessDisabled"}


@dataclass(frozen=True)
class _Current:
    """What the bucket holds under a key now: its ETag for If-Match, and the sha256 of its bytes."""

    etag: str
    sha256: str | None


class _Conflict(Exception):
    """Another writer changed the key between our read and our write."""


class S3Publisher:
    name = "s3"

    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Publisher:
        """A publisher for S3_BUCKET; region, credentials and AWS_ENDPOINT_URL come from the environment."""
        if not settings.s3_bucket:
            raise ConfigError("S3_BUCKET: not set; name the bucket to publish to, or leave out s3")
        client = budget.guard(aws.client("s3", setting=f"S3_BUCKET {settings.s3_bucket}"))
        return cls(client, settings.s3_bucket, settings.s3_prefix)

    @property
    def resource_arn(self) -> str:
        """The objects this publisher reads and writes, as an IAM policy names them."""
        return f"arn:aws:s3:::{self.bucket}/{self.prefix + '/' if self.prefix else ''}*"

    def key(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def publish(self, bundle: Bundle, deadline: Deadline) -> Delivery:
        """Write each changed file (data first, the post, derived files last); equal files are left alone."""
        if not bundle.files:
            raise PublishError("s3: the bundle has no files to write")
        post, rest = bundle.files[0], bundle.files_for(self.name)[1:]
        plain = [f for f in rest if not f.is_derived]
        statuses = [self._publish_file(f, deadline) for f in plain]
        post_status = self._publish_file(post, deadline)
        statuses += [post_status, *(self._publish_file(f, deadline) for f in rest if f.is_derived)]
        if all(s == Status.UNCHANGED for s in statuses):
            status = Status.UNCHANGED
        else:
            status = Status.CREATED if post_status == Status.CREATED else Status.UPDATED
        location = f"s3://{self.bucket}/{self.key(post.path)}"
        log.info("s3 publish", extra={"destination": self.name, "status": status, "location": location})
        return Delivery(self.name, status, location=location)

    def _publish_file(self, file: OutputFile, deadline: Deadline) -> str:
        key = self.key(file.path)
        for _ in range(CONFLICT_ROUNDS):
            current, content = self._current(key, file, deadline)
            if current is None and file.amends:
                return Status.UNCHANGED  # nothing there to amend
            digest = hashlib.sha256(content).hexdigest()
            if current is not None and (
                current.sha256 == digest or self._alike(key, file, current, deadline)
            ):
                return Status.UNCHANGED
            try:
                self._write(key, file, content, digest, current, deadline)
            except _Conflict:
                log.info("s3 conflict, reading again", extra={"destination": self.name, "key": key})
                continue
            return Status.CREATED if current is None else Status.UPDATED
        raise PublishError(
            f"s3: s3://{self.bucket}/{key} changed under every one of {CONFLICT_ROUNDS} writes; "
            "another run keeps writing it"
        )

    def _current(self, key: str, file: OutputFile, deadline: Deadline) -> tuple[_Current | None, bytes]:
        """What the bucket holds under key, and the bytes file should have there now."""
        if not file.is_derived:
            return self._read(key, len(file.content), deadline), file.content
        if file.source == file.path:
            found = self._get(key, deadline)
            if found is None:
                return None, file.content_for(None)
            etag, body = found
            return _Current(etag, hashlib.sha256(body).hexdigest()), file.content_for(body)
        # The target's version is read before its source, so a newer source written by another run
        # after this read makes the conditional write below fail and the merge run again.
        current = self._read(key, None, deadline)
        source = self._get(self.key(file.source), deadline)
        return current, file.content_for(source[1] if source else None)

    def read(self, path: str, deadline: Deadline) -> bytes | None:
        """The object's bytes under the prefix, or None when there is none."""
        found = self._get(self.key(path), deadline)
        return found[1] if found else None

    def _ask(
        self,
        operation: str,
        key: str,
        deadline: Deadline,
        call: Callable[[], T],
        none_for: frozenset[str] = _MISSING_CODES,
    ) -> T | None:
        """call()'s answer within the time left; None when S3 answers one of none_for (by default: there is
        no object under key)."""
        self._check_time(deadline)
        try:
            with self._watch(deadline, operation, key):
                return call()
        except ClientError as exc:
            if _code(exc) in none_for:
                return None
            raise self._error(exc, operation, key) from exc
        except BotoCoreError as exc:
            raise self._failed(exc, key) from exc

    def _get(self, key: str, deadline: Deadline) -> tuple[str, bytes] | None:
        """(ETag, bytes) of the object under key, or None when there is none; bytes over MAX_HELD_BYTES
        are left unread (Oversized)."""

        def get() -> tuple[str, bytes]:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
            size = answer.get("ContentLength", 0)
            if size > MAX_HELD_BYTES:  # not ours: its size is enough (the body is never read)
                answer["Body"].close()
                return answer["ETag"], Oversized(size)
            return answer["ETag"], answer["Body"].read()

        return self._ask("GetObject", key, deadline, get)

    def _head(self, key: str, deadline: Deadline) -> HeadObjectOutputTypeDef | None:
        """The object's metadata, or None when there is none (a missing bucket also answers 404 to HEAD;
        the create-only PUT that follows names it)."""

        def head() -> HeadObjectOutputTypeDef:
            return self.client.head_object(Bucket=self.bucket, Key=key)

        return self._ask("HeadObject", key, deadline, head)

    def existing(self, paths: Sequence[str], deadline: Deadline) -> set[str]:
        """The paths with an object under the prefix: one HEAD each."""
        return {path for path in paths if self._head(self.key(path), deadline) is not None}

    def _read(self, key: str, length: int | None, deadline: Deadline) -> _Current | None:
        """The object under key now, or None; its bytes are hashed only when it lacks our sha256 metadata
        and has length bytes (a derived file's length is not known before the merge: always hashed)."""
        head = self._head(key, deadline)
        if head is None:
            return None
        etag = head["ETag"]
        sha256 = head.get("Metadata", {}).get("sha256")
        size = head.get("ContentLength", 0)
        if sha256 is None and length in (None, size) and size <= MAX_HELD_BYTES:
            sha256 = self._body_sha256(key, etag, deadline)  # written by something else: hash its bytes
        return _Current(etag=etag, sha256=sha256)

    def _body_sha256(self, key: str, etag: str, deadline: Deadline) -> str | None:
        body = self._body(key, etag, deadline)
        return None if body is None else hashlib.sha256(body).hexdigest()

    def _alike(self, key: str, file: OutputFile, current: _Current, deadline: Deadline) -> bool:
        """True when the object shows what file shows but for its read date (one GET, only for such files)."""
        if file.alike is None:
            return False
        body = self._body(key, current.etag, deadline)
        return body is not None and file.holds(body)

    def _body(self, key: str, etag: str, deadline: Deadline) -> bytes | None:
        """The object's bytes while it is still etag; None when it was replaced since (the conditional write
        will find out)."""

        def get() -> bytes:
            return self.client.get_object(Bucket=self.bucket, Key=key, IfMatch=etag)["Body"].read()

        return self._ask("GetObject", key, deadline, get, none_for=_CONFLICT_CODES)

    def _write(
        self, key: str, file: OutputFile, content: bytes, digest: str, current: _Current | None, dl: Deadline
    ) -> None:
        """Create only if absent, or replace only the version we read; a lost race raises _Conflict."""
        self._check_time(dl)
        request: PutObjectRequestTypeDef = {
            "Bucket": self.bucket,
            "Key": key,
            "Body": content,
            "ContentType": file.content_type,
            "CacheControl": file.cache_control or CACHE_CONTROL,
            "Metadata": {"sha256": digest},
        }
        if current is None:
            request["IfNoneMatch"] = "*"
        else:
            request["IfMatch"] = current.etag
        try:
            with self._watch(dl, "PutObject", key):
                self.client.put_object(**request)
        except ClientError as exc:
            if _code(exc) in _CONFLICT_CODES:
                raise _Conflict from exc
            raise self._error(exc, "PutObject", key) from exc
        except BotoCoreError as exc:
            raise self._failed(exc, key) from exc

    def _watch(self, deadline: Deadline, operation: str, key: str) -> AbstractContextManager[float]:
        return budget.watch(deadline, f"s3: {operation} s3://{self.bucket}/{key}")

    def _check_time(self, deadline: Deadline) -> None:
        if not deadline.allows(aws.CONNECT_TIMEOUT_S + aws.READ_TIMEOUT_S):
            raise DeadlineExceeded(
                f"s3: {deadline.remaining():.1f} s left, too little for another request to s3://{self.bucket}"
            )

    def _error(self, exc: ClientError, operation: str, key: str) -> PublishError:
        """A one-line error naming the bucket and what to fix; never S3's full message or request."""
        code = _code(exc)
        refused = aws.credential_problem(code, "s3")
        if refused:
            return PublishError(refused)
        if code in _DENIED_CODES:
            return PublishError(
                f"s3: access denied ({operation} s3://{self.bucket}/{key}); the run's role needs "
                f"s3:GetObject and s3:PutObject on {self.resource_arn}, and s3:ListBucket on "
                f"arn:aws:s3:::{self.bucket} (without it S3 answers 403, not 404, for a key not written yet)"
            )
        if code == "NoSuchBucket":
            return PublishError(f"s3: bucket {self.bucket} does not exist (S3_BUCKET)")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return PublishError(f"s3: {operation} s3://{self.bucket}/{key} failed: {code} (HTTP {status})")

    def _failed(self, exc: BotoCoreError, key: str) -> PublishError:
        """No answer from S3 (no credentials, no connection, a timeout after the retries)."""
        reason = aws.unreachable(exc) or f"{type(exc).__name__}: {exc}"
        return PublishError(f"s3: request for s3://{self.bucket}/{key} failed: {reason}")


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
