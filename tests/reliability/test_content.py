"""Cases 16 and 17: hostile paper text through the handler into a Jekyll build; ties in a stable order."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hf_digest.core.model import clean_text
from tests.helpers import (
    HOSTILE,
    LONG_TITLE,
    QUOTES,
    SITE_TITLE,
    article,
    jekyll_build,
    post_path,
    visible,
)
from tests.reliability.stack import Stack

HOSTILE_DAY = "2026-02-14"  # a Saturday: nothing else listed
EXTRA = (
    "bell\x07 nul\x00 tab\t form\x0c feed",  # control characters
    "\u202eevil override\u202c and \u2067isolate\u2069 marks",  # bidi overrides and isolates
    "right\u200fto\u200fleft and \u200eleft\u200eto\u200eright",  # marks, kept
    "emoji 🤗🚀👩‍🔬 title",
    "front: matter\n---\nlayout: evil",  # a YAML breaker across lines
    "| a | b |\n|---|---|\n| c | d |",  # a table when it starts a line
)


def hostile_items() -> list[dict[str, Any]]:
    """Hugging Face items whose every text field is hostile, as the API would list them."""
    items = []
    for index, title in enumerate((*HOSTILE, LONG_TITLE, *EXTRA), start=1):
        paper = {
            "id": f"2602.{index:05d}",
            "title": title,
            "summary": f"{title} Code: this https URL . " + " ".join(HOSTILE),
            "upvotes": 200 - index,
            "authors": [{"name": title[:60], "hidden": False}, {"name": "{{ site.title }}"}],
            "organization": {"name": "evil-org", "fullname": title[:80]},
            "githubRepo": "https://github.com/evil/repo(1)",
            "projectPage": "https://evil.example/p?a=1&b={%2}",
            "ai_summary": " ".join(HOSTILE),
            "ai_keywords": ["{{ k }}", "|pipe|", "<b>bold</b>"],
            "submittedOnDailyAt": f"{HOSTILE_DAY}T09:00:00.000Z",
        }
        items.append({"paper": paper, "title": title, "numComments": index})
    return items


@pytest.mark.jekyll
def test_hostile_text_from_hugging_face_builds_with_jekyll_and_shows_as_text(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DIGEST_TOP_N", "0")
    monkeypatch.setenv("DIGEST_LANG", "en")
    items = hostile_items()
    stack.hf.days[HOSTILE_DAY] = items
    run = stack.invoke({"date": HOSTILE_DAY})
    assert run.result is not None and (run.status, run.result["papers_shown"]) == ("published", len(items))
    committed = stack.assert_published_once(HOSTILE_DAY)

    dest = jekyll_build(tmp_path, {post_path(HOSTILE_DAY): committed}, "GFM")
    control = article(dest, date(2026, 2, 9), "control")
    assert SITE_TITLE in control.text() and control.css("table")  # Liquid and kramdown did run
    node = article(dest, date.fromisoformat(HOSTILE_DAY))
    text = visible(node)
    assert SITE_TITLE not in text  # no Liquid ran on the paper text
    assert not node.css("script, table, em, code, del, pre, blockquote, math, h3, h4, h5, h6, b")
    assert len(node.css("ol > li")) == len(items)
    shown = [s.text().translate(QUOTES) for s in node.css("ol > li > strong, ol > li > p > strong")]
    expected = [clean_text(i["paper"]["title"]).replace("$\\times$", "×") for i in items]
    assert shown[: len(items)] == expected
    assert "\u202e" not in text and "\x07" not in text  # bidi overrides and controls removed
    assert "right\u200fto\u200fleft" in text and "👩‍🔬" in text  # marks and emoji kept
    hrefs = [a.attributes.get("href") or "" for a in node.css("a")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)


# --- 17. equal upvotes ----------------------------------------------------------------------------------


def listed_ids(post: bytes) -> list[str]:
    """arXiv ids in the order the post lists them."""
    ids = re.findall(r"https://huggingface\.co/papers/(\d{4}\.\d{4,5})", post.decode("utf-8"))
    return list(dict.fromkeys(ids))


def test_equal_upvotes_keep_one_order_across_reruns_whatever_order_hugging_face_sends(
    stack: Stack, sample_days: dict[str, list[dict[str, Any]]]
) -> None:
    day = "2026-02-10"
    items = copy.deepcopy(sample_days[day][:12])
    for index, item in enumerate(items):
        item["paper"]["upvotes"] = 7
        item["numComments"] = 3 if index % 4 == 0 else 0  # ties broken by comments, then by arXiv id
    stack.hf.days[day] = items
    first = stack.invoke({"date": day})
    assert first.status == "published"
    post = stack.assert_published_once(day)
    ranked = sorted(items, key=lambda i: (-i["numComments"], i["paper"]["id"]))
    assert listed_ids(post) == [i["paper"]["id"] for i in ranked[:10]]

    for order in (list(reversed(items)), items[5:] + items[:5]):
        stack.hf.days[day] = order
        rerun = stack.invoke({"date": day})
        assert rerun.outcomes() == {"github": "unchanged", "s3": "unchanged"}
    assert stack.assert_published_once(day) == post
