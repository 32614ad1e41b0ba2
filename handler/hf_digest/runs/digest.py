"""The one digest path, for a day, a week or a month: source -> papers -> rank -> summarize -> render ->
publish."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from hf_digest.adapters.publish import Publisher
from hf_digest.config import Settings
from hf_digest.core.model import Bundle, Digest, Paper, Published, Released, Span, papers_from_items
from hf_digest.core.outcomes import Delivery, SpanKind, Status
from hf_digest.core.rank import digest, distinct
from hf_digest.enrich import trends
from hf_digest.enrich.topics import Filtered, TopicFilter
from hf_digest.errors import DigestError, UpstreamError
from hf_digest.outbound.deadline import Deadline
from hf_digest.request import DigestRequest
from hf_digest.runs.blog import BlogConfig
from hf_digest.runs.blog import post_url as blog_post_url
from hf_digest.runs.result import (
    DigestResult,
    Shown,
    combined,
    overall_status,
    span_keys,
)

# The source (requests), the summaries' prompt and rendering (jinja2) load when a run uses them, not at a cold
# start.
if TYPE_CHECKING:
    from hf_digest.adapters.notify.herald import Announcer
    from hf_digest.enrich.interests.ranker import Ranker
    from hf_digest.enrich.summaries.report import SummaryReport
    from hf_digest.huggingface.source import DayListing

log = logging.getLogger(__name__)


class Source(Protocol):
    requests: int  # HTTP requests made so far, whatever their outcome

    def fetch(self, span: Span, deadline: Deadline) -> DayListing: ...


class Summarize(Protocol):
    """Our summaries (summaries.summarize.Summarizer): the papers with theirs attached, and the report."""

    def __call__(
        self,
        papers: Sequence[Paper],
        lang: str,
        deadline: Deadline,
        *,
        brief: bool = False,
        now: datetime | None = None,
    ) -> tuple[list[Paper], SummaryReport]: ...


class Link(Protocol):
    """What the shown papers released on Hugging Face (enrich.topics.linked.Linker), and warnings."""

    def released(
        self, papers: Sequence[Paper], deadline: Deadline
    ) -> tuple[dict[str, Released], list[str]]: ...


@dataclass(frozen=True)
class Features:
    """The optional rooms of the digest path, built once per invocation: our summaries, what each paper
    released, and who is told about a new post. A new one is a field here, not a parameter of every run."""

    summarizer: Summarize | None = None
    linker: Link | None = None
    announcer: Announcer | None = None
    ranker: Ranker | None = None  # with DIGEST_INTERESTS (the deployment's or a profile's)

    def announcing(self, announcer: Announcer | None) -> Features:
        return replace(self, announcer=announcer)


NO_FEATURES = Features()


@dataclass(frozen=True)
class Context:
    """What every digest of one invocation shares: the settings, the source, the destinations, the
    deadline, the clock and the optional rooms. A run narrows it (a profile's settings and destinations,
    the days a catch-up lacks, who is told) with replace()."""

    settings: Settings
    source: Source
    publishers: Sequence[Publisher]
    deadline: Deadline
    now: datetime
    features: Features = NO_FEATURES
    blog: BlogConfig | None = None  # the blog's _config.yml, read once per invocation; None: defaults
    profile: str | None = None  # the named digest (DIGEST_PROFILES) this context builds, if any

    def to(self, publishers: Sequence[Publisher]) -> Context:
        return replace(self, publishers=publishers)

    def announcing(self, announcer: Announcer | None) -> Context:
        return replace(self, features=self.features.announcing(announcer))


def read_date(listed: date, now: datetime, settings: Settings) -> date:
    """The day the counts are read on, in the blog's time zone; never before the span's own last day."""
    return max(listed, now.astimezone(settings.zone).date())


def run_digest(request: DigestRequest, ctx: Context) -> DigestResult:
    """Build the span's post and hand it to every publisher; a failing one does not stop the rest; then
    announcer tells the channels about a post some destination got for the first time.

    The post says the date its counts were read, and a destination holding the same post with another read
    date is left unchanged (upvotes that did not move rewrite nothing).
    """
    settings, source = ctx.settings, ctx.source
    before = source.requests
    listing = source.fetch(request.span, ctx.deadline)
    earlier = previous_listing(request.span, ctx) if listing.items else None
    if not settings.profiles:
        result = digest_listing(listing, request, ctx, earlier)
    else:
        parts = []
        for profile in settings.profiles:
            own = profile.settings(settings)
            options = request.options.refine(profile.overlay)
            chosen = [p for p in ctx.publishers if p.name in options.destinations]
            own_request = replace(request, options=options)
            own_ctx = replace(ctx, settings=own, publishers=chosen, profile=profile.name)
            part = digest_listing(listing, own_request, own_ctx, earlier)
            parts.append(replace(part, profile=profile.name))
        result = combined(parts)
    # DIGEST_LINKED's listings count too (the pacer's figure).
    return replace(result, hf_requests=max(result.hf_requests, source.requests - before))


class Earlier(NamedTuple):
    """The period before a week or a month, as listed, or why it could not be read."""

    span: Span
    listing: DayListing | None
    warning: str | None = None


def previous_listing(span: Span, ctx: Context) -> Earlier | None:
    """For a week or a month, the period before it (closed, so read once per run for every profile), to
    show which topics rose and fell; None for a day. A failure is a warning: the post goes out without
    the comparison."""
    if span.kind == SpanKind.DAY:
        return None
    earlier = trends.previous_span(span)
    try:
        return Earlier(earlier, ctx.source.fetch(earlier, ctx.deadline.keeping()))
    except UpstreamError as exc:
        warning = f"trends: {earlier.key} could not be read, so nothing is compared with it ({exc})"
        log.warning("%s", warning, extra=span_keys(span))
        return Earlier(earlier, None, warning)


def period_trends(
    span: Span, papers: list[Paper], earlier: Earlier | None, settings: Settings
) -> trends.Trends | None:
    """The movement of a week's or month's topics against earlier, each period's papers filtered alike."""
    if earlier is None:
        return None
    before: list[Paper] = []
    if earlier.listing is not None:
        read, _ = papers_from_items(earlier.listing.items, earlier.span.window)
        before = enrich(read, settings).papers
    ordered = digest(span, papers, 0).papers  # best first, so a topic takes its best paper's spelling
    return trends.movement(span, ordered, before)


