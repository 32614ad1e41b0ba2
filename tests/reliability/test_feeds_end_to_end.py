"""The feeds through the handler: a scheduled day lands with its feeds in one commit and in S3, a rerun
writes nothing, a refresh updates the day's entry in place, and a feed the run cannot read never stops
the post."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import feedparser

from hf_digest.rendering.feeds import entries_in
from tests.helpers import load_event, post_path, quiet_botocore
from tests.reliability.stack import Stack

DAY = "2026-02-10"
ATOM = "feeds/hf-daily-papers.ko.atom"
JSON = "feeds/hf-daily-papers.ko.json"
PAPERS_ATOM = "feeds/hf-papers.ko.atom"
PAPERS_JSON = "feeds/hf-papers.ko.json"
FEEDS = (ATOM, JSON, PAPERS_ATOM, PAPERS_JSON)


def scheduled(time: str) -> dict[str, Any]:
    """The scheduled event as EventBridge Scheduler delivers it at time (UTC)."""
    return load_event("scheduled.json") | {"id": str(uuid.uuid4()), "time": time}


def committed_paths(stack: Stack) -> set[str]:
    """The paths the branch's newest commit changed."""
    shown = stack.github.git.git("show", "--name-only", "--format=", "refs/heads/main")
    return set(shown.split())


def in_s3(stack: Stack, key: str) -> bytes:
    with quiet_botocore():  # the test's own client: its wire log is not the handler's
        return bytes(stack.s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read())


def top_upvotes_raised(stack: Stack, extra: int) -> None:
    """Hugging Face now counts extra more upvotes on every paper of DAY (the numbers moved)."""
    items = copy.deepcopy(stack.hf.days[DAY])
    for item in items:
        item["paper"]["upvotes"] += extra
    stack.hf.days[DAY] = items


def test_a_scheduled_day_lands_with_its_feeds_in_one_commit_and_in_s3(stack: Stack) -> None:
    run = stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    assert (run.status, run.outcomes()) == ("published", {"github": "created", "s3": "created"})
    assert "warnings" not in run.result if run.result else False
    assert committed_paths(stack) == {post_path(DAY), *FEEDS}
    stack.assert_published_once(DAY)  # one commit; one S3 version of the post and of each feed, same bytes
    parsed = feedparser.parse(in_s3(stack, ATOM))
    assert not parsed.bozo
    assert [e.title for e in parsed.entries] == [f"Hugging Face Daily Papers - {DAY}"]
    papers = feedparser.parse(in_s3(stack, PAPERS_ATOM))
    assert len(papers.entries) == 10
    assert [e.id for e in entries_in("json", in_s3(stack, JSON))] == [
        e.id for e in entries_in("atom", in_s3(stack, ATOM))
    ]


def test_a_rerun_and_a_refresh_that_moves_no_numbers_write_nothing(stack: Stack) -> None:
    stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    writes = len(stack.github.writes())
    again = stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    # A manual run today reads the counts on another day: the post and feeds show the same numbers.
    later = stack.invoke({"date": DAY})
    for run in (again, later):
        assert (run.status, run.outcomes()) == ("unchanged", {"github": "unchanged", "s3": "unchanged"})
    assert len(stack.github.writes()) == writes
    stack.assert_published_once(DAY)


def test_a_refresh_that_moves_the_numbers_updates_the_entry_in_place(stack: Stack) -> None:
    stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    before = entries_in("atom", in_s3(stack, ATOM))
    top_upvotes_raised(stack, 1000)
    run = stack.invoke({"date": DAY})
    assert (run.status, run.outcomes()) == ("published", {"github": "updated", "s3": "updated"})
    assert committed_paths(stack) == {post_path(DAY), *FEEDS}  # post and feeds in one commit again
    assert len(stack.commits()) == 2
    for where in (in_s3(stack, ATOM), stack.github.read_file("main", ATOM)):
        [entry] = entries_in("atom", where)
        assert entry.id == before[0].id and entry.published == before[0].published
        assert entry.updated >= before[0].updated
        assert (
            "👍 1078" in entry.title + (entry.summary or "") and entry.content_html != before[0].content_html
        )
    papers = entries_in("atom", in_s3(stack, PAPERS_ATOM))
    assert len(papers) == 10  # each paper's entry replaced, none added


def test_a_corrupt_or_foreign_feed_is_rebuilt_said_so_and_never_stops_the_post(stack: Stack) -> None:
    foreign = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>mine</title></feed>'
    stack.github.commit_files("main", {ATOM: foreign, JSON: b"{not json"}, "A feed of my own")
    with quiet_botocore():
        stack.s3.put_object(Bucket=stack.bucket, Key=ATOM, Body=b"\x00garbage")
    run = stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    assert (run.status, run.outcomes()) == ("published", {"github": "created", "s3": "created"})
    assert run.result is not None
    warnings = run.result["warnings"]
    assert any(ATOM in w and "rebuilt" in w for w in warnings), warnings
    assert any(JSON in w and "rebuilt" in w for w in warnings), warnings
    assert stack.in_git(DAY) is not None and stack.in_s3(DAY) == stack.in_git(DAY)
    for data in (stack.github.read_file("main", ATOM), in_s3(stack, ATOM)):
        parsed = feedparser.parse(data)
        assert not parsed.bozo and [e.title for e in parsed.entries] == [f"Hugging Face Daily Papers - {DAY}"]
    # Rebuilt once: the next delivery of the same event reads its own feed back and writes nothing.
    again = stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    assert (again.status, again.result and again.result.get("warnings")) == ("unchanged", None)
