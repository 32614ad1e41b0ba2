"""Helpers shared by the feed, site and publishing tests: sample digests, hostile papers, bundles."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hf_digest import feeds, render
from hf_digest.config import Settings
from hf_digest.model import Bundle, DayDigest, Organization, Paper, papers_from_items
from hf_digest.periods import PeriodDigest, digest_period, week_of
from hf_digest.rank import digest_day
from tests.conftest import load_sample

SAMPLE_DAYS = ("2026-02-06", "2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13")
# Titles a feed or page must show as typed: Liquid, markup, CDATA ends, entities, bidi controls, emoji,
# a C0 control (XML 1.0 cannot hold it: it is dropped) and Korean.
HOSTILE_TITLES = (
    "{{ site.title }} and {% raw %}",
    "<script>alert('x')</script> & <b>bold</b>",
    "]]> closes CDATA ]]&gt;",
    "&amp; &lt; &#x3c; entities",
    "right\u202eto\u202cleft and \u2066isolate\u2069",
    "emoji 🤗🚀 and 한국어 제목",
    "bell\x07 and form\x0cfeed",
)


def sample_digest(samples: Path, day: str = "2026-02-10", top_n: int = 10) -> DayDigest:
    """The sample day's papers, ranked."""
    papers, _ = papers_from_items(load_sample(samples, f"daily_papers_date_{day}.json"))
    return digest_day(date.fromisoformat(day), papers, top_n)


def with_upvotes(digest: DayDigest, extra: int) -> DayDigest:
    """The same day with every paper's upvotes raised by extra (a refresh that moved the numbers)."""
    papers = tuple(replace(p, upvotes=p.upvotes + extra) for p in digest.papers)
    return replace(digest, papers=papers)


def hostile_digest(day: date = date(2026, 2, 11)) -> DayDigest:
    """A day whose every text field is hostile; the texts are raw, not cleaned by the model."""
    papers = tuple(
        Paper(
            arxiv_id=f"2602.{index:05d}",
            title=title,
            abstract=f"Abstract of {title} <img src=x onerror=alert(1)> [link](javascript:alert(1))",
            upvotes=100 - index,
            authors=("A", "B"),
            organization=Organization(name="evil-org", fullname=title),
            github_repo="https://github.com/evil/repo?a=1&b=<x>",
            github_stars=index,
            ai_summary=f"Summary {title}",
            thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2602.00001.png",
        )
        for index, title in enumerate(HOSTILE_TITLES, start=1)
    )
    return DayDigest(day=day, papers=papers, total=len(papers) + 3)


def week_digest(samples: Path, top_n: int = 10) -> PeriodDigest:
    """The week of 2026-02-09 from the sample days in it."""
    papers = []
    for day in ("2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13"):
        papers += sample_digest(samples, day, 0).papers
    return digest_period(week_of(date(2026, 2, 9)), papers, top_n)


def digest_bundle(
    digest: DayDigest | PeriodDigest, settings: Settings, counts_read: date | None = None
) -> Bundle:
    """What the digest run will hand the publishers: the post, then its feed (and site) files."""
    if isinstance(digest, DayDigest):
        # As the run does: the post may already show any read date from its day on.
        days = (counts_read - digest.day).days if counts_read else 0
        earlier = [digest.day + timedelta(days=n) for n in range(max(0, days))]
        post = render.render_post(digest, settings, counts_read=counts_read, earlier_reads=earlier)
        day, kind = digest.day, "daily"
    else:
        post = render.render_period(digest, settings, counts_read=counts_read).files[0]
        day, kind = digest.period.last, digest.period.kind
    derived = feeds.derived_files(digest, post, settings, counts_read=counts_read)
    return Bundle(day=day, files=(post, *derived), kind=kind)
