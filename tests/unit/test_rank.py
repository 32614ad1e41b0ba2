"""Ranking: most upvotes first, a total order so the same input always gives the same post."""

from __future__ import annotations

import random
from datetime import date

from hf_digest.core.model import Paper, day_span
from hf_digest.core.rank import digest as rank_digest
from hf_digest.core.rank import rank


def _paper(arxiv_id: str, upvotes: int, comments: int | None = None) -> Paper:
    return Paper(arxiv_id=arxiv_id, title=arxiv_id, abstract="", upvotes=upvotes, num_comments=comments)


def test_most_upvotes_first_and_top_n() -> None:
    papers = [_paper("2602.00001", 5), _paper("2602.00002", 50), _paper("2602.00003", 20)]
    assert [p.upvotes for p in rank(papers, 2)] == [50, 20]
    assert [p.upvotes for p in rank(papers, 0)] == [50, 20, 5]


def test_ties_are_broken_the_same_way_whatever_the_input_order() -> None:
    papers = [_paper(f"2602.{i:05d}", 7, comments=i % 3) for i in range(30)]
    expected = [p.arxiv_id for p in rank(papers, 0)]
    for seed in range(20):
        shuffled = papers[:]
        random.Random(seed).shuffle(shuffled)
        assert [p.arxiv_id for p in rank(shuffled, 0)] == expected
    # more comments first among equal upvotes, then the arXiv id
    assert expected[:3] == ["2602.00002", "2602.00005", "2602.00008"]


def test_digest_counts_the_whole_day_and_what_it_shows() -> None:
    papers = [_paper(f"2602.{i:05d}", i) for i in range(58)]
    digest = rank_digest(day_span(date(2026, 2, 10)), papers, 10)
    assert digest.total == 58 and len(digest.papers) == 10 and digest.papers[0].upvotes == 57
