"""Which day, with which options: from CLI flags or a Lambda event, checked before any request.

A day's Hugging Face list keeps growing until about 01:30 UTC the next day (02:30 outside daylight
saving time); we take 02:30 UTC all year, so a digest of day D is built only from a closed list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hf_digest.config import DESTINATIONS, LANGUAGES, Settings
from hf_digest.errors import BadInput

LIST_CLOSES_AFTER = timedelta(days=1, hours=2, minutes=30)  # day D closes at D+1 02:30 UTC
MANUAL_KEYS = ("date", "dry_run", "lang", "top", "destinations", "partial")


@dataclass(frozen=True)
class DigestRequest:
    day: date
    lang: str
    top_n: int
    destinations: tuple[str, ...]
    dry_run: bool = False
    partial: bool = False  # the caller accepts a day whose list is still open
    trigger: str = "manual"  # manual | schedule | cli


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


def _top(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(field, f"must be a whole number, 0 (all papers) or more, got {json.dumps(value)}")
    return value


def _lang(value: object, field: str) -> str:
    if value not in LANGUAGES:
        raise BadInput(field, f"must be one of {', '.join(LANGUAGES)}, got {json.dumps(value)}")
    assert isinstance(value, str)
    return value


def destinations_field(value: object, field: str) -> tuple[str, ...]:
    names: Sequence[object]
    if isinstance(value, str):
        names = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        names = value
    else:
        raise BadInput(field, f'must be a list such as ["github", "s3"], got {json.dumps(value)}')
    bad = [n for n in names if n not in DESTINATIONS]
    if bad or not names:
        raise BadInput(field, f"must name one or more of {', '.join(DESTINATIONS)}, got {json.dumps(value)}")
    if len(set(names)) != len(names):
        raise BadInput(field, f"names a destination twice: {json.dumps(value)}")
    return tuple(str(n) for n in names)


def flag_field(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise BadInput(field, f"must be true or false, got {json.dumps(value)}")
    return value


def from_options(
    settings: Settings,
    now: datetime,
    *,
    date_text: object = None,
    lang: str | None = None,
    top_n: int | None = None,
    destinations: Sequence[str] | None = None,
    dry_run: bool = False,
    partial: bool = False,
    trigger: str = "cli",
) -> DigestRequest:
    """A request from already-split options (CLI flags), defaults taken from settings."""
    return DigestRequest(
        day=closed_day(now) if date_text is None else parse_day(date_text, now=now, partial=partial),
        lang=_lang(lang, "lang") if lang is not None else settings.lang,
        top_n=_top(top_n, "top") if top_n is not None else settings.top_n,
        destinations=(
            destinations_field(list(destinations), "destinations") if destinations else settings.destinations
        ),
        dry_run=dry_run,
        partial=partial,
        trigger=trigger,
    )


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
    return moment


def from_event(event: object, settings: Settings, now: datetime) -> DigestRequest:
    """A request from a Lambda event: EventBridge Scheduler, an EventBridge rule, or a manual event.

    A scheduled event targets the latest day closed at its own `time`, which a retry repeats,
    so every delivery of one schedule targets the same day.
    """
    if not isinstance(event, Mapping):
        raise BadInput("event", f"must be a JSON object, got {type(event).__name__}")
    if event.get("source") in ("aws.scheduler", "aws.events") or "detail-type" in event:
        day = closed_day(scheduled_time(event))
        return DigestRequest(
            day=day,
            lang=settings.lang,
            top_n=settings.top_n,
            destinations=settings.destinations,
            trigger="schedule",
        )
    unknown = sorted(set(event) - set(MANUAL_KEYS))
    if unknown:
        raise BadInput(unknown[0], f"is not a known field; a manual event takes {', '.join(MANUAL_KEYS)}")
    partial = flag_field(event.get("partial", False), "partial")
    return from_options(
        settings,
        now,
        date_text=event.get("date"),
        lang=event.get("lang"),
        top_n=event.get("top"),
        destinations=(
            destinations_field(event["destinations"], "destinations") if "destinations" in event else None
        ),
        dry_run=flag_field(event.get("dry_run", False), "dry_run"),
        partial=partial,
        trigger="manual",
    )
