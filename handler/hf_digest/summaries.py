"""Weekly and monthly digests: the period's papers from the API's `week=` / `month=` lists (paged), ranked
as one list, rendered with their own templates and published like a day's post.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from hf_digest import render
from hf_digest.config import Settings
from hf_digest.deadline import Deadline
from hf_digest.errors import UpstreamError
from hf_digest.jobs import PeriodRequest
from hf_digest.model import papers_from_items
from hf_digest.periods import WEEKLY, Period, digest_period
from hf_digest.pipeline import (
    DRY_RUN,
    EMPTY,
    Verdict,
    overall_status,
    publication_json,
    publish_bundle,
    read_dates,
    with_extras,
)
from hf_digest.publish import Delivery, Publisher

log = logging.getLogger(__name__)


class PeriodSource(Protocol):
    def fetch_period(self, query: dict[str, str], deadline: Deadline) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class PeriodResult(Verdict):
    period: Period
    status: str
    papers_total: int = 0
    papers_shown: int = 0
    outcomes: tuple[Delivery, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    post: str | None = None  # the markdown, on a dry run

    def to_json(self) -> dict[str, Any]:
        data = {
            "week" if self.period.kind == WEEKLY else "month": self.period.key,
            "from": self.period.first.isoformat(),
            "to": self.period.last.isoformat(),
            **publication_json(self.status, self.papers_total, self.papers_shown, self.outcomes),
        }
        return with_extras(data, self.warnings, self.post)


def run_period(
    request: PeriodRequest,
    settings: Settings,
    source: PeriodSource,
    publishers: Sequence[Publisher],
    deadline: Deadline,
    now: datetime,
) -> PeriodResult:
    """The period's post to every publisher; papers are ranked as one list, whatever order the pages had."""
    period = request.period
    items = source.fetch_period(period.query, deadline)
    papers, warnings = papers_from_items(items)
    extra = {"period": period.key, "kind": period.kind}
    for warning in warnings:
        log.warning("paper left out: %s", warning, extra=extra)
    if items and not papers:
        raise UpstreamError(
            f"Hugging Face listed {len(items)} items for {period.key} but none could be read as a paper: "
            "the API schema may have changed"
        )
    if not papers:
        log.info("no papers listed", extra={**extra, "status": EMPTY})
        return PeriodResult(period, EMPTY, warnings=tuple(warnings))
    digest = digest_period(period, papers, request.top_n, warnings)
    counts_read, earlier = read_dates(period.last, now, settings)
    bundle = render.render_period(
        digest, settings, request.lang, counts_read=counts_read, earlier_reads=earlier
    )
    counted = PeriodResult(period, DRY_RUN, digest.total, len(digest.papers), warnings=tuple(warnings))
    if request.dry_run:
        return replace(counted, post=bundle.files[0].content.decode("utf-8"))
    outcomes = tuple(publish_bundle(publisher, bundle, deadline) for publisher in publishers)
    return replace(counted, status=overall_status(outcomes), outcomes=outcomes)


def run_period_request(
    request: PeriodRequest, settings: Settings, deadline: Deadline, now: datetime | None = None
) -> PeriodResult:
    """run_period() with the real Hugging Face source and the request's publishers (none on a dry run)."""
    from hf_digest import publish
    from hf_digest.source import HuggingFaceSource

    publishers = [] if request.dry_run else publish.build(request.destinations, settings)
    return run_period(
        request, settings, HuggingFaceSource(settings), publishers, deadline, now or datetime.now(UTC)
    )
