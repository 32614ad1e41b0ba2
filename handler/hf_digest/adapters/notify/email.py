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
from hf_digest.adapters.notify.templates import Parts
from hf_digest.errors import DeadlineExceeded
from hf_digest.outbound import aws, budget
from hf_digest.outbound.deadline import Deadline

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

CHANNEL = "email"


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
        raw = self.mime(message).as_bytes()
        from botocore.exceptions import BotoCoreError, ClientError

        # botocore retries throttling itself (standard mode); every other SES error is permanent.
        if self._client is None:
            self._client = _client()
        client = self._client
        try:
            with budget.watch(deadline, "SES SendEmail"):
                answer = client.send_email(
                    FromEmailAddress=self._sender,
                    Destination={"BccAddresses": self._recipients},
                    Content={"Raw": {"Data": raw}},
                )
        except DeadlineExceeded as exc:
            raise ChannelFailed(CHANNEL, str(exc), requests=1) from None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "ClientError"))
            retried = int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0))
            reason = f"SES {code}: {str(error.get('Message', ''))[:200]}".strip()
            raise ChannelFailed(CHANNEL, reason, requests=1 + retried) from None
        except BotoCoreError as exc:
            raise ChannelFailed(CHANNEL, f"SES unreachable ({type(exc).__name__})", requests=1) from None
        return 1 + int(answer.get("ResponseMetadata", {}).get("RetryAttempts", 0))


def _part(mail: EmailMessage, subtype: str) -> str:
    body = mail.get_body(preferencelist=(subtype,))
    return body.get_content() if isinstance(body, EmailMessage) else ""


def _client() -> SESV2Client:
    client: SESV2Client = budget.guard(aws.client("sesv2", setting="DIGEST_EMAIL_FROM"))
    return client
