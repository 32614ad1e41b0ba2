"""A real `jekyll build` (Liquid, then kramdown) shows our posts, hostile text included, as plain text."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser, LexborNode

from hf_digest.config import Settings
from hf_digest.model import Digest
from hf_digest.render import render_post
from tests.helpers import assert_folded
from tests.unit.test_render import HOSTILE, LONG_TITLE, day_digest, hostile_digest

pytestmark = pytest.mark.jekyll

SITE_TITLE = "Sentinel Site Title 7f3a"


def site_config(kramdown_input: str) -> str:
    return yaml.safe_dump(
        {
            "title": SITE_TITLE,
            "markdown": "kramdown",
            "kramdown": {"input": kramdown_input},
            "timezone": "Asia/Seoul",
            "permalink": "/:year/:month/:day/:title.html",
            "defaults": [{"scope": {"path": "", "type": "posts"}, "values": {"layout": "post"}}],
        }
    )


LAYOUT = """<!DOCTYPE html>
<html><head><title>{{ page.title }}</title></head>
<body><h1 id="page-title">{{ page.title }}</h1>
<p id="date">{{ page.date | date: "%Y-%m-%d %H:%M:%S %z" }}</p>
<p id="author">{{ page.author | xml_escape }}</p>
<article id="post">{{ content }}</article></body></html>
"""
CONTROL = "---\ntitle: control\n---\n{{ site.title }} and *emphasis* | a | b |\n"
# kramdown's typographic quotes are the only change a reader sees; map them back to compare.
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
HOSTILE_DAY = date(2026, 2, 11)


def build_site(tmp_path: Path, posts: list[tuple[Digest, Settings]], kramdown_input: str) -> Path:
    """A real Jekyll build of the posts rendered from these digests."""
    rendered = [render_post(digest, settings) for digest, settings in posts]
    return jekyll_build(tmp_path, {post.path: post.content for post in rendered}, kramdown_input)


def jekyll_build(tmp_path: Path, posts: dict[str, bytes], kramdown_input: str) -> Path:
    """A real `jekyll build --safe` of these posts (path -> bytes) beside a control post; the built site."""
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not on PATH (Debian: apt-get install -y jekyll)")
    source, dest = tmp_path / "site", tmp_path / "public"
    (source / "_layouts").mkdir(parents=True)
    (source / "_config.yml").write_text(site_config(kramdown_input), encoding="utf-8")
    (source / "_layouts" / "post.html").write_text(LAYOUT, encoding="utf-8")
    for path, content in posts.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(content)
    # A control post of raw Markdown: proves Liquid and kramdown really run on posts in this site.
    (source / "_posts" / "2026-02-09-control.md").write_text(CONTROL, encoding="utf-8")
    done = subprocess.run(
        [jekyll, "build", "--safe", "-s", str(source), "-d", str(dest)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return dest


def page(dest: Path, day: date, slug: str = "hf-daily-papers") -> LexborHTMLParser:
    path = dest / f"{day:%Y/%m/%d}" / f"{slug}.html"
    assert path.is_file(), f"no page at {path.relative_to(dest)}: {sorted(map(str, dest.rglob('*.html')))}"
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def article(dest: Path, day: date, slug: str = "hf-daily-papers") -> LexborNode:
    node = page(dest, day, slug).css_first("article#post")
    assert node is not None
    return node


def field(tree: LexborHTMLParser, selector: str) -> str:
    node = tree.css_first(selector)
    assert node is not None
    return node.text()


def visible(node: LexborNode) -> str:
    return node.text(deep=True).translate(QUOTES)  # selectolax already decodes entities


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
    assert [h.text() for h in node.css("h1, h2")] == [
        "Hugging Face Daily Papers - 2026-02-11",
        "📊 Ranked by upvotes",
    ]
    assert len(node.css("ol > li")) == len(hostile.papers)
    for item, paper in zip(node.css("ol > li"), hostile.papers, strict=True):
        assert_folded(item, paper, "Abstract")
    strong = [s.text().translate(QUOTES) for s in node.css("ol > li > strong, ol > li > p > strong")]
    assert strong[: len(HOSTILE)] == [t.replace("$\\times$", "×") for t in HOSTILE]
    hrefs = [a.attributes.get("href") or "" for a in node.css("a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "https://arxiv.org/abs/2602.00001" in hrefs
    assert "this https URL" not in text
