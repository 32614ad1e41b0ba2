"""The 2026-02-10 post and data file with our summaries (ko and en): summarised by the local Bedrock,
rendered with the summary line in the entry, built by a real Jekyll; a paper that fell back shows
Hugging Face's AI summary instead. Post and data file are compared byte for byte with tests/golden
(regenerate with `UPDATE_GOLDEN=1`)."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from hf_digest.adapters.state import SQLiteStore
from hf_digest.config import Settings
from hf_digest.core.markdown import md_text, plain_math
from hf_digest.core.model import Digest, day_span, papers_from_items
from hf_digest.core.rank import digest as rank_digest
from hf_digest.enrich.summaries.summarize import Summarizer
from hf_digest.outbound.deadline import Deadline
from hf_digest.rendering.render import render_data, render_post
from tests.bedrock_server import Answer, BedrockServer
from tests.helpers import article, jekyll_build, load_sample, visible

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
DAY, READ = date(2026, 2, 10), date(2026, 2, 11)
MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
# As tests/unit/test_golden.py renders the posts without summaries.
CASES = {"ko": Settings(author="lim4349"), "en": Settings(lang="en")}
LABELS = {"ko": ("문제: ", "AI 요약 (영문): "), "en": ("Problem: ", "AI summary: ")}
BRIEF = {"ko": "**오늘의 흐름**: ", "en": "**The day in brief**: "}


def summarised_day(bedrock: BedrockServer, samples_dir: Path, tmp_path: Path, lang: str) -> Digest:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    digest = rank_digest(day_span(DAY), papers, 10)
    # The fourth paper's answer invents a number: it falls back to Hugging Face's AI summary.
    bedrock.script(
        digest.papers[3].arxiv_id, Answer("이 논문은 새 방법을 제안하며 성능이 73.9% 높아졌습니다. " * 2)
    )
    settings = Settings(summary_model=MODEL, lang=lang)
    summarizer = Summarizer.from_settings(settings, SQLiteStore(tmp_path / f"state-{lang}.sqlite3"))
    assert summarizer is not None
    summarized, report = summarizer(digest.papers, lang, Deadline.after(300), brief=True)
    assert report.count("generated") == 9 and report.count("rejected") == 1 and report.brief
    return replace(digest, papers=tuple(summarized), brief=report.brief)


def check_golden(content: bytes, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_bytes(content)
    assert golden.is_file(), f"{golden} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert content == golden.read_bytes(), f"{name} differs; if intended, regenerate it"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_data_file_carries_each_summary_its_model_and_prompt_version(
    bedrock: BedrockServer, samples_dir: Path, tmp_path: Path, lang: str
) -> None:
    digest = summarised_day(bedrock, samples_dir, tmp_path, lang)
    data = render_data(digest, Settings(data_path_template="_data/papers/{date}.json"))
    assert data is not None
    check_golden(data.content, f"2026-02-10.summaries.{lang}.json")
    papers = json.loads(data.content)["papers"]
    assert ["summary" not in p for p in papers] == [i == 3 for i in range(10)]
    assert {p["summary"]["model"] for p in papers if "summary" in p} == {MODEL}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_post_with_summaries_matches_its_golden_file(
    bedrock: BedrockServer, samples_dir: Path, tmp_path: Path, lang: str
) -> None:
    digest = summarised_day(bedrock, samples_dir, tmp_path, lang)
    check_golden(
        render_post(digest, CASES[lang], counts_read=READ).content, f"2026-02-10.summaries.{lang}.md"
    )


@pytest.mark.jekyll
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_post_shows_our_summary_first_then_the_abstract(
    bedrock: BedrockServer, samples_dir: Path, tmp_path: Path, lang: str
) -> None:
    digest = summarised_day(bedrock, samples_dir, tmp_path, lang)
    post = render_post(digest, CASES[lang], counts_read=READ)
    text = post.content.decode("utf-8")
    ours, theirs = LABELS[lang]
    entries = [text[text.index(f"\n{n}. **") :] for n in range(1, 11)]
    entries = [
        entry[: entry.index(f"\n{n + 1}. **")] if n < 10 else entry for n, entry in enumerate(entries, 1)
    ]
    for paper, entry in zip(digest.papers, entries, strict=True):
        if paper.summary:
            assert f"- {ours}{md_text(plain_math(paper.summary.problem), paper.arxiv_url)}\n" in entry
            assert entry.index(ours) < entry.index("<details") and theirs not in entry
        else:  # fell back: Hugging Face's AI summary where it has one, else nothing
            assert (theirs in entry) == bool(paper.ai_summary) and f"- {ours}" not in entry

    shown = visible(article(jekyll_build(tmp_path, {post.path: post.content}, "kramdown"), DAY))
    assert digest.brief and text.index(BRIEF[lang]) < text.index("\n1. **")  # at the top
    words = " ".join(shown.split())
    assert " ".join(digest.brief.split()) in words
    for paper in digest.papers:
        if paper.summary:
            for line in (paper.summary.title, *paper.summary.lines):
                assert " ".join(line.split()) in words
