"""Issue 21, carried over: weekly and monthly commits honour the user's commit messages (and name their
kind by default); BibTeX keeps `%` and corporate authors as what they are."""

from __future__ import annotations

import copy
import json

import pytest

from tests.reliability.stack import Stack

DAY = "2026-02-10"


@pytest.mark.parametrize(
    ("event", "added"),
    [
        ({"date": "2026-02-10"}, "Add Hugging Face Daily Papers for 2026-02-10"),
        ({"week": "2026-W07"}, "Add Hugging Face Weekly Papers for 2026-W07"),
        ({"month": "2026-02"}, "Add Hugging Face Monthly Papers for 2026-02"),
    ],
)
def test_each_kind_of_post_is_committed_under_a_default_message_naming_it(
    stack: Stack, event: dict[str, str], added: str
) -> None:
    run = stack.invoke(event)
    assert (run.status, run.outcomes()["github"]) == ("published", "created")
    assert stack.commits() == [added]


@pytest.mark.parametrize(
    ("event", "added", "updated"),
    [
        ({"date": "2026-02-10"}, "blog: daily 2026-02-10 (2026-02-10)", "blog: refresh 2026-02-10"),
        ({"week": "2026-W07"}, "blog: weekly 2026-W07 (2026-02-15)", "blog: refresh 2026-W07"),
        ({"month": "2026-02"}, "blog: monthly 2026-02 (2026-02-28)", "blog: refresh 2026-02"),
    ],
)
def test_the_users_commit_messages_serve_every_kind_of_post(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, event: dict[str, str], added: str, updated: str
) -> None:
    monkeypatch.setenv("GITHUB_COMMIT_MESSAGE", "blog: {kind} {key} ({date})")
    monkeypatch.setenv("GITHUB_COMMIT_MESSAGE_UPDATE", "blog: refresh {key}")
    assert stack.invoke(event).outcomes()["github"] == "created"
    for day, items in list(stack.hf.days.items()):  # the numbers moved: the post is rewritten
        moved = copy.deepcopy(items)  # the recordings are shared by the session
        for item in moved:
            item["paper"]["upvotes"] += 7
        stack.hf.days[day] = moved
    assert stack.invoke(event).outcomes()["github"] == "updated"
    assert stack.commits() == [updated, added]


def test_bibtex_keeps_percent_signs_and_each_corporate_author_whole(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pybtex.database import parse_string

    authors = ["Research and Development Team", "Jane Doe", "Qwen Team", "DeepSeek-AI", "Kim and Lee Lab"]
    items = copy.deepcopy(stack.hf.days[DAY])
    top = max(items, key=lambda item: item["paper"]["upvotes"])
    title = "Scaling to 50% Fewer Tokens & #1 on Every Benchmark"
    top["title"] = top["paper"]["title"] = title
    top["paper"]["authors"] = [
        {"_id": str(n), "name": name, "hidden": False} for n, name in enumerate(authors)
    ]
    stack.hf.days[DAY] = items
    monkeypatch.setenv("DIGEST_DATA_PATH_TEMPLATE", "_data/hf/{date}.json")
    monkeypatch.setenv("DIGEST_BIBTEX", "on")
    assert stack.invoke({"date": DAY}).outcomes() == {"github": "created", "s3": "created"}

    data = stack.github.read_file("main", f"_data/hf/{DAY}.json")
    assert data is not None
    [paper] = [p for p in json.loads(data)["papers"] if p["arxiv_id"] == top["paper"]["id"]]
    [cited] = parse_string(paper["bibtex"], "bibtex").entries.values()
    # Five authors, each one as Hugging Face lists it; LaTeX prints \% \& \# as % & #.
    assert [str(person).strip("{}") for person in cited.persons["author"]] == [
        "Research and Development Team",
        "Doe, Jane",
        "Qwen Team",
        "DeepSeek-AI",
        "Kim and Lee Lab",
    ]
    assert cited.fields["title"] == r"Scaling to 50\% Fewer Tokens \& \#1 on Every Benchmark"
