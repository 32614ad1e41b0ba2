"""The day's keywords, a period's rising and falling topics and its chart, from ai_keywords; no I/O."""

from __future__ import annotations

from datetime import date

from hf_digest.model import Paper
from hf_digest.trends import day_keywords, topic_key


def paper(n: int, *keywords: str, on: date | None = None) -> Paper:
    return Paper(f"2511.{n:05d}", f"Paper {n}", "", 100 - n, ai_keywords=keywords, listed_on=on)


def test_spellings_of_one_keyword_are_one_topic() -> None:
    assert topic_key("Large Language Models") == topic_key("large-language-model") == "large-language-model"
    assert topic_key("LLMs") == topic_key("LLM") and topic_key("loss") == "loss" and topic_key("🙂") is None


def test_the_days_keywords_put_shared_ones_first_then_each_papers_first() -> None:
    papers = [
        paper(1, "Diffusion", "LLMs", "agents"),
        paper(2, "robotics", "LLM"),
        paper(3, "Agents", "diffusion models"),
        paper(4, "speech"),
    ]
    shown = [(k.label, k.papers) for k in day_keywords(papers, limit=5)]
    # Shared: LLMs and agents (2 each), in the order of the best paper carrying them; then firsts.
    assert shown == [("LLMs", 2), ("agents", 2), ("Diffusion", 1), ("robotics", 1), ("diffusion models", 1)]
    assert day_keywords(papers, limit=5) == day_keywords(list(papers), limit=5)  # same input, same line
    assert day_keywords([]) == []
