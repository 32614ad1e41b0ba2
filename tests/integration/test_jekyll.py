"""A real `jekyll build` (Liquid, then kramdown) shows our posts, hostile text included, as plain text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from hf_digest.config import Settings
from tests.helpers import (
    HOSTILE,
    LONG_TITLE,
    QUOTES,
    SITE_TITLE,
    article,
    assert_folded,
    build_site,
    day_digest,
    hostile_digest,
    page,
    visible,
)

pytestmark = pytest.mark.jekyll

HOSTILE_DAY = date(2026, 2, 11)


def field(tree: LexborHTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    assert node is not None
    return node.text()


@pytest.mark.parametrize("kramdown_input", ["GFM", "kramdown"])
def test_jekyll_shows_every_post_as_text(tmp_path: Path, samples_dir: Path, kramdown_input: str) -> None:
    daily = day_digest(samples_dir, 10)
    hostile = hostile_digest(HOSTILE_DAY)
    author = '{{ site.title }}: "lim" #1 [x] {y} - *&!%@`'
    dest = build_site(
        tmp_path,
        [
            (daily, Settings(author="lim4349")),
            (hostile, Settings(lang="en", author=author, categories=(author,))),
        ],
        kramdown_input,
    )

    control = article(dest, date(2026, 2, 9), "control")
    assert SITE_TITLE in control.text() and control.css("em") and control.css("table")

    tree = page(dest, daily.day)
    assert (field(tree, "#date"), field(tree, "#author")) == ("2026-02-10 09:15:00 +0900", "lim4349")
    tree = page(dest, HOSTILE_DAY)
    assert (field(tree, "#date"), field(tree, "#author")) == ("2026-02-11 09:15:00 +0900", author)

    post = article(dest, daily.day)
    text = visible(post)
    for paper in daily.papers:
        assert paper.title in text
    assert "총 33개 논문 중 좋아요 상위 10개를 소개합니다." in text
    items = post.css("ol > li")
    assert len(items) == 10
    assert all(item.css_first("ul") is not None for item in items), "an item lost its details list"
    for item, paper in zip(items, daily.papers, strict=True):
        [line] = [li for li in item.css("ul > li") if li.css_first(f'a[href="{paper.hf_url}"]')]
        expected = [paper.hf_url, paper.arxiv_url, paper.github_url, paper.project_page]
        assert [a.attributes.get("href") for a in line.css("a")] == [url for url in expected if url]
        assert_folded(item, paper, "초록")
    assert not post.css("em, table, script, code, del, pre")

    node = article(dest, HOSTILE_DAY)
    text = visible(node)
    for shown in HOSTILE:
        if shown != "$\\times$ faster":
            assert shown in text, shown
    assert "× faster" in text and "$a_b_c$" in text and "$$x^2$$" in text
    assert LONG_TITLE.strip() in text
    assert SITE_TITLE not in text
    assert not node.css("script, table, em, code, del, pre, blockquote, math, h3, h4, h5, h6")
    # The layout's heading is the only one with the title: the post itself does not repeat it.
    assert [h.text() for h in node.css("h1, h2")] == ["📊 Ranked by upvotes"]
    titles = page(dest, HOSTILE_DAY).css("h1")
    assert [h.text() for h in titles] == ["Hugging Face Daily Papers - 2026-02-11"]
    assert len(node.css("ol > li")) == len(hostile.papers)
    for item, paper in zip(node.css("ol > li"), hostile.papers, strict=True):
        assert_folded(item, paper, "Abstract")
    strong = [s.text().translate(QUOTES) for s in node.css("ol > li > strong, ol > li > p > strong")]
    assert strong[: len(HOSTILE)] == [t.replace("$\\times$", "×") for t in HOSTILE]
    hrefs = [a.attributes.get("href") or "" for a in node.css("a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "https://arxiv.org/abs/2602.00001" in hrefs
    assert "this https URL" not in text
