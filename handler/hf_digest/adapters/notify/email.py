"""E-mail through Amazon SES v2 `SendEmail`: a text and an HTML part, a List-Unsubscribe header.

The message is sent as `Content.Raw` (MIME built here) so it carries List-Unsubscribe, which
`Content.Simple` can only add through `Headers`. Recipients go in the envelope only, never in a
header, so no reader sees the others' addresses. boto3 is imported only when this channel is used.
"""

from __future__ import annotations

import email.policy
import email.utils
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hf_digest.adapters.notify.channel import ChannelFailed
from hf_digest.adapters.notify.message import BackfillMessage, Message
from hf_digest.adapters.notify.sending import unsafe_retries
from hf_digest.adapters.notify.templates import Parts
from hf_digest.errors import DeadlineExceeded
from hf_digest.outbound import aws, budget, policy
from hf_digest.outbound.deadline import Deadline

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

CHANNEL = "email"
ATTEMPT_S = 10.0  # SES answers SendEmail in well under a second; a read longer than this is a lost reply
THROTTLED = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling"})


def unsubscribe_target(sender: str, configured: str | None) -> str:
    """The List-Unsubscribe target: the configured one, else a mail to the sender."""
    return configured or f"mailto:{sender}?subject=unsubscribe"


def mime_of(message: Message, parts: Parts, sender: str, unsubscribe: str) -> EmailMessage:
    """The e-mail for message: subject, plain text, then HTML (readers show the last part they can)."""
    if isinstance(message, BackfillMessage):
        subject = parts.summary_subject(message)
        text = parts.summary_text(message, unsubscribe)
        html = parts.summary_html(message, unsubscribe)
    else:
        subject = parts.subject(message)
        text = parts.text(message, unsubscribe)
        html = parts.html(message, unsubscribe)
    mail = EmailMessage(policy=email.policy.SMTP)
    mail["Subject"] = " ".join(subject.split())
    mail["From"] = sender
    mail["To"] = "undisclosed-recipients:;"
    mail["Date"] = email.utils.formatdate(usegmt=True)
    mail["List-Unsubscribe"] = f"<{unsubscribe}>"
    if unsubscribe.startswith("https://"):
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058, for https targets only
    mail.set_content(text + "\n", subtype="plain", charset="utf-8", cte="quoted-printable")
    mail.add_alternative(html + "\n", subtype="html", charset="utf-8", cte="quoted-printable")
    return mail


class EmailNotifier:
    channel = CHANNEL

    def __init__(
        self,
        sender: str,
        recipients: Sequence[str],
        template_dir: Path | None,
        unsubscribe: str | None = None,
        client: SESV2Client | None = None,
    ) -> None:
        self._sender = sender
        self._recipients = list(recipients)
        self._template_dir = template_dir
        self._unsubscribe = unsubscribe_target(sender, unsubscribe)
        self._client = client

    def mime(self, message: Message) -> EmailMessage:
        parts = Parts(self._template_dir, message.lang, CHANNEL)
        return mime_of(message, parts, self._sender, self._unsubscribe)

    def render(self, message: Message) -> dict[str, Any]:
        mail = self.mime(message)
        return {
            "from": self._sender,
            "recipients": len(self._recipients),
            "headers": {k: str(v) for k, v in mail.items() if k not in ("Date",)},
            "text": _part(mail, "plain"),
            "html": _part(mail, "html"),
        }

    def send(self, message: Message, deadline: Deadline) -> int:
        """Send once under the request policy: throttling and SES's 5xx are retried (SES refused the
        message, so none went out); a reply lost after the whole request was written may have arrived,
        and is never sent again (MayHaveArrived). botocore's own retries are off: it would resend."""
        raw = self.mime(message).as_bytes()
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectTimeoutError,
            EndpointConnectionError,
        )

        if self._client is None:
            self._client = _client()
        client = self._client

        def attempt(made: int) -> int:
            try:
                with budget.watch(deadline, "SES SendEmail"):
                    client.send_email(
                        FromEmailAddress=self._sender,
                        Destination={"BccAddresses": self._recipients},
                        Content={"Raw": {"Data": raw}},
                    )
            except DeadlineExceeded as exc:
                raise policy.Lost(str(exc), ChannelFailed(CHANNEL, str(exc), requests=made)) from None
            except ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", "ClientError"))
                reason = f"SES {code}: {str(error.get('Message', ''))[:200]}".strip()
                status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
                if code in THROTTLED or status == 429 or status >= 500:
                    raise policy.Again(reason, rate=code in THROTTLED or status == 429) from None
                raise ChannelFailed(CHANNEL, reason, requests=made) from None
            except (EndpointConnectionError, ConnectTimeoutError) as exc:  # nothing was sent
                raise policy.Again(f"SES unreachable ({type(exc).__name__})") from None
            except BotoCoreError as exc:  # a read timeout, a dropped connection: sent, perhaps received
                name = type(exc).__name__
                unsent = policy.Again(f"SES unreachable ({name})")
                raise policy.Lost(f"SES sent no answer ({name})", unsent) from None
            return made

        return unsafe_retries(CHANNEL, attempt, deadline, attempt_s=ATTEMPT_S)


def _part(mail: EmailMessage, subtype: str) -> str:
    body = mail.get_body(preferencelist=(subtype,))
    return body.get_content() if isinstance(body, EmailMessage) else ""


def _client() -> SESV2Client:
    # One attempt per call: the policy retries, and only what cannot have been sent.
    made = aws.client("sesv2", setting="DIGEST_EMAIL_FROM", max_attempts=1, read_timeout_s=ATTEMPT_S)
    client: SESV2Client = budget.guard(made)
    return client
