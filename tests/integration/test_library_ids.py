"""A library's arXiv ids given words through the local Hugging Face's paper API (`GET /api/papers/{id}`):
the source's request policy for it, and the state store keeping each answer (a 404 for 30 days)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hf_digest import USER_AGENT
from hf_digest.adapters.state import SQLiteStore, StateError, UnavailableStore
from hf_digest.config import Settings
from hf_digest.enrich.interests.library_ids import NOT_FOUND_TTL_S, LibraryIds
from hf_digest.errors import RateLimited, UpstreamError
from hf_digest.huggingface.source import HuggingFaceSource
from hf_digest.outbound.deadline import Deadline
from tests.hf_server import Fault, HFServer

KNOWN = "2602.11236"  # listed on 2026-02-16
UNKNOWN = "2406.09246"  # not in the recordings: 404
DAY_S = 86_400.0


def source(server: HFServer, sleeps: list[float]) -> HuggingFaceSource:
    return HuggingFaceSource(Settings(hf_base_url=server.url), sleep=sleeps.append, jitter=lambda: 1.0)


def test_a_recorded_paper_is_answered_as_its_daily_list_entry_holds_it_and_an_unknown_one_is_none(
    hf_server: HFServer,
) -> None:
    hf = source(hf_server, [])
    paper = hf.paper_info(KNOWN, Deadline.after(60))
    assert paper is not None and paper == hf_server.paper(KNOWN)
    assert paper["title"] and paper["summary"] and paper["id"] == KNOWN
    assert hf.paper_info(UNKNOWN, Deadline.after(60)) is None
    assert [r.path for r in hf_server.requests] == [f"/api/papers/{KNOWN}", f"/api/papers/{UNKNOWN}"]
    assert all(r.headers["user-agent"] == USER_AGENT for r in hf_server.requests) and hf.requests == 2


def test_a_failing_lookup_is_retried_once_then_fails_and_a_rate_limit_is_not_waited_for(
    hf_server: HFServer,
) -> None:
    sleeps: list[float] = []
    hf_server.inject("/api/papers/", 503, 503, Fault(429, {"RateLimit": '"api";r=0;t=30'}))
    hf = source(hf_server, sleeps)
    with pytest.raises(UpstreamError, match=r"answered HTTP 503 \(2 attempts\)"):
        hf.paper_info(KNOWN, Deadline.after(60))
    assert sleeps == [0.5] and hf.requests == 2
    with pytest.raises(RateLimited, match="HTTP 429"):
        hf.paper_info(KNOWN, Deadline.after(600))
    assert sleeps == [0.5] and hf.requests == 3  # the 30 s reset was not waited for


def test_a_paper_is_kept_for_good_and_one_hugging_face_does_not_know_for_30_days(
    hf_server: HFServer, tmp_path: Path
) -> None:
    now = [1_000_000.0]
    store = SQLiteStore(tmp_path / "state.sqlite3", clock=lambda: now[0])
    hf = source(hf_server, [])

    def resolve() -> tuple[int, set[str], set[str]]:
        """One invocation's resolution: requests made, ids found, ids Hugging Face does not know."""
        found = LibraryIds(hf, lambda: store).resolve([KNOWN, UNKNOWN], Deadline.after(60), "me.txt")
        return found.requests, set(found.found), set(found.not_found)

    assert resolve() == (2, {KNOWN}, {UNKNOWN})
    now[0] += NOT_FOUND_TTL_S - DAY_S
    assert resolve() == (0, {KNOWN}, {UNKNOWN})
    now[0] += 2 * DAY_S  # 31 days on: only the unknown paper is asked again
    assert resolve() == (1, {KNOWN}, {UNKNOWN})
    assert [r.path for r in hf_server.requests][-1] == f"/api/papers/{UNKNOWN}"
    assert NOT_FOUND_TTL_S == 30 * DAY_S


def test_a_state_store_that_fails_costs_the_cache_not_the_papers(hf_server: HFServer) -> None:
    broken = UnavailableStore(StateError("DIGEST_STATE_PATH /nowhere/state.sqlite3: unable to open"))
    found = LibraryIds(source(hf_server, []), lambda: broken).resolve([KNOWN], Deadline.after(60), "me.txt")
    assert set(found.found) == {KNOWN} and found.requests == 1
    assert [w.split(";")[0] for w in found.warnings] == [
        "arXiv id cache not read",
        "arXiv id cache not written",
    ]


def test_no_lookup_starts_when_the_post_is_due(hf_server: HFServer) -> None:
    found = LibraryIds(source(hf_server, [])).resolve([KNOWN], Deadline.after(3.0), "me.txt")
    assert found.failed == (KNOWN,) and found.requests == 0 and hf_server.requests == []
    [warning] = found.warnings
    assert "too little time is left before the post is due" in warning and KNOWN in warning
