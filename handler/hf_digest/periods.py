"""Weeks and months as Hugging Face names them (`week=2026-W06`, `month=2026-02`), and which one has closed.

A period is closed when its last day's list has closed (`request.closes_at`): ISO week W on the Monday
after it at 02:30 UTC, a month on the 1st of the next month at 02:30 UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from hf_digest import served
from hf_digest.errors import BadInput
from hf_digest.model import Paper
from hf_digest.rank import rank

WEEKLY = "weekly"
MONTHLY = "monthly"


@dataclass(frozen=True)
class Period:
    """An ISO week or a calendar month: its kind, its Hugging Face name and its first and last day."""

    kind: str  # WEEKLY | MONTHLY
    key: str  # "2026-W06" | "2026-02"
    first: date
    last: date

    @property
    def query(self) -> dict[str, str]:
        """The Hugging Face API parameter that lists the period's papers."""
        return {"week" if self.kind == WEEKLY else "month": self.key}

    def days(self) -> list[date]:
        return days_between(self.first, self.last)

    @property
    def window(self) -> served.Window:
        """The list days whose papers belong to the period, for checking what Hugging Face answered."""
        return served.Window(
            self.first, self.last, f"{'week' if self.kind == WEEKLY else 'month'} {self.key}"
        )


@dataclass(frozen=True)
class PeriodDigest:
    """A period's papers after ranking the whole list (month pages are sorted only within themselves)."""

    period: Period
    papers: tuple[Paper, ...]
    total: int
    skipped: tuple[str, ...] = field(default=())


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def week(year: int, number: int) -> Period:
    first = date.fromisocalendar(year, number, 1)
    return Period(WEEKLY, f"{year:04d}-W{number:02d}", first, first + timedelta(days=6))


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period(MONTHLY, f"{year:04d}-{number:02d}", first, following - timedelta(days=1))


def week_of(day: date) -> Period:
    year, number, _ = day.isocalendar()
    return week(year, number)


def month_of(day: date) -> Period:
    return month(day.year, day.month)


def parse_week(value: object, field_name: str = "week") -> Period:
    """An ISO week `YYYY-Www`, e.g. 2026-W06 (Monday 2026-02-02 to Sunday 2026-02-08)."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", value) if isinstance(value, str) else None
    if not match:
        raise BadInput(field_name, f"must be an ISO week such as 2026-W06, got {json.dumps(value)}")
    try:
        return week(int(match[1]), int(match[2]))
    except ValueError:
        raise BadInput(field_name, f"{value} is not a week of the ISO calendar") from None


def parse_month(value: object, field_name: str = "month") -> Period:
    """A month `YYYY-MM`, e.g. 2026-02."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value) if isinstance(value, str) else None
    if not match:
        raise BadInput(field_name, f"must be a month such as 2026-02, got {json.dumps(value)}")
    try:
        return month(int(match[1]), int(match[2]))
    except ValueError:
        raise BadInput(field_name, f"{value} is not a month of the calendar") from None


def closed_period(kind: str, closed: date) -> Period:
    """The latest week or month whose every day has closed, given the latest closed day."""
    if kind == WEEKLY:
        # Sunday closes its week; any other day points back to the Sunday before it.
        sunday = closed if closed.isoweekday() == 7 else closed - timedelta(days=closed.isoweekday())
        return week_of(sunday)
    if kind == MONTHLY:
        current = month_of(closed)
        return current if closed == current.last else month_of(current.first - timedelta(days=1))
    raise ValueError(f"unknown period kind {kind!r}")


def check_closed(period: Period, closed: date, now: datetime, *, partial: bool, field_name: str) -> Period:
    """period itself when it has closed (or, with partial, has begun); BadInput saying why otherwise."""
    today_utc = now.astimezone(UTC).date()
    if period.first > today_utc:
        raise BadInput(field_name, f"{period.key} has not begun (today is {today_utc.isoformat()} UTC)")
    if not partial and period.last > closed:
        raise BadInput(
            field_name,
            f"{period.key} is still open until its last day {period.last.isoformat()} closes; a digest now "
            'would miss papers (pass --partial, or "partial": true, to take it as it is)',
        )
    return period


def digest_period(
    period: Period, papers: Sequence[Paper], top_n: int, skipped: Sequence[str] = ()
) -> PeriodDigest:
    """The period ranked as one list; like a day's, its total counts the skipped items too."""
    return PeriodDigest(period, tuple(rank(papers, top_n)), len(papers) + len(skipped), tuple(skipped))
