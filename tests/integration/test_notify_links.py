"""A notification's link is the page a real Jekyll build makes of the post, for every kind and language."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hf_digest import config, render
from hf_digest.model import MONTHLY, WEEKLY, Digest, month, week
from hf_digest.notify.herald import message_for
from hf_digest.notify.links import page_path
from tests.helpers import SAMPLE_DAY, day_digest, jekyll_default_build

pytestmark = pytest.mark.jekyll


def test_each_posts_link_is_a_page_jekyll_built(tmp_path: Path, samples_dir: Path) -> None:
    settings = config.from_env({"DIGEST_SITE_URL": "https://blog.example.org/"})
    daily = day_digest(samples_dir, 10)
    digests: list[tuple[Digest, str]] = [
        (daily, "ko"),
        (replace(daily, span=week(2026, 7)), "en"),
        (replace(daily, span=month(2026, 2)), "ko"),
    ]
    files: dict[str, bytes] = {}
    pages: list[str] = []
    for digest, lang in digests:
        bundle = render.render(digest, settings, lang)
        files[bundle.files[0].path] = bundle.files[0].content
        categories = render.front_matter_values(digest.span, settings, lang)["categories"]
        pages.append(page_path(bundle.files[0].path, categories))
        link = message_for(digest, bundle, settings, lang).post_url
        assert link is not None and link.startswith("https://blog.example.org/") and " " not in link
    built = jekyll_default_build(tmp_path, files)
    assert sorted(pages) == built, (pages, built)
    assert pages[0] == f"/daily papers/일간/{SAMPLE_DAY:%Y/%m/%d}/hf-daily-papers.html"
    assert {d.span.kind for d, _ in digests[1:]} == {WEEKLY, MONTHLY}
