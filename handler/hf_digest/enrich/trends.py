"""What the papers were about, from Hugging Face's `ai_keywords` (no model): the day's keywords, and for a
week or a month the topics that rose and fell against the period before and their counts over time. No I/O.

A keyword is counted once per paper that carries it. Spellings are merged by a key: the Jekyll tag form
(`enrich.topics.normalise_tag`) with a plural's final "s" dropped, so "LLMs" and "LLM" are one topic. A
topic shows under the spelling of the best-ranked paper that carries it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from hf_digest.core.model import Paper, Span, month_of, week, week_of
from hf_digest.core.outcomes import SpanKind
from hf_digest.enrich.topics import normalise_tag

DAY_KEYWORDS = 8  # keywords on the day's line
SHARED = 2  # papers that must carry a keyword before it counts as shared (the rest fill the line)
# A movement counts only topics some period saw in MIN_PAPERS papers or more: below that, one paper more or
# less swings the share by whole points.
MIN_PAPERS = 3
MOVERS = 5  # topics listed as rising, and as falling
CHARTED = 5  # the current period's most frequent topics, drawn over its days or weeks


def topic_key(keyword: str) -> str | None:
    """The key that merges spellings of one keyword: `Large Language Models` and `large-language-model`."""
    tag = normalise_tag(keyword)
    if tag is None:
        return None
    if len(tag) > 3 and tag.endswith("s") and not tag.endswith("ss"):
        return tag[:-1]
    return tag


def _keys(paper: Paper) -> list[tuple[str, str]]:
    """paper's (key, spelling) pairs, each key once, in Hugging Face's order."""
    seen: dict[str, str] = {}
    for keyword in paper.ai_keywords:
        key = topic_key(keyword)
        if key is not None and key not in seen:
            seen[key] = " ".join(keyword.split())
    return list(seen.items())


@dataclass(frozen=True)
class Keyword:
    """A keyword of the shown papers, and how many of them carry it."""

    label: str
    papers: int


def day_keywords(papers: Sequence[Paper], limit: int = DAY_KEYWORDS) -> list[Keyword]:
    """The keywords of papers (ranked, best first) for the "today's keywords" line.

    First those SHARED or more papers carry, most papers first, then by the rank of the first paper that
    carries them; then, to fill up to limit, each paper's first keyword not yet listed, in rank order.
    """
    counts: Counter[str] = Counter()
    first_seen: dict[str, tuple[int, str]] = {}
    for rank, paper in enumerate(papers):
        for key, spelling in _keys(paper):
            counts[key] += 1
            first_seen.setdefault(key, (rank, spelling))
    shared = sorted(
        (key for key, n in counts.items() if n >= SHARED), key=lambda k: (-counts[k], first_seen[k], k)
    )
    chosen = shared[:limit]
    for paper in papers:
        if len(chosen) >= limit:
            break
        fresh = next((key for key, _ in _keys(paper) if key not in chosen), None)
        if fresh is not None:
            chosen.append(fresh)
    return [Keyword(first_seen[key][1], counts[key]) for key in chosen]


@dataclass(frozen=True)
class Move:
    """One topic's papers in the period before and in this one, and its share of each period's papers."""

    label: str
    before: int
    now: int
    share_before: float  # 0..1
    share_now: float

    @property
    def change(self) -> float:
        """The change in share, in percentage points."""
        return 100 * (self.share_now - self.share_before)


@dataclass(frozen=True)
class Series:
    """One charted topic: its label and its papers in each bucket (a day of a week, a week of a month)."""

    label: str
    counts: tuple[int, ...]


@dataclass(frozen=True)
class Trends:
    """A week's or a month's movement against the period before, and its top topics over time."""

    span: Span
    previous: Span
    papers: int  # papers counted in span
    papers_before: int  # papers counted in previous (0: nothing to compare with)
    rising: tuple[Move, ...]
    falling: tuple[Move, ...]
    buckets: tuple[str, ...]  # the chart's x labels: "11-10" (a day) or "W46" (an ISO week)
    series: tuple[Series, ...]

    @property
    def compared(self) -> bool:
        return self.papers_before > 0


def previous_span(span: Span) -> Span:
    """The week or month before span."""
    if span.kind == SpanKind.MONTH:
        return month_of(span.first - timedelta(days=1))
    return week_of(span.first - timedelta(days=1))


def _counts(papers: Iterable[Paper]) -> tuple[Counter[str], dict[str, str]]:
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for paper in papers:
        for key, text in _keys(paper):
            counts[key] += 1
            spelling.setdefault(key, text)
    return counts, spelling


def buckets(span: Span) -> list[tuple[str, date, date]]:
    """The chart's buckets: each day of a week; each ISO week a month touches (clipped to the month)."""
    if span.kind == SpanKind.DAY:
        return [(span.key[5:], span.first, span.last)]
    if span.kind != SpanKind.MONTH:
        return [(day.isoformat()[5:], day, day) for day in span.days()]
    found = []
    day = span.first
    while day <= span.last:
        year, number, _ = day.isocalendar()
        whole = week(year, number)
        found.append((f"W{number:02d}", day, min(whole.last, span.last)))
        day = whole.last + timedelta(days=1)
    return found


def movement(span: Span, papers: Sequence[Paper], before: Sequence[Paper]) -> Trends:
    """span's papers (ranked, best first) against the previous period's: which topics gained or lost share.

    A topic rises when its share of the period's papers grew and it is in MIN_PAPERS papers now; it falls
    when its share shrank and it was in MIN_PAPERS papers before. Largest change first, then more papers,
    then by key, so the same papers always give the same lists.
    """
    now, spelling = _counts(papers)
    then, old_spelling = _counts(before)
    total, total_before = len(papers), len(before)
    moves: dict[str, Move] = {}
    if total and total_before:
        for key in set(now) | set(then):
            label = spelling.get(key) or old_spelling[key]
            moves[key] = Move(label, then[key], now[key], then[key] / total_before, now[key] / total)

    def order(key: str) -> tuple[float, int, str]:
        return (-abs(round(moves[key].change, 6)), -max(now[key], then[key]), key)

    rising = sorted((k for k, m in moves.items() if m.change > 0 and m.now >= MIN_PAPERS), key=order)
    falling = sorted((k for k, m in moves.items() if m.change < 0 and m.before >= MIN_PAPERS), key=order)
    charted = sorted((k for k, n in now.items() if n >= SHARED), key=lambda k: (-now[k], k))[:CHARTED]
    slots = buckets(span)
    series = []
    for key in charted:
        counts = [0] * len(slots)
        for paper in papers:
            if paper.listed_on is None or key not in dict(_keys(paper)):
                continue
            for n, (_, first, last) in enumerate(slots):
                if first <= paper.listed_on <= last:
                    counts[n] += 1
        series.append(Series(spelling[key], tuple(counts)))
    return Trends(
        span=span,
        previous=previous_span(span),
        papers=total,
        papers_before=total_before,
        rising=tuple(moves[k] for k in rising[:MOVERS]),
        falling=tuple(moves[k] for k in falling[:MOVERS]),
        buckets=tuple(label for label, _, _ in slots),
        series=tuple(series),
    )
