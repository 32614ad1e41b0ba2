"""BibTeX entries from our own data: arXiv's @misc shape, no brace that could end an entry early."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from hf_digest.config import Settings
from hf_digest.core.model import Paper
from hf_digest.enrich.topics.bibtex import base_id, cite_key, entry
from hf_digest.rendering.render import render_data, render_post
from tests.helpers import day_digest


def test_an_entry_is_arxivs_misc_shape() -> None:
    paper = Paper("2602.07026v2", "Attention {Is} All % You\\Need", "", 3, authors=("Ana Müller", "Bo Li"))
    assert entry(paper) == (
        "@misc{muller2026attention,\n"
        "  title = {Attention Is All \\% YouNeed},\n"
        "  author = {Ana Müller and Bo Li},\n"
        "  year = {2026},\n"
        "  eprint = {2602.07026},\n"
        "  archivePrefix = {arXiv},\n"
        "  url = {https://arxiv.org/abs/2602.07026},\n"
        "}"
    )
    assert base_id("2602.07026v12") == "2602.07026"


def test_an_organisation_first_opens_its_field_without_a_double_brace() -> None:
    """`{{` would be Liquid in a post; BibTeX ignores the space that keeps it out."""
    paper = Paper("2602.08794", "MOVA", "", 3, authors=("SII-OpenMOSS Team", "Donghua Yu"))
    assert "  author = { {SII-OpenMOSS Team} and Donghua Yu},\n" in entry(paper)
    assert "{{" not in entry(paper)


def test_a_paper_without_authors_keys_on_its_id() -> None:
    paper = Paper("hep-th/9901001", "A", "", 0, published_at="1999-01-04T00:00:00.000Z")
    assert cite_key(paper) == "arxivhep_th_9901001"
    assert "  year = {1999},\n" in entry(paper)


def test_the_data_file_always_carries_bibtex_and_the_post_only_when_asked(samples_dir: Path) -> None:
    digest = day_digest(samples_dir, 3)
    plain = Settings(data_path_template="_data/{date}.json")
    data = render_data(digest, plain)
    assert data is not None
    papers = json.loads(data.content)["papers"]
    assert [p["bibtex"] for p in papers] == [entry(paper) for paper in digest.papers]
    assert "archivePrefix" not in render_post(digest, plain).content.decode()
    assert render_post(digest, replace(plain, bibtex=True)).content.decode().count("archivePrefix") == 3
    for text in (p["bibtex"] for p in papers):
        assert text.count("{") == text.count("}")
