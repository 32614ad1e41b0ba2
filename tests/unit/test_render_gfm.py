"""GitHub's own Markdown (cmark-gfm, through cmarkgfm) shows our posts as Jekyll does: the folded abstract
keeps its <details>/<summary> shape, the text shows literally, links work, nothing from Hugging Face is HTML.

GitHub renders with cmark-gfm's GFM extensions and raw HTML allowed, then sanitizes (which keeps
<details> and <summary>): CMARK_OPT_UNSAFE here is that first step.
"""

from __future__ import annotations

import re
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options
from selectolax.lexbor import LexborHTMLParser, LexborNode

from hf_digest.config import Settings
from hf_digest.core.model import Digest
from hf_digest.rendering.render import render_post
from tests.helpers import (
    HOSTILE,
    LONG_TITLE,
    TYPOGRAPHY,
    assert_folded,
    children,
    day_digest,
    hostile_digest,
    split_post,
)


def github_html(digest: Digest, settings: Settings) -> LexborNode:
    """The post's body as github.com renders a Markdown file (the front matter it shows as a table)."""
    _, body = split_post(render_post(digest, settings).content.decode("utf-8"))
    html = cmarkgfm.github_flavored_markdown_to_html(body, options=Options.CMARK_OPT_UNSAFE)
    tree = LexborHTMLParser(f"<article>{html}</article>").css_first("article")
    assert tree is not None
    return tree


def test_github_shows_the_day_with_every_abstract_folded(samples_dir: Path) -> None:
    digest = day_digest(samples_dir, 10)
    page = github_html(digest, Settings())
    items = page.css("ol > li")
    assert len(items) == 10
    for item, paper in zip(items, digest.papers, strict=True):
        title = item.css_first("p > strong")
        assert title is not None and title.text() == paper.title
        assert item.css_first("ul") is not None, f"{paper.arxiv_id} lost its list of details"
        assert_folded(item, paper, "초록")
    assert not page.css("p details, p summary, summary p, details details")
    mova = page.css("ol > li")[1]
    assert "기관: OpenMOSS · 저자 SII-OpenMOSS Team 외 39명" in mova.text(deep=True)
    assert [a.attributes.get("href") for a in mova.css("ul > li")[1].css("a")] == [
        "https://huggingface.co/papers/2602.08794",
        "https://arxiv.org/abs/2602.08794",
        "https://github.com/OpenMOSS/MOVA",
        "https://mosi.cn/models/mova",
    ]
    assert "⭐ 521" in mova.text(deep=True) and "⭐ 0" not in page.text(deep=True)


def test_github_shows_hostile_text_as_text() -> None:
    digest = hostile_digest()
    page = github_html(digest, Settings(lang="en"))
    assert not page.css("script, table, em, code, del, pre, blockquote, h3, h4, h5, h6, b, img")
    items = page.css("ol > li")
    assert len(items) == len(digest.papers)
    for item, paper in zip(items, digest.papers, strict=True):
        assert_folded(item, paper, "Abstract")
    titles = [s.text() for s in page.css("ol > li > p > strong")]
    assert titles == [t.replace("$\\times$", "×") for t in HOSTILE] + [LONG_TITLE.strip()]
    text = page.text(deep=True).translate(TYPOGRAPHY)
    assert "{{ site.title }}" in text and "<script>alert(1)</script>" in text and "this https URL" not in text
    hrefs = [a.attributes.get("href") or "" for a in page.css("a")]
    assert hrefs and all(re.match(r"https?://", h) for h in hrefs)
    # The only raw HTML in the page is ours: one fold per paper.
    assert len(page.css("details")) == len(page.css("summary")) == len(digest.papers)
    # No heading: every Jekyll layout shows the title already.
    assert [child.tag for child in children(page)] == ["p", "h2", "ol"]
