"""The static site's pages: an index kept across runs, a page per digest, escaped text, nothing external."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from hf_digest import site
from hf_digest.config import Settings
from hf_digest.model import Bundle
from tests.helpers import (
    FEED_HOSTILE_TITLES,
    digest_bundle,
    feed_hostile_digest,
    first,
    sample_digest,
    week_digest,
)

SITE = Settings(site=True)


def apply(held: dict[str, bytes], *bundles: Bundle) -> dict[str, bytes]:
    for bundle in bundles:
        for file in bundle.files_for("s3"):
            held[file.path] = file.content_for(held.get(file.source))
    return held


def page(data: bytes) -> LexborHTMLParser:
    return LexborHTMLParser(data.decode("utf-8"))


def test_the_site_is_written_for_s3_only_with_types_and_caches(samples_dir: Path) -> None:
    bundle = digest_bundle(sample_digest(samples_dir), SITE)
    site_files = [f for f in bundle.files if f.only]
    css_path = site.stylesheet()[0]
    assert [(f.path, f.content_type, f.cache_control) for f in site_files] == [
        ("daily/2026-02-10.html", "text/html; charset=utf-8", "public, max-age=86400"),
        (css_path, "text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        ("404.html", "text/html; charset=utf-8", "public, max-age=300"),
        ("site/index.json", "application/json", "public, max-age=300"),
        ("index.html", "text/html; charset=utf-8", "public, max-age=300"),
    ]
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
