"""What the papers were about, from Hugging Face's `ai_keywords` (no model): the day's keywords. No I/O.

A keyword is counted once per paper that carries it. Spellings are merged by a key: the Jekyll tag form
(`hf_digest.topics.normalise_tag`) with a plural's final "s" dropped, so "LLMs" and "LLM" are one topic. A
topic shows under the spelling of the best-ranked paper that carries it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from hf_digest.model import Paper
from hf_digest.topics import normalise_tag

DAY_KEYWORDS = 8  # keywords on the day's line
SHARED = 2  # papers that must carry a keyword before it counts as shared (the rest fill the line)


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
