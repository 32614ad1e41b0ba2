"""Issue 24: a week's chart travels with its post, to GitHub in the same single commit and to S3 as SVG."""

from __future__ import annotations

from tests.reliability.stack import Stack

POST = "_posts/2026-02-15-hf-weekly-papers.md"
CHART = "assets/img/hf-digest/2026-02-15-hf-weekly-papers.svg"


def test_a_weeks_chart_lands_in_the_same_commit_as_its_post_and_in_s3(stack: Stack) -> None:
    run = stack.invoke({"week": "2026-W07"})
    assert run.status == "published" and run.outcomes() == {"github": "created", "s3": "created"}
    assert stack.commits() == ["Add Hugging Face Weekly Papers for 2026-W07"]  # one commit holds both
    post = stack.github.read_file("main", POST)
    chart = stack.github.read_file("main", CHART)
    assert post is not None and f"](/{CHART})".encode() in post
    assert chart is not None and chart.startswith(b"<svg ")
    assert stack.versions()[CHART] == [chart]
    head = stack.s3.head_object(Bucket=stack.bucket, Key=CHART)
    assert head["ContentType"] == "image/svg+xml"
    again = stack.invoke({"week": "2026-W07"})  # the same week again: nothing new to write
    assert again.outcomes() == {"github": "unchanged", "s3": "unchanged"}
    assert len(stack.commits()) == 1 and len(stack.versions()[CHART]) == 1
