"""The 2026-02-10 posts byte for byte. Regenerate with `UPDATE_GOLDEN=1 pytest tests/unit/test_golden.py`."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from hf_digest.config import Settings
from hf_digest.core.model import day_span, papers_from_items
from hf_digest.core.rank import digest as rank_digest
from hf_digest.rendering.render import render_post
from tests.helpers import load_sample

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
DAY = date(2026, 2, 10)
READ = date(2026, 2, 11)  # the day the counts were read, pinned: the post says it
# Korean as the reference blog publishes it (with its author); English with the defaults (no author).
CASES = {"ko": Settings(author="lim4349"), "en": Settings(lang="en")}


@pytest.mark.parametrize("lang", sorted(CASES))
def test_post_matches_golden_file(samples_dir: Path, lang: str) -> None:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    digest = rank_digest(day_span(DAY), papers, 10)
    content = render_post(digest, CASES[lang], counts_read=READ).content
    assert render_post(digest, CASES[lang], counts_read=READ).content == content
    golden = GOLDEN / f"2026-02-10.{lang}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_bytes(content)
    assert golden.is_file(), f"{golden} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert content == golden.read_bytes(), f"post differs from {golden.name}; if intended, regenerate it"
