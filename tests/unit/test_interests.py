"""Ranked for me, the pure rooms: reading interests and libraries, lexical scores, the picks, the settings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.metrics import MetricUnit

from hf_digest.adapters.state import SQLiteStore
from hf_digest.config import from_env
from hf_digest.core.model import Paper, day_span
from hf_digest.core.outcomes import Status
from hf_digest.enrich.interests import lexical
from hf_digest.enrich.interests.parse import Entry, LibraryError, from_library, from_text, is_library_path
from hf_digest.enrich.interests.ranker import InterestsReport
from hf_digest.enrich.interests.relevance import Score, pick
from hf_digest.enrich.interests.semantic import CostCapReached, EmbeddingError, Embeddings
from hf_digest.enrich.summaries.cap import MonthlyCap
from hf_digest.errors import ConfigError
from hf_digest.outbound.deadline import Deadline
from hf_digest.runs.result import DigestResult

ZOTERO = r"""
@comment{jabref-meta: databaseType:bibtex;}
@string{neurips = "Advances in Neural Information Processing Systems"}
@inproceedings{chi2023,
  title     = {Diffusion Policy: {V}isuomotor Policy Learning via \emph{Action} Diffusion},
  booktitle = neurips,
  abstract  = "A robot policy as a conditional denoising process, with \"quoted\" words",
  year      = 2023,
}
@article{brohan2023, title = "RT-2" # ": Vision-Language-Action Models", keywords = {robotics, VLA}}
@misc{notitle, author = {Nobody}}
"""


def paper(arxiv_id: str, title: str, abstract: str = "", upvotes: int = 0, **extra: Any) -> Paper:
    return Paper(arxiv_id=arxiv_id, title=title, abstract=abstract, upvotes=upvotes, **extra)


def test_a_zotero_style_bibtex_export_gives_each_titled_entry() -> None:
    library = from_library(ZOTERO.encode(), "me.bib")
    titles = [entry.title for entry in library.entries]
    assert titles == [
        "Diffusion Policy: Visuomotor Policy Learning via Action Diffusion",
        "RT-2 : Vision-Language-Action Models",
    ]
    assert "denoising" in library.entries[0].text and "robotics, VLA" in library.entries[1].text
    assert library.library == "me.bib" and library.left_out == 0


def test_a_plain_list_keeps_titles_and_each_arxiv_id_once_in_any_of_its_forms() -> None:
    raw = (
        "# my reading list\n2406.09246v2\nOpenVLA: An Open-Source VLA\n\narXiv:2310.08864\n"
        "https://arxiv.org/abs/2304.13705v1\nhttps://arxiv.org/pdf/2303.04137.pdf\n"
        "https://huggingface.co/papers/2602.11236\n2406.09246\n"
    )
    library = from_library(raw.encode(), "me.txt")
    assert [entry.title for entry in library.entries if entry.text] == ["OpenVLA: An Open-Source VLA"]
    assert library.arxiv_ids() == ["2406.09246", "2310.08864", "2304.13705", "2303.04137", "2602.11236"]
    assert library.usable() == 1  # the ids have no words until Hugging Face gives them
    resolved = library.resolved({"2310.08864": Entry("Open X-Embodiment", "Open X-Embodiment robot data")})
    assert [entry.title for entry in resolved.entries if entry.text] == [
        "OpenVLA: An Open-Source VLA",
        "Open X-Embodiment",
    ]
    assert resolved.arxiv_ids() == ["2406.09246", "2304.13705", "2303.04137", "2602.11236"]


def test_a_bibtex_entry_with_only_an_arxiv_id_or_address_is_kept_for_its_id() -> None:
    raw = r"""
@misc{kim2024, eprint = {2406.09246}, archivePrefix = {arXiv}, primaryClass = {cs.RO}}
@article{mendeley, arxivId = {2310.08864v2}, author = {Padalkar, A.}}
@online{link, url = {https://arxiv.org/abs/2304.13705}}
@misc{doi, doi = {10.48550/arXiv.2303.04137}}
@misc{hf, howpublished = {\url{https://huggingface.co/papers/2602.11236}}}
@misc{other, eprint = {1234.56789}, archivePrefix = {PhilSci}}
@misc{web, url = {https://example.com/2401.00001}}
@article{titled, title = {RT-2}, eprint = {2307.15818}}
"""
    library = from_library(raw.encode(), "me.bib")
    assert library.arxiv_ids() == ["2406.09246", "2310.08864", "2304.13705", "2303.04137", "2602.11236"]
    assert [entry.title for entry in library.entries if entry.text] == ["RT-2"]  # a title is used as it is


@pytest.mark.parametrize(
    ("raw", "path", "why"),
    [
        (None, "me.bib", "no such file"),
        (b"", "me.bib", "empty"),
        (b"\xef\xbb\xbf \n\t", "me.bib", "empty"),
        (b"title,author\nRT-2,Brohan\n", "me.bib", "not a BibTeX export"),
        (b"@misc{a, author = {x}}", "me.bib", "not a BibTeX export"),
        (b"# nothing but a comment\n\n", "me.txt", "no paper title or arXiv id"),
    ],
)
def test_a_library_that_cannot_serve_says_why_in_one_line(raw: bytes | None, path: str, why: str) -> None:
    with pytest.raises(LibraryError, match=why) as caught:
        from_library(raw, path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(path)


@pytest.mark.parametrize(
    ("value", "library"),
    [
        ("library/zotero.bib", True),
        ("_data/me.BIB", True),
        ("reading.txt", True),
        ("I like robots.txt files", False),
        ("robot manipulation", False),
        ("로봇 조작, 강화학습", False),
    ],
)
def test_a_library_path_is_one_word_with_a_library_suffix(value: str, library: bool) -> None:
    assert is_library_path(value) is library


def test_words_of_any_language_tokenize_and_only_english_ones_can_match() -> None:
    assert lexical.tokens("Robots, 로봇을 MANIPULATING; vision-language") == [
        "robot",
        "로봇을",
        "manipulating",
        "vision",
        "language",
    ]
    assert not lexical.has_english(from_text("로봇 조작과 강화 학습에 관심이 있습니다"))
    assert lexical.has_english(from_text("로봇 manipulation 연구"))


def test_lexical_scores_rank_the_matching_paper_first_and_say_why() -> None:
    papers = [
        paper("1", "Scaling laws for language models", "We fit loss curves.", upvotes=90),
        paper("2", "Humanoid robot walking", "A robot learns to walk with a policy.", upvotes=1),
        paper("3", "Video diffusion", "Frames from noise.", upvotes=5, ai_keywords=("robot",)),
    ]
    scores = lexical.score(papers, from_text("로봇: humanoid robot locomotion policies"))
    assert scores["2"].score > scores["3"].score > scores["1"].score == 0
    assert set(scores["2"].terms) >= {"robot", "humanoid"} and "로봇" not in scores["2"].terms
    assert scores["2"].closest is None  # free text: the reason is the words
    assert [p.arxiv_id for p in pick(papers, scores, top=1, threshold=0.0)] == ["2"]
    assert pick(papers, scores, top=3, threshold=0.99) == ()


def test_hostile_interest_text_is_cut_and_flattened() -> None:
    interests = from_text("robot\x00\x1b[2J\u202e" + "x " * 50_000 + "\n\n## <script>")
    [entry] = interests.entries
    assert len(entry.text) <= 20_000 and "\x00" not in entry.text and "\u202e" not in entry.text
    assert "\n" not in entry.text


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DIGEST_INTERESTS_TOP": "21"}, "DIGEST_INTERESTS_TOP"),
        ({"DIGEST_INTERESTS_TOP": "three"}, "DIGEST_INTERESTS_TOP"),
        ({"DIGEST_INTERESTS_MIN_SCORE": "1.5"}, "DIGEST_INTERESTS_MIN_SCORE"),
        ({"DIGEST_INTERESTS_MIN_SCORE": "high"}, "DIGEST_INTERESTS_MIN_SCORE"),
        ({"DIGEST_INTERESTS_MODEL": "titan embed v2"}, "DIGEST_INTERESTS_MODEL"),
        ({"DIGEST_INTERESTS_RANK": "stars"}, "DIGEST_INTERESTS_RANK"),
        (
            {"DIGEST_PROFILES": json.dumps([{"name": "me", "interests_rank": "stars"}])},
            "DIGEST_INTERESTS_RANK",
        ),
        (
            {"DIGEST_PROFILES": json.dumps([{"name": "me", "interests": 3}])},
            r"DIGEST_PROFILES\[0\].interests",
        ),
    ],
)
def test_bad_interest_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        from_env(env)


def test_interest_settings_and_a_profiles_own() -> None:
    assert from_env({}).interests is None
    settings = from_env(
        {
            "DIGEST_INTERESTS": "  robot manipulation  ",
            "DIGEST_INTERESTS_TOP": "5",
            "DIGEST_INTERESTS_MIN_SCORE": "0.2",
            "DIGEST_INTERESTS_MODEL": "amazon.titan-embed-text-v2:0",
            "DIGEST_PROFILES": json.dumps(
                [
                    {"name": "all"},
                    {
                        "name": "me",
                        "interests": "me.bib",
                        "interests_rank": "relevance",
                        "path_template": "_posts/{date}-me.md",
                    },
                ]
            ),
        }
    )
    assert (settings.interests, settings.interests_top, settings.interests_min_score) == (
        "robot manipulation",
        5,
        0.2,
    )
    everyone, mine = (profile.settings(settings) for profile in settings.profiles)
    assert everyone.interests == "robot manipulation" and everyone.interests_rank == "upvotes"
    assert mine.interests == "me.bib" and mine.interests_rank == "relevance"


class Recorded:
    def __init__(self) -> None:
        self.metrics: dict[str, float] = {}

    def add_metric(self, name: str, unit: MetricUnit, value: float) -> None:
        self.metrics[name] = value

    def add_metadata(self, key: str, value: Any) -> None:
        pass


def test_an_unreadable_library_is_a_metric_and_the_result_says_so() -> None:
    result = DigestResult(
        day_span(date(2026, 2, 10)),
        Status.PUBLISHED,
        warnings=("interests unavailable: ...",),
        interests=InterestsReport(None, library="me.bib"),
    )
    recorded = Recorded()
    result.record(recorded)
    assert recorded.metrics["InterestsUnavailable"] == 1 and recorded.metrics["RunWarnings"] == 1
    assert result.to_json()["interests"]["method"] is None
    assert Score(0.123456, ("robot",)).to_json() == {"score": 0.1235, "terms": ["robot"]}


def test_no_embeddings_call_starts_when_the_post_is_due() -> None:
    asked: list[str] = []

    def embed(text: str) -> tuple[list[float], int]:
        asked.append(text)
        return [1.0, 0.0], 1

    embeddings = Embeddings("amazon.titan-embed-text-v2:0", embed, deadline=Deadline.after(5.0))
    with pytest.raises(EmbeddingError, match="no time left"):
        embeddings.vectors({"k": "robot"})
    assert asked == [] and embeddings.calls == 0
    embeddings.deadline = Deadline.after(600.0)
    assert embeddings.vectors({"k": "robot"}) == {"k": [1.0, 0.0]} and embeddings.calls == 1


def test_a_large_library_keeps_its_first_500_entries_and_counts_the_rest() -> None:
    raw = "".join(f"@misc{{k{i}, title = {{Paper {i} on {{R}}obots}}, year = 2024}}\n" for i in range(600))
    library = from_library(raw.encode(), "big.bib")
    assert len(library.entries) == 500 and library.left_out == 100
    assert library.entries[-1].title == "Paper 499 on Robots"


def test_embeddings_at_the_months_cap_make_no_call_and_raise_the_shared_cap_metric(tmp_path: Path) -> None:
    asked: list[str] = []

    def embed(text: str) -> tuple[list[float], int]:
        asked.append(text)
        return [1.0, 0.0], 1000

    store = SQLiteStore(tmp_path / "state.sqlite3")
    cap = MonthlyCap(store, 0.0001, (0.02, 0.0), "2026-12")  # 100 micro-USD: five calls of 1,000 tokens
    embeddings = Embeddings("amazon.titan-embed-text-v2:0", embed, cap=cap)
    texts = {f"k{i}": f"robot {i}" for i in range(8)}
    with pytest.raises(CostCapReached, match="DIGEST_SUMMARY_MONTHLY_USD reached"):
        embeddings.vectors(texts)
    assert len(asked) == embeddings.calls == 5 and store.add("spend#2026-12", 0) == 100
    recorded = Recorded()
    result = DigestResult(
        day_span(date(2026, 2, 10)), Status.PUBLISHED, interests=InterestsReport("lexical", cost_capped=True)
    )
    result.record(recorded)
    assert recorded.metrics["SummaryCostCapReached"] == 1
