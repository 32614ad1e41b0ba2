"""The message a notification carries: the top papers, our summary first, cut at sentence ends."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hf_digest.adapters.notify.message import (
    BUDGETS,
    DigestMessage,
    backfill_message,
    cut_summary,
    cut_text,
    digest_message,
    shortened,
)
from hf_digest.core import model
from hf_digest.core.model import Paper, papers_from_items
from hf_digest.core.outcomes import SpanKind
from hf_digest.core.rank import rank
from tests.helpers import load_sample


@pytest.fixture(scope="module")
def ranked(samples_dir: Path) -> list[Paper]:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    return rank(papers, 0)


def test_a_day_lists_its_top_papers_with_the_post_link(ranked: list[Paper]) -> None:
    link = "https://blog.example.org/2026/02/10/hf-daily-papers.html"
    message = digest_message(
        SpanKind.DAY, "2026-02-10", ranked[:10], len(ranked), lang="ko", top=3, post_url=link
    )
    assert [p.title for p in message.papers] == [p.title for p in ranked[:3]]
    assert [p.upvotes for p in message.papers] == sorted((p.upvotes for p in message.papers), reverse=True)
    assert (message.total, message.shown) == (len(ranked), 10)
    first = ranked[0]
    assert message.papers[0].hf_url == f"https://huggingface.co/papers/{first.arxiv_id}"
    assert message.papers[0].organization == (first.organization.fullname if first.organization else None)
    assert message.papers[0].summary == first.ai_summary
    assert message.post_url == "https://blog.example.org/2026/02/10/hf-daily-papers.html"


def test_our_summary_wins_over_hugging_faces(ranked: list[Paper]) -> None:
    summary = getattr(model, "Summary", None)
    if summary is None:
        pytest.skip("model.Summary (our Bedrock summaries) is not on this branch")
    ours = replace(ranked[0], **{"summary": summary("우리 요약입니다.", "model-x", "v1")})
    message = digest_message(SpanKind.DAY, "2026-02-10", [ours, *ranked[1:]], len(ranked), lang="ko", top=2)
    assert message.papers[0].summary == "우리 요약입니다."
    assert message.papers[1].summary == ranked[1].ai_summary


def test_top_zero_lists_no_paper_but_keeps_the_counts(ranked: list[Paper]) -> None:
    message = digest_message(SpanKind.WEEK, "2026-W07", ranked, len(ranked), lang="en", top=0)
    assert message.papers == () and message.total == message.shown == len(ranked)


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (200, "We propose X. It works well! Does it scale? 결과가 좋았다. 끝."),
        (40, "We propose X. It works well!"),
        (16, "We propose X."),
        (12, "We propose…"),
    ],
)
def test_a_summary_is_cut_at_the_last_sentence_end_that_fits(limit: int, expected: str) -> None:
    text = "We propose X. It works well! Does it scale? 결과가 좋았다. 끝."
    cut = cut_summary(text, limit)
    assert cut == expected and len(cut) <= limit


def test_a_korean_summary_without_spaces_after_full_stops_is_cut_at_one() -> None:
    assert cut_summary("첫 문장입니다。둘째 문장입니다。셋째", 17) == "첫 문장입니다。둘째 문장입니다。"


def test_a_title_is_cut_at_a_word_with_an_ellipsis() -> None:
    assert cut_text("Scaling laws for sparse mixtures of experts", 20) == "Scaling laws for…"
    assert cut_text("short", 20) == "short"
    assert len(cut_text("가" * 500, 100)) == 100


def test_shortening_keeps_short_texts_and_cuts_long_ones(ranked: list[Paper]) -> None:
    long_title = replace(ranked[0], title="긴 제목 " * 100)
    message = digest_message(SpanKind.DAY, "2026-02-10", [long_title, ranked[1]], 2, lang="ko", top=2)
    roomy = shortened(message, BUDGETS[0])
    assert isinstance(roomy, DigestMessage)
    assert len(roomy.papers[0].title) <= BUDGETS[0].title and roomy.papers[0].title.endswith("…")
    assert roomy.papers[1] == message.papers[1]
    smallest = shortened(message, BUDGETS[-1])
    assert isinstance(smallest, DigestMessage)
    assert all(len(p.title) <= BUDGETS[-1].title for p in smallest.papers)
    assert all(p.summary is None for p in smallest.papers)  # the last budgets drop summaries


def test_a_backfill_summary_lists_the_newest_and_counts_the_rest(ranked: list[Paper]) -> None:
    days = [
        digest_message(SpanKind.DAY, f"2026-01-{n:02d}", ranked, len(ranked), lang="en", top=3)
        for n in range(20, 0, -1)
    ]
    summary = backfill_message(days, "en", listed=15)
    assert (summary.count, summary.more, summary.first, summary.last) == (20, 5, "2026-01-01", "2026-01-20")
    assert [d.key for d in summary.digests] == [f"2026-01-{n:02d}" for n in range(6, 21)]
    assert all(len(d.papers) == 1 for d in summary.digests)
