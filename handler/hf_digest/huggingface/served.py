"""Which days an item says Hugging Face listed it on, and whether an answer is the list that was asked for.

A cache or CDN that ignores the query string answers every `date=` with one day's list. Each item names
its own list day (`paper.submittedOnDailyAt`); older items lack it, and there the item's `publishedAt` is
the moment it was submitted to the list: from noon UTC the day before to the end of the list day (the
recordings: 2024-05-27's from 01:54 to 04:04 UTC that day, 2025-01-22's from 22:56 UTC the day before to
01:03). In every recording (14 files, 1,300 dated items) every item carries the day asked for, so a stray
item is abnormal: a page whose dated items are mostly another day's is refused whole; a few strays among
the day's own are left out, each with a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

# The earliest recording whose items carry `submittedOnDailyAt` is the month 2025-09 (2025-01-22's do not):
# for lists from then on, an item-level `publishedAt` is the arXiv time, several days earlier, not evidence.
LIST_DAY_FIELD_SINCE = date(2025, 9, 1)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Window:
    """The list days an answer may hold: one day, or a week's or month's days; label names it in messages."""

    first: date
    last: date
    label: str

    @classmethod
    def day(cls, day: date) -> Window:
        return cls(day, day, day.isoformat())

    def holds(self, days: tuple[date, date]) -> bool:
        return days[0] <= self.last and days[1] >= self.first


def listed_days(item: Mapping[str, Any], window: Window) -> tuple[date, date] | None:
    """The first and last day item can have been listed on, or None when it says nothing usable."""
    paper = item.get("paper")
    paper = paper if isinstance(paper, Mapping) else {}
    listed = _date(paper.get("submittedOnDailyAt"))
    if listed is not None:
        return listed, listed
    if window.first >= LIST_DAY_FIELD_SINCE or "submittedOnDailyAt" in paper:
        return None
    submitted = _date(item.get("publishedAt"))
    if submitted is None:
        return None
    hour = item["publishedAt"][11:13]
    # Submitted in the afternoon or evening (UTC): that day's list or the next day's.
    return submitted, submitted + timedelta(days=1 if hour.isdigit() and int(hour) >= 12 else 0)


def stray(item: Mapping[str, Any], window: Window) -> str | None:
    """Why item is not on window's list ("listed on 2026-02-09"), or None when it is or cannot tell."""
    days = listed_days(item, window)
    if days is None or window.holds(days):
        return None
    return f"listed on {_span(*days)}"


@dataclass(frozen=True)
class Refusal:
    """An answer that is not window's list: the days it holds instead, and how many items say so."""

    served: str
    strays: int
    dated: int

    def __str__(self) -> str:
        return (
            f"answered with the list of {self.served}: {self.strays} of {self.dated} items were listed on "
            "another day (a cache that ignores the query?)"
        )


def refusal(items: Iterable[Mapping[str, Any]], window: Window) -> Refusal | None:
    """A Refusal when at least half of the items that name their list day name one outside window."""
    own = 0
    others: Counter[tuple[date, date]] = Counter()
    for item in items:
        days = listed_days(item, window)
        if days is None:
            continue
        if window.holds(days):
            own += 1
        else:
            others[days] += 1
    strays = sum(others.values())
    if not strays or strays < own:
        return None
    served = _span(min(days[0] for days in others), max(days[1] for days in others))
    return Refusal(served, strays, strays + own)


def _date(value: object) -> date | None:
    if isinstance(value, str) and _DAY.match(value):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _span(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
