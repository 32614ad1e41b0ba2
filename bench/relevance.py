"""`python -m bench.relevance`: how well "Ranked for me" ranks, on the recorded days.

A few topics, each with an interest paragraph written as a reader would. A paper is relevant to a topic when
one of its Hugging Face `ai_keywords` holds one of the topic's terms; the rankers read only the title and
abstract (the keywords are taken off the papers first), so the labels come from data they do not see.
Each (day, topic) with a relevant paper is one query; the table gives the mean precision@3 and nDCG@10 of
the lexical ranker, the semantic one (against the local embeddings server: a hashed bag of words, so a
check of the path more than of a model), and the upvote order as the baseline.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from tests.embeddings_server import TITAN_V2, EmbeddingsServer
from tests.hf_server import load_sample_days

from bench.servers import SAMPLES
from hf_digest.adapters.state import SQLiteStore
from hf_digest.core.model import Paper, papers_from_items
from hf_digest.core.rank import rank
from hf_digest.enrich.interests import lexical, semantic
from hf_digest.enrich.interests.parse import from_text
from hf_digest.enrich.interests.relevance import Score, relevance_key

# name: (the reader's paragraph, the keyword terms that make a paper relevant)
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "robotics": (
        "Robot learning: vision-language-action models, manipulation, humanoid locomotion and embodied "
        "agents that act in the physical world.",
        ("robot", "embodied", "vision-language-action", "manipulation", "locomotion", "humanoid"),
    ),
    "speech": (
        "Speech and audio: text-to-speech, speech recognition, spoken dialogue, music and audio generation.",
        ("speech", "audio", "voice", "music"),
    ),
    "video": (
        "Video generation and understanding: text-to-video diffusion, long video synthesis, temporal "
        "consistency, video editing and video question answering.",
        ("video",),
    ),
    "rl-reasoning": (
        "Reinforcement learning for language model reasoning: GRPO, verifiable rewards, policy optimization "
        "and reward models for math and code.",
        ("reinforcement learning", "grpo", "rlvr", "verifiable reward", "policy optimization"),
    ),
    "retrieval": (
        "Retrieval-augmented generation: retrievers, web search agents and question answering over "
        "documents.",
        ("retrieval", "rag", "search"),
    ),
    "3d": (
        "3D vision: Gaussian splatting, 3D reconstruction, meshes, point clouds and novel view synthesis.",
        ("3d", "gaussian splatting", "point cloud", "mesh", "novel view"),
    ),
}
METHODS = ("upvotes", "lexical", "semantic")
K_PRECISION, K_NDCG = 3, 10


def relevant(paper: Paper, terms: Sequence[str]) -> bool:
    keywords = " | ".join(paper.ai_keywords).lower()
    return any(term in keywords for term in terms)


def precision_at(order: Sequence[str], wanted: set[str], k: int) -> float:
    return sum(arxiv_id in wanted for arxiv_id in order[:k]) / k


def ndcg_at(order: Sequence[str], wanted: set[str], k: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, arxiv_id in enumerate(order[:k]) if arxiv_id in wanted)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(wanted))))
    return dcg / ideal if ideal else 0.0


@dataclass(frozen=True)
class Figures:
    queries: int
    days: int
    precision: dict[str, float]  # by method
    ndcg: dict[str, float]


Ranker = Callable[[Sequence[Paper], str], list[str]]


def by_upvotes(papers: Sequence[Paper], text: str) -> list[str]:
    return [paper.arxiv_id for paper in rank(papers, 0)]


def by_scores(scores: dict[str, Score], papers: Sequence[Paper]) -> list[str]:
    return [paper.arxiv_id for paper in sorted(papers, key=relevance_key(scores))]


def by_words(papers: Sequence[Paper], text: str) -> list[str]:
    return by_scores(lexical.score(papers, from_text(text)), papers)


def recorded_days(samples: Path) -> list[list[Paper]]:
    """Each recorded day with keywords (the labels) and at least ten papers."""
    days = []
    for items in load_sample_days(samples).values():
        papers, _ = papers_from_items(items)
        if len(papers) >= 10 and sum(bool(p.ai_keywords) for p in papers) == len(papers):
            days.append(papers)
    return days


def measure(samples: Path = SAMPLES, methods: Sequence[str] = METHODS) -> Figures:
    """The mean precision@3 and nDCG@10 of each method over every (day, topic) with a relevant paper."""
    days = recorded_days(samples)
    with _rankers(methods) as rankers:
        sums = {m: [0.0, 0.0] for m in methods}
        queries = 0
        for papers in days:
            unseen = [replace(paper, ai_keywords=()) for paper in papers]  # the rankers never see the labels
            for text, terms in TOPICS.values():
                wanted = {p.arxiv_id for p in papers if relevant(p, terms)}
                if not wanted:
                    continue
                queries += 1
                for method in methods:
                    order = rankers[method](unseen, text)
                    sums[method][0] += precision_at(order, wanted, K_PRECISION)
                    sums[method][1] += ndcg_at(order, wanted, K_NDCG)
    return Figures(
        queries,
        len(days),
        {m: sums[m][0] / max(queries, 1) for m in methods},
        {m: sums[m][1] / max(queries, 1) for m in methods},
    )


@contextmanager
def _rankers(methods: Sequence[str]) -> Iterator[dict[str, Ranker]]:
    rankers: dict[str, Ranker] = {"upvotes": by_upvotes, "lexical": by_words}
    if "semantic" not in methods:
        yield rankers
        return
    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
    saved = {name: os.environ.get(name) for name in names}
    with EmbeddingsServer() as server, tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        os.environ.update(dict(zip(names, ("testing", "testing", "us-east-1", server.url), strict=True)))
        try:
            from hf_digest.outbound import aws

            client = aws.client("bedrock-runtime", setting="DIGEST_INTERESTS_MODEL")
            store = SQLiteStore(Path(tmp) / "state.sqlite3")
            embeddings = semantic.Embeddings(TITAN_V2, semantic.bedrock_embed(TITAN_V2, client), store)

            def by_meaning(papers: Sequence[Paper], text: str) -> list[str]:
                return by_scores(semantic.score(papers, from_text(text), embeddings, {}), papers)

            rankers["semantic"] = by_meaning
            yield rankers
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def table(figures: Figures) -> str:
    """The figures as a markdown table, best method first by nDCG@10."""
    lines = [
        f"Relevance on {figures.queries} queries ({len(TOPICS)} topics × {figures.days} recorded days with a "
        "relevant paper); labels from Hugging Face's keywords, rankers read title and abstract only.",
        "",
        f"| ranking | precision@{K_PRECISION} | nDCG@{K_NDCG} |",
        "|---|---:|---:|",
    ]
    labels = {
        "upvotes": "upvote order (baseline)",
        "lexical": "lexical (TF-IDF, default)",
        "semantic": "semantic (local embeddings server)",
    }
    for method in sorted(figures.ndcg, key=lambda m: -figures.ndcg[m]):
        lines.append(f"| {labels[method]} | {figures.precision[method]:.3f} | {figures.ndcg[method]:.3f} |")
    return "\n".join(lines) + "\n"


def report(samples: Path = SAMPLES) -> str | None:
    """The table, or None (with a message on stderr) when the recordings are absent."""
    if not samples.is_dir():
        print(f"bench: relevance skipped: no recordings at {samples} (../shared/hf-samples)", file=sys.stderr)
        return None
    return table(measure(samples))


if __name__ == "__main__":
    print(report() or "", end="")
