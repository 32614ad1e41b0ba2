"""The relevance benchmark (bench/relevance.py) on the recorded days: ranking by the reader's words must beat
ranking by upvotes, on labels the ranker never sees (Hugging Face's keywords)."""

from __future__ import annotations

from pathlib import Path

from bench import relevance


def test_the_lexical_ranker_beats_upvotes_on_the_recorded_days(samples_dir: Path) -> None:
    figures = relevance.measure(samples_dir, methods=("upvotes", "lexical"))
    assert figures.queries >= 50  # enough (day, topic) queries for a mean to say something
    assert figures.precision["lexical"] > figures.precision["upvotes"] + 0.2
    assert figures.ndcg["lexical"] > figures.ndcg["upvotes"] + 0.2


def test_the_metrics_count_what_they_should() -> None:
    order = ["a", "b", "c", "d"]
    assert relevance.precision_at(order, {"b", "d"}, 3) == 1 / 3
    assert relevance.ndcg_at(order, {"a"}, 10) == 1.0
    assert 0 < relevance.ndcg_at(order, {"d"}, 10) < relevance.ndcg_at(order, {"b"}, 10) < 1
    assert relevance.ndcg_at(order, {"z"}, 10) == 0.0
