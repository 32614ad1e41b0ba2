"""A feed is never written larger than MAX_HELD_BYTES (the bound past which the publishers do not read a
held file), so no feed of ours is ever taken for a foreign one and rebuilt without its history."""

from __future__ import annotations

import pytest

from hf_digest.core.model import Oversized
from hf_digest.rendering import feeds
from hf_digest.rendering.feeds import entries_in
from hf_digest.rendering.feeds.entries import Entry, FeedInfo

INFO = FeedInfo(id="tag:hf-daily-digest,2026:feeds/x.atom", title="t", subtitle="s", lang="en", author="a")
BOUND = 64 * 1024


def entry(n: int) -> Entry:
    """The entry of day n of January (about 5 kB of content)."""
    day = f"2026-01-{n:02d}T09:15:00+09:00"
    return Entry(f"tag:x,2026:{n}", f"Day {n}", day, day, "<p>" + "w" * 5000 + "</p>", "daily", "Daily")


@pytest.mark.parametrize("fmt", ["atom", "json"])
def test_a_feed_stays_under_the_bound_by_dropping_its_oldest_entries_and_reads_back(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "MAX_HELD_BYTES", BOUND)
    held: bytes | None = None
    for n in range(1, 29):  # 28 days of about 5 kB each: twice the bound
        held = feeds.merge_feed(fmt, INFO, [entry(n)], 100, held, notice=pytest.fail)
        assert len(held) <= BOUND
    assert held is not None
    kept = [e.title for e in entries_in(fmt, held)]
    assert kept[0] == "Day 28" and 8 < len(kept) < 14
    assert kept == [f"Day {n}" for n in range(28, 28 - len(kept), -1)]  # the newest, in order


def test_an_oversized_held_file_is_rebuilt_and_said_so_with_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    data = feeds.merge_feed(
        "atom", INFO, [entry(1)], 30, Oversized(100 * 2**20), path="f.atom", notice=told.append
    )
    assert [e.title for e in entries_in("atom", data)] == ["Day 1"]
    assert told == [
        "feed f.atom held 100 MiB, more than any feed this digest writes (16 MiB), so it was not read; "
        "rebuilt it from this run"
    ]
