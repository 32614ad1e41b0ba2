"""Cases 4, 8 and 15: what an event asks for, refusals before any request, duplicate and racing deliveries."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hf_digest.errors import BadInput
from tests.helpers import EVENTS
from tests.reliability.stack import Stack

TODAY = datetime.now(UTC).date()


def scheduled(time: str) -> dict[str, Any]:
    """An EventBridge Scheduler event as Lambda receives it; `time` is the scheduled time in UTC."""
    event = json.loads((EVENTS / "scheduled.json").read_text(encoding="utf-8"))
    assert isinstance(event, dict)
    return event | {"id": str(uuid.uuid4()), "time": time}


# --- 4. refused before any request ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "field", "says"),
    [
        ({"date": "2026-02-30"}, "date", "2026-02-30 is not a day of the calendar"),
        ({"date": (TODAY + timedelta(days=3)).isoformat()}, "date", "is in the future"),
        ({"date": TODAY.isoformat()}, "date", "is still open until"),
        ({"date": 20260210}, "date", "must be a string YYYY-MM-DD, got 20260210"),
        ({"date": "2026-02-10", "colour": "red"}, "colour", "is not a known field"),
    ],
    ids=["no-such-day", "future", "still-open", "a-number", "unknown-key"],
)
def test_a_bad_manual_event_is_refused_before_any_request(
    stack: Stack, event: dict[str, Any], field: str, says: str
) -> None:
    run = stack.invoke(event)
    assert isinstance(run.error, BadInput) and run.error.field == field
    assert str(run.error).startswith(f"{field}: ") and says in str(run.error)
    assert stack.hf.requests == [] and stack.github.requests == []
    stack.assert_nothing_written()
    assert stack.output.metrics()[-1] == {"RunRejected": 1}


def test_hf_digest_invoke_refuses_a_bad_event_with_exit_2_naming_the_field(stack: Stack) -> None:
    done = stack.cli({"date": "2026-02-30"})
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1] == "hf-digest: error: date: 2026-02-30 is not a day of the calendar"
    assert stack.hf.requests == []
    stack.assert_nothing_written()


# --- 8. the same scheduled event twice ------------------------------------------------------------------


def test_the_same_event_delivered_twice_makes_one_commit_and_one_object(stack: Stack) -> None:
    event = scheduled("2026-02-11T03:00:00Z")
    first = stack.invoke(event)
    assert first.outcomes() == {"github": "created", "s3": "created"}
    writes = len(stack.github.writes())
    second = stack.invoke(event)
    assert second.result is not None and second.result["date"] == "2026-02-10"
    assert (second.status, second.outcomes()) == ("unchanged", {"github": "unchanged", "s3": "unchanged"})
    assert len(stack.github.writes()) == writes  # the second delivery only read
    stack.assert_published_once("2026-02-10")


def test_the_same_event_delivered_twice_at_the_same_time_makes_one_commit_and_one_object(
    stack: Stack,
) -> None:
    event = scheduled("2026-02-11T03:00:00Z")
    # Both processes read the branch before either writes, so their writes really race.
    stack.github.hold("GET", f"/repos/{stack.github.full_name}/git/ref/", threading.Barrier(2, timeout=60))
    procs = [stack.start_cli(event), stack.start_cli(event)]
    done = [stack.finish_cli(proc) for proc in procs]
    assert [d.returncode for d in done] == [0, 0], [d.stderr[-2000:] for d in done]
    results = [json.loads(d.stdout) for d in done]
    assert {r["date"] for r in results} == {"2026-02-10"}
    github = [next(o for o in r["destinations"] if o["destination"] == "github") for r in results]
    s3 = sorted(next(o["status"] for o in r["destinations"] if o["destination"] == "s3") for r in results)
    # The loser of the branch race re-reads and finds the content there; when both built the very same
    # commit (same tree, parent and second) the second ref update is a no-op. Either way: one commit.
    assert github[0]["commit"] == github[1]["commit"] == stack.head()
    # S3's create-only write let one run's post in; the other may still be first with a feed file
    # ("updated"). Either way each key holds one version (below).
    assert s3[0] == "created" and s3[1] in ("unchanged", "updated"), s3
    stack.assert_published_once("2026-02-10")


# --- 15. scheduled times around midnight and 02:30 UTC --------------------------------------------------


@pytest.mark.parametrize(
    ("time", "day"),
    [
        pytest.param("2026-02-10T23:59:59Z", "2026-02-09", id="UTC-23:59:59"),
        pytest.param("2026-02-11T00:00:00Z", "2026-02-09", id="UTC-midnight"),
        pytest.param("2026-02-11T02:29:59Z", "2026-02-09", id="UTC-02:29:59"),
        pytest.param("2026-02-11T02:30:00Z", "2026-02-10", id="UTC-02:30"),
        pytest.param("2026-02-10T15:00:00Z", "2026-02-09", id="Seoul-midnight-KST"),
        pytest.param("2026-02-11T02:29:00Z", "2026-02-09", id="Seoul-11:29-KST"),
        pytest.param("2026-02-11T02:30:00Z", "2026-02-10", id="Seoul-11:30-KST"),
        pytest.param("2026-02-11T08:00:00Z", "2026-02-10", id="LosAngeles-midnight-PST"),
        pytest.param("2026-02-11T02:29:00Z", "2026-02-09", id="LosAngeles-18:29-PST"),
        pytest.param("2026-02-11T02:30:00Z", "2026-02-10", id="LosAngeles-18:30-PST"),
        pytest.param("2025-09-11T02:30:00Z", "2025-09-10", id="LosAngeles-19:30-PDT"),
        pytest.param("2025-09-11T07:00:00Z", "2025-09-10", id="LosAngeles-midnight-PDT"),
    ],
)
def test_a_scheduled_time_targets_the_latest_closed_day_on_every_delivery(
    stack: Stack, time: str, day: str
) -> None:
    event = scheduled(time)
    first = stack.invoke(event)
    assert first.result is not None and (first.result["date"], first.status) == (day, "published")
    retry = stack.invoke(event)  # Lambda's retry: the same event, later (here months later)
    assert retry.result is not None and (retry.result["date"], retry.status) == (day, "unchanged")
    assert stack.hf.asked("date") == [day, day]
    post = stack.assert_published_once(day).decode("utf-8")
    assert f"\ndate: {day} 09:15:00 +0900\n" in post  # the post's own date is the target day's
