"""The probes of `hf-digest check` for the destinations, Bedrock and SES (the chat channels' are in
check_channels), each the least-privileged call that proves the part works.

GitHub: GET the repository (its `permissions.push` for this token) and the branch (`protected`).
S3: HeadBucket, then a create-only PutObject (If-None-Match: *) of one small fixed key under the prefix:
200 the first time, 412 afterwards, both proof that a conditional write is allowed and honoured, with
no s3:DeleteObject needed.
Bedrock: a Converse of a few tokens. SES: the sender's identity (GetEmailIdentity, the address, else its
domain).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hf_digest.config import Settings
from hf_digest.errors import PublishError
from hf_digest.outbound import aws, budget
from hf_digest.outbound.deadline import Deadline

PROBE_KEY = ".hf-digest-check"
PROBE_BODY = b"written by hf-digest check: proof that a create-only write is allowed here\n"


@dataclass(frozen=True)
class Line:
    """One part's verdict: what was proven, or what is wrong and how to fix it."""

    part: str
    ok: bool
    said: str
    fix: str = ""

    def text(self) -> str:
        mark = "✓" if self.ok else "✗"
        return f"{mark} {self.part}: {self.said}" + (f"; fix: {self.fix}" if self.fix else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "ok": self.ok,
            "said": self.said,
            **({"fix": self.fix} if self.fix else {}),
        }


def passed(part: str, said: str) -> Line:
    return Line(part, True, said)


def failed(part: str, said: str, fix: str = "") -> Line:
    return Line(part, False, said, fix)


Probe = Callable[[Settings, Deadline], Line]


def local(settings: Settings, deadline: Deadline) -> Line:
    """The folder of posts exists and may be written, or its nearest existing parent may be."""
    folder = Path(settings.output_dir)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
    if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK):
        return passed("local", f"posts go to {folder}")
    return failed(
        "local", f"{existing} cannot be written", "set DIGEST_OUTPUT_DIR (--out) to a writable folder"
    )


def github(settings: Settings, deadline: Deadline) -> Line:
    from hf_digest.adapters.publish.github import GitHubPublisher
    from hf_digest.adapters.publish.github_api import PERMISSION

    publisher = GitHubPublisher.from_settings(settings, deadline)
    api, repo = publisher.api, publisher.repository
    need = PERMISSION.format(repo=repo)
    data = api.call("GET", f"/repos/{repo}", deadline)
    permissions = data.get("permissions")
    permissions = permissions if isinstance(permissions, dict) else {}
    if not permissions.get("push"):
        return failed("github", f"the token may read {repo} but not push to it", f"give the token {need}")
    branch = settings.github_branch or str(data.get("default_branch") or "main")
    try:
        about = api.call("GET", f"/repos/{repo}/branches/{quote(branch, safe='')}", deadline)
    except PublishError as exc:
        if "404" not in str(exc):
            raise
        return failed("github", f"{repo} has no branch {branch}", "create it, or set GITHUB_BRANCH")
    if about.get("protected"):
        return failed(
            "github",
            f"branch {branch} of {repo} is protected, so a direct push may be refused",
            "publish to a branch without protection rules (GITHUB_BRANCH), or let this token push past them",
        )
    return passed("github", f"the token may push to {repo}, branch {branch}, which is not protected")


def s3(settings: Settings, deadline: Deadline) -> Line:
    from botocore.exceptions import BotoCoreError, ClientError

    from hf_digest.adapters.publish.s3 import S3Publisher

    publisher = S3Publisher.from_settings(settings)
    client, bucket, key = publisher.client, publisher.bucket, publisher.key(PROBE_KEY)
    try:
        with budget.watch(deadline, f"s3: HeadBucket {bucket}"):
            client.head_bucket(Bucket=bucket)
    except ClientError as exc:
        code = _code(exc)
        if code in ("404", "NoSuchBucket", "NotFound"):
            return failed("s3", f"bucket {bucket} does not exist", "create it, or correct S3_BUCKET")
        return _aws_refused(
            "s3", code, f"HeadBucket {bucket}", f"allow s3:ListBucket on arn:aws:s3:::{bucket}"
        )
    except BotoCoreError as exc:
        return failed("s3", aws.unreachable(exc) or type(exc).__name__)
    try:
        with budget.watch(deadline, f"s3: PutObject {key}"):
            client.put_object(Bucket=bucket, Key=key, Body=PROBE_BODY, IfNoneMatch="*")
    except ClientError as exc:
        code = _code(exc)
        if code not in ("PreconditionFailed", "412"):  # 412: the key is there from an earlier check
            return _aws_refused(
                "s3", code, f"a create-only PutObject of s3://{bucket}/{key}", f"allow s3:PutObject on {key}"
            )
    except BotoCoreError as exc:
        return failed("s3", aws.unreachable(exc) or type(exc).__name__)
    return passed("s3", f"bucket {bucket} exists and takes create-only writes under {key}")


