"""Topic filters and topic tags on the recorded days: exact counts, Korean, phrases, hostile keywords."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from hf_digest.config import Settings, from_env
from hf_digest.core.model import Paper, day_span, papers_from_items
from hf_digest.core.rank import digest
from hf_digest.enrich.topics import TopicFilter, normalise_tag, parse_terms, topic_tags
from hf_digest.errors import ConfigError
from hf_digest.rendering.render import render_post
from tests.helpers import SAMPLE_DAY, load_sample, split_post

TAGS = ("huggingface", "papers", "daily", "ai")


def day_papers(samples: Path) -> list[Paper]:
    papers, _ = papers_from_items(load_sample(samples, "daily_papers_date_2026-02-10.json"))
    return papers


def words(paper: Paper) -> str:
    return " ".join([paper.title, paper.abstract, *paper.ai_keywords]).lower()


@pytest.mark.parametrize(
    ("include", "exclude", "matched", "by_include", "by_exclude"),
    [
        ("robot", "", 1, 32, 0),
        ("", "benchmark", 23, 0, 10),
        ("agent, reasoning", "benchmark", 10, 13, 10),
        ('"large language model"', "", 1, 32, 0),
        ("video", "diffusion", 4, 26, 3),
    ],
)
def test_filters_keep_exact_counts_of_a_recorded_day(
    samples_dir: Path, include: str, exclude: str, matched: int, by_include: int, by_exclude: int
) -> None:
    papers = day_papers(samples_dir)
    settings = from_env({"DIGEST_INCLUDE": include, "DIGEST_EXCLUDE": exclude})
    kept = TopicFilter(settings.include, settings.exclude).apply(papers)
    assert kept.to_json() == {
        "matched": matched,
        "removed_by_include": by_include,
        "removed_by_exclude": by_exclude,
    }
    assert len(kept.papers) + by_include + by_exclude == len(papers) == 33
    for paper in kept.papers:
        assert not any(re.search(rf"\b{term}\b", words(paper)) for term in settings.exclude)
        assert not settings.include or any(term in words(paper) for term in settings.include)


def test_exclude_wins_and_matching_is_whole_words_case_folded() -> None:
    paper = Paper("2602.00001", "Robotic Arms for ROBOT soccer", "", 1, ai_keywords=("Vision-Language",))
    assert TopicFilter(("robot",)).apply([paper]).papers == (paper,)
    assert TopicFilter(("robo",)).apply([paper]).papers == ()  # no partial words
    assert TopicFilter(("vision language",)).apply([paper]).papers == (paper,)  # a keyword, hyphenated
    assert TopicFilter(("robot",), ("soccer",)).apply([paper]).removed_by_exclude == 1


def test_korean_terms_match_whole_words() -> None:
    arm = Paper("2602.00002", "로봇 팔 제어를 위한 강화학습", "", 1)
    compound = Paper("2602.00003", "로봇공학 개론", "", 1)
    kept = TopicFilter(parse_terms("로봇, 강화학습", "DIGEST_INCLUDE")).apply([arm, compound])
    assert kept.papers == (arm,) and kept.removed_by_include == 1


def test_bad_terms_are_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="DIGEST_EXCLUDE: the term '#!' has no letter"):
        from_env({"DIGEST_EXCLUDE": "robot, #!"})
    with pytest.raises(ConfigError, match="DIGEST_INCLUDE"):
        from_env({"DIGEST_INCLUDE": '"unclosed, phrase'})


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("ko", "총 **33개** 중 관심 주제 **10개**, 좋아요 상위 **3개**를 소개합니다."),
        ("en", "**33** papers were listed; **10** match the topics of interest, the top **3** by upvotes"),
    ],
)
def test_the_count_line_says_how_many_matched(samples_dir: Path, lang: str, line: str) -> None:
    kept = TopicFilter(("agent", "reasoning"), ("benchmark",)).apply(day_papers(samples_dir)).papers
    ranked = replace(digest(day_span(SAMPLE_DAY), kept, 3), total=33, matched=len(kept))
    assert line in render_post(ranked, Settings(), lang).content.decode()


# A daily.md.j2 of a release that had the returning-paper mark, as a DIGEST_TEMPLATE_DIR may hold it.
EARLIER_DAILY = """{% from "LANG/_entry.md.j2" import entry %}
---
{{ front_matter }}---

