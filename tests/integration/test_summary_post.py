"""The 2026-02-10 post and data file with our summaries (ko and en): summarised by the local Bedrock,
rendered with the summary line in the entry, built by a real Jekyll; a paper that fell back shows
Hugging Face's AI summary instead. The data file is compared byte for byte with tests/golden."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from hf_digest.config import Settings
from hf_digest.converse import converse_client
from hf_digest.deadline import Deadline
from hf_digest.markdown import md_text
from hf_digest.model import DayDigest, papers_from_items
from hf_digest.rank import digest_day
from hf_digest.render import PACKAGE_TEMPLATES, render_data, render_post
from hf_digest.state import SQLiteStore
from hf_digest.summarize import summarize, with_summaries
from tests.bedrock_server import Answer, BedrockServer
from tests.conftest import load_sample
from tests.integration.test_jekyll import article, jekyll_build, visible

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
DAY, READ = date(2026, 2, 10), date(2026, 2, 11)
MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
# What the lead puts in templates/{ko,en}/daily.md.j2 in place of the AI-summary lines: ours first, else
# Hugging Face's AI summary, then the abstract (which follows unchanged).
SNIPPETS = {
    "ko": (
        "{% if paper.summary %}\n"
        "{{ pad }}- 요약: {{ paper.summary.text | plain_math | md_text }}\n"
        "{% elif paper.ai_summary %}\n"
        "{{ pad }}- AI 요약: {{ paper.ai_summary | plain_math | md_text(paper.arxiv_url) }}\n"
        "{% endif %}\n"
    ),
    "en": (
        "{% if paper.summary %}\n"
        "{{ pad }}- Summary: {{ paper.summary.text | plain_math | md_text }}\n"
        "{% elif paper.ai_summary %}\n"
        "{{ pad }}- AI summary: {{ paper.ai_summary | plain_math | md_text(paper.arxiv_url) }}\n"
        "{% endif %}\n"
    ),
}
LABELS = {"ko": ("요약: ", "AI 요약: "), "en": ("Summary: ", "AI summary: ")}


def template_dir(tmp_path: Path, lang: str) -> Path | None:
    """None once our templates show the summary; until then a copy of ours with the snippet in."""
    ours = (PACKAGE_TEMPLATES / lang / "daily.md.j2").read_text(encoding="utf-8")
    if "paper.summary" in ours:
        return None
    start = ours.index("{% if paper.ai_summary %}")
    end = ours.index("{% endif %}", start) + len("{% endif %}\n")
    (tmp_path / "templates" / lang).mkdir(parents=True)
    patched = ours[:start] + SNIPPETS[lang] + ours[end:]
    (tmp_path / "templates" / lang / "daily.md.j2").write_text(patched, encoding="utf-8")
    return tmp_path / "templates"


def summarised_day(bedrock: BedrockServer, samples_dir: Path, tmp_path: Path, lang: str) -> DayDigest:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    digest = digest_day(DAY, papers, 10)
    # The fourth paper's answer invents a number: it falls back to Hugging Face's AI summary.
    bedrock.script(
        digest.papers[3].arxiv_id, Answer("이 논문은 새 방법을 제안하며 성능이 73.9% 높아졌습니다. " * 2)
    )
    settings = Settings(summary_model=MODEL, lang=lang)
    store = SQLiteStore(tmp_path / f"state-{lang}.sqlite3")
    found, report = summarize(
        digest.papers, lang, settings, store, converse_client(settings), Deadline.after(300)
    )
    assert report.count("generated") == 9 and report.count("rejected") == 1
    return replace(digest, papers=tuple(with_summaries(digest.papers, found)))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_data_file_carries_each_summary_its_model_and_prompt_version(
    bedrock: BedrockServer, samples_dir: Path, tmp_path: Path, lang: str
) -> None:
    digest = summarised_day(bedrock, samples_dir, tmp_path, lang)
    data = render_data(digest, Settings(data_path_template="_data/papers/{date}.json"))
    assert data is not None
    golden = GOLDEN / f"2026-02-10.summaries.{lang}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_bytes(data.content)
    assert data.content == golden.read_bytes(), f"data differs from {golden.name}; if intended, regenerate it"
    papers = json.loads(data.content)["papers"]
    assert [p["summary"] is None for p in papers] == [i == 3 for i in range(10)]
    assert {p["summary"]["model"] for p in papers if p["summary"]} == {MODEL}


@pytest.mark.jekyll
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_post_shows_our_summary_first_then_the_abstract(
    bedrock: BedrockServer, samples_dir: Path, tmp_path: Path, lang: str
) -> None:
    digest = summarised_day(bedrock, samples_dir, tmp_path, lang)
    settings = Settings(lang=lang, template_dir=template_dir(tmp_path, lang))
    post = render_post(digest, settings, counts_read=READ)
    text = post.content.decode("utf-8")
    ours, theirs = LABELS[lang]
    entries = text.split("\n\n")[-10:]
    for paper, entry in zip(digest.papers, entries, strict=True):
        if paper.summary:
            assert f"- {ours}{md_text(paper.summary.text)}\n" in entry
            assert entry.index(ours) < entry.index("Abstract: ") and theirs not in entry
        else:  # fell back: Hugging Face's AI summary where it has one, else nothing
            assert (theirs in entry) == bool(paper.ai_summary) and f"- {ours}" not in entry

    shown = visible(article(jekyll_build(tmp_path, {post.path: post.content}, "kramdown"), DAY))
    for paper in digest.papers:
        if paper.summary:
            assert " ".join(paper.summary.text.split()) in " ".join(shown.split())
