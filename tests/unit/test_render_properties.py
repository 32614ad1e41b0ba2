"""Whatever text Hugging Face or a user's settings hold, the post renders, its front matter reads back
exactly, and its body holds no live Liquid or HTML."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hf_digest.config import Settings
from hf_digest.core.model import Digest, Organization, Paper, day_span
from hf_digest.rendering.render import front_matter_values, render_post
from tests.helpers import SPECIALS, split_post, without_folds

text = st.lists(st.text(max_size=8) | st.sampled_from(SPECIALS), max_size=10).map("".join)
urls = st.none() | st.builds(lambda tail: "https://example.org/" + tail, text)

papers = st.builds(
    Paper,
    arxiv_id=st.from_regex(r"\A26\d\d\.\d{5}\Z"),
    title=text.filter(lambda t: t.strip() != ""),
    abstract=text,
    upvotes=st.integers(min_value=0, max_value=10_000),
    authors=st.lists(text, max_size=3).map(tuple),
    organization=st.none() | st.builds(Organization, name=st.from_regex(r"\A[a-z]{1,8}\Z"), fullname=text),
    github_repo=urls,
    github_stars=st.none() | st.integers(min_value=0, max_value=10**6),
    project_page=urls,
    ai_summary=st.none() | text,
    thumbnail=urls,
)
user_settings = st.builds(
    Settings,
    lang=st.sampled_from(["ko", "en"]),
    author=st.none() | text,
    categories=st.none() | st.lists(text, max_size=2).map(tuple),
    tags=st.lists(text, max_size=3).map(tuple),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(papers, max_size=12, unique_by=lambda p: p.arxiv_id), user_settings)
def test_any_text_renders_safely(papers: list[Paper], config: Settings) -> None:
    day = date(2026, 2, 10)
    digest = Digest(span=day_span(day), papers=tuple(papers), total=len(papers))
    values, body = split_post(render_post(digest, config).content.decode("utf-8"))
    assert values == front_matter_values(day_span(day), config, config.lang, digest=digest)
    description = values["description"]
    assert 20 <= len(description) <= 300 and not set(description) & set('\n<>"`')
    assert "image" not in values or not set(values["image"]["alt"]) & set('<>"`')
    assert values["tags"] == [tag.lower() for tag in values["tags"]]
    assert "{{" not in body and "{%" not in body
    assert "<" not in without_folds(body)  # the folded abstracts' own tags are the only HTML
    assert body.count("<details") == body.count("</details>") == sum(1 for p in papers if p.abstract)
    assert body.count("\n") == len(body.splitlines())  # no stray carriage returns or form feeds