{% if hidden %}{{ hidden }} left out.{% endif %}
{% for paper in papers %}
{{ entry(paper, loop.index, returning=paper.arxiv_id in returning, released=released.get(paper.arxiv_id)) -}}
{% endfor %}
"""


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_template_of_an_earlier_release_still_renders_with_no_returning_mark(
    samples_dir: Path, tmp_path: Path, lang: str
) -> None:
    (tmp_path / lang).mkdir()
    (tmp_path / lang / "daily.md.j2").write_text(EARLIER_DAILY.replace("LANG", lang), encoding="utf-8")
    ranked = digest(day_span(SAMPLE_DAY), day_papers(samples_dir), 3)
    post = render_post(ranked, Settings(template_dir=tmp_path), lang).content.decode()
    _, body = split_post(post)
    upvotes = [line.split(" - 👍 ")[1] for line in body.splitlines() if " - 👍 " in line]
    assert upvotes == [str(paper.upvotes) for paper in ranked.papers] and len(upvotes) == 3
    assert "left out" not in body and "🔁" not in body


def test_a_filter_that_removes_everything_says_so() -> None:
    ranked = replace(digest(day_span(SAMPLE_DAY), [], 10), total=33, matched=0)
    ko = render_post(ranked, Settings(), "ko").content.decode()
    en = render_post(ranked, Settings(), "en").content.decode()
    assert "총 **33개** 중 관심 주제에 맞는 논문이 없습니다." in ko
    assert "**33** papers were listed; none match the topics of interest." in en


def test_topic_tags_from_a_recorded_day_are_stable_and_normalised(samples_dir: Path) -> None:
    shown = digest(day_span(SAMPLE_DAY), day_papers(samples_dir), 10)
    tags = topic_tags(shown.papers, 5, TAGS)
    assert tags == topic_tags(tuple(reversed(shown.papers)), 5, TAGS)
    assert tags[:3] == ("large-language-models", "multimodal-large-language-models", "reinforcement-learning")
    front, _ = split_post(render_post(shown, Settings()).content.decode())  # 5 by default
    assert front["tags"] == [*TAGS, *tags]
    off = Settings(topic_tags=0)
    assert split_post(render_post(shown, off).content.decode())[0]["tags"] == list(TAGS)


HOSTILE_KEYWORDS = (
    "{{ site.title }}",
    "key: value",
    "# heading",
    "🚀 Rocket 🚀",
    "AI",
    "{% raw %}",
    "--",
    "Ü_b",
)


def test_hostile_keywords_become_plain_yaml_safe_tags() -> None:
    papers = [Paper(f"2602.0000{n}", "T", "", 1, ai_keywords=HOSTILE_KEYWORDS) for n in range(3)]
    tags = topic_tags(papers, 10, TAGS)
    assert tags == ("heading", "key-value", "raw", "rocket", "site-title", "ü-b")
    assert normalise_tag("--") is None and normalise_tag("AI") == "ai"
    ranked = digest(day_span(SAMPLE_DAY), papers, 10)
    text = render_post(ranked, Settings(topic_tags=10)).content.decode()
    front, _ = split_post(text)
    assert front["tags"] == [*TAGS, *tags]
    header = text.split("---\n")[1]
    assert "{" not in header and "🚀" not in header
    assert yaml.safe_load(header)["tags"] == front["tags"]


def test_a_week_says_its_topics_with_their_counts(samples_dir: Path) -> None:
    from hf_digest.core.model import week_of

    papers = day_papers(samples_dir)
    ranked = digest(week_of(SAMPLE_DAY), papers, 0)
    ko = render_post(ranked, Settings(topic_tags=3), "ko").content.decode()
    en = render_post(ranked, Settings(topic_tags=3), "en").content.decode()
    line = "large-language-models (6), multimodal-large-language-models (5), reinforcement-learning (5)"
    assert f"\n이번 주의 주제: {line}\n" in ko and f"\nTopics of the week: {line}\n" in en
    off = render_post(ranked, Settings(topic_tags=0), "ko").content.decode()
    assert "주제" not in off.split("## ")[0]
