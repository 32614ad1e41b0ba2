"""E-mail through SES v2 on moto_server: a verified sender, both parts, List-Unsubscribe, read back."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hf_digest.adapters.notify.channel import ChannelFailed, MayHaveArrived
from hf_digest.adapters.notify.email import EmailNotifier
from hf_digest.adapters.notify.message import digest_message
from hf_digest.core.model import Paper, papers_from_items
from hf_digest.core.outcomes import SpanKind
from hf_digest.core.rank import rank
from hf_digest.outbound.deadline import Deadline
from tests.helpers import hostile_papers, load_sample, sent_from


@pytest.fixture(scope="module")
def ranked(samples_dir: Path) -> list[Paper]:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    return rank(papers, 0)


@pytest.fixture
def sender(moto_endpoint: str) -> str:
    """A sender address verified in SES (new per test, so each test reads back only its own mail)."""
    import boto3

    address = f"digest-{uuid.uuid4().hex[:8]}@example.org"
    boto3.client("sesv2").create_email_identity(EmailIdentity=address)
    return address


def test_a_day_is_mailed_with_a_text_and_an_html_part(
    moto_endpoint: str, sender: str, ranked: list[Paper]
) -> None:
    message = digest_message(
        SpanKind.DAY,
        "2026-02-10",
        ranked[:10],
        len(ranked),
        lang="ko",
        top=3,
        post_url="https://b.example/p.html",
    )
    recipients = ["a@example.org", "b@example.org"]
    made = EmailNotifier(sender, recipients, None, "https://b.example/unsubscribe").send(
        message, Deadline.after(60)
    )
    assert made == 1
    [(envelope, mail)] = sent_from(moto_endpoint, sender)
    assert sorted(envelope) == recipients
    assert mail["Subject"] == "Hugging Face Daily Papers - 2026-02-10"
    assert mail["From"] == sender and "a@example.org" not in str(mail["To"])  # nobody sees the others
    assert mail["List-Unsubscribe"] == "<https://b.example/unsubscribe>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for paper in ranked[:3]:
        assert paper.title in text and f"https://huggingface.co/papers/{paper.arxiv_id}" in html
    assert f"총 {len(ranked)}개 논문 중 좋아요 상위 10개를 소개합니다." in text
    assert 'href="https://b.example/p.html"' in html


def test_hostile_text_is_escaped_in_the_html_part_and_plain_in_the_text(
    moto_endpoint: str, sender: str, ranked: list[Paper]
) -> None:
    hostile = hostile_papers(ranked, 3)
    message = digest_message(SpanKind.DAY, "2026-02-10", hostile, 58, lang="en", top=3)
    EmailNotifier(sender, ["a@example.org"], None).send(message, Deadline.after(60))
    [(_, mail)] = sent_from(moto_endpoint, sender)
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<b>굵게</b>" not in html and "&lt;b&gt;굵게&lt;/b&gt; &amp; 한국어로" in html
    assert "<b>굵게</b> & 한국어로" in text
    assert mail["List-Unsubscribe"] == f"<mailto:{sender}?subject=unsubscribe>"
    assert mail["List-Unsubscribe-Post"] is None  # one-click needs an https target


def test_an_unverified_sender_is_refused_with_ses_reason(moto_endpoint: str, ranked: list[Paper]) -> None:
    message = digest_message(SpanKind.DAY, "2026-02-10", ranked, 58, lang="en", top=3)
    stranger = f"nobody-{uuid.uuid4().hex[:6]}@example.org"
    with pytest.raises(ChannelFailed) as failed:
        EmailNotifier(stranger, ["a@example.org"], None).send(message, Deadline.after(60))
    assert failed.value.reason.startswith("SES MessageRejected: ")
    assert stranger in failed.value.reason and failed.value.requests == 1
    assert sent_from(moto_endpoint, stranger) == []


class _ScriptedSES:
    """SES v2's SendEmail on loopback, answering each request as `script` says, in turn: "drop" (reads the
    whole request, then closes without a word), an HTTP status with SES's error type, or "ok"."""

    def __init__(self, script: list[object]) -> None:
        import http.server
        import threading

        self.script = list(script)
        self.sends: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.sends.append(self.path)
                step = outer.script.pop(0) if outer.script else "ok"
                if step == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if step == "ok":
                    body, status, kind = b'{"MessageId": "m-1"}', 200, None
                else:
                    status, kind = step  # type: ignore[misc]
                    body = b'{"message": "slow down"}'
                self.send_response(int(status))
                if kind:
                    self.send_header("x-amzn-ErrorType", str(kind))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[list[object]], _ScriptedSES]]:
    made: list[_ScriptedSES] = []

    def make(script: list[object]) -> _ScriptedSES:
        server = _ScriptedSES(script)
        made.append(server)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", server.url)
        monkeypatch.setenv("AWS_REGION", "us-east-1")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setattr("hf_digest.adapters.notify.sending.BACKOFF_BASE_S", 0.01)
        return server

    yield make
    for server in made:
        server.close()


def test_a_reply_lost_after_the_whole_mail_went_out_is_never_sent_again(
    scripted: Callable[[list[object]], _ScriptedSES], ranked: list[Paper]
) -> None:
    ses = scripted(["drop"])
    message = digest_message(SpanKind.DAY, "2026-02-10", ranked, 58, lang="en", top=3)
    with pytest.raises(MayHaveArrived) as lost:
        EmailNotifier("digest@example.org", ["a@example.org"], None).send(message, Deadline.after(60))
    assert ses.sends == ["/v2/email/outbound-emails"]  # one SendEmail: botocore did not resend it either
    assert lost.value.requests == 1 and "SES sent no answer" in lost.value.reason


def test_throttling_and_ses_errors_are_retried_because_ses_refused_the_mail(
    scripted: Callable[[list[object]], _ScriptedSES], ranked: list[Paper]
) -> None:
    ses = scripted([(429, "TooManyRequestsException"), (503, "ServiceUnavailable"), "ok"])
    message = digest_message(SpanKind.DAY, "2026-02-10", ranked, 58, lang="en", top=3)
    made = EmailNotifier("digest@example.org", ["a@example.org"], None).send(message, Deadline.after(60))
    assert made == 3 and len(ses.sends) == 3
