"""Generated Hugging Face items (any key missing, null, of the wrong type, or new) always make a safe post.

Extends tests/unit/test_render_properties.py, which generates Paper records, one step earlier: from the raw
API item, through the model's schema checks, to the rendered post.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hf_digest.config import Settings
from hf_digest.core.model import day_span, papers_from_items
from hf_digest.core.rank import digest as rank_digest
from hf_digest.rendering.render import front_matter_values, render_post
from tests.helpers import MISSING, SPECIALS, split_post, without_folds

DAY = date(2026, 2, 10)

text = st.lists(st.text(max_size=8) | st.sampled_from(SPECIALS), max_size=8).map("".join)
junk: st.SearchStrategy[Any] = (
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats(allow_nan=False) | text | st.just([])
)
urls = st.builds(lambda tail: "https://example.org/" + tail, text)
authors = st.lists(
    st.fixed_dictionaries({}, optional={"name": text | junk, "hidden": st.booleans() | junk}) | junk,
    max_size=3,
)
organization = st.fixed_dictionaries(
    {}, optional={"name": st.from_regex(r"\A[a-z\-]{1,8}\Z") | junk, "fullname": text | junk}
)
paper = st.fixed_dictionaries(
    {},
    optional={
        "id": st.from_regex(r"\A26\d\d\.\d{5}\Z") | junk,
        "title": text | junk,
        "summary": text | junk,
        "upvotes": st.integers(0, 10_000) | junk,
        "authors": authors | junk,
        "organization": organization | junk,
        "githubRepo": urls | junk,
        "githubStars": st.integers(0, 10**6) | junk,
        "projectPage": urls | junk,
        "ai_summary": text | junk,
        "ai_keywords": st.lists(text | junk, max_size=3) | junk,
        "publishedAt": text | junk,
        "submittedOnDailyAt": st.just("2026-02-10T09:00:00.000Z") | junk,
        "someNewKey": junk,
    },
)
items = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "paper": paper | junk,
            "title": text | junk,
            "numComments": st.integers(0, 50) | junk,
            "thumbnail": urls | junk,
            "organization": organization | junk,
            "anotherNewKey": junk,
        },
    )
    | junk,
    max_size=8,
)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


@settings(max_examples=150, deadline=None)
@given(items, st.sampled_from(["ko", "en"]))
def test_any_items_give_a_safe_post_or_a_warning_for_each_left_out(raw: list[Any], lang: str) -> None:
    papers, warnings = papers_from_items(raw)
    assert len(papers) + len(warnings) <= len(raw)  # duplicates are dropped silently, nothing else
    config = Settings(lang=lang)
    digest = rank_digest(day_span(DAY), papers, 0, warnings)
    values, body = split_post(render_post(digest, config).content.decode("utf-8"))
    assert values == front_matter_values(day_span(DAY), config, lang, digest=digest)
    assert 20 <= len(values["description"]) <= 300
    assert "{{" not in body and "{%" not in body and "<" not in without_folds(body)
    assert body.count("<details") == body.count("</details>") == sum(1 for p in papers if p.abstract)
    assert len(re.findall(r"^\d+\. \*\*", body, re.MULTILINE)) == len(papers)
    assume(not any("None" in t or "null" in t for t in _texts(raw)))
    assert MISSING.findall(body) == []  # a missing value never prints as None or null
