"""A scheduled day in full: the target day, then the recent days some destination lacks, then the days re-read
for their settled upvotes. An outage heals itself the next day; a post changes only when its counts did.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from hf_digest.adapters.publish import Publisher
from hf_digest.config import Settings
from hf_digest.core.outcomes import SpanKind, Status
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline
from hf_digest.request import ScheduleRequest, closed_day
from hf_digest.runs.days import CATCH_UP, REFRESH, TARGET, DayRun, DaysOutcome, run_day
from hf_digest.runs.digest import Context

if TYPE_CHECKING:
    from hf_digest.adapters.notify.herald import Announcer, Herald
    from hf_digest.runs.empty_days import EmptyDays

log = logging.getLogger(__name__)


def recent_days(target: date, count: int) -> list[date]:
    """The count days before target, oldest first."""
    return [target - timedelta(days=n) for n in range(count, 0, -1)]


def refresh_days(target: date, settings: Settings) -> list[date]:
    """The days DIGEST_REFRESH_DAYS back from target, oldest first."""
    return sorted({target - timedelta(days=n) for n in settings.refresh_days})


def lacking(
    days: Sequence[date], lang: str, settings: Settings, publishers: Sequence[Publisher], deadline: Deadline
) -> dict[date, list[Publisher]]:
    """For each day, the destinations without its post (days every destination holds are left out).

    A destination that cannot answer counts as lacking every day: publishing then compares the content
    and writes only what differs, or reports that destination's failure.
    """
    missing: dict[date, list[Publisher]] = {}
    for own in [profile.settings(settings) for profile in settings.profiles] or [settings]:
        chosen = [p for p in publishers if p.name in own.destinations] if settings.profiles else publishers
        for day, without in _lacking(days, lang, own, chosen, deadline).items():
            missing[day] = [*missing.get(day, []), *(p for p in without if p not in missing.get(day, []))]
    return missing


def _lacking(
    days: Sequence[date], lang: str, settings: Settings, publishers: Sequence[Publisher], deadline: Deadline
) -> dict[date, list[Publisher]]:
    post_paths = {day: settings.post_path(SpanKind.DAY, day, lang) for day in days}
    held: dict[str, set[str]] = {}
    for publisher in publishers:
        try:
            held[publisher.name] = publisher.existing(list(post_paths.values()), deadline)
        except DigestError as exc:
            log.warning(
                "catch-up could not list the destination; trying every day there",
                extra={"destination": publisher.name, "error_kind": exc.kind, "problem": str(exc)},
            )
            held[publisher.name] = set()
    missing: dict[date, list[Publisher]] = {}
    for day, path in post_paths.items():
        without = [p for p in publishers if path not in held[p.name]]
        if without:
            missing[day] = without
    return missing


def listed_empty(run: DayRun) -> bool:
    """True when Hugging Face listed no paper at all that day (not when a topic filter left none)."""
    return run.result is not None and run.result.status == Status.EMPTY and run.result.papers_total == 0


def run_scheduled(
    request: ScheduleRequest, ctx: Context, herald: Herald | None = None, empty: EmptyDays | None = None
) -> DaysOutcome:
    """Target day first, then catch-up (only to the destinations lacking a day), then refresh (to all).

    The target day's new post is told at once; older days' new posts in one summary (DIGEST_NOTIFY_BACKFILL).
    With empty, catch-up skips the closed days Hugging Face already listed empty, and remembers new ones.
    """
    target, options = request.day, request.options
    settings, publishers = ctx.settings, ctx.publishers
    older = herald.later() if herald else None

    def day_run(day: date, reason: str, to: Sequence[Publisher], told: Announcer | None = older) -> DayRun:
        return run_day(day, options, reason, ctx.to(to).announcing(told))

    runs = [day_run(target, TARGET, publishers, herald)]
    again = [day for day in refresh_days(target, settings) if day != target]
    recent = recent_days(target, settings.catchup_days)
    seen_empty = empty.known(recent) if empty is not None else set()
    if seen_empty:
        log.info(
            "catch-up skips the days seen empty", extra={"days": sorted(d.isoformat() for d in seen_empty)}
        )
    missing = lacking(
        [day for day in recent if day not in seen_empty], options.lang, settings, publishers, ctx.deadline
    )
    if missing:
        log.info("catch-up", extra={"date": target.isoformat(), "days": [d.isoformat() for d in missing]})
    # A refresh day is published to every destination below anyway.
    runs += [day_run(day, CATCH_UP, without) for day, without in missing.items() if day not in again]
    runs += [day_run(day, REFRESH, publishers) for day in again]
    warnings: tuple[str, ...] = ()
    if empty is not None:
        closed = closed_day(ctx.now)
        empty.remember(run.day for run in runs if listed_empty(run) and run.day <= closed)
        warnings = tuple(empty.warnings)
    first = min(run.day for run in runs)
    summary = herald.summary() if herald else None
    return DaysOutcome(
        "schedule", tuple(runs), first=first, last=target, notifications=summary, warnings=warnings
    )
