"""What a digest run did: its statuses, its result (JSON, the CLI's lines, metrics) and how several
profiles' results combine into one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest.errors import PublishError
from hf_digest.model import Digest, Span
from hf_digest.outcomes import OK_STATUSES, SpanKind, Status
from hf_digest.permalink import UNREAD
from hf_digest.publish import Delivery
from hf_digest.summaries.report import SummaryReport
from hf_digest.topics import Filtered

if TYPE_CHECKING:
    from hf_digest.notify.report import NotifyReport

_EMPTY_SPANS = {SpanKind.DAY: "day (weekend or holiday)", SpanKind.WEEK: "week", SpanKind.MONTH: "month"}


class Metrics(Protocol):
    def add_metric(self, name: str, unit: MetricUnit, value: float) -> None: ...

    def add_metadata(self, key: str, value: Any) -> None: ...


def status_metric(status: str) -> str:
    """The count metric for a run's status: published -> RunPublished, dry_run -> RunDryRun."""
    return "Run" + "".join(part.capitalize() for part in status.split("_"))


def span_keys(span: Span) -> dict[str, str]:
    """How a result and a log line name the span: its date, or its week or month and first and last day."""
    if span.kind == SpanKind.DAY:
        return {"date": span.key}
    return {span.kind.query: span.key, "from": span.first.isoformat(), "to": span.last.isoformat()}


@dataclass(frozen=True)
class Shown:
    """What a built post shows, in its language: the digest `hf-digest notify` announces (not in the JSON)."""

    ranked: Digest
    lang: str