class Enriched(NamedTuple):
    papers: list[Paper]  # to rank: each paper once, filtered
    filtered: Filtered | None  # what the topic filter did; None without one


def enrich(papers: list[Paper], settings: Settings) -> Enriched:
    """The papers to rank: each arXiv id once, after the topic filter."""
    papers = distinct(papers)
    topic_filter = TopicFilter(settings.include, settings.exclude)
    filtered = topic_filter.apply(papers) if topic_filter.active else None
    return Enriched(list(filtered.papers) if filtered is not None else papers, filtered)


def for_you(
    ranked: Digest, kept: Sequence[Paper], base: DigestResult, ctx: Context, top_n: int
) -> tuple[Digest, DigestResult]:
    """Every kept paper scored against the reader's interests: the "For you" picks (from the whole day, not
    only the top N), or the digest itself in relevance order; what could not be done, a warning."""
    from hf_digest.enrich.interests.relevance import relevance_key

    assert ctx.features.ranker is not None
    found = ctx.features.ranker.rank(kept, ctx.settings, ctx.publishers, ctx.deadline)
    base = replace(base, interests=found.report, warnings=(*base.warnings, *found.warnings))
    if found.relevance is None:
        return ranked, base
    if found.relevance.by_relevance:
        ordered = sorted(kept, key=relevance_key(found.relevance.scores))
        ranked = replace(ranked, papers=tuple(ordered if top_n == 0 else ordered[:top_n]))
    return replace(ranked, relevance=found.relevance), base


