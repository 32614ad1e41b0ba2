"""Text that is not valid Unicode from Hugging Face: lone surrogates (half an emoji) in every string field,
served by the local look-alike as JSON `\\ud83d` escapes, through the model, ranking, rendering and the
data file, for a day, a week and a month."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from hf_digest.config import Settings
from hf_digest.core.model import clean_raw, day_span, papers_from_items
from hf_digest.core.rank import digest as rank_digest
from hf_digest.huggingface.source import HuggingFaceSource
from hf_digest.outbound.deadline import Deadline
from hf_digest.rendering.render import render
from hf_digest.request import parse_month, parse_week
from tests.helpers import MakeHFServer

HALF = "\ud83d"  # the high half of 🤗 (U+1F917) and most other emoji
DAY = "2026-02-10"


def cut(value: Any, keep: tuple[str, ...], path: str = "") -> Any:
    """value with a lone surrogate inside and at the end of every string, except at the paths in keep."""
    if isinstance(value, dict):
        return {key: cut(item, keep, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [cut(item, keep, path) for item in value]
    if isinstance(value, str) and path not in keep:
        return f"{value[:3]}{HALF}{value[3:]}{HALF}"
    return value


def cut_items(items: list[dict[str, Any]], *keep: str) -> list[dict[str, Any]]:
    """Every item cut but the paper's id (and keep); the last item's id is cut too."""
    broken = [cut(item, (".paper.id", *keep)) for item in items]
    broken[-1]["paper"]["id"] += HALF  # one item whose id itself is broken: left out with a warning
    return broken


def assert_valid_utf8_text(content: bytes) -> str:
    text = content.decode("utf-8")  # strict: a surrogate cannot have been encoded
    assert HALF not in text
    return text


def test_a_day_with_half_emoji_everywhere_renders_a_post_and_a_data_file(
    make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]]
) -> None:
    items = cut_items(sample_days[DAY])
    hf = make_hf_server({DAY: items})
    settings = Settings(hf_base_url=hf.url, data_path_template="_data/{date}.json", top_n=0)
    listing = HuggingFaceSource(settings).fetch_day(date.fromisoformat(DAY), Deadline.after(60))
    assert any(HALF in json.dumps(item, ensure_ascii=False) for item in listing.items[:1])  # they arrived

    papers, warnings = papers_from_items(listing.items)
    assert len(papers) == len(items) - 1 and len(warnings) == 1
    assert "no valid paper id" in warnings[0] and json.dumps(warnings, ensure_ascii=False).encode()
    bundle = render(rank_digest(day_span(date.fromisoformat(DAY)), papers, 0, warnings), settings, "en")
    post, data = (assert_valid_utf8_text(f.content) for f in bundle.files)
    assert "\ufffd" in post  # the broken character shows as a replacement character, the rest as sent
    assert all(paper.hf_url in post for paper in papers)

    records = json.loads(data)["papers"]
    assert len(records) == len(papers)
    for record in records:
        assert record["hf_url"].startswith("https://huggingface.co/papers/")
        # URLs with half a character are not links; a broken timestamp is no timestamp.
        assert (
            record["github_repo"] is None and record["project_page"] is None and record["thumbnail"] is None
        )
        assert record["published_at"] is None
        assert all("\ufffd" in name for name in record["authors"])
        assert all(keyword.endswith("\ufffd") for keyword in record["ai_keywords"])
    # A slug holds no emoji: the half character is dropped, and the organization stays.
    organizations = [r["organization"] for r in records if r["organization"] is not None]
    assert organizations and all(o["url"] == f"https://huggingface.co/{o['name']}" for o in organizations)
    assert all("\ufffd" not in o["name"] and "\ufffd" in o["fullname"] for o in organizations)
    slugs = {
        item["paper"]["organization"]["name"] for item in sample_days[DAY] if "organization" in item["paper"]
    }
    assert {o["name"] for o in organizations} <= slugs
    assert json.dumps(clean_raw(listing.items), ensure_ascii=False).encode("utf-8")  # raw items, written out


@pytest.mark.parametrize(("kind", "key"), [("week", "2025-W40"), ("month", "2025-09")])
def test_a_week_or_month_with_half_emoji_everywhere_renders(
    make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]], kind: str, key: str
) -> None:
    # The look-alike files week and month lists by each item's submittedOnDailyAt, as Hugging Face does.
    september = {
        day: cut_items(items, ".paper.submittedOnDailyAt")
        for day, items in sample_days.items()
        if day.startswith("2025-09")
    }
    hf = make_hf_server(september)
    period = parse_week(key) if kind == "week" else parse_month(key)
    settings = Settings(hf_base_url=hf.url)
    items = HuggingFaceSource(settings).fetch_period(period.query, Deadline.after(60))
    papers, warnings = papers_from_items(items)
    days = {d for d in september if period.first <= date.fromisoformat(d) <= period.last}
    assert papers and len(warnings) == len(days)  # one broken id a day
    post = render(rank_digest(period, papers, 10, warnings), settings, "ko").files[0]
    assert "\ufffd" in assert_valid_utf8_text(post.content)
