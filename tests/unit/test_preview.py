"""What a blog shows before a post is opened: description, preview image, tags and categories."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from hf_digest import request
from hf_digest.config import Settings, from_env
from hf_digest.core.model import Digest, Paper, Span, day_span, papers_from_items
from hf_digest.core.rank import digest as rank_digest
from hf_digest.enrich.interests.relevance import LEXICAL, Relevance
from hf_digest.errors import ConfigError
from hf_digest.rendering.preview import short_name
from hf_digest.rendering.render import front_matter, front_matter_values, render_post
from tests.helpers import day_digest, hostile_digest, post_text, split_post
from tests.hf_server import load_sample_days

HANGUL = re.compile(r"[\uac00-\ud7a3]")
THUMB = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2602.00001.png"


def front(digest: Digest, lang: str = "ko") -> dict[str, object]:
    values, _ = split_post(post_text(digest, lang=lang))
    return values


def written(digest: Digest, lang: str) -> dict[str, object]:
    """The front matter as the post writes it and Jekyll reads it back, without rendering the body."""
    values = yaml.safe_load(front_matter(front_matter_values(digest.span, Settings(), lang, digest=digest)))
    assert isinstance(values, dict)
    return values


def test_every_recorded_day_gets_a_description_of_20_to_300_characters_in_the_posts_language(
    samples_dir: Path,
) -> None:
    days = load_sample_days(samples_dir)
    assert len([d for d, items in days.items() if items]) >= 55
    for day, items in sorted(days.items()):
        papers, _ = papers_from_items(items)
        for top in (1, 10, 0):
            digest = rank_digest(day_span(date.fromisoformat(day)), papers, top)
            for lang in ("ko", "en"):
                text = written(digest, lang)["description"]
                assert isinstance(text, str) and 20 <= len(text) <= 300, (day, lang, text)
                assert "\n" not in text and not re.search(r"[<>\"`]", text), (day, text)
                assert bool(HANGUL.search(text)) == (lang == "ko"), (day, lang, text)
                if digest.papers:
                    assert short_name(digest.papers[0].title) in text, (day, text)


def test_the_description_says_the_counts_and_names_the_top_papers(samples_dir: Path) -> None:
    digest = day_digest(samples_dir, 10)
    assert front(digest)["description"] == (
        "2026-02-10 Hugging Face 논문 33개 중 좋아요 상위 10개: "
        "Modality Gap-Driven Subspace Alignment…, MOVA, QuantaAlpha 외 7개"
    )
    assert front(digest, "en")["description"] == (
        "The top 10 of 33 Hugging Face papers of 2026-02-10 by upvotes: "
        "Modality Gap-Driven Subspace Alignment…, MOVA, QuantaAlpha and 7 more"
    )
    filtered = replace(day_digest(samples_dir, 2), matched=8)
    assert str(front(filtered)["description"]).startswith(
        "2026-02-10 Hugging Face 논문 33개 중 관심 주제 8개, "
    )


@pytest.mark.parametrize(
    ("papers", "ko", "en"),
    [
        ((), "2026-02-10 Hugging Face 논문 0개.", "No Hugging Face papers shown for 2026-02-10 (0 listed)."),
        (
            (Paper(arxiv_id="2602.00001", title="X", abstract="", upvotes=1),),
            "2026-02-10 Hugging Face 논문 1개: X",
            "1 Hugging Face paper of 2026-02-10: X",
        ),
    ],
)
def test_an_empty_or_one_paper_day_still_has_a_description(
    papers: tuple[Paper, ...], ko: str, en: str
) -> None:
    digest = Digest(span=day_span(date(2026, 2, 10)), papers=papers, total=len(papers))
    assert (front(digest)["description"], front(digest, "en")["description"]) == (ko, en)


@pytest.mark.parametrize("period", [request.parse_week("2026-W07"), request.parse_month("2026-02")])
def test_weekly_and_monthly_posts_get_a_description_too(samples_dir: Path, period: Span) -> None:
    papers = day_digest(samples_dir, 0).papers
    digest = rank_digest(period, papers, 5)
    ko, en = front(digest)["description"], front(digest, "en")["description"]
    assert str(ko).startswith(f"{digest.span.first} ~ {digest.span.last} ")
    assert "중 좋아요 상위 5개: " in str(ko) and " 외 2개" in str(ko)
    assert str(en).startswith(f"The top 5 of 33 Hugging Face papers of the {digest.span.kind[:-2]}")


@pytest.mark.parametrize(
    ("top_n", "matched", "ko", "en"),
    [
        (
            10,
            None,
            (
                "총 **33개** 논문 중 내 관심사에 가까운 상위 **10개**를 소개합니다.",
                "2026-02-10 Hugging Face 논문 33개 중 내 관심사에 가까운 상위 10개: Modality",
            ),
            (
                "**33** papers were listed; the top **10** by your interests are shown.",
                "The top 10 of 33 Hugging Face papers of 2026-02-10 by your interests: Modality",
            ),
        ),
        (
            0,
            None,
            (
                "총 **33개**의 논문을 내 관심사에 가까운 순으로 소개합니다.",
                "2026-02-10 Hugging Face 논문 33개, 내 관심사에 가까운 순: Modality",
            ),
            (
                "**33** papers were listed, ranked by your interests.",
                "33 Hugging Face papers of 2026-02-10, ranked by your interests: Modality",
            ),
        ),
        (
            2,
            8,
            (
                "총 **33개** 중 관심 주제 **8개**, 내 관심사에 가까운 상위 **2개**를 소개합니다.",
                "2026-02-10 Hugging Face 논문 33개 중 관심 주제 8개, 내 관심사에 가까운 상위 2개: Modality",
            ),
            (
                "**33** papers were listed; **8** match the topics of interest, the top **2** by your "
                "interests are shown.",
                "The top 2 of 8 Hugging Face papers of 2026-02-10 on the topics, ranked by your interests, "
                "33 listed: Modality",
            ),
        ),
    ],
)
def test_a_digest_ranked_by_the_readers_interests_says_so_in_its_intro_and_description(
    samples_dir: Path, top_n: int, matched: int | None, ko: tuple[str, str], en: tuple[str, str]
) -> None:
    upvotes = replace(day_digest(samples_dir, top_n), matched=matched)
    mine = replace(upvotes, relevance=Relevance(LEXICAL, by_relevance=True))
    for lang, (intro, description) in (("ko", ko), ("en", en)):
        values, body = split_post(post_text(mine, lang=lang))
        assert intro in body and str(values["description"]).startswith(description), (lang, values, body)
        assert "좋아요 상위" not in str(values) + body and "by upvotes" not in str(values) + body
        values, body = split_post(post_text(upvotes, lang=lang))  # without interests: as before
        assert intro not in body and not str(values["description"]).startswith(description)
        assert "내 관심사" not in str(values) + body and "your interests" not in str(values) + body


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("MOVA: Towards Scalable and Synchronized Video-Audio Generation", "MOVA"),
        ("Step 3.5 Flash: Open Frontier-Level Intelligence", "Step 3.5 Flash"),
        ("Short title", "Short title"),
        (
            "Modality Gap-Driven Subspace Alignment Training Paradigm For Multimodal Large Language Models",
            "Modality Gap-Driven Subspace Alignment…",
        ),
        ("A" * 60, "A" * 39 + "…"),
    ],
)
def test_a_short_name_is_the_name_before_the_colon_or_the_title_cut_on_a_word(title: str, name: str) -> None:
    assert short_name(title) == name and len(name) <= 40


def test_the_preview_image_is_the_top_papers_thumbnail_with_its_title(samples_dir: Path) -> None:
    digest = day_digest(samples_dir, 10)
    top = digest.papers[0]
    assert front(digest)["image"] == {"path": top.thumbnail, "alt": top.title}
    assert str(top.thumbnail).startswith("https://cdn-thumbnails.huggingface.co/")
    hostile = replace(
        digest, papers=(replace(top, title='<img src=x onerror="alert(1)"> `x`', thumbnail=THUMB),)
    )
    assert front(hostile)["image"] == {"path": THUMB, "alt": "img src=x onerror=alert(1) x"}


@pytest.mark.parametrize("thumbnail", [None, "http://cdn.example/x.png", "javascript:alert(1)"])
def test_no_https_thumbnail_no_image(samples_dir: Path, thumbnail: str | None) -> None:
    digest = day_digest(samples_dir, 3)
    digest = replace(digest, papers=(replace(digest.papers[0], thumbnail=thumbnail), *digest.papers[1:]))
    assert "image" not in front(digest)
    assert "image" not in front(Digest(span=day_span(date(2026, 2, 10)), papers=(), total=0))


def test_tags_are_written_lowercase_once(samples_dir: Path) -> None:
    settings = from_env({"DIGEST_TAGS": "HuggingFace, Papers, daily, AI, ai"})
    values, _ = split_post(render_post(day_digest(samples_dir, 10), settings).content.decode())
    assert values["tags"] == [
        "huggingface", "papers", "daily", "ai",
        "large-language-models", "multimodal-large-language-models", "reinforcement-learning",
    ]  # fmt: skip
    week = rank_digest(request.parse_week("2026-W07"), day_digest(samples_dir, 0).papers, 3)
    values, _ = split_post(post_text(week, from_env({"DIGEST_TAGS": "Daily, AI"})))
    assert values["tags"][:2] == ["weekly", "ai"]


def test_more_than_two_categories_are_refused_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^DIGEST_CATEGORIES: 3 categories given; a post takes at most 2"):
        from_env({"DIGEST_CATEGORIES": "Papers, 논문, AI"}).validate()
    assert from_env({"DIGEST_CATEGORIES": "Papers, 논문"}).validate().categories == ("Papers", "논문")
    values, _ = split_post(post_text(hostile_digest()))
    assert values["categories"] == ["Daily Papers", "일간"]
