"""Returning papers: which of a day's papers one of the last 7 daily posts already showed.

The 7 days come from Hugging Face's week listings (the one or two ISO weeks holding them, paged: 2-4
requests a day, kept for the invocation), re-ranked with the same filter and top N, so nothing has to be
stored and a backfill in any order agrees.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Protocol

from hf_digest.deadline import Deadline
from hf_digest.model import Paper, SchemaError, Span, paper_from_item, week_of
from hf_digest.rank import rank
from hf_digest.source import DayListing
from hf_digest.topics import TopicFilter
from hf_digest.topics.bibtex import base_id

LOOKBACK_DAYS = 7
_weeks: weakref.WeakKeyDictionary[object, dict[str, tuple[Paper, ...]]] = weakref.WeakKeyDictionary()


class Source(Protocol):
    def fetch(self, span: Span, deadline: Deadline) -> DayListing: ...


def _week_papers(source: Source, span: Span, deadline: Deadline) -> tuple[Paper, ...]:
    """A week's papers as Hugging Face lists them, fetched once per source (one invocation)."""
    try:
        held = _weeks.setdefault(source, {})
    except TypeError:  # a source that takes no weak reference: no memo
        held = {}
    if span.key not in held:
        listing = source.fetch(span, deadline)
        held[span.key] = tuple(_every_listing(listing.items))
    return held[span.key]


def _every_listing(items: Sequence[object]) -> list[Paper]:
    """Each item as a paper, a paper listed on two days once per day (a week's answer is not in day
    order, so keeping the first would lose the earlier day)."""
    papers = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        try:
            papers.append(paper_from_item(item))
        except SchemaError:
            continue
    return papers


def recent_days(day: date) -> list[date]:
    return [day - timedelta(days=n) for n in range(LOOKBACK_DAYS, 0, -1)]


def shown_before(
    source: Source, day: date, topic_filter: TopicFilter, top_n: int, deadline: Deadline
) -> frozenset[str]:
    """The base arXiv ids the 7 daily posts before day showed; DigestError when Hugging Face cannot say."""
    days = recent_days(day)
    weeks = {week_of(d).key: week_of(d) for d in days}
    papers = [p for span in weeks.values() for p in _week_papers(source, span, deadline)]
    shown: set[str] = set()
    for listed in days:
        that_day = [p for p in papers if p.listed_on == listed]
        kept = topic_filter.apply(that_day).papers
        shown.update(base_id(p.arxiv_id) for p in rank(kept, top_n))
    return frozenset(shown)


def distinct(papers: Sequence[Paper]) -> list[Paper]:
    """papers without a second version of one arXiv id (first kept): a week never lists a paper twice."""
    seen: set[str] = set()
    kept = []
    for paper in papers:
        if base_id(paper.arxiv_id) not in seen:
            seen.add(base_id(paper.arxiv_id))
            kept.append(paper)
    return kept
