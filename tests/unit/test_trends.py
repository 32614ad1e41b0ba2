"""The day's keywords, a period's rising and falling topics and its chart, from ai_keywords; no I/O."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from hf_digest.core.model import Paper, month, week
from hf_digest.enrich.trends import MIN_PAPERS, Series, day_keywords, movement, previous_span, topic_key
from hf_digest.rendering.chart import render_svg

SVG = "{http://www.w3.org/2000/svg}"


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


def test_a_topic_rises_or_falls_by_its_share_and_needs_enough_papers() -> None:
    span = week(2025, 46)
    now = [paper(n, "RLVR", on=date(2025, 11, 10)) for n in range(4)] + [
        paper(n, "agents", on=date(2025, 11, 11)) for n in range(4, 8)
    ]
    before = [paper(n, "agents") for n in range(10, 14)] + [paper(n, "vision") for n in range(14, 22)]
    trends = movement(span, now, before)
    assert trends.previous == week(2025, 45) and (trends.papers, trends.papers_before) == (8, 12)
    assert [(m.label, m.before, m.now, round(m.change, 1)) for m in trends.rising] == [
        ("RLVR", 0, 4, 50.0),
        ("agents", 4, 4, 16.7),
    ]
    assert [(m.label, m.before, m.now) for m in trends.falling] == [("vision", 8, 0)]
    few = movement(span, now[: MIN_PAPERS - 1], before)  # RLVR in 2 papers: not a rise worth showing
    assert [m.label for m in few.rising] == []
    assert not movement(span, now, []).compared and movement(span, now, []).rising == ()
    assert trends.buckets == ("11-10", "11-11", "11-12", "11-13", "11-14", "11-15", "11-16")
    # Charted: most papers first, a tie by key ("agent" before "rlvr"); a count for each day.
    assert [(s.label, s.counts) for s in trends.series] == [
        ("agents", (0, 4, 0, 0, 0, 0, 0)),
        ("RLVR", (4, 0, 0, 0, 0, 0, 0)),
    ]


def test_a_month_is_charted_week_by_week_and_compared_with_the_month_before() -> None:
    span = month(2025, 11)
    assert previous_span(span) == month(2025, 10) and previous_span(month(2025, 1)) == month(2024, 12)
    assert previous_span(week(2026, 1)) == week(2025, 52)
    papers = [paper(1, "agents", on=date(2025, 11, 2)), paper(2, "agents", on=date(2025, 11, 30))]
    trends = movement(span, papers, [])
    assert trends.buckets == ("W44", "W45", "W46", "W47", "W48")  # 11-01 is a Saturday, 11-30 a Sunday
    assert trends.series[0].counts == (1, 0, 0, 0, 1)


def test_the_chart_is_an_accessible_svg_with_a_line_per_topic() -> None:
    series = [Series("RLVR <new>", (0, 3, 1)), Series("agents", (2, 2, 2))]
    svg = render_svg("W46 & topics", "RLVR: 0, 3, 1", ["11-10", "11-11", "11-12"], series)
    assert svg == render_svg("W46 & topics", "RLVR: 0, 3, 1", ["11-10", "11-11", "11-12"], series)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.findtext(f"{SVG}title") == "W46 & topics" and root.findtext(f"{SVG}desc") == "RLVR: 0, 3, 1"
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    assert [g.get("data-label") for g in groups] == ["RLVR <new>", "agents"]
    for group in groups:
        [line] = group.iter(f"{SVG}polyline")
        assert len(line.get("points", "").split()) == 3
    assert not list(root.iter(f"{SVG}script"))
