"""DIGEST_BIBTEX=on: each entry behind a <details>, shown by a real `jekyll build` exactly as built."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hf_digest.config import Settings
from hf_digest.topics.bibtex import entry
from tests.helpers import SITE_TITLE, article, build_site, children, day_digest, hostile_digest

pytestmark = pytest.mark.jekyll


@pytest.mark.parametrize("kramdown_input", ["GFM", "kramdown"])
def test_bibtex_shows_verbatim_behind_a_fold(tmp_path: Path, samples_dir: Path, kramdown_input: str) -> None:
    daily = day_digest(samples_dir, 10)
    moved = hostile_digest(date(2026, 2, 11))
    dest = build_site(
        tmp_path,
        [(daily, Settings(bibtex=True)), (moved, Settings(bibtex=True, lang="en"))],
        kramdown_input,
    )
    for digest in (daily, moved):
        post = article(dest, digest.day)
        items = post.css("ol > li")
        assert len(items) == len(digest.papers)
        for item, paper in zip(items, digest.papers, strict=True):
            folds = [child for child in children(item) if child.tag == "details"]
            assert len(folds) == 2, paper.arxiv_id  # the abstract, then the BibTeX
            summary, pre = children(folds[1])
            assert summary.text() == "BibTeX" and pre.tag == "pre"
            assert pre.text(deep=True) == entry(paper), paper.arxiv_id
            assert entry(paper).startswith("@misc{") and f"eprint = {{{paper.arxiv_id}}}" in entry(paper)
        assert SITE_TITLE not in post.text()
