"""The pipeline that joins the rooms: source -> papers -> rank -> render -> publish -> result.

The source and the publishers are handed in, so tests and the Lambda choose what they talk to.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from hf_digest import render
from hf_digest.config import Settings
from hf_digest.deadline import Deadline
from hf_digest.errors import DigestError, UpstreamError
from hf_digest.model import Bundle, papers_from_items
from hf_digest.publish import FAILED, UNCHANGED, Delivery, Publisher
from hf_digest.rank import digest_day
from hf_digest.request import DigestRequest
from hf_digest.source import DayListing

log = logging.getLogger(__name__)

PUBLISHED = "published"
EMPTY = "empty"
DRY_RUN = "dry_run"
# What a run as a whole did; FAILED and UNCHANGED are shared with the outcomes of one destination.
OK_STATUSES = (PUBLISHED, UNCHANGED, EMPTY, DRY_RUN)


class Source(Protocol):
    def fetch_day(self, day: date, deadline: Deadline) -> DayListing: ...


class Verdict:
    """What a day's and a period's results both answer: did the run succeed, and where did it fail."""

    status: str
    outcomes: tuple[Delivery, ...]

    @property
    def ok(self) -> bool:
        return self.status in OK_STATUSES

    @property
    def failed_destinations(self) -> list[str]:
        return [o.destination for o in self.outcomes if o.status == FAILED]


@dataclass(frozen=True)
class RunResult(Verdict):
    day: date
    status: str
    papers_total: int = 0
    papers_shown: int = 0
    via: str | None = None
    hf_requests: int = 0
    outcomes: tuple[Delivery, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    post: str | None = None  # the markdown, on a dry run

    def to_json(self) -> dict[str, Any]:
        """The result as JSON: what the CLI prints with --json and the Lambda returns."""
        data = publication_json(self.status, self.papers_total, self.papers_shown, self.outcomes)
        data = {"date": self.day.isoformat(), **data, "source": self.via, "hf_requests": self.hf_requests}
        return with_extras(data, self.warnings, self.post)


def publication_json(status: str, total: int, shown: int, outcomes: Sequence[Delivery]) -> dict[str, Any]:
    """The keys every digest's result shares, a day's or a period's."""
    return {
        "status": status,
        "papers_total": total,
        "papers_shown": shown,
        "destinations": [o.to_json() for o in outcomes],
    }


def with_extras(data: dict[str, Any], warnings: Sequence[str], post: str | None) -> dict[str, Any]:
    """data with the warnings and a dry run's markdown, when there are any, at the end."""
    if warnings:
        data["warnings"] = list(warnings)
    if post is not None:
        data["post"] = post
    return data


def overall_status(outcomes: Sequence[Delivery]) -> str:
    if any(o.status == FAILED for o in outcomes):
        return FAILED
    if all(o.status == UNCHANGED for o in outcomes):
        return UNCHANGED
    return PUBLISHED


def read_dates(listed: date, now: datetime | None, settings: Settings) -> tuple[date | None, list[date]]:
    """The date counts are read on (in the blog's time zone), and the earlier dates a post of a day
    listed on `listed` may already show: with one of those and the same counts, it is left alone."""
    if now is None:
        return None, []
    today = now.astimezone(settings.zone).date()
    return today, [listed + timedelta(days=n) for n in range(max(0, (today - listed).days))]


def run(
    request: DigestRequest,
    settings: Settings,
    source: Source,
    publishers: Sequence[Publisher],
    deadline: Deadline,
    *,
    now: datetime | None = None,
) -> RunResult:
    """Build the day's post and hand it to every publisher; a failing one does not stop the rest.

    With now, the post says the date its counts were read, and a destination holding the same post with
    an earlier read date is left unchanged (upvotes that did not move rewrite nothing).
    """
    listing = source.fetch_day(request.day, deadline)
    papers, warnings = papers_from_items(listing.items)
    for warning in warnings:
        log.warning("paper left out: %s", warning, extra={"date": request.day.isoformat()})
    if listing.items and not papers:
        raise UpstreamError(
            f"Hugging Face listed {len(listing.items)} items for {request.day} but none could be read "
            "as a paper: the API schema may have changed"
        )
    base = RunResult(
        day=request.day, status=EMPTY, via=listing.via, hf_requests=listing.requests, warnings=tuple(warnings)
    )
    if not papers:
        log.info("no papers listed", extra={"date": request.day.isoformat(), "status": EMPTY})
        return base
    digest = digest_day(request.day, papers, request.top_n, warnings)
    counts_read, earlier = read_dates(request.day, now, settings)
    bundle = render.render_bundle(
        digest, settings, request.lang, counts_read=counts_read, earlier_reads=earlier
    )
    counted = replace(base, papers_total=digest.total, papers_shown=len(digest.papers))
    if request.dry_run:
        return replace(counted, status=DRY_RUN, post=bundle.files[0].content.decode("utf-8"))
    outcomes = tuple(publish_bundle(publisher, bundle, deadline) for publisher in publishers)
    return replace(counted, status=overall_status(outcomes), outcomes=outcomes)


def publish_bundle(publisher: Publisher, bundle: Bundle, deadline: Deadline) -> Delivery:
    """One destination's outcome; its failure is logged and returned, not raised."""
    extra = {"date": bundle.day.isoformat(), "destination": publisher.name}
    try:
        outcome = publisher.publish(bundle, deadline)
    except DigestError as exc:
        log.error("publish failed: %s", exc, extra={**extra, "status": FAILED})
        # Publishers start their messages with their name; an error raised deeper may not.
        error = str(exc) if str(exc).startswith(f"{publisher.name}: ") else f"{publisher.name}: {exc}"
        return Delivery(destination=publisher.name, status=FAILED, location="", error=error)
    log.info("published", extra={**extra, "status": outcome.status, "location": outcome.location})
    return outcome


def run_request(
    request: DigestRequest, settings: Settings, deadline: Deadline, now: datetime | None = None
) -> RunResult:
    """run() with the real Hugging Face source and the request's publishers (none on a dry run).

    Publishers are built first, so a missing setting or secret fails before Hugging Face is called.
    """
    from hf_digest import publish
    from hf_digest.source import HuggingFaceSource

    publishers = [] if request.dry_run else publish.build(request.destinations, settings)
    return run(
        request, settings, HuggingFaceSource(settings), publishers, deadline, now=now or datetime.now(UTC)
    )
