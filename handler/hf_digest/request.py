"""What a run is asked to do, from CLI flags or a Lambda event, checked before any request.

A day's Hugging Face list keeps growing until about 01:30 UTC the next day (02:30 outside daylight
saving time); we take 02:30 UTC all year, so a digest of day D is built only from a closed list. A week or
a month has closed when its last day has.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hf_digest.config import LANGUAGES, Settings
from hf_digest.core.model import (
    Span,
    day_span,
    days_between,
    month,
    month_of,
    week,
    week_of,
)
from hf_digest.core.outcomes import SpanKind
from hf_digest.destinations import parse_destinations
from hf_digest.errors import BadInput

# What a request or a profile may refine of the settings: the names Settings and Profile give them too.
OVERLAY_KEYS = ("lang", "top_n", "destinations")
LIST_CLOSES_AFTER = timedelta(days=1, hours=2, minutes=30)  # day D closes at D+1 02:30 UTC
OPTION_KEYS = ("dry_run", "lang", "top", "destinations")
DAY_KEYS = ("date", "dry_run", "lang", "top", "destinations", "partial")
RANGE_KEYS = ("from", "to", *OPTION_KEYS)
PERIOD_KEYS = ("week", "month", "partial", *OPTION_KEYS)
# A schedule's own Input (template.yaml): Scheduler then sends it instead of its event envelope.
SCHEDULED_KEYS = ("digest", "time", "id")
DIGEST_KINDS = tuple(SpanKind)
# Keys only a manual event carries: in a scheduler's envelope they would be ignored, so they are refused.
MANUAL_ONLY_KEYS = ("date", "from", "to", "week", "month", "partial", *OPTION_KEYS)
MAX_RANGE_DAYS = 366
# Daily Papers began in 2023; a scheduled time outside these years is a malformed event, not a day to serve.
EARLIEST_SCHEDULE, LATEST_SCHEDULE = 2023, 2999
# How an option is named where the user gave it: in an event, or as a CLI flag.
EVENT_NAMES = {"lang": "lang", "top": "top", "destinations": "destinations", "dry_run": "dry_run"}
FLAG_NAMES = {"lang": "--lang", "top": "--top", "destinations": "--dest", "dry_run": "--dry-run"}


@dataclass(frozen=True)
class Options:
    """How a digest is made and where it goes, the same for every kind of request: the settings' values,
    refined by what a request asks and then by a profile (`refine`, the one place they are merged)."""

    lang: str
    top_n: int
    destinations: tuple[str, ...]
    dry_run: bool = False
    trigger: str = "manual"  # manual | schedule | cli

    @classmethod
    def of(cls, settings: Settings, *, dry_run: bool = False, trigger: str = "manual") -> Options:
        """The options a request that asks nothing gets: the settings' own."""
        return cls(settings.lang, settings.top_n, settings.destinations, dry_run=dry_run, trigger=trigger)

    def refine(self, overlay: Mapping[str, Any]) -> Options:
        """These options with overlay's values in place (a request's fields, a profile's; None keeps ours)."""
        changes = {key: value for key, value in overlay.items() if value is not None}
        unknown = set(changes) - set(OVERLAY_KEYS)
        if unknown:
            raise TypeError(f"not an option a request or profile may refine: {sorted(unknown)}")
        return replace(self, **changes)


@dataclass(frozen=True)
class DigestRequest:
    """One digest: a day's, a week's or a month's."""

    span: Span
    options: Options
    partial: bool = False  # the caller accepts a span whose list is still open

    @property
    def day(self) -> date:
        return self.span.last


@dataclass(frozen=True)
class ScheduleRequest:
    """A daily schedule's run: the day it fired for, then catch-up and refresh of the days before."""

    day: date
    options: Options


@dataclass(frozen=True)
class RangeRequest:
    """Every day from first to last, each published as its own digest (a backfill)."""

    first: date
    last: date
    options: Options

    def days(self) -> list[date]:
        return days_between(self.first, self.last)

    def day_event(self, day: date) -> dict[str, Any]:
        """The manual event that publishes one day of the range: the body of its queue message."""
        return {
            "date": day.isoformat(),
            "lang": self.options.lang,
            "top": self.options.top_n,
            "destinations": [*self.options.destinations],
        }


