"""What a ranker found: a score for each paper of the day, the reason for it, and the papers picked for
the "For you" section. No I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hf_digest.core.model import Paper
from hf_digest.core.rank import rank_key

LEXICAL = "lexical"
SEMANTIC = "semantic"
# The score a paper needs to be picked, by method (DIGEST_INTERESTS_MIN_SCORE overrides): a TF-IDF cosine
# of 0.1 is a few distinctive shared words (bench/relevance.py's topics); embedding cosines run higher for
# unrelated texts, so their bar is higher.
THRESHOLDS = {LEXICAL: 0.1, SEMANTIC: 0.25}


@dataclass(frozen=True)
class Score:
    """One paper's relevance (a cosine, 0 to 1) and why: the shared terms, or the closest library paper."""

    score: float
    terms: tuple[str, ...] = ()
    closest: str | None = None  # the title of the library paper nearest to it

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"score": round(self.score, 4)}
        if self.terms:
            data["terms"] = list(self.terms)
        if self.closest is not None:
            data["closest"] = self.closest
        return data


@dataclass(frozen=True)
class Relevance:
    """Every paper's score by arXiv id, and the papers the "For you" section lists, best first."""

    method: str
    scores: Mapping[str, Score] = field(default_factory=dict)
    picks: tuple[Paper, ...] = ()
    by_relevance: bool = False  # the digest itself is ranked by relevance, not upvotes

    def pairs(self) -> list[tuple[Paper, Score]]:
        """The picks with their scores, as the template lists them."""
        return [(paper, self.scores[paper.arxiv_id]) for paper in self.picks]


def relevance_key(scores: Mapping[str, Score]) -> Any:
    """Most relevant first; ties (and unscored papers) in upvote order."""

    def key(paper: Paper) -> tuple[float, tuple[int, int, str]]:
        found = scores.get(paper.arxiv_id)
        return (-(found.score if found else 0.0), rank_key(paper))

    return key


def pick(
    papers: Sequence[Paper], scores: Mapping[str, Score], top: int, threshold: float
) -> tuple[Paper, ...]:
    """Up to top papers scoring at least threshold (and above zero), most relevant first."""
    ranked = sorted(papers, key=relevance_key(scores))
    kept = [
        p
        for p in ranked
        if (found := scores.get(p.arxiv_id)) and 0 < found.score and found.score >= threshold
    ]
    return tuple(kept[:top])
