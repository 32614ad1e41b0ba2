"""What the GitHub Action prints from a result JSON: the job summary and the commit message."""

from __future__ import annotations

from typing import Any

import pytest

from hf_digest.config import Settings
from hf_digest.errors import BadInput, ConfigError
from hf_digest.github_action import commit_message, summary_markdown


def result(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "date": "2026-02-10",
        "status": "published",
        "papers_total": 33,
        "papers_shown": 10,
        "destinations": [{"destination": "local", "status": "created", "location": "/blog/_posts/x.md"}],
    }
    return data | changes


def test_the_summary_has_the_result_line_the_link_and_a_row_per_destination() -> None:
    warning = "feed | rebuilt\nfrom posts"
    text = summary_markdown(result(url="https://blog.example/posts/x/", warnings=[warning]))
    assert "**published** 2026-02-10: 10 of 33 papers shown" in text
    assert "Post: <https://blog.example/posts/x/>" in text
    assert "| local | created | /blog/_posts/x.md |" in text
    assert "- warning: feed \\| rebuilt from posts" in text  # one line, no column break


def test_an_empty_day_says_nothing_was_written() -> None:
    text = summary_markdown(result(status="empty", papers_total=0, papers_shown=0, destinations=[]))
    assert "**2026-02-10**: no papers; nothing written" in text and "|" not in text


def test_the_message_is_the_users_template_for_a_new_post_and_the_update_one_for_a_changed_post() -> None:
    settings = Settings(github_message_add="papers {date}", github_message_update="refresh {key}")
    assert commit_message(result(), settings) == "papers 2026-02-10"
    updated = result(destinations=[{"destination": "local", "status": "updated", "location": "x"}])
    assert commit_message(updated, settings) == "refresh 2026-02-10"
    assert commit_message(updated, Settings()) == "Update Hugging Face Daily Papers for 2026-02-10"


def test_a_week_is_named_by_its_key_and_dated_by_its_sunday() -> None:
    week = {"week": "2026-W06", "from": "2026-02-02", "to": "2026-02-08", "status": "published"}
    assert commit_message(week, Settings()) == "Add Hugging Face Weekly Papers for 2026-W06"
    assert commit_message(week, Settings(github_message_add="{kind} {date}")) == "weekly 2026-02-08"


def test_a_bad_template_or_result_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="GITHUB_COMMIT_MESSAGE"):
        commit_message(result(), Settings(github_message_add="papers {day}"))
    with pytest.raises(BadInput, match="no date, week or month"):
        summary_markdown({"status": "published"})
