"""Requests beyond one manual day: a range of days (backfill), a week or a month, the schedules' events.

`parse_event` reads any event the function takes; a plain day event still goes through `request.from_event`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hf_digest import periods
from hf_digest.config import Settings
from hf_digest.errors import BadInput
from hf_digest.periods import Period
from hf_digest.request import (
    DigestRequest,
    closed_day,
    destinations_field,
    flag_field,
    from_event,
    from_options,
    parse_day,
    scheduled_time,
)

OPTION_KEYS = ("dry_run", "lang", "top", "destinations")
RANGE_KEYS = ("from", "to", *OPTION_KEYS)
PERIOD_KEYS = ("week", "month", "partial", *OPTION_KEYS)
# A schedule's own Input (template.yaml): Scheduler then sends it instead of its event envelope.
SCHEDULED_KEYS = ("digest", "time", "id")
DIGEST_KINDS = ("daily", periods.WEEKLY, periods.MONTHLY)
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class RangeRequest:
    """Every day from first to last, each published as its own digest (a backfill)."""

    first: date
    last: date
    lang: str
    top_n: int
    destinations: tuple[str, ...]
    dry_run: bool = False
    trigger: str = "manual"

    def days(self) -> list[date]:
        return periods.days_between(self.first, self.last)

    def day_request(self, day: date) -> DigestRequest:
        return DigestRequest(
            day, self.lang, self.top_n, self.destinations, self.dry_run, trigger=self.trigger
        )

    def day_event(self, day: date) -> dict[str, Any]:
        """The manual event that publishes one day of the range: the body of its queue message."""
        return {
            "date": day.isoformat(),
            "lang": self.lang,
            "top": self.top_n,
            "destinations": [*self.destinations],
        }


@dataclass(frozen=True)
class PeriodRequest:
    """A weekly or monthly digest of the period's top papers."""

    period: Period
    lang: str
    top_n: int
    destinations: tuple[str, ...]
    dry_run: bool = False
    trigger: str = "manual"


Request = DigestRequest | RangeRequest | PeriodRequest


def parse_event(event: object, settings: Settings, now: datetime) -> Request:
    """Any event: a schedule's (daily, weekly, monthly), a day, a range of days, a week or a month."""
    if isinstance(event, Mapping):
        if "digest" in event:
            return _scheduled(event, settings)
        if "from" in event or "to" in event:
            _only(event, RANGE_KEYS, "a range event")
            return range_from_options(
                settings,
                now,
                first_text=event.get("from"),
                last_text=event.get("to"),
                lang=event.get("lang"),
                top_n=event.get("top"),
                destinations=_options_destinations(event),
                dry_run=flag_field(event.get("dry_run", False), "dry_run"),
            )
        if "week" in event or "month" in event:
            return period_from_event(event, settings, now)
    return from_event(event, settings, now)


def _only(event: Mapping[str, Any], keys: Sequence[str], what: str) -> None:
    unknown = sorted(set(event) - set(keys))
    if unknown:
        raise BadInput(unknown[0], f"is not a known field; {what} takes {', '.join(keys)}")


def _options_destinations(event: Mapping[str, Any]) -> tuple[str, ...] | None:
    return destinations_field(event["destinations"], "destinations") if "destinations" in event else None


def _scheduled(event: Mapping[str, Any], settings: Settings) -> DigestRequest | PeriodRequest:
    """A schedule whose Input names its digest; the period comes from the scheduled time, never the clock."""
    _only(event, SCHEDULED_KEYS, "a scheduled digest event")
    kind = event["digest"]
    if kind not in DIGEST_KINDS:
        raise BadInput("digest", f"must be one of {', '.join(DIGEST_KINDS)}, got {json.dumps(kind)}")
    closed = closed_day(scheduled_time(event))
    if kind == "daily":
        return DigestRequest(closed, settings.lang, settings.top_n, settings.destinations, trigger="schedule")
    period = periods.closed_period(kind, closed)
    return PeriodRequest(period, settings.lang, settings.top_n, settings.destinations, trigger="schedule")


def range_from_options(
    settings: Settings,
    now: datetime,
    *,
    first_text: object,
    last_text: object,
    lang: str | None = None,
    top_n: int | None = None,
    destinations: Sequence[str] | None = None,
    dry_run: bool = False,
    trigger: str = "manual",
) -> RangeRequest:
    """A backfill of closed days from first to last, at most MAX_RANGE_DAYS of them."""
    first = parse_day(first_text, now=now, partial=False, field="from")
    last = parse_day(last_text, now=now, partial=False, field="to")
    if last < first:
        raise BadInput("to", f"{last} is before from {first}")
    count = (last - first).days + 1
    if count > MAX_RANGE_DAYS:
        raise BadInput("to", f"{first} to {last} is {count} days; one request takes at most {MAX_RANGE_DAYS}")
    options = from_options(
        settings, now, date_text=first_text, lang=lang, top_n=top_n, destinations=destinations
    )
    return RangeRequest(first, last, options.lang, options.top_n, options.destinations, dry_run, trigger)


def period_from_event(
    event: Mapping[str, Any], settings: Settings, now: datetime, trigger: str = "manual"
) -> PeriodRequest:
    """{"week": "2026-W06"} or {"month": "2026-02"} with a day's options; the period must have closed."""
    _only(event, PERIOD_KEYS, "a week or month event")
    if "week" in event and "month" in event:
        raise BadInput("month", "give a week or a month, not both")
    field_name = "week" if "week" in event else "month"
    parse = periods.parse_week if field_name == "week" else periods.parse_month
    partial = flag_field(event.get("partial", False), "partial")
    period = periods.check_closed(
        parse(event[field_name], field_name), closed_day(now), now, partial=partial, field_name=field_name
    )
    options = from_options(
        settings,
        now,
        lang=event.get("lang"),
        top_n=event.get("top"),
        destinations=_options_destinations(event),
    )
    dry_run = flag_field(event.get("dry_run", False), "dry_run")
    return PeriodRequest(period, options.lang, options.top_n, options.destinations, dry_run, trigger)
