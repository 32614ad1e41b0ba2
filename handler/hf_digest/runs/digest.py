"""The one digest path, for a day, a week or a month: source -> papers -> rank -> summarize -> render ->
publish."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from aws_lambda_powertools.metrics import MetricUnit

from hf_digest import feeds, render
from hf_digest.config import Settings
from hf_digest.deadline import Deadline
from hf_digest.errors import DigestError, PublishError, UpstreamError
from hf_digest.model import (
    DAILY,
    MONTHLY,
    QUERY_NAMES,
    WEEKLY,
    Bundle,
    Paper,
    Released,
    Span,
    papers_from_items,
)
from hf_digest.publish import FAILED, UNCHANGED, Delivery, Publisher
from hf_digest.rank import digest
from hf_digest.request import DigestRequest
from hf_digest.source import DayListing
from hf_digest.summaries.report import SummaryReport
from hf_digest.topics import Filtered, TopicFilter, returning
from hf_digest.topics.bibtex import base_id

if TYPE_CHECKING:
    from hf_digest.notify.herald import Announcer
    from hf_digest.notify.report import NotifyReport

log = logging.getLogger(__name__)

PUBLISHED = "published"
EMPTY = "empty"
DRY_RUN = "dry_run"
# What a run as a whole did; FAILED and UNCHANGED are shared with the deliveries to one destination.
OK_STATUSES = (PUBLISHED, UNCHANGED, EMPTY, DRY_RUN)
_EMPTY_SPANS = {DAILY: "day (weekend or holiday)", WEEKLY: "week", MONTHLY: "month"}


class Source(Protocol):
    requests: int  # HTTP requests made so far, whatever their outcome

    def fetch(self, span: Span, deadline: Deadline) -> DayListing: ...


class Summarize(Protocol):
    """Our summaries (summaries.summarize.Summarizer): the papers with theirs attached, and the report."""

    def __call__(
        self, papers: Sequence[Paper], lang: str, deadline: Deadline
    ) -> tuple[list[Paper], SummaryReport]: ...


class Link(Protocol):
    """What the shown papers released on Hugging Face (hf_digest.topics.linked.Linker), and warnings."""

    def released(
        self, papers: Sequence[Paper], deadline: Deadline
    ) -> tuple[dict[str, Released], list[str]]: ...


class Metrics(Protocol):
    def add_metric(self, name: str, unit: MetricUnit, value: float) -> None: ...

    def add_metadata(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class Features:
    """The optional rooms of the digest path, built once per invocation: our summaries, what each paper
    released, and who is told about a new post. A new one is a field here, not a parameter of every run."""

    summarizer: Summarize | None = None
    linker: Link | None = None
    announcer: Announcer | None = None

    def announcing(self, announcer: Announcer | None) -> Features:
        return replace(self, announcer=announcer)


NO_FEATURES = Features()


def status_metric(status: str) -> str:
    """The count metric for a run's status: published -> RunPublished, dry_run -> RunDryRun."""
    return "Run" + "".join(part.capitalize() for part in status.split("_"))


def span_keys(span: Span) -> dict[str, str]:
    """How a result and a log line name the span: its date, or its week or month and first and last day."""
    if span.kind == DAILY:
        return {"date": span.key}
    return {QUERY_NAMES[span.kind]: span.key, "from": span.first.isoformat(), "to": span.last.isoformat()}


@dataclass(frozen=True)
class DigestResult:
    """What one digest did: its counts, where it went, and (on a dry run) its markdown."""

    span: Span
    status: str
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

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    @property
    def failed_destinations(self) -> list[str]:
        return [d.destination for d in self.deliveries if d.status == FAILED]

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
        failed = [d for d in self.deliveries if d.status == FAILED]
        names = ", ".join(d.destination for d in failed) or "no destination"
        details = "; ".join(d.error or f"{d.destination}: failed" for d in failed)
        return PublishError(
            f"{self.span.key}: publishing failed at {names}" + (f" ({details})" if details else "")
        )

    def summary(self) -> str:
        """The result as the CLI prints it: one line, then a line per destination and warning."""
        if self.status == EMPTY:
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
        """One count for the status; a day's papers listed and published."""
        self.record_papers(metrics)
        self.record_summaries(metrics)
        metrics.add_metric(name=status_metric(self.status), unit=MetricUnit.Count, value=1)
        if self.notifications is not None:
            record_notifications([self.notifications], metrics)

    def record_summaries(self, metrics: Metrics) -> None:
        """The summaries' counts, tokens and cost, when they are on."""
        for name, value in (self.summaries.metrics() if self.summaries else {}).items():
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def record_papers(self, metrics: Metrics) -> None:
        """How many papers a day listed and published (a week's or month's repeat its days': not counted)."""
        if self.span.kind != DAILY:
            return
        metrics.add_metadata(key="date", value=self.span.key)
        metrics.add_metric(name="PapersListed", unit=MetricUnit.Count, value=self.papers_total)
        published = self.papers_shown if self.status == PUBLISHED else 0
        metrics.add_metric(name="PapersPublished", unit=MetricUnit.Count, value=published)


