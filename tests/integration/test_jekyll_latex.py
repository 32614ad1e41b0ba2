"""Recorded papers whose text held LaTeX residue, built by a real Jekyll: readers see the cleaned text."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from hf_digest.config import Settings
from hf_digest.core.model import Digest, Paper, day_span, paper_from_item
from tests.helpers import article, build_site, visible

pytestmark = pytest.mark.jekyll

DAY = date(2026, 2, 12)
# Recorded papers and what their post must show (from their title, abstract or AI summary).
SHOWN = {
    "2511.01340": "|↻BUS|: A Large and Diverse Multimodal Benchmark",
    "2511.06805": "we propose MathSE, a Mathematical Self-Evolving framework",
    "2602.04789": "(e.g., 1.2∼1.3× end-to-end speedup)",
    "2602.07075": "a 10.84× average inference speedup",
    "2405.15032": "the Aya model (Üstün et al., 2024)",
    "2509.24908": '"Boletín Oficial del Estado"',
    "2405.15319": "three critical Obstacles",
    "2511.08195": "UI2Codeᴺ: A Visual Language Model",
    "2511.07416": "Visit the project webpage (https://pointscoder.github.io/PhysWorld_Web/) for details.",
}
JOINED = "https://zheny2751-dotcom.github.io/MathSE.github.io/"  # 2511.06805, broken by \allowbreak


def recorded_papers(samples: Path) -> tuple[Paper, ...]:
    papers: dict[str, Paper] = {}
    for path in sorted(samples.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            if item["paper"]["id"] in SHOWN:
                papers.setdefault(item["paper"]["id"], paper_from_item(item))
    assert sorted(papers) == sorted(SHOWN)
    return tuple(papers[arxiv_id] for arxiv_id in SHOWN)


@pytest.mark.parametrize("kramdown_input", ["GFM", "kramdown"])
def test_jekyll_shows_recorded_residue_as_the_author_meant(
    tmp_path: Path, samples_dir: Path, kramdown_input: str
) -> None:
    papers = recorded_papers(samples_dir)
    digest = Digest(span=day_span(DAY), papers=papers, total=len(papers))
    dest = build_site(tmp_path, [(digest, Settings(lang="en", top_n=0))], kramdown_input)
    post = article(dest, DAY)
    text = visible(post)
    for arxiv_id, shown in SHOWN.items():
        assert shown in text, arxiv_id
    for debris in ("\\", "{", "}", "times speedup", "textit", "allowbreak", "rightarrow"):
        assert debris not in text, debris
    hrefs = [a.attributes.get("href") or "" for a in post.css("a")]
    assert JOINED in hrefs
    assert "https://pointscoder.github.io/PhysWorld_Web/" in hrefs
    assert not post.css("em, strong em, code, sub, sup, math")
