"""DIGEST_BIBTEX=on: each entry in a fenced code block behind a <details>, shown by a real `jekyll build`
exactly as built."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hf_digest.config import Settings
from hf_digest.core.markdown import code_block
from hf_digest.enrich.topics.bibtex import entry
from tests.helpers import SITE_TITLE, article, build_site, children, day_digest, hostile_digest, jekyll_build

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
            summary, block = children(folds[1])  # a fenced code block, as a reader copies it from an editor
            code = block.css_first("pre code")
            assert summary.text() == "BibTeX" and code is not None
            assert "language-bibtex" in (block.attributes.get("class") or ""), paper.arxiv_id
            assert code.text(deep=True).rstrip("\n") == entry(paper), paper.arxiv_id
            assert entry(paper).startswith("@misc{") and f"eprint = {{{paper.arxiv_id}}}" in entry(paper)
        assert SITE_TITLE not in post.text()


# What a code block must show as typed: Liquid's markup, an end of {% raw %}, a longer fence of its own.
CODE = "@misc{x,\n  author = {{OpenAI} and B},\n  note = {{% endraw %} {{ site.title }} ``` <b>},\n~~~~\n}"


@pytest.mark.parametrize("kramdown_input", ["GFM", "kramdown"])
def test_a_code_block_shows_liquid_markup_and_fences_as_text(tmp_path: Path, kramdown_input: str) -> None:
    pad = "   "
    body = f'1. **T**\n\n{pad}<details markdown="1">\n{pad}<summary>BibTeX</summary>\n\n'
    body += f"{pad}{code_block(CODE, 'bibtex', pad)}\n\n{pad}</details>\n"
    post = f"---\ntitle: T\n---\n\n{body}".encode()
    dest = jekyll_build(tmp_path, {"_posts/2026-02-10-hf-daily-papers.md": post}, kramdown_input)
    code = article(dest, date(2026, 2, 10), "hf-daily-papers").css_first("ol > li > details pre code")
    assert code is not None
    # Only the end of a raw block is broken, by one space; everything else shows as typed.
    assert code.text(deep=True).rstrip("\n") == CODE.replace("{% endraw", "{ % endraw")