@dataclass(frozen=True)
class QueueBatch:
    """A batch of the backfill queue's messages, each a manual day event."""

    event: Mapping[str, Any]


@dataclass(frozen=True)
class CheckRequest:
    """`hf-digest check` or `{"check": true}`: prove each configured part works; publish nothing."""

    send_test: bool = False  # post one marked test message to Slack and Discord


Request = DigestRequest | ScheduleRequest | RangeRequest | QueueBatch | CheckRequest
CHECK_KEYS = ("check", "send_test")


def closes_at(day: date) -> datetime:
    """The UTC moment after which day's list no longer changes (only upvotes still grow)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + LIST_CLOSES_AFTER


def closed_day(now: datetime) -> date:
    """The latest day whose list has closed at now."""
    return (now.astimezone(UTC) - timedelta(hours=2, minutes=30)).date() - timedelta(days=1)


def parse_day(value: object, *, now: datetime, partial: bool, field: str = "date") -> date:
    """A YYYY-MM-DD day that exists, is not in the future and (unless partial) has closed."""
    if not isinstance(value, str):
        raise BadInput(field, f"must be a string YYYY-MM-DD, got {json.dumps(value)}")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise BadInput(field, f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadInput(field, f"{value} is not a day of the calendar") from None
    today_utc = now.astimezone(UTC).date()
    if day > today_utc:
        raise BadInput(field, f"{value} is in the future (today is {today_utc.isoformat()} UTC)")
    if not partial and day > closed_day(now):
        closes = closes_at(day).strftime("%Y-%m-%d %H:%M UTC")
        raise BadInput(
            field,
            f"the list for {value} is still open until {closes}; a digest now would miss papers "
            '(pass --partial, or "partial": true, to take it as it is)',
        )
    return day


def parse_week(value: object, field: str = "week") -> Span:
    """An ISO week `YYYY-Www`, e.g. 2026-W06 (Monday 2026-02-02 to Sunday 2026-02-08)."""
    return _parse_period(
        value, field, r"(\d{4})-W(\d{2})", week, "an ISO week such as 2026-W06", "a week of the ISO calendar"
    )


def parse_month(value: object, field: str = "month") -> Span:
    """A month `YYYY-MM`, e.g. 2026-02."""
    return _parse_period(
        value, field, r"(\d{4})-(\d{2})", month, "a month such as 2026-02", "a month of the calendar"
    )


def _parse_period(
    value: object, field: str, pattern: str, span: Callable[[int, int], Span], example: str, what: str
) -> Span:
    """The week or month span value names as a year and a number; BadInput naming field when it does not."""
    match = re.fullmatch(pattern, value) if isinstance(value, str) else None
    if not match:
        raise BadInput(field, f"must be {example}, got {json.dumps(value)}")
    try:
        return span(int(match[1]), int(match[2]))
    except ValueError:
        raise BadInput(field, f"{value} is not {what}") from None


def closed_period(kind: SpanKind, closed: date) -> Span:
    """The latest week or month whose every day has closed, given the latest closed day."""
    if kind == SpanKind.WEEK:
        # Sunday closes its week; any other day points back to the Sunday before it.
        sunday = closed if closed.isoweekday() == 7 else closed - timedelta(days=closed.isoweekday())
        return week_of(sunday)
    current = month_of(closed)
    return current if closed == current.last else month_of(current.first - timedelta(days=1))


def check_closed(span: Span, now: datetime, *, partial: bool, field: str) -> Span:
    """span itself when it has closed (or, with partial, has begun); BadInput saying why otherwise."""
    today_utc = now.astimezone(UTC).date()
    if span.first > today_utc:
        raise BadInput(field, f"{span.key} has not begun (today is {today_utc.isoformat()} UTC)")
    if not partial and span.last > closed_day(now):
        raise BadInput(
            field,
            f"{span.key} is still open until its last day {span.last.isoformat()} closes; a digest now "
            'would miss papers (pass --partial, or "partial": true, to take it as it is)',
        )
    return span


def flag_field(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise BadInput(field, f"must be true or false, got {json.dumps(value)}")
    return value


def parse_options(
    values: Mapping[str, Any], settings: Settings, *, trigger: str, names: Mapping[str, str] = EVENT_NAMES
) -> Options:
    """Options from an event's fields or the CLI's flags (None: the setting's value), errors naming them."""
    lang, top, destinations = values.get("lang"), values.get("top"), values.get("destinations")
    if lang is not None and lang not in LANGUAGES:
        raise BadInput(names["lang"], f"must be one of {', '.join(LANGUAGES)}, got {json.dumps(lang)}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        raise BadInput(names["top"], f"must be a whole number, 0 (all papers) or more, got {json.dumps(top)}")
    dry_run = flag_field(values.get("dry_run", False), names["dry_run"])
    asked = {
        "lang": lang,
        "top_n": top,
        "destinations": None
        if destinations is None
        else parse_destinations(destinations, names["destinations"]),
    }
    return Options.of(settings, dry_run=dry_run, trigger=trigger).refine(asked)


def parse_range(
    first_text: object,
    last_text: object,
    options: Options,
    now: datetime,
    names: Sequence[str] = ("from", "to"),
) -> RangeRequest:
    """A backfill of closed days from first to last, at most MAX_RANGE_DAYS of them."""
    first = parse_day(first_text, now=now, partial=False, field=names[0])
    last = parse_day(last_text, now=now, partial=False, field=names[1])
    if last < first:
        raise BadInput(names[1], f"{last} is before {names[0]} {first}")
    count = (last - first).days + 1
    if count > MAX_RANGE_DAYS:
        raise BadInput(
            names[1], f"{first} to {last} is {count} days; one request takes at most {MAX_RANGE_DAYS}"
        )
    return RangeRequest(first, last, options)


def from_flags(
    settings: Settings,
    now: datetime,
    *,
    date_text: str | None = None,
    first: str | None = None,
    last: str | None = None,
    week_text: str | None = None,
    month_text: str | None = None,
    partial: bool = False,
    **option_values: Any,
) -> DigestRequest | RangeRequest:
    """A request from `hf-digest run` flags: a day (default: latest closed), a range, a week, a month."""
    options = parse_options(option_values, settings, trigger="cli", names=FLAG_NAMES)
    if last is not None and first is None:
        raise BadInput("--to", "goes with --from (the first day of the range)")
    if first is not None:
        last = last if last is not None else closed_day(now).isoformat()
        return parse_range(first, last, options, now, names=("--from", "--to"))
    if week_text is not None:
        return DigestRequest(
            _closed(parse_week(week_text, "--week"), now, partial, "--week"), options, partial
        )
    if month_text is not None:
        span = _closed(parse_month(month_text, "--month"), now, partial, "--month")
        return DigestRequest(span, options, partial)
    day = (
        closed_day(now)
        if date_text is None
        else parse_day(date_text, now=now, partial=partial, field="--date")
    )
    return DigestRequest(day_span(day), options, partial)


def _closed(span: Span, now: datetime, partial: bool, field: str) -> Span:
    return check_closed(span, now, partial=partial, field=field)


def from_event(event: object, settings: Settings, now: datetime) -> Request:
    """Any event the function takes: a schedule's (daily, weekly, monthly), a queue batch, a day, a range,
    a week or a month.

    A scheduled event targets the latest day (or period) closed at its own `time`, which a retry repeats,
    so every delivery of one schedule targets the same digest.
    """
    if not isinstance(event, Mapping):
        raise BadInput("event", f"must be a JSON object, got {type(event).__name__}")
    if is_queue_batch(event):
        return QueueBatch(event)
    if "check" in event:
        _only(event, CHECK_KEYS, "a check event")
        if not flag_field(event["check"], "check"):
            raise BadInput("check", "must be true for a check event")
        return CheckRequest(flag_field(event.get("send_test", False), "send_test"))
    if "digest" in event:
        _only(event, SCHEDULED_KEYS, "a scheduled digest event")
        return _scheduled(event["digest"], event, settings)
    if event.get("source") in ("aws.scheduler", "aws.events") or "detail-type" in event:
        manual = sorted(set(event) & set(MANUAL_ONLY_KEYS))
        if manual:
            raise BadInput(
                manual[0], "a scheduler event targets the day closed at its time; send a manual event instead"
            )
        return _scheduled(SpanKind.DAY, event, settings)
    if "from" in event or "to" in event:
        _only(event, RANGE_KEYS, "a range event")
        return parse_range(event.get("from"), event.get("to"), _event_options(event, settings), now)
    if "week" in event or "month" in event:
        return _period_event(event, settings, now)
    return day_event(event, settings, now)


def day_event(event: Mapping[str, Any], settings: Settings, now: datetime) -> DigestRequest:
    """{"date": "2026-02-10"} with options; without a date, the latest closed day."""
    _only(event, DAY_KEYS, "a manual event")
    partial = flag_field(event.get("partial", False), "partial")
    options = _event_options(event, settings)
    raw = event.get("date")
    day = closed_day(now) if raw is None else parse_day(raw, now=now, partial=partial)
    return DigestRequest(day_span(day), options, partial)


def is_queue_batch(event: object) -> bool:
    """True for the event Lambda's SQS event source mapping sends: `Records` from `aws:sqs`."""
    if not isinstance(event, Mapping):
        return False
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(r, Mapping) and r.get("eventSource") == "aws:sqs" for r in records)
    )


