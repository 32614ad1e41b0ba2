"""Every page `permalink.page_path` predicts is the page a real `jekyll build` writes, for daily, weekly and
monthly posts in both languages, under every permalink style, Chirpy's, custom ones and other time zones."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from hf_digest import config
from hf_digest.core.model import month, week
from hf_digest.core.permalink import front_matter, page_file, page_path, read_config
from hf_digest.rendering import render
from tests.helpers import day_digest

pytestmark = pytest.mark.jekyll

CASES = {
    "date": "permalink: date\n",
    "pretty": "permalink: pretty\n",
    "ordinal": "permalink: ordinal\n",
    "weekdate": "permalink: weekdate\n",
    "none": "permalink: none\n",
    "chirpy": "defaults:\n  - scope: {path: '', type: posts}\n    values: {permalink: /posts/:title/}\n",
    "custom": "permalink: /:year/:month/:day/:title/\n",
    "categories": "permalink: /:slugified_categories/:i_month/:slug:output_ext\n",
    "los-angeles": "permalink: /:year/:month/:day/:title/\ntimezone: America/Los_Angeles\n",
}


@pytest.fixture(scope="module")
def posts(samples_dir: Path) -> dict[str, bytes]:
    """Two days, a week and a month, each in Korean and English, as the digest writes them."""
    settings = config.from_env({})
    files: dict[str, bytes] = {}
    daily = day_digest(samples_dir, 10)
    next_day = replace(
        daily,
        span=replace(
            daily.span, first=daily.day.replace(day=11), last=daily.day.replace(day=11), key="2026-02-11"
        ),
    )
    for digest in (daily, next_day, replace(daily, span=week(2026, 7)), replace(daily, span=month(2026, 2))):
        for lang in ("ko", "en"):
            post = render.render(digest, settings, lang).files[0]
            files[post.path] = post.content
    return files


def build(
    root: Path, site_config: str, files: dict[str, bytes], env: dict[str, str] | None = None
) -> tuple[set[str], str]:
    """`jekyll build` of files in a bare site with site_config: the files it wrote and what it printed."""
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not on PATH (Debian: apt-get install -y jekyll)")
    source, dest = root / "site", root / "public"
    source.mkdir(parents=True)
    (source / "_config.yml").write_text(f"title: blog\n{site_config}", encoding="utf-8")
    for path, content in files.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(content)
    done = subprocess.run(
        [jekyll, "build", "--safe", "-s", str(source), "-d", str(dest)],
        capture_output=True, text=True, timeout=120, cwd=root, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return {str(p.relative_to(dest)) for p in dest.rglob("*.html")}, done.stdout + done.stderr


@pytest.mark.parametrize("case", CASES)
def test_each_post_gets_the_page_we_predict(tmp_path: Path, posts: dict[str, bytes], case: str) -> None:
    blog = read_config(CASES[case].encode())
    predicted = {page_file(page_path(path, front_matter(content), blog)) for path, content in posts.items()}
    built, printed = build(tmp_path, CASES[case], posts)
    assert "Conflict" not in printed
    assert len(predicted) == len(posts) == 8  # one page per post
    assert predicted == built


def test_the_sites_time_zone_wins_over_the_machines(tmp_path: Path, posts: dict[str, bytes]) -> None:
    site = "permalink: /:year/:month/:day/:title/\ntimezone: Asia/Seoul\n"
    blog = read_config(site.encode())
    predicted = {page_file(page_path(path, front_matter(content), blog)) for path, content in posts.items()}
    built, _ = build(tmp_path, site, posts, {"TZ": "America/Los_Angeles"})
    assert predicted == built
    assert "2026/02/10/2026-02-10-hf-daily-papers/index.html" in built
