"""A post's page as Jekyll 4.3 computes it, from the blog's _config.yml; tests/integration/test_permalinks.py
checks every case here against a real `jekyll build`."""

from __future__ import annotations

import pytest

from hf_digest import config
from hf_digest.core.model import day_span
from hf_digest.core.outcomes import Status
from hf_digest.core.permalink import UNREAD, Blog, page_file, page_path, post_url, read_config
from hf_digest.rendering import render
from hf_digest.runs.result import DigestResult
from tests.helpers import SAMPLE_DAY

CHIRPY = b"""
url: 'https://you.github.io/'
baseurl: ''
timezone: America/Mexico_City
defaults:
  - scope:
      path: ''
      type: posts
    values:
      layout: post
      permalink: /posts/:title/
  - scope:
      path: ''
      type: tabs
    values:
      permalink: /:title/
"""
DAILY = "_posts/2026-02-10-hf-daily-papers.md"
FRONT = {"date": "2026-02-10 09:15:00 +0900", "categories": ["Daily Papers", "일간"]}


def test_our_posts_name_their_slug_after_their_file() -> None:
    settings = config.from_env({})
    for lang, path in (("ko", DAILY), ("en", "_posts/2026-02-10-hf-daily-papers-en.md")):
        values = render.front_matter_values(day_span(SAMPLE_DAY), settings, lang)
        assert values["slug"] == path.removeprefix("_posts/").removesuffix(".md")


def test_chirpy_gives_every_post_its_own_page_under_posts() -> None:
    blog = read_config(CHIRPY)
    assert (blog.base_url, blog.posts_permalink, blog.timezone) == (
        "https://you.github.io",
        "/posts/:title/",
        "America/Mexico_City",
    )
    # Without a slug every day shares /posts/hf-daily-papers/: the conflict this module exists for.
    assert page_path(DAILY, FRONT, blog) == "/posts/hf-daily-papers/"
    slugged = {**FRONT, "slug": "2026-02-10-hf-daily-papers"}
    assert page_path(DAILY, slugged, blog) == "/posts/2026-02-10-hf-daily-papers/"
    assert page_file("/posts/2026-02-10-hf-daily-papers/") == "posts/2026-02-10-hf-daily-papers/index.html"


def test_jekylls_default_keeps_categories_and_the_files_date() -> None:
    blog = read_config(None)
    assert page_path(DAILY, FRONT, blog) == "/daily papers/일간/2026/02/10/hf-daily-papers.html"
    assert (
        page_path("_posts/2026-02-10-x.md", {"categories": ["A", "a", "B"]}, blog) == "/a/b/2026/02/10/x.html"
    )
    assert page_path("blog/_posts/2026-02-10-x.md", {}, blog) == "/blog/2026/02/10/x.html"
    assert page_path("daily/2026-02-10.md", FRONT, blog) == "/daily/2026-02-10.html"


@pytest.mark.parametrize(
    ("style", "page"),
    [
        ("pretty", "/daily papers/일간/2026/02/10/s/"),
        ("ordinal", "/daily papers/일간/2026/041/s.html"),
        ("weekdate", "/daily papers/일간/2026/W07/Tue/s.html"),
        ("none", "/daily papers/일간/s.html"),
        ("/:year/:month/:day/:title/", "/2026/02/10/s/"),
        ("/:slugified_categories/:i_month/:i_day/:slug:output_ext", "/daily-papers/일간/2/10/s.html"),
    ],
)
def test_every_style_and_template(style: str, page: str) -> None:
    blog = read_config(f"permalink: {style}\n".encode())
    assert page_path(DAILY, {**FRONT, "slug": "s"}, blog) == page


def test_the_date_is_read_in_the_blogs_time_zone() -> None:
    # 09:15 in Seoul is the evening before in Los Angeles: Jekyll files the post under the 9th there.
    late = read_config(b"permalink: /:year/:month/:day/:title/\ntimezone: America/Los_Angeles\n")
    assert page_path(DAILY, {**FRONT, "slug": "s"}, late) == "/2026/02/09/s/"
    utc = read_config(b"permalink: /:year/:month/:day/:title/\n")
    assert page_path(DAILY, {**FRONT, "slug": "s"}, utc) == "/2026/02/10/s/"


def test_the_most_specific_default_wins_and_a_posts_own_permalink_wins_over_all() -> None:
    text = b"""
permalink: pretty
defaults:
  - scope: {path: "_posts", type: posts}
    values: {permalink: /specific/:title/}
  - scope: {path: ""}
    values: {permalink: /general/:title/}
  - scope: {path: "", type: pages}
    values: {permalink: /pages/:title/}
"""
    blog = read_config(text)
    assert page_path(DAILY, {"slug": "s"}, blog) == "/specific/s/"
    assert page_path(DAILY, {"slug": "s", "permalink": "/own/:title.html"}, blog) == "/own/s.html"
    listed = read_config(b"collections:\n  posts:\n    permalink: /c/:title/\n")
    assert page_path(DAILY, {"slug": "s"}, listed) == "/c/s/"


def test_overrides_win_over_the_config() -> None:
    blog = read_config(CHIRPY).overridden("https://papers.example.com/blog", "date")
    assert blog.base_url == "https://papers.example.com/blog"
    assert page_path(DAILY, {**FRONT, "slug": "s"}, blog) == "/daily papers/일간/2026/02/09/s.html"
    assert read_config(b"url: https://x.example\nbaseurl: /blog/\n").base_url == "https://x.example/blog"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (b"permalink: [unclosed\n", "is not YAML"),
        (b"- a list\n", "is not a YAML mapping"),
        (b"permalink: /:year/:nope/:title/\n", ":nope"),
        (b"timezone: Mars/Olympus\n", "Mars/Olympus"),
        (b"\xff\xfe", "is not YAML"),
    ],
)
def test_a_config_jekyll_cannot_use_is_one_line_saying_why(text: bytes, says: str) -> None:
    with pytest.raises(ValueError, match=says) as caught:
        read_config(text, where="github: _config.yml")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("github: _config.yml")


def test_a_post_url_is_percent_encoded_and_needs_a_site() -> None:
    assert post_url(None, "/x.html") is None
    daily = page_path(DAILY, FRONT, Blog())
    assert post_url("https://b.example/", daily) == (
        "https://b.example/daily%20papers/%EC%9D%BC%EA%B0%84/2026/02/10/hf-daily-papers.html"
    )
    assert post_url("https://b.example/blog/", "/2026/02/10/논문 (1).html") == (
        "https://b.example/blog/2026/02/10/%EB%85%BC%EB%AC%B8%20%281%29.html"
    )


def test_a_config_left_unread_is_counted() -> None:
    counted: list[str] = []

    class Metrics:
        def add_metric(self, name: str, unit: object, value: float) -> None:
            counted.append(name)

        def add_metadata(self, key: str, value: object) -> None:
            pass

    warning = f"{UNREAD} (local: _config.yml is not YAML); links follow Jekyll's default permalink"
    DigestResult(day_span(SAMPLE_DAY), Status.PUBLISHED, warnings=(warning,)).record(Metrics())
    DigestResult(day_span(SAMPLE_DAY), Status.PUBLISHED).record(Metrics())
    assert counted.count("BlogConfigUnread") == 1
