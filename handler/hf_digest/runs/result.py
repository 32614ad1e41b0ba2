"""What a digest run (or `hf-digest notify`) did: its result (JSON, the CLI's lines, metrics), the JSON of
each destination's and channel's Delivery, and how several profiles' results combine into one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest.core.model import Digest, Span
from hf_digest.core.outcomes import OK_STATUSES, Delivery, SpanKind, Status
from hf_digest.core.permalink import UNREAD
from hf_digest.enrich.topics import Filtered
from hf_digest.errors import PublishError

if TYPE_CHECKING:
    from hf_digest.adapters.notify.report import NotifyReport
    from hf_digest.enrich.interests.ranker import InterestsReport
    from hf_digest.enrich.summaries.report import SummaryReport  # its prompt loads jinja2

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
    interests: InterestsReport | None = (
        None  # with DIGEST_INTERESTS: how the papers were ranked for the reader
    )
    shown: Shown | None = field(default=None, compare=False, repr=False)  # the post's digest, once built

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    @property
    def failed_destinations(self) -> list[str]:
        return [d.target for d in self.deliveries if d.status == Status.FAILED]

    def to_json(self) -> dict[str, Any]:
        """The result as JSON: what the CLI prints with --json and the Lambda returns."""
        data: dict[str, Any] = {
            **span_keys(self.span),
            "status": self.status,
            "papers_total": self.papers_total,
            "papers_shown": self.papers_shown,
            "destinations": [destination_json(d) for d in self.deliveries],
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
            data["notifications"] = notifications_json(self.notifications)
        if self.filters is not None:
            data["filters"] = self.filters.to_json()
        if self.interests is not None:
            data["interests"] = self.interests.to_json()
        if self.profile is not None:
            data["profile"] = self.profile
        if self.profiles:
            data["profiles"] = [part.to_json() for part in self.profiles]
        return data

    def failure(self) -> PublishError:
        """The error that makes Lambda retry: it names each failed destination and why."""
        failed = [d for d in self.deliveries if d.status == Status.FAILED]
        names = ", ".join(d.target for d in failed) or "no destination"
        details = "; ".join(d.detail or f"{d.target}: failed" for d in failed)
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
            lines.append(f"  {delivery.target}: {delivery.status} {where}".rstrip())
            if delivery.detail:
                lines.append(f"    error: {delivery.detail}")
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
        for name, value in (self.interests.metrics() if self.interests else {}).items():
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

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


def destination_json(delivery: Delivery) -> dict[str, Any]:
    """A destination in the result: its name, status and location; its commit, url and error when known."""
    data: dict[str, Any] = {
        "destination": delivery.target,
        "status": delivery.status,
        "location": delivery.location,
    }
    for key, value in (("commit", delivery.commit), ("url", delivery.url), ("error", delivery.detail)):
        if value is not None:
            data[key] = value
    return data


def channel_json(delivery: Delivery) -> dict[str, Any]:
    """A channel in the result: its name, status and requests; why, how many digests, and a warning."""
    data: dict[str, Any] = {
        "channel": delivery.target,
        "status": delivery.status,
        "requests": delivery.requests,
    }
    if delivery.detail is not None:
        data["reason"] = delivery.detail
    if delivery.covers != 1:
        data["covers"] = delivery.covers
    if delivery.warning is not None:
        data["warning"] = delivery.warning
    return data


def notifications_json(report: NotifyReport) -> dict[str, Any]:
    """A digest's notifications in the result: each channel, the requests, and which failed."""
    data: dict[str, Any] = {
        "digest": report.digest,
        "channels": [channel_json(c) for c in report.channels],
        "requests": report.requests,
        "failed": report.failed,
    }
    if report.unconfirmed:
        data["unconfirmed"] = report.unconfirmed
    return data


@dataclass(frozen=True)
class Told:
    """One post's message: what each channel would get (a dry run) or what each did."""

    profile: str | None = None  # the named digest (DIGEST_PROFILES) whose post it announces
    report: NotifyReport | None = None
    previews: dict[str, dict[str, Any]] = field(default_factory=dict)  # channel -> payload, on a dry run

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.profile is None else {"profile": self.profile}
        if self.report is not None:
            data["notifications"] = notifications_json(self.report)
        if self.previews:
            data["previews"] = self.previews
        return data

    def lines(self) -> list[str]:
        prefix = "" if self.profile is None else f"{self.profile} "
        if self.report is None:
            return [
                f"{prefix}{channel}:\n{json.dumps(p, ensure_ascii=False, indent=2)}"
                for channel, p in self.previews.items()
            ]
        return [
            f"{prefix}{c.target}: {c.status}"
            + (f" ({c.detail})" if c.detail else "")
            + (f"; warning: {c.warning}" if c.warning and c.warning != c.detail else "")
            for c in self.report.channels
        ]


@dataclass(frozen=True)
class NotifyCommandResult:
    day: date
    status: Status  # done (each channel sent or already told), failed, dry_run or empty
    told: tuple[Told, ...] = ()  # one per post: the day's, or each profile's
    hf_requests: int = 0
    papers_shown: int = 0  # what the announced post shows (with profiles: the most any shows)
    papers_total: int = 0  # what Hugging Face listed that day
    warnings: tuple[str, ...] = ()  # what the digest could not do (a summary not made, a config unread)

    @property
    def exit_code(self) -> int:
        return 1 if self.status == Status.FAILED else 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "date": self.day.isoformat(),
            "status": self.status,
            "hf_requests": self.hf_requests,
            "papers_shown": self.papers_shown,
            "papers_total": self.papers_total,
        }
        if len(self.told) == 1 and self.told[0].profile is None:
            data.update(self.told[0].to_json())
        elif self.told:
            data["profiles"] = [told.to_json() for told in self.told]
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data

    def lines(self) -> list[str]:
        """What the command prints: one line per channel, or each channel's payload on a dry run."""
        if self.status == Status.EMPTY and self.papers_total:  # DIGEST_SKIP_EMPTY_FILTERED: no post was made
            return [f"{self.day}: the topic filter left no papers, so there is no post; nothing to tell"]
        if self.status == Status.EMPTY:
            return [f"{self.day}: Hugging Face lists no papers; nothing to tell"]
        return [line for told in self.told for line in told.lines()]


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
        interests=None,  # each profile ranks for its own reader: in profiles
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
