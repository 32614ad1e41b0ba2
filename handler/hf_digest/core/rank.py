"""Ranking: most upvotes first, ties broken the same way every time."""

from __future__ import annotations

from collections.abc import Sequence

from hf_digest.core.model import Digest, Paper, Span
from hf_digest.enrich.topics.bibtex import base_id


def rank_key(paper: Paper) -> tuple[int, int, str]:
    """Upvotes descending, then comments descending, then arXiv id: a total order, so bytes repeat."""
    return (-paper.upvotes, -(paper.num_comments or 0), paper.arxiv_id)


def distinct(papers: Sequence[Paper]) -> list[Paper]:
    """papers with each arXiv id once, whatever its version (the first kept): a week lists a paper once,
    although Hugging Face lists it on each day it was submitted."""
    seen: set[str] = set()
    kept = []
    for paper in papers:
        if base_id(paper.arxiv_id) not in seen:
            seen.add(base_id(paper.arxiv_id))
            kept.append(paper)
    return kept


def rank(papers: Sequence[Paper], top_n: int) -> list[Paper]:
    """The top_n papers by rank_key (all of them when top_n is 0)."""
    ordered = sorted(papers, key=rank_key)
    return ordered if top_n == 0 else ordered[:top_n]


def digest(span: Span, papers: Sequence[Paper], top_n: int, skipped: Sequence[str] = ()) -> Digest:
    """The span's papers ranked as one list (a month's pages are sorted only within themselves); skipped
    holds one warning per listed item left out, so the total stays what Hugging Face listed."""
    total = len(papers) + len(skipped)
    return Digest(span=span, papers=tuple(rank(papers, top_n)), total=total, skipped=tuple(skipped))
