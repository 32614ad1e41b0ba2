"""Every Hugging Face schema since 2024 becomes the same clean paper record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hf_digest.core.model import Organization, clean_raw, clean_text, paper_from_item, papers_from_items
from tests.helpers import load_sample


def _by_id(samples: Path, name: str) -> dict[str, Any]:
    papers, warnings = papers_from_items(load_sample(samples, name))
    assert warnings == []
    return {p.arxiv_id: p for p in papers}


def test_every_sample_file_parses_without_loss(samples_dir: Path) -> None:
    files = sorted(samples_dir.glob("*.json"))
    assert len(files) >= 15
    for path in files:
        items = json.loads(path.read_text(encoding="utf-8"))
        papers, warnings = papers_from_items(items)
        assert warnings == [], path.name
        assert len(papers) == len({i["paper"]["id"] for i in items}), path.name
        listed = {i["paper"]["id"]: i["paper"] for i in reversed(items)}  # the first of a duplicate wins
        for paper in papers:
            assert paper.title and paper.title == " ".join(paper.title.split())
            assert paper.abstract
            assert paper.upvotes == listed[paper.arxiv_id]["upvotes"], paper.arxiv_id  # the API's own count
            assert "None" not in (paper.organization.fullname if paper.organization else "")


def test_reference_day_organisations_and_author_counts(samples_dir: Path) -> None:
    papers = _by_id(samples_dir, "daily_papers_date_2026-02-10.json")
    assert papers["2602.06540"].organization == Organization("openbmb", "OpenBMB")
    assert papers["2602.06422"].organization is not None
    assert papers["2602.06422"].organization.fullname == "Zhejiang University"
    assert papers["2602.07026"].organization is None
    assert papers["2602.07026"].author_count == 15
    assert papers["2602.06540"].github_stars == 726
    assert papers["2602.07026"].upvotes == 78


def test_oldest_schema_without_thumbnail_or_organization(samples_dir: Path) -> None:
    papers = _by_id(samples_dir, "daily_papers_date_2024-05-27.json")
    paper = papers["2405.15738"]
    assert paper.organization is None
    assert paper.thumbnail is None
    assert paper.ai_summary is None and paper.ai_keywords == ()
    assert paper.hf_url == "https://huggingface.co/papers/2405.15738"
    assert paper.arxiv_url == "https://arxiv.org/abs/2405.15738"


def test_newest_schema_keeps_summary_keywords_and_links(samples_dir: Path) -> None:
    paper = _by_id(samples_dir, "daily_papers_date_2026-08-21.json")["2608.19880"]
    assert paper.organization == Organization("google", "Google")
    assert paper.github_repo == "https://github.com/google-research/envharness"
    assert paper.project_page == "https://envharness.com/"
    assert paper.ai_summary is not None and paper.ai_summary.startswith("EnvHarness and EnvRigger")
    assert "EnvRigger" in paper.ai_keywords
    assert paper.listed_on is not None and paper.listed_on.isoformat() == "2026-08-21"
    assert paper.thumbnail == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2608.19880.png"


def _item(**paper: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "2602.00001", "title": "A title", "summary": "An abstract.", "upvotes": 3}
    return {"paper": {**base, **paper}}


def test_hidden_authors_are_not_counted() -> None:
    authors = [{"name": "A", "hidden": False}, {"name": "B", "hidden": True}, {"name": "C"}]
    assert paper_from_item(_item(authors=authors)).authors == ("A", "C")


def test_null_and_wrong_typed_optional_fields_become_absent() -> None:
    paper = paper_from_item(
        _item(
            githubRepo=None,
            githubStars="12",
            projectPage="",
            ai_summary=None,
            organization=None,
            ai_keywords=None,
        )
    )
    assert paper.github_repo is None and paper.github_stars is None and paper.project_page is None
    assert paper.ai_summary is None and paper.organization is None and paper.ai_keywords == ()
    paper = paper_from_item(_item(projectPage="javascript:alert(1)", githubRepo="not a url"))
    assert paper.project_page is None and paper.github_repo is None


def test_first_author_is_the_first_one_hugging_face_shows(samples_dir: Path) -> None:
    paper = _by_id(samples_dir, "daily_papers_date_2026-02-10.json")["2602.08794"]
    assert (paper.first_author, paper.author_count) == ("SII-OpenMOSS Team", 40)
    hidden_first = [{"name": "Hidden", "hidden": True}, {"name": "Kim"}, {"name": "Lee"}]
    assert paper_from_item(_item(authors=hidden_first)).first_author == "Kim"
    assert paper_from_item(_item()).first_author is None


@pytest.mark.parametrize(
    ("repo", "url"),
    [
        ("https://github.com/Yu-xm/ReVision.git", "https://github.com/Yu-xm/ReVision"),
        ("https://github.com/a/b/", "https://github.com/a/b"),
        ("https://github.com/a/b.git/", "https://github.com/a/b"),
        ("https://github.com/a/b.github.io", "https://github.com/a/b.github.io"),
        ("https://github.com/a/b", "https://github.com/a/b"),
        (None, None),
    ],
)
def test_github_url_is_the_repository_page(repo: str | None, url: str | None) -> None:
    assert paper_from_item(_item(githubRepo=repo)).github_url == url


def test_recorded_github_links_with_a_suffix_are_normalised(samples_dir: Path) -> None:
    papers = _by_id(samples_dir, "daily_papers_date_2026-02-10.json")
    assert papers["2602.07026"].github_repo == "https://github.com/Yu-xm/ReVision.git"  # as recorded
    assert papers["2602.07026"].github_url == "https://github.com/Yu-xm/ReVision"


def test_items_without_title_or_upvotes_are_left_out_with_a_warning() -> None:
    items = [
        _item(title=None),
        _item(id="2602.00002", upvotes=None),
        _item(id="2602.00003"),
        "junk",
        {"x": 1},
    ]
    papers, warnings = papers_from_items(items)
    assert [p.arxiv_id for p in papers] == ["2602.00003"]
    assert len(warnings) == 4
    assert "2602.00001 has no title" in warnings[0]
    assert "2602.00002 has no upvote count" in warnings[1]


def test_unknown_new_keys_are_ignored_and_duplicates_kept_once() -> None:
    items = [_item(brandNewKey={"a": 1}), _item(upvotes=99)]
    papers, warnings = papers_from_items(items)
    assert len(papers) == 1 and papers[0].upvotes == 3 and warnings == []


def test_title_abstract_and_summary_lose_their_latex_residue_and_nothing_else() -> None:
    paper = paper_from_item(
        _item(
            title="TabDSR: up to\n  2.2times faster with $\\alpha$",
            summary="we propose \\method, costing $5 and $10, see https://x.io/a{our code}",
            ai_summary="\\method runs 3.5times faster",
            ai_keywords=["2.2times"],
            authors=[{"name": 'J\\"org {sim}'}],
        )
    )
    assert paper.title == "TabDSR: up to 2.2× faster with α"
    assert paper.abstract == "we propose TabDSR, costing $5 and $10, see our code (https://x.io/a)"
    assert paper.ai_summary == "TabDSR runs 3.5× faster"
    assert paper.ai_keywords == ("2.2times",) and paper.authors == ('J\\"org {sim}',)  # names stay as sent


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Multi-line\n  arXiv title", "Multi-line arXiv title"),
        ("tab\tand\x00nul\x1b[31m", "tab and nul [31m"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("line\u2028separator", "line separator"),
        ("right\u200fto-left mark stays", "right\u200fto-left mark stays"),
        ("Korean 한국어 and 🤗 stay", "Korean 한국어 and 🤗 stay"),
        ("half an emoji \ud83d and \udc17", "half an emoji \ufffd and \ufffd"),
        (None, ""),
    ],
)
def test_clean_text(raw: object, clean: str) -> None:
    assert clean_text(raw) == clean


def test_lone_surrogates_never_reach_a_paper() -> None:
    half = "\ud83d"
    item = {
        "paper": {
            "id": "2602.00001",
            "title": f"T{half}",
            "upvotes": 1,
            "authors": [{"name": f"A{half}"}],
            "organization": {"name": f"org{half}", "fullname": f"Org{half}"},
            "githubRepo": f"https://github.com/a/b{half}",
            "publishedAt": f"2026-02-09T00:00:00.000Z{half}",
            "ai_keywords": [f"k{half}"],
        },
        "organization": {"name": "org", "fullname": f"Org{half}"},
    }
    paper = paper_from_item(item)
    assert (paper.title, paper.authors, paper.ai_keywords) == ("T\ufffd", ("A\ufffd",), ("k\ufffd",))
    assert paper.organization == Organization("org", "Org\ufffd")  # half an emoji is no part of a slug
    assert (paper.github_repo, paper.published_at) == (None, None)
    json.dumps(paper.to_json(), ensure_ascii=False).encode("utf-8")
    assert clean_raw({f"k{half}": [f"v{half}", 1, None]}) == {"k\ufffd": ["v\ufffd", 1, None]}