def digest_listing(
    listing: DayListing, request: DigestRequest, ctx: Context, earlier: Earlier | None = None
) -> DigestResult:
    """The digest path after the fetch: one listing can serve several profiles; earlier is the period
    before a week or a month (see previous_listing)."""
    span, options = request.span, request.options
    settings, deadline, features = ctx.settings, ctx.deadline, ctx.features
    papers, warnings = papers_from_items(listing.items, span.window)
    for warning in warnings:
        log.warning("paper left out: %s", warning, extra=span_keys(span))
    if listing.items and not papers:
        raise UpstreamError(
            f"Hugging Face listed {len(listing.items)} items for {span.key} but none could be read "
            "as a paper: the API schema may have changed"
        )
    retired = (settings.retired_warning,) if settings.retired_warning else ()
    unread_earlier = (earlier.warning,) if earlier is not None and earlier.warning else ()
    earlier_requests = earlier.listing.requests if earlier is not None and earlier.listing else 0
    base = DigestResult(
        span,
        Status.EMPTY,
        via=listing.via,
        hf_requests=listing.requests + earlier_requests,
        warnings=(*retired, *warnings, *unread_earlier),
    )
    if not papers:
        log.info("no papers listed", extra={**span_keys(span), "status": Status.EMPTY})
        return base
    kept, filtered = enrich(papers, settings)
    ranked = digest(span, kept, options.top_n, warnings)
    if filtered is not None:
        ranked = replace(ranked, total=len(papers) + len(warnings), matched=len(filtered.papers))
    # daily posts only
    if features.ranker is not None and settings.interests and kept and span.kind == SpanKind.DAY:
        ranked, base = for_you(ranked, kept, base, ctx, options.top_n)
    if features.linker is not None and ranked.papers:
        released, left_out = features.linker.released(ranked.papers, deadline.keeping())
        ranked = replace(ranked, released=released)
        base = replace(base, warnings=(*base.warnings, *left_out))
    base = replace(base, filters=filtered, papers_total=ranked.total)
    if not kept and settings.skip_empty_filtered:
        log.info("no papers left by the topic filter", extra={**span_keys(span), "status": Status.EMPTY})
        return base
    report = None
    if (
        features.summarizer is not None and ranked.papers
    ):  # a dry run too: the preview shows the post as it will be
        day = span.kind == SpanKind.DAY  # the day's brief: daily posts only
        summarized, report = features.summarizer(
            ranked.papers, options.lang, deadline, brief=day, now=ctx.now
        )
        ranked = replace(ranked, papers=tuple(summarized), brief=report.brief)
    counts_read = read_date(span.last, ctx.now, settings)
    movement = period_trends(span, kept, earlier, settings)
    from hf_digest.rendering import render

    bundle = render.render(ranked, settings, options.lang, counts_read=counts_read, movement=movement)
    blog = ctx.blog or BlogConfig(settings)
    site = blog.blog()
    url = blog_post_url(bundle.files[0], span, options.lang, site, settings, options.destinations)
    unread = (blog.warning,) if blog.warning else ()
    cache_warnings = report.warnings if report is not None else ()  # the state store failed the cache
    counted = replace(
        base,
        papers_shown=len(ranked.papers),
        summaries=report,
        url=url,
        warnings=(*base.warnings, *unread, *cache_warnings),
        shown=Shown(ranked, options.lang),
    )
    if options.dry_run:
        return replace(counted, status=Status.DRY_RUN, post=bundle.files[0].content.decode("utf-8"))
    rebuilt: list[str] = []  # feeds that held a foreign or corrupt file: rebuilt, and said so
    if settings.feeds or settings.site:
        from hf_digest.rendering import feeds  # the feeds' and the site's code load only when one is on

        bundle = feeds.extend(
            bundle,
            ranked,
            settings,
            options.lang,
            counts_read=counts_read,
            notice=rebuilt.append,
            post_url=url,
            site_url=site.base_url,
        )
    deliveries = tuple(publish_bundle(publisher, bundle, deadline) for publisher in ctx.publishers)
    notes = tuple(dict.fromkeys(rebuilt))
    for note in notes:
        log.warning("%s", note, extra=span_keys(span))
    announcer = features.announcer
    told = (
        announcer.published(Published(ranked, tuple(deliveries), options.lang, url, ctx.profile))
        if announcer
        else None
    )
    return replace(
        counted,
        status=overall_status(deliveries),
        deliveries=deliveries,
        warnings=counted.warnings + notes + (told.warnings if told else ()),
        notifications=told,
    )


def publish_bundle(publisher: Publisher, bundle: Bundle, deadline: Deadline) -> Delivery:
    """One destination's delivery; its failure is logged and returned, not raised."""
    extra = {**span_keys(bundle.span), "destination": publisher.name}
    try:
        delivery = publisher.publish(bundle, deadline)
    except DigestError as exc:
        log.error("publish failed: %s", exc, extra={**extra, "status": Status.FAILED})
        # Publishers start their messages with their name; an error raised deeper may not.
        error = str(exc) if str(exc).startswith(f"{publisher.name}: ") else f"{publisher.name}: {exc}"
        return Delivery(publisher.name, Status.FAILED, detail=error)
    log.info("published", extra={**extra, "status": delivery.status, "location": delivery.location})
    return delivery
