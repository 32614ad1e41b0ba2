"""The static site's pages: an index kept across runs, a page per digest, escaped text, nothing external."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from hf_digest.config import Settings
from hf_digest.core.model import Bundle, Summary
from hf_digest.rendering import site
from hf_digest.rendering.feeds.content import LABELS
from tests.helpers import (
    FEED_HOSTILE_TITLES,
    digest_bundle,
    feed_hostile_digest,
    first,
    publish_to,
    sample_digest,
    week_digest,
    with_upvotes,
)

SITE = Settings(site=True)


def apply(held: dict[str, bytes], *bundles: Bundle) -> dict[str, bytes]:
    for bundle in bundles:
        publish_to(held, bundle)
    return held


def page(data: bytes) -> LexborHTMLParser:
    return LexborHTMLParser(data.decode("utf-8"))


def test_the_site_is_written_for_s3_only_with_types_and_caches(samples_dir: Path) -> None:
    bundle = digest_bundle(sample_digest(samples_dir), SITE)
    site_files = [f for f in bundle.files if f.only]
    css_path = site.stylesheet()[0]
    assert [(f.path, f.content_type, f.cache_control) for f in site_files] == [
        (css_path, "text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        ("404.html", "text/html; charset=utf-8", "public, max-age=300"),
        ("site/index.json", "application/json", "public, max-age=300"),
        ("index.html", "text/html; charset=utf-8", "public, max-age=300"),
        ("en/index.html", "text/html; charset=utf-8", "public, max-age=300"),
        ("daily/2026-02-10.html", "text/html; charset=utf-8", "public, max-age=86400"),
        ("en/daily/2026-02-10.html", "text/html; charset=utf-8", "public, max-age=86400"),
    ]
    # English pages are only amended, where there are some
    assert [f.path for f in site_files if f.amends] == ["en/index.html", "en/daily/2026-02-10.html"]
    assert all(f.only == ("s3",) for f in site_files)
    assert [f.path for f in bundle.files_for("github")] == [f.path for f in bundle.files if not f.only]
    assert css_path.startswith("assets/site-") and css_path.endswith(".css")
    assert [f.path for f in digest_bundle(sample_digest(samples_dir), Settings()).files if f.only] == []


def test_the_index_lists_every_digest_newest_first_with_its_top_paper(samples_dir: Path) -> None:
    days = ("2026-02-11", "2026-02-09", "2026-02-13", "2026-02-10")  # out of order, as a backfill
    held = apply({}, *(digest_bundle(sample_digest(samples_dir, d), SITE) for d in days))
    held = apply(held, digest_bundle(week_digest(samples_dir), SITE))

    rows = page(held["index.html"]).css("ol.digests > li")
    assert [first(row, "a.title").text() for row in rows] == [
        "Hugging Face Weekly Papers - 2026-W07",
        "Hugging Face Daily Papers - 2026-02-13",
        "Hugging Face Daily Papers - 2026-02-11",
        "Hugging Face Daily Papers - 2026-02-10",
        "Hugging Face Daily Papers - 2026-02-09",
    ]
    assert first(rows[3], "a.title").attributes["href"] == "daily/2026-02-10.html"
    top = sample_digest(samples_dir, "2026-02-10").papers[0]
    assert f"1위: {top.title} · 👍 {top.upvotes}" in " ".join(first(rows[3], "p.top").text().split())
    total = sample_digest(samples_dir, "2026-02-10").total
    assert first(rows[3], ".count").text() == f"{total}개 중 10개"
    manifest = json.loads(held["site/index.json"])
    assert [(d["kind"], d["key"]) for d in manifest["digests"]][:2] == [
        ("weekly", "2026-W07"),
        ("daily", "2026-02-13"),
    ]


def test_a_refreshed_day_replaces_its_row_and_a_rerun_changes_nothing(samples_dir: Path) -> None:
    held = apply(
        {}, *(digest_bundle(sample_digest(samples_dir, d), SITE) for d in ("2026-02-09", "2026-02-10"))
    )
    snapshot = dict(held)
    assert apply(dict(held), digest_bundle(sample_digest(samples_dir, "2026-02-09"), SITE)) == snapshot
    refreshed = apply(dict(held), digest_bundle(sample_digest(samples_dir, "2026-02-09", top_n=3), SITE))
    assert len(json.loads(refreshed["site/index.json"])["digests"]) == 2
    assert "26개 중 3개" in page(refreshed["index.html"]).text()


@pytest.mark.parametrize("junk", [b"", b"<html>", b'{"digests": [{"kind": 1}]}', b"[]"])
def test_a_manifest_that_is_not_ours_starts_a_new_index(samples_dir: Path, junk: bytes) -> None:
    bundle = digest_bundle(sample_digest(samples_dir), SITE)
    manifest = next(f for f in bundle.files if f.path == "site/index.json")
    assert manifest.content_for(junk) == manifest.content_for(None)


def test_a_day_page_shows_every_paper_with_its_links_and_a_lazy_thumbnail(samples_dir: Path) -> None:
    digest = sample_digest(samples_dir)
    held = apply({}, digest_bundle(digest, SITE, counts_read=date(2026, 2, 12)))
    doc = page(held["daily/2026-02-10.html"])
    cards = doc.css("li.paper")
    assert len(cards) == 10
    for card, paper in zip(cards, digest.papers, strict=True):
        title = first(card, "h2 a")
        assert (title.text(), title.attributes["href"]) == (paper.title, paper.hf_url)
        hrefs = [a.attributes["href"] for a in card.css(".links a")]
        assert paper.arxiv_url in hrefs
        img = first(card, "img.thumb")
        assert img.attributes == {
            "class": "thumb",
            "src": paper.thumbnail,
            "alt": "",
            "loading": "lazy",
            "decoding": "async",
            "width": "1200",
            "height": "630",
        }
    assert "좋아요 수는 2026-02-12 기준" in first(doc, "p.lead").text()
    assert first(doc, "html").attributes["lang"] == "ko"


def test_every_page_links_the_feeds_and_needs_nothing_from_elsewhere(samples_dir: Path) -> None:
    held = apply(
        {}, digest_bundle(sample_digest(samples_dir), SITE), digest_bundle(week_digest(samples_dir), SITE)
    )
    for path in ("index.html", "daily/2026-02-10.html", "weekly/2026-W07.html", "404.html"):
        doc = page(held[path])
        root = {"index.html": "", "404.html": "/"}.get(path, "../")
        alternates = [
            (link.attributes["type"], link.attributes["href"]) for link in doc.css('link[rel="alternate"]')
        ]
        assert alternates == [
            ("application/atom+xml", f"{root}feeds/hf-daily-papers.ko.atom"),
            ("application/feed+json", f"{root}feeds/hf-daily-papers.ko.json"),
            ("application/atom+xml", f"{root}feeds/hf-papers.ko.atom"),
            ("application/feed+json", f"{root}feeds/hf-papers.ko.json"),
        ]
        assert doc.css("script") == []
        [css] = doc.css('link[rel="stylesheet"]')
        assert css.attributes["href"] == root + site.stylesheet()[0]
        assert [
            i.attributes["src"]
            for i in doc.css("img")
            if not (i.attributes["src"] or "").startswith("https://cdn-")
        ] == []
    no_feeds = apply({}, digest_bundle(sample_digest(samples_dir), Settings(site=True, feeds=False)))
    assert page(no_feeds["index.html"]).css('link[rel="alternate"]') == []


def test_hostile_text_is_shown_as_text_never_as_markup() -> None:
    held = apply({}, digest_bundle(feed_hostile_digest(), Settings(site=True, lang="en")))
    raw = held["daily/2026-02-11.html"].decode()
    assert "<script>" not in raw and "<b>bold" not in raw and "<img src=x" not in raw
    doc = page(held["daily/2026-02-11.html"])
    assert [h.text() for h in doc.css("h2 a")] == list(FEED_HOSTILE_TITLES)
    assert "javascript:" not in " ".join(a.attributes.get("href") or "" for a in doc.css("a"))
    index = page(held["index.html"])
    assert first(index, "p.top a").text() == FEED_HOSTILE_TITLES[0]
    assert first(doc, "html").attributes["lang"] == "en"


def test_the_stylesheet_has_a_dark_scheme_and_no_outside_fonts() -> None:
    _, css = site.stylesheet()
    text = css.decode()
    assert "@media (prefers-color-scheme: dark)" in text
    assert "@import" not in text and "url(" not in text and "@font-face" not in text
    assert len(css) < 8_000


def languages_of(
    doc: LexborHTMLParser | LexborNode, selector: str = "p.languages a"
) -> list[tuple[str, str]]:
    return [(a.attributes["hreflang"] or "", a.attributes["href"] or "") for a in doc.css(selector)]


@pytest.mark.parametrize("order", [("ko", "en"), ("en", "ko")])
def test_each_language_has_its_own_page_and_each_links_to_the_other(
    samples_dir: Path, order: tuple[str, str]
) -> None:
    digest = sample_digest(samples_dir)
    held: dict[str, bytes] = {}
    apply(held, digest_bundle(digest, SITE, counts_read=date(2026, 2, 12), lang=order[0]))
    pages = sorted(p for p in held if p.endswith(".html"))
    prefix = "" if order[0] == "ko" else "en/"
    # one language run alone makes nothing in the other: no empty index, no stub page
    assert pages == sorted(["404.html", f"{prefix}index.html", f"{prefix}daily/2026-02-10.html"])
    apply(held, digest_bundle(digest, SITE, counts_read=date(2026, 2, 12), lang=order[1]))

    korean, english = page(held["daily/2026-02-10.html"]), page(held["en/daily/2026-02-10.html"])
    assert first(korean, "html").attributes["lang"] == "ko"  # the Korean page stays where it was
    assert first(english, "html").attributes["lang"] == "en"
    assert languages_of(korean) == [("en", "../en/daily/2026-02-10.html")]
    assert languages_of(english) == [("ko", "../../daily/2026-02-10.html")]
    assert first(english, "nav a").attributes["href"] == "../../en/index.html"  # the English index
    assert first(english, 'link[rel="stylesheet"]').attributes["href"] == "../../" + site.stylesheet()[0]

    for path, lang, other in (("index.html", "ko", ("en", "en/daily/2026-02-10.html")),
                              ("en/index.html", "en", ("ko", "../daily/2026-02-10.html"))):  # fmt: skip
        index = page(held[path])
        assert first(index, "html").attributes["lang"] == lang
        [row] = index.css("ol.digests > li")
        assert languages_of(row, "a.language") == [other]
    assert first(page(held["en/index.html"]), "a.title").attributes["href"] == "../en/daily/2026-02-10.html"
    manifest = json.loads(held["site/index.json"])["digests"]
    assert sorted((d["lang"], d["page"]) for d in manifest) == [
        ("en", "en/daily/2026-02-10.html"),
        ("ko", "daily/2026-02-10.html"),
    ]
    assert first(page(held["404.html"]), "html").attributes["lang"] == "ko"  # the site's own language


def test_a_rerun_or_a_refresh_with_the_same_numbers_rewrites_no_page_in_either_language(
    samples_dir: Path,
) -> None:
    digest = sample_digest(samples_dir)
    held: dict[str, bytes] = {}
    for lang in ("ko", "en"):
        apply(held, digest_bundle(digest, SITE, counts_read=date(2026, 2, 12), lang=lang))
    before = dict(held)
    for lang in ("ko", "en"):
        apply(held, digest_bundle(digest, SITE, counts_read=date(2026, 2, 12), lang=lang))
        apply(held, digest_bundle(digest, SITE, counts_read=date(2026, 2, 16), lang=lang))
    site_paths = [p for p in before if not p.startswith(("_posts/", "feeds/"))]
    assert {p: held[p] for p in site_paths} == {p: before[p] for p in site_paths}
    moved = apply(held, digest_bundle(with_upvotes(digest, 3), SITE, counts_read=date(2026, 2, 17)))
    refreshed = page(moved["daily/2026-02-10.html"])
    assert f"👍 {digest.papers[0].upvotes + 3}" in refreshed.text()
    assert languages_of(refreshed) == [("en", "../en/daily/2026-02-10.html")]  # the link survives


def test_english_as_the_sites_language_keeps_english_at_the_root(samples_dir: Path) -> None:
    settings = Settings(site=True, lang="en")
    digest = sample_digest(samples_dir)
    held = apply({}, *(digest_bundle(digest, settings, lang=lang) for lang in ("en", "ko")))
    assert first(page(held["daily/2026-02-10.html"]), "html").attributes["lang"] == "en"
    assert first(page(held["ko/daily/2026-02-10.html"]), "html").attributes["lang"] == "ko"
    assert first(page(held["ko/index.html"]), "p.languages a").attributes["href"] == "../index.html"


def test_a_manifest_and_pages_from_before_languages_keep_working(samples_dir: Path) -> None:
    held = apply({}, digest_bundle(sample_digest(samples_dir, "2026-02-09"), SITE))
    old = json.loads(held["site/index.json"])
    for entry in old["digests"]:
        del entry["lang"]  # as the manifest was written before
    held["site/index.json"] = json.dumps(old).encode()
    old_page = held["daily/2026-02-09.html"].replace(b'<p class="languages"></p>\n', b"")
    held["daily/2026-02-09.html"] = old_page

    apply(held, digest_bundle(sample_digest(samples_dir, "2026-02-09"), SITE, lang="en"))
    assert held["daily/2026-02-09.html"] == old_page  # not ours to edit in place: left as it was
    rows = page(held["index.html"]).css("ol.digests > li")
    assert [languages_of(row, "a.language") for row in rows] == [[("en", "en/daily/2026-02-09.html")]]


def test_korean_pages_say_everything_in_korean() -> None:
    hangul = re.compile("[\uac00-\ud7a3]")
    names = {"Hugging Face Daily Papers", "Atom", "JSON Feed", "huggingface.co/papers"}
    for key, label in site.WORDS["ko"].items():
        assert hangul.search(label) or label in names or label.startswith("←"), key
    for key, label in LABELS["ko"].items():
        assert hangul.search(label), key


def test_the_site_shows_the_summary_the_post_shows(samples_dir: Path) -> None:
    digest = sample_digest(samples_dir, top_n=3)
    ours = replace(digest.papers[0], summary=Summary("한국어 요약입니다.", "model", "v1"))
    digest = replace(digest, papers=(ours, *digest.papers[1:]))
    held = apply({}, digest_bundle(digest, SITE))
    post = held["_posts/2026-02-10-hf-daily-papers.md"].decode()
    cards = page(held["daily/2026-02-10.html"]).css("li.paper")
    assert first(cards[0], "p.summary").text() == "요약 한국어 요약입니다."
    assert "- 요약: 한국어 요약입니다." in post
    assert (digest.papers[0].ai_summary or "")[:30] not in cards[0].text()
    assert (
        first(cards[1], "p.summary strong").text() == "AI 요약 (영문)"
    )  # Hugging Face's, as the post labels it
    assert first(cards[1], "details summary").text() == "초록"


def test_a_weeks_page_shows_its_chart_from_the_file_beside_the_post(samples_dir: Path) -> None:
    from hf_digest.enrich import trends
    from hf_digest.rendering import feeds, render

    week = week_digest(samples_dir, top_n=0)
    movement = trends.movement(week.span, week.papers, [])
    bundle = feeds.extend(render.render(week, SITE, "ko", movement=movement), week, SITE, "ko")
    held = apply({}, bundle)
    chart = "assets/img/hf-digest/2026-02-15-hf-weekly-papers.svg"
    assert held[chart].startswith(b"<svg ")  # written to S3 with the post
    [img] = page(held["weekly/2026-W07.html"]).css("figure.chart img")
    assert img.attributes["src"] == "../" + chart  # relative to the page, so a bucket prefix keeps it
    assert img.attributes["alt"] == "2026-W07 주요 주제: 날짜별 논문 수"
    daily = apply({}, digest_bundle(sample_digest(samples_dir), SITE))
    assert not page(daily["daily/2026-02-10.html"]).css("figure.chart")  # a day has no chart
