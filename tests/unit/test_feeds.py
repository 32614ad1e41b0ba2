"""Feeds as a reader sees them: entries per digest and per paper, merged in place, sorted, trimmed, stable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser

from hf_digest.config import Settings
from hf_digest.core.model import Bundle, OutputFile, Summary
from hf_digest.rendering import feeds
from hf_digest.rendering.feeds import entries_in
from tests.helpers import digest_bundle, feed_hostile_digest, sample_digest, week_digest, with_upvotes

DIGESTS_ATOM = "feeds/hf-daily-papers.ko.atom"
DIGESTS_JSON = "feeds/hf-daily-papers.ko.json"
PAPERS_ATOM = "feeds/hf-papers.ko.atom"
PAPERS_JSON = "feeds/hf-papers.ko.json"


def feed_file(bundle: Bundle, path: str) -> OutputFile:
    return next(f for f in bundle.files if f.path == path)


def apply(held: dict[str, bytes], *bundles: Bundle) -> dict[str, bytes]:
    """What a destination holds after publishing bundles in turn (derived files merged from held)."""
    for bundle in bundles:
        for file in bundle.files:
            held[file.path] = file.content_for(held.get(file.source))
    return held


def ids(data: bytes) -> list[str]:
    return [entry.id for entry in entries_in("atom", data)]


def test_a_day_makes_one_digest_entry_and_one_entry_per_paper_shown(samples_dir: Path) -> None:
    digest = sample_digest(samples_dir)
    held = apply({}, digest_bundle(digest, Settings(), counts_read=date(2026, 2, 11)))

    parsed = feedparser.parse(held[DIGESTS_ATOM])
    assert not parsed.bozo and parsed.feed.title == "Hugging Face 데일리 페이퍼"
    [entry] = parsed.entries
    assert entry.title == "Hugging Face Daily Papers - 2026-02-10"
    assert entry.id == "tag:hf-daily-digest,2026:_posts/2026-02-10-hf-daily-papers.md"
    assert entry.published == "2026-02-10T09:15:00+09:00" and entry.updated == "2026-02-11T09:15:00+09:00"
    assert [t.term for t in entry.tags] == ["daily"] and entry.tags[0].label == "일간"
    assert entry.link == "https://huggingface.co/papers/date/2026-02-10"
    top = digest.papers[0]
    assert f"<strong>{top.title}</strong>" in entry.content[0].value  # the post as HTML
    assert entry.summary.startswith(f"총 {digest.total}개 논문 중 10개 · 1위: {top.title}")

    papers = feedparser.parse(held[PAPERS_ATOM])
    assert not papers.bozo
    assert [e.title for e in papers.entries] == [p.title for p in digest.papers]
    first = papers.entries[0]
    assert first.link == top.hf_url and top.arxiv_url in [link.href for link in first.links]
    assert first.id.endswith(f"_posts/2026-02-10-hf-daily-papers.md#{top.arxiv_id}")
    assert f"1위 · 좋아요 {top.upvotes}" in first.content[0].value
    assert (top.ai_summary or "")[:40] in first.content[0].value and top.abstract[:40] in first.content[
        0
    ].value


def test_the_same_input_gives_the_same_bytes_and_a_rerun_changes_nothing(samples_dir: Path) -> None:
    bundle = digest_bundle(sample_digest(samples_dir), Settings(), counts_read=date(2026, 2, 11))
    first = apply({}, bundle)
    again = apply({}, digest_bundle(sample_digest(samples_dir), Settings(), counts_read=date(2026, 2, 11)))
    assert first == again
    assert apply(dict(first), bundle) == first


def test_a_new_day_goes_on_top_and_an_old_one_slots_in_by_date(samples_dir: Path) -> None:
    settings = Settings()
    held = apply(
        {},
        *(digest_bundle(sample_digest(samples_dir, day), settings) for day in ("2026-02-10", "2026-02-12")),
    )
    held = apply(held, digest_bundle(sample_digest(samples_dir, "2026-02-11"), settings))  # a backfill
    assert [e.published[:10] for e in entries_in("atom", held[DIGESTS_ATOM])] == [
        "2026-02-12",
        "2026-02-11",
        "2026-02-10",
    ]
    items = entries_in("json", held[DIGESTS_JSON])
    assert [i.published[:10] for i in items] == ["2026-02-12", "2026-02-11", "2026-02-10"]


def test_the_limit_drops_the_oldest_and_keeps_a_late_old_day_out(samples_dir: Path) -> None:
    settings = Settings(feed_entries=3, papers_feed_entries=15)
    days = ("2026-02-06", "2026-02-09", "2026-02-10", "2026-02-11")
    held = apply({}, *(digest_bundle(sample_digest(samples_dir, day), settings) for day in days))
    assert [e.published[:10] for e in entries_in("atom", held[DIGESTS_ATOM])] == list(reversed(days[1:]))
    assert len(entries_in("atom", held[PAPERS_ATOM])) == 15

    late = apply(dict(held), digest_bundle(sample_digest(samples_dir, "2026-01-02"), settings))
    assert late[DIGESTS_ATOM] == held[DIGESTS_ATOM]  # older than all three kept: it never enters


def test_a_refresh_updates_its_entries_in_place(samples_dir: Path) -> None:
    settings = Settings()
    day = sample_digest(samples_dir)
    held = apply(
        {}, *(digest_bundle(sample_digest(samples_dir, d), settings) for d in ("2026-02-10", "2026-02-11"))
    )
    before = entries_in("atom", held[DIGESTS_ATOM])

    held = apply(held, digest_bundle(with_upvotes(day, 5), settings, counts_read=date(2026, 2, 17)))

    after = entries_in("atom", held[DIGESTS_ATOM])
    assert [e.id for e in after] == [e.id for e in before]  # same entries, same order
    assert after[0] == before[0]
    assert after[1].updated == "2026-02-17T09:15:00+09:00" and after[1].published == before[1].published
    assert f"👍 {day.papers[0].upvotes + 5}" in after[1].content_html
    paper = next(e for e in entries_in("atom", held[PAPERS_ATOM]) if e.id.endswith(day.papers[0].arxiv_id))
    assert f"좋아요 {day.papers[0].upvotes + 5}" in paper.content_html
    assert len(entries_in("atom", held[PAPERS_ATOM])) == 20


def test_a_refresh_whose_numbers_did_not_move_writes_the_same_bytes(samples_dir: Path) -> None:
    settings = Settings()
    day = sample_digest(samples_dir)
    held = apply({}, digest_bundle(day, settings, counts_read=date(2026, 2, 11)))
    later = apply(dict(held), digest_bundle(day, settings, counts_read=date(2026, 2, 17)))
    assert later == {
        **held,
        "_posts/2026-02-10-hf-daily-papers.md": later["_posts/2026-02-10-hf-daily-papers.md"],
    }


def test_a_week_is_an_entry_of_its_own_category_and_adds_no_paper_entries(samples_dir: Path) -> None:
    settings = Settings(lang="en")
    bundle = digest_bundle(week_digest(samples_dir), settings)
    assert [f.path for f in bundle.files[1:]] == [
        "feeds/hf-daily-papers.en.atom",
        "feeds/hf-daily-papers.en.json",
    ]
    held = apply({}, digest_bundle(sample_digest(samples_dir, "2026-02-13"), settings), bundle)
    entries = feedparser.parse(held["feeds/hf-daily-papers.en.atom"]).entries
    assert [(e.tags[0].term, e.tags[0].label) for e in entries] == [("weekly", "Weekly"), ("daily", "Daily")]
    assert entries[0].title == "Hugging Face Weekly Papers - 2026-W07"
    assert entries[0].published == "2026-02-15T09:15:00+09:00"  # the week's Sunday


def test_ids_and_links_use_the_site_address_when_there_is_one(samples_dir: Path) -> None:
    settings = Settings(site_url="https://papers.example.com", site=True)
    held = apply({}, digest_bundle(sample_digest(samples_dir), settings))
    parsed = feedparser.parse(held[DIGESTS_ATOM])
    assert parsed.feed.id == f"https://papers.example.com/{DIGESTS_ATOM}"
    assert parsed.feed.links[0].href == f"https://papers.example.com/{DIGESTS_ATOM}"
    entry = parsed.entries[0]
    assert entry.id == "https://papers.example.com/_posts/2026-02-10-hf-daily-papers.md"
    assert entry.link == "https://papers.example.com/daily/2026-02-10.html"
    items = entries_in("json", held[DIGESTS_JSON])
    assert items[0].alternate == "https://papers.example.com/daily/2026-02-10.html"


def test_raw_html_and_script_links_in_paper_text_reach_no_reader_as_markup(samples_dir: Path) -> None:
    day = sample_digest(samples_dir, top_n=1)
    evil = replace(
        day.papers[0],
        title="<script>alert(1)</script>",
        abstract='<img src=x onerror="alert(1)"> [click](javascript:alert(1))',
    )
    held = apply({}, digest_bundle(replace(day, papers=(evil,)), Settings()))
    [post] = entries_in("atom", held[DIGESTS_ATOM])
    [paper] = entries_in("atom", held[PAPERS_ATOM])
    for entry in (post, paper):
        assert "<script" not in entry.content_html and "<img" not in entry.content_html
        assert 'href="javascript:' not in entry.content_html
        assert "&lt;img src=x onerror=" in entry.content_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in post.content_html
    assert paper.title == "<script>alert(1)</script>"  # shown as text: Atom's title is type="text"


def test_feeds_off_adds_no_files(samples_dir: Path) -> None:
    bundle = digest_bundle(sample_digest(samples_dir), Settings(feeds=False))
    assert [f.path for f in bundle.files] == ["_posts/2026-02-10-hf-daily-papers.md"]


@pytest.mark.parametrize("junk", [b"", b"not xml", b"<rss/>", b'{"items": 3}', b"\xff\xfe"])
def test_a_feed_file_that_is_not_ours_is_started_afresh(samples_dir: Path, junk: bytes) -> None:
    bundle = digest_bundle(sample_digest(samples_dir), Settings())
    for path in (DIGESTS_ATOM, DIGESTS_JSON):
        file = feed_file(bundle, path)
        assert file.content_for(junk) == file.content_for(None)


def test_feed_files_name_their_types_and_a_short_cache(samples_dir: Path) -> None:
    bundle = digest_bundle(sample_digest(samples_dir), Settings())
    assert {(f.path, f.content_type, f.cache_control) for f in bundle.files[1:]} == {
        (DIGESTS_ATOM, "application/atom+xml; charset=utf-8", "public, max-age=300"),
        (PAPERS_ATOM, "application/atom+xml; charset=utf-8", "public, max-age=300"),
        (DIGESTS_JSON, "application/feed+json; charset=utf-8", "public, max-age=300"),
        (PAPERS_JSON, "application/feed+json; charset=utf-8", "public, max-age=300"),
    }
    assert all(f.is_derived and not f.only for f in bundle.files[1:])  # every destination


def test_both_formats_carry_the_same_entries(samples_dir: Path) -> None:
    held = apply({}, digest_bundle(sample_digest(samples_dir), Settings()))
    for atom_path, json_path in ((DIGESTS_ATOM, DIGESTS_JSON), (PAPERS_ATOM, PAPERS_JSON)):
        from_atom, from_json = entries_in("atom", held[atom_path]), entries_in("json", held[json_path])
        assert [(e.id, e.title, e.content_html, e.updated) for e in from_atom] == [
            (e.id, e.title, e.content_html, e.updated) for e in from_json
        ]


def test_times_come_from_the_data_never_the_clock() -> None:
    digest = feed_hostile_digest(date(2026, 2, 11))
    post = OutputFile("_posts/x.md", b"---\ntitle: x\n---\n\n# x\n\nbody\n", "text/markdown")
    d = feeds.of(digest, post, Settings(timezone="UTC"), "en")
    assert (d.published.isoformat(), d.updated.isoformat()) == ("2026-02-11T09:15:00+00:00",) * 2
    read_later = feeds.of(digest, post, Settings(timezone="UTC"), "en", counts_read=date(2026, 2, 12))
    assert read_later.updated.isoformat() == "2026-02-12T09:15:00+00:00"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_feed_reader_never_sees_the_posts_own_markup_as_text(samples_dir: Path, lang: str) -> None:
    settings = Settings(lang=lang, bibtex=True)
    held = apply({}, digest_bundle(sample_digest(samples_dir, top_n=3), settings))
    atom_entry = feedparser.parse(held[f"feeds/hf-daily-papers.{lang}.atom"]).entries[0]
    [json_item] = entries_in("json", held[f"feeds/hf-daily-papers.{lang}.json"])
    for html in (atom_entry.content[0].value, json_item.content_html):
        shown = LexborHTMLParser(html).text()  # what a reader shows
        for markup in ("<details", 'markdown="', "<summary", "</details>", "<pre>", "{% raw"):
            assert markup not in shown
        doc = LexborHTMLParser(html)
        labels = [s.text() for s in doc.css("p > strong")]
        assert labels.count("초록" if lang == "ko" else "Abstract") == 3 and labels.count("BibTeX") == 3
        code = [c.text() for c in doc.css("pre > code")]
        assert len(code) == 3 and all(c.startswith("@misc{") and c.rstrip().endswith("}") for c in code)


def test_the_papers_feed_shows_the_summary_the_post_shows(samples_dir: Path) -> None:
    day = sample_digest(samples_dir, top_n=2)
    ours = replace(day.papers[0], summary=Summary("모달리티 차이를 줄이는 방법을 제안합니다.", "model", "v1"))
    held = apply({}, digest_bundle(replace(day, papers=(ours, day.papers[1])), Settings()))
    first, second = feedparser.parse(held[PAPERS_ATOM]).entries
    assert first.summary == "모달리티 차이를 줄이는 방법을 제안합니다."
    assert "<strong>요약</strong>: 모달리티 차이를 줄이는 방법을 제안합니다." in first.content[0].value
    assert (ours.ai_summary or "")[:30] not in first.content[0].value
    assert (
        "<strong>AI 요약 (영문)</strong>" in second.content[0].value
    )  # Hugging Face's, labelled as the post does
    assert "<strong>초록</strong>" in first.content[0].value and "Abstract" not in first.content[0].value


def test_a_weeks_entry_shows_its_chart_at_the_blogs_address(samples_dir: Path) -> None:
    from hf_digest.enrich import trends
    from hf_digest.rendering import render

    settings = Settings(feeds=True)
    week = week_digest(samples_dir)
    movement = trends.movement(week.span, week.papers, [])
    bundle = render.render(week, settings, "en", movement=movement)
    chart = "assets/img/hf-digest/2026-02-15-hf-weekly-papers-en.svg"
    assert bundle.files[1].path == chart
    for site_url, src in (
        ("https://you.github.io/blog", f"https://you.github.io/blog/{chart}"),
        (None, f"/{chart}"),
    ):
        extended = feeds.extend(bundle, week, settings, "en", site_url=site_url)
        atom = next(f for f in extended.files if f.path.endswith(".en.atom")).content_for(None).decode()
        assert f'&lt;img src="{src}" alt="2026-W07 top topics: papers per day" /&gt;' in atom
