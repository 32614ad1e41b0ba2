"""Helpers more than one test module uses: what a rendered post's HTML must look like, whoever rendered it."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from hf_digest.markdown import plain_math
from hf_digest.model import Paper

# kramdown's typographic quotes and ellipsis are the only changes a reader sees; map them back to compare.
TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."})
_PLACEHOLDER = re.compile(r"\bthis https? URL\b")


def children(node: LexborNode) -> list[LexborNode]:
    """node's child elements (text left out)."""
    return list(node.iter(include_text=False))


def shown_abstract(paper: Paper) -> str:
    """The abstract as a reader should see it: LaTeX shown as Unicode, arXiv's placeholder as a link."""
    return " ".join(_PLACEHOLDER.sub("arXiv", plain_math(paper.abstract)).split())


def assert_folded(item: LexborNode, paper: Paper, label: str) -> None:
    """The ranking item holds the paper's abstract, folded: <details><summary>label</summary><p>…</p>."""
    folds = [child for child in children(item) if child.tag == "details"]
    assert len(folds) == 1, f"{paper.arxiv_id}: {len(folds)} <details> directly in its item"
    [fold] = folds
    assert [child.tag for child in children(fold)] == ["summary", "p"], f"{paper.arxiv_id}: {fold.html}"
    summary, text = children(fold)
    assert summary.text() == label and children(summary) == [], f"{paper.arxiv_id}: {summary.html}"
    shown = " ".join(text.text(deep=True).translate(TYPOGRAPHY).split())
    assert shown == shown_abstract(paper), paper.arxiv_id
    for link in text.css("a"):
        assert (link.attributes.get("href") or "").startswith(("https://", "http://")), link.html