def record_notifications(reports: Sequence[NotifyReport], metrics: Metrics) -> None:
    """NotificationsSent and NotificationsFailed (the alarm's metric): channels told, channels that failed."""
    sent = sum(len(report.sent) for report in reports)
    metrics.add_metric(name="NotificationsSent", unit=MetricUnit.Count, value=sent)
    failed = sum(len(report.failed) for report in reports)
    metrics.add_metric(name="NotificationsFailed", unit=MetricUnit.Count, value=failed)


def read_date(listed: date, now: datetime, settings: Settings) -> date:
    """The day the counts are read on, in the blog's time zone; never before the span's own last day."""
    return max(listed, now.astimezone(settings.zone).date())


def run_digest(
    request: DigestRequest,
    settings: Settings,
    source: Source,
    publishers: Sequence[Publisher],
    deadline: Deadline,
    now: datetime,
    features: Features = NO_FEATURES,
) -> DigestResult:
    """Build the span's post and hand it to every publisher; a failing one does not stop the rest; then
    announcer tells the channels about a post some destination got for the first time.

    The post says the date its counts were read, and a destination holding the same post with another read
    date is left unchanged (upvotes that did not move rewrite nothing).
    """
    before = source.requests
    listing = source.fetch(request.span, deadline)
    if not settings.profiles:
        result = digest_listing(listing, request, settings, source, publishers, deadline, now, features)
    else:
        parts = []
        for profile in settings.profiles:
            own = profile.settings(settings)
            options = replace(
                request.options,
                lang=profile.lang or request.options.lang,
                top_n=request.options.top_n if profile.top_n is None else profile.top_n,
                destinations=profile.destinations or request.options.destinations,
            )
            chosen = [p for p in publishers if p.name in options.destinations]
            own_request = replace(request, options=options)
            part = digest_listing(listing, own_request, own, source, chosen, deadline, now, features)
            parts.append(replace(part, profile=profile.name))
        result = combined(parts)
    # The week listings behind returning papers and DIGEST_LINKED's listings count too (the pacer's figure).
    return replace(result, hf_requests=max(result.hf_requests, source.requests - before))


def combined(parts: Sequence[DigestResult]) -> DigestResult:
    """One result for every profile's: each delivery, the worst status, and each part as it was."""
    first = parts[0]
    deliveries = tuple(d for part in parts for d in part.deliveries)
    statuses = {part.status for part in parts}
    status = next((s for s in (FAILED, PUBLISHED, DRY_RUN, UNCHANGED) if s in statuses), EMPTY)
    return replace(
        first,
        status=status,
        papers_shown=max(part.papers_shown for part in parts),
        deliveries=deliveries,
        post=None,
        filters=None,
        profile=None,
        profiles=tuple(parts),
    )


class Enriched(NamedTuple):
    papers: list[Paper]  # to rank: filtered, returning ones hidden if asked
    filtered: Filtered | None  # what the topic filter did; None without one
    returning: frozenset[str] | None  # ids of returning papers; None when not looked up
    hidden: int = 0  # returning papers left out (DIGEST_HIDE_RETURNING)
    warnings: tuple[str, ...] = ()  # what could not be done


def enrich(
    papers: list[Paper], request: DigestRequest, settings: Settings, source: Source, deadline: Deadline
) -> Enriched:
    """The papers to rank, after the topic filter and the look at the 7 daily posts before (which fails
    soft: nothing marked or hidden, and a warning)."""
    span = request.span
    papers = returning.distinct(papers)
    topic_filter = TopicFilter(settings.include, settings.exclude)
    filtered = topic_filter.apply(papers) if topic_filter.active else None
    kept = list(filtered.papers) if filtered is not None else papers
    if span.kind != DAILY or not (settings.returning or settings.hide_returning):
        return Enriched(kept, filtered, None)
    try:
        seen = returning.shown_before(
            source, span.last, topic_filter, request.options.top_n, deadline.keeping()
        )
    except DigestError as exc:
        log.warning("returning papers not marked: %s", exc, extra=span_keys(span))
        return Enriched(kept, filtered, None, warnings=(f"returning papers not marked: {exc}",))
    shown = frozenset(p.arxiv_id for p in kept if base_id(p.arxiv_id) in seen)
    if settings.hide_returning:
        return Enriched([p for p in kept if p.arxiv_id not in shown], filtered, shown, hidden=len(shown))
    return Enriched(kept, filtered, shown)


