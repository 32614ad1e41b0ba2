"""The invocations the bench measures, each a sequence against a new repository and bucket.

- manual: the 100-paper day, published, then the same event again (nothing to write).
- scheduled: the daily schedule's first run after a deploy (catch-up publishes the week before), the next
  day's run (steady state: target day, weekend days re-read, refresh days), and that event delivered twice.
- periods: the weekly and monthly schedules (2025-W39 and 2025-09 from the month sample).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bench.fullrun import Sequence, Step, manual_event, period_event, run_sequence, scheduled_event
from bench.runtime import Runtime
from bench.servers import Servers

STEADY_DAY = date(2025, 9, 30)  # a Tuesday with 82 papers; the week before it is in the month sample
WEEKLY_FIRED = datetime(2025, 9, 29, 3, 0, tzinfo=UTC)  # targets 2025-W39, Monday to Sunday 2025-09-28
MONTHLY_FIRED = datetime(2025, 10, 1, 3, 0, tzinfo=UTC)  # targets 2025-09
PUBLISHED, UNCHANGED = "published", "unchanged"


def manual(runtime: Runtime, servers: Servers, runs: int) -> Sequence:
    return run_sequence(
        runtime,
        servers,
        runs,
        [Step("first", manual_event(), PUBLISHED), Step("rerun", manual_event(), UNCHANGED)],
    )


def scheduled(runtime: Runtime, servers: Servers, runs: int) -> Sequence:
    day_before = STEADY_DAY - timedelta(days=1)
    return run_sequence(
        runtime,
        servers,
        runs,
        [
            Step("after deploy", scheduled_event(day_before), PUBLISHED),
            Step("daily", scheduled_event(STEADY_DAY), PUBLISHED),
            Step("duplicate", scheduled_event(STEADY_DAY), UNCHANGED),
        ],
    )


def periods(runtime: Runtime, servers: Servers, runs: int) -> Sequence:
    return run_sequence(
        runtime,
        servers,
        runs,
        [
            Step("weekly", period_event("weekly", WEEKLY_FIRED), PUBLISHED),
            Step("monthly", period_event("monthly", MONTHLY_FIRED), PUBLISHED),
        ],
    )