def _asking_ok(model: str) -> dict[str, Any]:
    """The summary model checks' one tiny request, Converse-shaped as the summaries' own requests are."""
    return {
        "modelId": model,
        "messages": [{"role": "user", "content": [{"text": "Answer with the word OK."}]}],
        "inferenceConfig": {"maxTokens": 8},
    }


def bedrock(settings: Settings, deadline: Deadline) -> Line:
    from botocore.exceptions import BotoCoreError, ClientError

    from hf_digest.enrich.summaries.converse import Caller, converse_client

    model = str(settings.summary_model)
    client = converse_client(settings)
    region = client.meta.region_name if hasattr(client, "meta") else "this region"
    try:
        with budget.watch(deadline, "Bedrock Converse"):
            client.converse(**_asking_ok(model))
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "")), str(error.get("Message", ""))
        fix = Caller(client, model, deadline, 0.0).fatal(code, message)
        return failed("bedrock", f"model {model} did not answer in {region} ({code})", fix or "")
    except BotoCoreError as exc:
        return failed("bedrock", aws.unreachable(exc) or type(exc).__name__)
    return passed("bedrock", f"model {model} answered in {region}")


def openai(settings: Settings, deadline: Deadline) -> Line:
    """One tiny chat completion at OPENAI_BASE_URL: the key, the address and the model a run would use."""
    import requests

    from hf_digest.enrich.summaries.openai_chat import ChatCaller, chat_client, chat_request, error_of

    model = str(settings.summary_model)
    client = chat_client(settings)
    body = chat_request(_asking_ok(model))  # as a run turns its Converse request into a chat body
    try:
        with budget.watch(deadline, f"{client.host} chat completions"):
            answer = client.post(body, budget.timeouts(deadline, 3.0, 20.0))
    except requests.RequestException as exc:
        return failed("openai", f"{client.host}: {type(exc).__name__}", "check OPENAI_BASE_URL")
    if answer.status_code != 200:
        fix = ChatCaller(client, model, deadline, 0.0).fatal(answer.status_code, *error_of(answer))
        return failed(
            "openai", f"model {model} did not answer at {client.host} ({answer.status_code})", fix or ""
        )
    return passed("openai", f"model {model} answered at {client.host}")


def email(settings: Settings, deadline: Deadline) -> Line:
    from botocore.exceptions import BotoCoreError, ClientError

    sender = settings.email_from
    if not sender or not settings.email_to:
        return failed("email", "no sender or no recipient", "set DIGEST_EMAIL_FROM and DIGEST_EMAIL_TO")
    client = aws.client("sesv2", setting="DIGEST_EMAIL_FROM")
    domain = sender.rpartition("@")[2]
    for identity in (sender, domain):
        try:
            with budget.watch(deadline, "SES GetEmailIdentity"):
                found = client.get_email_identity(EmailIdentity=identity)
        except ClientError as exc:
            code = _code(exc)
            if code == "NotFoundException":
                continue
            return _aws_refused("email", code, f"GetEmailIdentity {identity}", "allow ses:GetEmailIdentity")
        except BotoCoreError as exc:
            return failed("email", aws.unreachable(exc) or type(exc).__name__)
        if found.get("VerifiedForSendingStatus") is True or found.get("VerificationStatus") == "SUCCESS":
            return passed("email", f"SES may send as {sender} (identity {identity} is verified)")
        return failed(
            "email",
            f"SES identity {identity} is not verified",
            "confirm the e-mail SES sent, or the domain's DNS",
        )
    return failed(
        "email",
        f"{sender} is not an SES identity in {client.meta.region_name}",
        "verify the address or its domain in SES (DIGEST_EMAIL_FROM)",
    )


def _aws_refused(part: str, code: str, what: str, permission: str) -> Line:
    refused = aws.credential_problem(code, part)
    if refused:
        return failed(part, refused)
    if code in ("AccessDenied", "AccessDeniedException", "403", "Forbidden"):
        return failed(part, f"access denied ({what})", permission)
    return failed(part, f"{what} failed ({code})")


def _code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


DESTINATIONS: dict[str, Probe] = {"local": local, "github": github, "s3": s3}