def _only(event: Mapping[str, Any], keys: Sequence[str], what: str) -> None:
    unknown = sorted(set(event) - set(keys))
    if unknown:
        raise BadInput(unknown[0], f"is not a known field; {what} takes {', '.join(keys)}")


def _event_options(event: Mapping[str, Any], settings: Settings) -> Options:
    return parse_options(event, settings, trigger="manual")


def scheduled_time(event: Mapping[str, Any]) -> datetime:
    raw = event.get("time")
    if not isinstance(raw, str):
        raise BadInput("time", f"a scheduled event needs its ISO 8601 'time', got {json.dumps(raw)}")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput("time", f"{raw!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise BadInput("time", f"{raw!r} has no time zone")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST_SCHEDULE <= utc.year <= LATEST_SCHEDULE:
        raise BadInput(
            "time", f"{raw!r} is not a time this digest can serve ({EARLIEST_SCHEDULE} to {LATEST_SCHEDULE})"
        )
    return utc


def _scheduled(kind: object, event: Mapping[str, Any], settings: Settings) -> DigestRequest | ScheduleRequest:
    """A schedule's run; the day or period comes from the scheduled time, never the clock."""
    if kind not in DIGEST_KINDS:
        raise BadInput("digest", f"must be one of {', '.join(DIGEST_KINDS)}, got {json.dumps(kind)}")
    closed = closed_day(scheduled_time(event))
    options = Options.of(settings, trigger="schedule")
    if kind == SpanKind.DAY:
        return ScheduleRequest(closed, options)
    return DigestRequest(closed_period(SpanKind(str(kind)), closed), options)


def _period_event(event: Mapping[str, Any], settings: Settings, now: datetime) -> DigestRequest:
    """{"week": "2026-W06"} or {"month": "2026-02"} with a day's options; the period must have closed."""
    _only(event, PERIOD_KEYS, "a week or month event")
    if "week" in event and "month" in event:
        raise BadInput("month", "give a week or a month, not both")
    field = "week" if "week" in event else "month"
    parse: Callable[[object, str], Span] = parse_week if field == "week" else parse_month
    partial = flag_field(event.get("partial", False), "partial")
    span = check_closed(parse(event[field], field), now, partial=partial, field=field)
    return DigestRequest(span, _event_options(event, settings), partial)
