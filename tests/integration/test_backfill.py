"""`hf-digest run --from --to`: every day of a range, paced, with progress, against the local Hugging Face."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from hf_digest.runs.backfill import Pacer
from tests.helpers import MakeHFServer, hf_digest, hf_digest_process
from tests.hf_server import HFServer, relisted

FIRST, LAST = date(2026, 1, 5), date(2026, 2, 13)  # 40 days, Monday to Friday: 30 weekdays, 10 weekend days


def weekdays_with_papers(samples: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Every weekday of the range listed with one of the real sample days' papers; weekends listed empty.

    Days of a round number of papers are not used: each would take a second request (30 may be a page size).
    """
    real = [
        samples[day]
        for day in sorted(samples)
        if day.startswith("2026-02") and len(samples[day]) >= 10 and len(samples[day]) % 10
    ]
    days: dict[str, list[dict[str, Any]]] = {}
    for n in range((LAST - FIRST).days + 1):
        day = FIRST + timedelta(days=n)
        if day.isoweekday() <= 5:
            days[day.isoformat()] = relisted(real[n % len(real)], day.isoformat())
    return days


def test_a_40_day_backfill_publishes_weekdays_and_reports_weekends_empty(
    make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    server = make_hf_server(weekdays_with_papers(sample_days))
    args = ["run", "--from", FIRST.isoformat(), "--to", LAST.isoformat(), "--out", str(tmp_path)]
    # Its own process: the progress bar goes to a real stderr that is not a terminal.
    proc = hf_digest_process(server, *args, env={"DIGEST_BACKFILL_PACE": "0"})
    assert proc.exit_code == 0, proc.stderr

    lines = [line for line in proc.stdout.splitlines() if not line.startswith(" ")]  # not the destinations
    assert len(lines) == 41  # one line per day, then the total
    assert lines[0].startswith("published 2026-01-05: 10 of ")
    assert lines[5] == "2026-01-10: no papers that day (weekend or holiday); nothing written"  # a Saturday
    # A request per day, nothing else.
    assert server.asked("week") == [] and len(server.requests) == 40
    assert lines[-1].startswith(
        "backfill 2026-01-05..2026-02-13: 10 empty, 30 published (40 days, 40 Hugging Face requests, "
    )
    posts = sorted(p.name for p in (tmp_path / "_posts").iterdir())
    assert len(posts) == 30 and posts[0] == "2026-01-05-hf-daily-papers.md"
    assert not any(date.fromisoformat(name[:10]).isoweekday() > 5 for name in posts)
    assert server.asked("date") == [(FIRST + timedelta(days=n)).isoformat() for n in range(40)]
    # Progress on stderr (not a terminal here: one line per day), with the time left.
    progress = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 40 and progress[-1].startswith("[########################] 40/40 2026-02-13")
    assert progress[0].endswith(" left")

    # Again, as JSON: every day is there, each with its status; nothing is written twice.
    again = hf_digest(server, *args, "--json", env={"DIGEST_BACKFILL_PACE": "0"})
    assert again.exit_code == 0, again.stderr
    result = json.loads(again.stdout)
    assert (result["from"], result["to"], result["status"]) == ("2026-01-05", "2026-02-13", "unchanged")
    assert result["counts"] == {"empty": 10, "unchanged": 30}
    assert [d["date"] for d in result["days"]] == [(FIRST + timedelta(days=n)).isoformat() for n in range(40)]
    assert {d["reason"] for d in result["days"]} == {"backfill"}


def test_the_backfill_keeps_to_its_pace(
    make_hf_server: MakeHFServer, sample_days: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    server = make_hf_server(weekdays_with_papers(sample_days))
    started = time.monotonic()
    proc = hf_digest(
        server, "run", "--from", "2026-01-05", "--to", "2026-01-14", "--out", str(tmp_path),
        env={"DIGEST_BACKFILL_PACE": "0.2"},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert proc.exit_code == 0, proc.stderr
    assert len(server.day_requests) == 10
    assert elapsed >= 9 * 0.2  # 10 days at 0.2 s each at least (the week listings are paced too)


def test_the_default_pace_stays_under_the_anonymous_limit() -> None:
    """No 5-minute window of a long backfill holds 500 requests (Hugging Face's anonymous limit)."""
    clock = [0.0]
    sent: list[float] = []

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    pacer = Pacer(0.75, clock=lambda: clock[0], sleep=sleep)
    for day in range(1500):
        requests = 1 if day % 7 else 2  # a paged day now and then
        sent += [clock[0]] * requests
        clock[0] += 0.05  # the time a day takes here: far faster than the pace
        pacer.spent(requests)
    window = 300.0
    start = 0
    busiest = 0
    for end, moment in enumerate(sent):
        while sent[start] <= moment - window:
            start += 1
        busiest = max(busiest, end - start + 1)
    assert busiest < 500


def test_a_range_is_checked_before_any_request(make_hf_server: MakeHFServer, tmp_path: Path) -> None:
    server = make_hf_server({})
    for args, words in [
        (["--from", "2026-02-10", "--to", "2026-02-01"], "--to: 2026-02-01 is before --from 2026-02-10"),
        (["--from", "2024-01-01", "--to", "2025-06-01"], "one request takes at most 366"),
        (["--to", "2026-02-01"], "--to: goes with --from"),
        (["--from", "2999-01-01"], "--from: 2999-01-01 is in the future"),
    ]:
        proc = hf_digest(server, "run", *args, "--out", str(tmp_path))
        assert proc.exit_code == 2, (args, proc.stderr)
        assert words in proc.stderr
    assert server.requests == []


@pytest.mark.parametrize("pace", ["-1", "61", "fast"])
def test_a_bad_pace_names_the_variable(make_hf_server: MakeHFServer, tmp_path: Path, pace: str) -> None:
    proc = hf_digest(make_hf_server({}), "run", "--from", "2026-02-09", "--out", str(tmp_path),
                     env={"DIGEST_BACKFILL_PACE": pace})  # fmt: skip
    assert proc.exit_code == 2 and "DIGEST_BACKFILL_PACE" in proc.stderr


def test_a_dry_run_range_over_a_weekend_is_a_dry_run_whose_weekend_is_empty(
    hf_server: HFServer, tmp_path: Path
) -> None:
    args = ["run", "--from", "2026-02-06", "--to", "2026-02-09", "--dry-run", "--out", str(tmp_path)]
    proc = hf_digest(hf_server, *args, "--json", env={"DIGEST_BACKFILL_PACE": "0"})
    assert proc.exit_code == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert {day["date"]: day["status"] for day in result["days"]} == {
        "2026-02-06": "dry_run",  # a Friday
        "2026-02-07": "empty",
        "2026-02-08": "empty",
        "2026-02-09": "dry_run",
    }
    assert (result["status"], result["counts"]) == ("dry_run", {"dry_run": 2, "empty": 2})
    assert all("post" not in day for day in result["days"])
    assert list(tmp_path.iterdir()) == []

    plain = hf_digest(hf_server, *args, env={"DIGEST_BACKFILL_PACE": "0"})
    assert plain.exit_code == 0, plain.stderr
    total = plain.stdout.splitlines()[-1]
    assert total.startswith("backfill 2026-02-06..2026-02-09: 2 dry_run, 2 empty (4 days, ")
