"""What the scheduled runs cost a month on Lambda, from the measured durations and the configured memory.

Prices: AWS Lambda pricing (https://aws.amazon.com/lambda/pricing/), US East (N. Virginia), first tier.
Since 2025-08-01 Lambda bills the INIT phase of on-demand functions too, so a cold start is billed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Not fetched by the bench: the published rates as given in issue #7's brief, which third-party summaries
# of that page agreed with on 2026-11-29.
PRICE_SOURCE = (
    "https://aws.amazon.com/lambda/pricing/ (us-east-1, first tier; rates as of 2026-11-29, not re-read "
    "from AWS's page by the bench)"
)
ARM64_GB_S = 0.0000133334
X86_64_GB_S = 0.0000166667
PER_REQUEST = 0.20 / 1_000_000
FREE_GB_S = 400_000  # the monthly free tier, shared by all functions of the account
MEMORY_MB = 256  # template.yaml MemorySize
TIMEOUT_S = 300  # template.yaml Timeout
RUNS_PER_MONTH = 30  # the daily schedule, cron(0 12 * * ? *)
WEEKLY_RUNS = 52 / 12  # the weekly schedule, cron(0 12 ? * MON *)
MONTHLY_RUNS = 1  # the monthly schedule, cron(0 12 1 * ? *)


@dataclass(frozen=True)
class Bill:
    daily_ms: int
    weekly_ms: int
    monthly_ms: int
    gb_s_month: float
    arm64_month: float
    x86_64_month: float
    ceiling_x86_64_month: float  # every run hitting the timeout


def monthly(daily_ms: float, weekly_ms: float, monthly_ms: float, memory_mb: int = MEMORY_MB) -> Bill:
    """Durations are rounded up to the millisecond, as Lambda bills them."""
    billed = [math.ceil(ms) for ms in (daily_ms, weekly_ms, monthly_ms)]
    runs = [RUNS_PER_MONTH, WEEKLY_RUNS, MONTHLY_RUNS]
    gb = memory_mb / 1024
    gb_s = sum(gb * ms / 1000 * n for ms, n in zip(billed, runs, strict=True))
    requests = sum(runs) * PER_REQUEST
    ceiling = gb * TIMEOUT_S * sum(runs) * X86_64_GB_S + requests
    daily, weekly, month = billed
    return Bill(
        daily, weekly, month, gb_s, gb_s * ARM64_GB_S + requests, gb_s * X86_64_GB_S + requests, ceiling
    )