@dataclass(frozen=True)
class DigestResult:
    """What one digest did: its counts, where it went, and (on a dry run) its markdown."""

    span: Span
    status: Status
    papers_total: int = 0
    papers_shown: int = 0
    via: str | None = None
    hf_requests: int = 0
    deliveries: tuple[Delivery, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    post: str | None = None  # the markdown, on a dry run
    summaries: SummaryReport | None = None  # None when summaries are off
    notifications: NotifyReport | None = None  # what the channels were told, when notifications are on
    filters: Filtered | None = None  # what a topic filter kept and removed
    profile: str | None = None  # the named digest (DIGEST_PROFILES) this result is one of
    profiles: tuple[DigestResult, ...] = ()  # with DIGEST_PROFILES: each profile's own result
    url: str | None = None  # where the post is read: its page on the blog (or the S3 site)
    shown: Shown | None = field(default=None, compare=False, repr=False)  # the post's digest, once built

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    @property
    def failed_destinations(self) -> list[str]:
        return [d.destination for d in self.deliveries if d.status == Status.FAILED]

    def to_json(self) -> dict[str, Any]:
        """The result as JSON: what the CLI prints with --json and the Lambda returns."""
        data: dict[str, Any] = {
            **span_keys(self.span),
            "status": self.status,
            "papers_total": self.papers_total,
            "papers_shown": self.papers_shown,
            "destinations": [d.to_json() for d in self.deliveries],
            "source": self.via,
            "hf_requests": self.hf_requests,
        }
        if self.url is not None:
            data["url"] = self.url
        if self.warnings:
            data["warnings"] = list(self.warnings)
        if self.summaries is not None:
            data["summaries"] = self.summaries.to_json()
        if self.post is not None:
            data["post"] = self.post
        if self.notifications is not None:
            data["notifications"] = self.notifications.to_json()
        if self.filters is not None:
            data["filters"] = self.filters.to_json()
        if self.profile is not None:
            data["profile"] = self.profile
        if self.profiles:
            data["profiles"] = [part.to_json() for part in self.profiles]
        return data

    def failure(self) -> PublishError:
        """The error that makes Lambda retry: it names each failed destination and why."""
        failed = [d for d in self.deliveries if d.status == Status.FAILED]
        names = ", ".join(d.destination for d in failed) or "no destination"
        details = "; ".join(d.error or f"{d.destination}: failed" for d in failed)
        return PublishError(
            f"{self.span.key}: publishing failed at {names}" + (f" ({details})" if details else "")
        )

    def summary(self) -> str:
        """The result as the CLI prints it: one line, then a line per destination and warning."""
        if self.status == Status.EMPTY:
            lines = [f"{self.span.key}: no papers that {_EMPTY_SPANS[self.span.kind]}; nothing written"]
        else:
            lines = [
                f"{self.status} {self.span.key}: {self.papers_shown} of {self.papers_total} papers shown"
            ]
        for delivery in self.deliveries:
            where = delivery.location + (f" ({delivery.commit[:12]})" if delivery.commit else "")
            lines.append(f"  {delivery.destination}: {delivery.status} {where}".rstrip())
            if delivery.error:
                lines.append(f"    error: {delivery.error}")
        if self.summaries is not None and self.summaries.model is not None:
            lines.append(f"  {self.summaries.line()}")
        lines.extend(f"  warning: {warning}" for warning in self.warnings)
        return "\n".join(lines)

    def record(self, metrics: Metrics) -> None:
        """One count for the status; a day's papers listed and published; the warnings, when there are any."""
        self.record_papers(metrics)
        self.record_summaries(metrics)
        metrics.add_metric(name=status_metric(self.status), unit=MetricUnit.Count, value=1)
        if any(warning.startswith(UNREAD) for warning in self.warnings):  # links fell back to the default
            metrics.add_metric(name="BlogConfigUnread", unit=MetricUnit.Count, value=1)
        if self.warnings:  # what an optional feature could not do (a state store that failed, a feed rebuilt)
            metrics.add_metric(name="RunWarnings", unit=MetricUnit.Count, value=len(self.warnings))
        if self.notifications is not None:
            record_notifications([self.notifications], metrics)

    def record_summaries(self, metrics: Metrics) -> None:
        """The summaries' counts, tokens and cost, when they are on."""
        for name, value in (self.summaries.metrics() if self.summaries else {}).items():
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def record_papers(self, metrics: Metrics) -> None:
        """How many papers a day listed and published (a week's or month's repeat its days': not counted)."""
        if self.span.kind != SpanKind.DAY:
            return
        metrics.add_metadata(key="date", value=self.span.key)
        metrics.add_metric(name="PapersListed", unit=MetricUnit.Count, value=self.papers_total)
        published = self.papers_shown if self.status == Status.PUBLISHED else 0
        metrics.add_metric(name="PapersPublished", unit=MetricUnit.Count, value=published)


def record_notifications(reports: Sequence[NotifyReport], metrics: Metrics) -> None:
    """NotificationsSent and NotificationsFailed (the alarm's metric): channels told, channels that failed;
    NotificationsUnconfirmed: messages sent whole whose answer was lost (they may have arrived)."""
    sent = sum(len(report.sent) for report in reports)
    metrics.add_metric(name="NotificationsSent", unit=MetricUnit.Count, value=sent)
    failed = sum(len(report.failed) for report in reports)
    metrics.add_metric(name="NotificationsFailed", unit=MetricUnit.Count, value=failed)
    unconfirmed = sum(len(report.unconfirmed) for report in reports)
    if unconfirmed:
        metrics.add_metric(name="NotificationsUnconfirmed", unit=MetricUnit.Count, value=unconfirmed)


def combined(parts: Sequence[DigestResult]) -> DigestResult:
    """One result for every profile's: each delivery, the worst status, and each part as it was."""
    first = parts[0]
    deliveries = tuple(d for part in parts for d in part.deliveries)
    statuses = {part.status for part in parts}
    status = next(
        (s for s in (Status.FAILED, Status.PUBLISHED, Status.DRY_RUN, Status.UNCHANGED) if s in statuses),
        Status.EMPTY,
    )
    return replace(
        first,
        status=status,
        papers_shown=max(part.papers_shown for part in parts),
        deliveries=deliveries,
        post=None,
        filters=None,
        url=None,  # each profile's post has its own page: in profiles
        shown=None,  # so has each profile's digest
        profile=None,
        profiles=tuple(parts),
    )


def overall_status(deliveries: Sequence[Delivery]) -> Status:
    if any(d.status == Status.FAILED for d in deliveries):
        return Status.FAILED
    if all(d.status == Status.UNCHANGED for d in deliveries):
        return Status.UNCHANGED
    return Status.PUBLISHED