def digest_listing(
    listing: DayListing,
    request: DigestRequest,
    settings: Settings,
    source: Source,
    publishers: Sequence[Publisher],
    deadline: Deadline,
    now: datetime,
    features: Features = NO_FEATURES,
) -> DigestResult:
    """The digest path after the fetch: one listing can serve several profiles."""
    span, options = request.span, request.options
    papers, warnings = papers_from_items(listing.items, span.window)
    for warning in warnings:
        log.warning("paper left out: %s", warning, extra=span_keys(span))
    if listing.items and not papers:
        raise UpstreamError(
            f"Hugging Face listed {len(listing.items)} items for {span.key} but none could be read "
            "as a paper: the API schema may have changed"
        )
    base = DigestResult(span, EMPTY, via=listing.via, hf_requests=listing.requests, warnings=tuple(warnings))
    if not papers:
        log.info("no papers listed", extra={**span_keys(span), "status": EMPTY})
        return base
    kept, filtered, seen, hidden, missing = enrich(papers, request, settings, source, deadline)
    base = replace(base, warnings=(*base.warnings, *missing))
    ranked = digest(span, kept, options.top_n, warnings)
    if filtered is not None or hidden:
        matched = len(filtered.papers) if filtered is not None else None
        ranked = replace(ranked, total=len(papers) + len(warnings), matched=matched, hidden=hidden)
    if seen is not None:
        ranked = replace(ranked, returning=seen.intersection(p.arxiv_id for p in ranked.papers))
    if features.linker is not None and ranked.papers:
        released, left_out = features.linker.released(ranked.papers, deadline.keeping())
        ranked = replace(ranked, released=released)
        base = replace(base, warnings=(*base.warnings, *left_out))
    base = replace(base, filters=filtered, papers_total=ranked.total)
    if not kept and settings.skip_empty_filtered:
        log.info("no papers left by the topic filter", extra={**span_keys(span), "status": EMPTY})
        return base
    report = None
    if (
        features.summarizer is not None and ranked.papers
    ):  # a dry run too: the preview shows the post as it will be
        summarized, report = features.summarizer(ranked.papers, options.lang, deadline)
        ranked = replace(ranked, papers=tuple(summarized))
    counts_read = read_date(span.last, now, settings)
    bundle = render.render(ranked, settings, options.lang, counts_read=counts_read)
    counted = replace(base, papers_shown=len(ranked.papers), summaries=report)
    if options.dry_run:
        return replace(counted, status=DRY_RUN, post=bundle.files[0].content.decode("utf-8"))
    rebuilt: list[str] = []  # feeds that held a foreign or corrupt file: rebuilt, and said so
    bundle = feeds.extend(
        bundle, ranked, settings, options.lang, counts_read=counts_read, notice=rebuilt.append
    )
    deliveries = tuple(publish_bundle(publisher, bundle, deadline) for publisher in publishers)
    notes = tuple(dict.fromkeys(rebuilt))
    for note in notes:
        log.warning("%s", note, extra=span_keys(span))
    announcer = features.announcer
    told = announcer.published(ranked, bundle, deliveries, options.lang) if announcer else None
    return replace(
        counted,
        status=overall_status(deliveries),
        deliveries=deliveries,
        warnings=counted.warnings + notes,
        notifications=told,
    )


def overall_status(deliveries: Sequence[Delivery]) -> str:
    if any(d.status == FAILED for d in deliveries):
        return FAILED
    if all(d.status == UNCHANGED for d in deliveries):
        return UNCHANGED
    return PUBLISHED


def publish_bundle(publisher: Publisher, bundle: Bundle, deadline: Deadline) -> Delivery:
    """One destination's delivery; its failure is logged and returned, not raised."""
    extra = {**span_keys(bundle.span), "destination": publisher.name}
    try:
        delivery = publisher.publish(bundle, deadline)
    except DigestError as exc:
        log.error("publish failed: %s", exc, extra={**extra, "status": FAILED})
        # Publishers start their messages with their name; an error raised deeper may not.
        error = str(exc) if str(exc).startswith(f"{publisher.name}: ") else f"{publisher.name}: {exc}"
        return Delivery(destination=publisher.name, status=FAILED, location="", error=error)
    log.info("published", extra={**extra, "status": delivery.status, "location": delivery.location})
    return delivery
