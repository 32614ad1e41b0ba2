"""A library's papers named only by their arXiv id, given words: each paper's title, abstract and keywords
as Hugging Face's paper API answers them (`GET /api/papers/{id}`, through the source's request policy).

Each id is asked once, ever: the answer is kept in the state store by id; a paper Hugging Face does not
know (404) is kept too, for NOT_FOUND_TTL_S, then asked again (it may have been indexed since). At most
NEW_PER_RUN ids are asked per invocation, a few at once: a library of thousands of ids fills the cache over
a few runs instead of eating the deadline or Hugging Face's rate limit (anonymous: 500 API calls per 5
minutes per IP). When the API fails, the ids not asked wait for the next run; the titles still rank.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from hf_digest.enrich.cache import Cache, SoftCache
from hf_digest.enrich.interests.parse import MAX_FIELD_CHARS, Entry, clean
from hf_digest.errors import DigestError
from hf_digest.outbound.budget import MIN_REQUEST_S
from hf_digest.outbound.deadline import Deadline

log = logging.getLogger(__name__)

CACHE_PREFIX = "arxiv-paper:v1:"
NOT_FOUND_TTL_S = 30 * 86_400.0
NEW_PER_RUN = 50
CONCURRENCY = 4
NAMED = 10  # ids a warning names; the rest are counted


class PaperLookup(Protocol):
    """Hugging Face's paper API (hf_digest.huggingface.source.HuggingFaceSource.paper_info)."""

    requests: int  # HTTP requests made so far, retries included

    def paper_info(self, arxiv_id: str, deadline: Deadline) -> dict[str, Any] | None: ...


def paper_words(paper: Mapping[str, Any]) -> dict[str, Any] | None:
    """What is kept of a paper's answer: its title, abstract (`summary`) and keywords, cleaned and bounded;
    None when it has no title."""
    title = paper.get("title")
    if not isinstance(title, str) or not clean(title):
        return None
    summary = paper.get("summary")
    keywords = paper.get("ai_keywords")
    words = [clean(k, 100) for k in keywords if isinstance(k, str)] if isinstance(keywords, list) else []
    return {
        "title": clean(title),
        "summary": clean(summary) if isinstance(summary, str) else "",
        "ai_keywords": [w for w in words if w][:50],
    }


def entry_from_words(arxiv_id: str, words: Mapping[str, Any]) -> Entry | None:
    """A kept paper (paper_words, or its cached copy) as a library entry; None when it is not one."""
    kept = paper_words(words)
    if kept is None:
        return None
    body = " ".join([kept["title"], kept["summary"], ", ".join(kept["ai_keywords"])])
    return Entry(kept["title"], clean(body, MAX_FIELD_CHARS), arxiv_id)


@dataclass(frozen=True)
class Resolution:
    """What became of a library's arXiv ids: each found paper's entry, and those left without words."""

    found: dict[str, Entry]
    not_found: tuple[str, ...] = ()  # Hugging Face knows no such paper (404, cached)
    failed: tuple[str, ...] = ()  # the API could not answer this run
    waiting: tuple[str, ...] = ()  # beyond this run's NEW_PER_RUN
    requests: int = 0  # paper API requests this call made, retries included
    warnings: tuple[str, ...] = ()


@dataclass
class LibraryIds:
    """Resolves arXiv ids for one invocation: the state store first, then Hugging Face, each id once."""

    lookup: PaperLookup
    open_cache: Callable[[], Cache] | None = None
    new_per_run: int = NEW_PER_RUN
    _seen: dict[str, Entry | None] = field(default_factory=dict)  # this invocation's answers (None: 404)
    _asked: int = 0  # ids asked of Hugging Face this invocation
    _down: str | None = None  # why the API failed this invocation: no more ids are asked
    _cache: SoftCache = field(init=False)

    def __post_init__(self) -> None:
        self._cache = SoftCache(self.open_cache, "arXiv id cache")

    def resolve(self, ids: Sequence[str], deadline: Deadline, library: str) -> Resolution:
        """Each id's paper: this invocation's answers, the cache, then (up to the run's bound) the API."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self._seen]
        self._seen.update(self._cached(wanted))
        wanted = [i for i in wanted if i not in self._seen]
        room = 0 if self._down else max(0, self.new_per_run - self._asked)
        asking, waiting = wanted[:room], wanted[room:]
        before = self.lookup.requests
        answers = self._ask(asking, deadline)
        requests = self.lookup.requests - before
        failed = [i for i in asking if i not in answers]
        for arxiv_id, words in answers.items():
            self._seen[arxiv_id] = entry_from_words(arxiv_id, words) if words is not None else None
            self._store(arxiv_id, words)
        if self._down:  # every id not yet known waits for a run where the API answers
            failed += [i for i in waiting if i not in self._seen]
            waiting = []
        found = {i: e for i in ids if (e := self._seen.get(i)) is not None}
        not_found = tuple(i for i in dict.fromkeys(ids) if i in self._seen and self._seen[i] is None)
        warnings = self._warnings(library, not_found, failed, waiting, len(ids))
        return Resolution(found, not_found, tuple(failed), tuple(waiting), requests, warnings)

    def _ask(self, ids: list[str], deadline: Deadline) -> dict[str, dict[str, Any] | None]:
        """The kept words of each id's paper (None: Hugging Face knows none), a few at once; after the first
        failure no further id is asked."""
        down = threading.Event()
        lock = threading.Lock()

        def one(arxiv_id: str) -> tuple[str, dict[str, Any] | None] | None:
            if down.is_set():
                return None
            if not deadline.allows(MIN_REQUEST_S):
                self._fail(down, lock, "too little time is left before the post is due")
                return None
            try:
                paper = self.lookup.paper_info(arxiv_id, deadline)
            except DigestError as exc:
                log.warning("paper API failed: %s", exc, extra={"arxiv_id": arxiv_id})
                self._fail(down, lock, str(exc)[:300])
                return None
            with lock:
                self._asked += 1
            return arxiv_id, (paper_words(paper) if paper is not None else None)

        if not ids:
            return {}
        with ThreadPoolExecutor(max_workers=min(CONCURRENCY, len(ids))) as pool:
            answers = list(pool.map(one, ids))
        return dict(answer for answer in answers if answer is not None)

    def _fail(self, down: threading.Event, lock: threading.Lock, why: str) -> None:
        with lock:
            if self._down is None:
                self._down = why
        down.set()

    def _warnings(
        self,
        library: str,
        not_found: Sequence[str],
        failed: Sequence[str],
        waiting: Sequence[str],
        total: int,
    ) -> tuple[str, ...]:
        warnings = []
        where = f"DIGEST_INTERESTS {library}"
        if not_found:
            warnings.append(
                f"{where}: Hugging Face knows no paper for {_count(not_found)} ({_named(not_found)}); "
                f"left out, asked again after {NOT_FOUND_TTL_S / 86_400:.0f} days"
            )
        if failed:
            warnings.append(
                f"{where}: the paper API could not be read ({self._down}); {_count(failed)} left out this "
                f"run, asked again next run: {_named(failed)}"
            )
        if waiting:
            warnings.append(
                f"{where}: {self.new_per_run} new arXiv ids are looked up per run; {len(waiting):,} of "
                f"{total:,} are left for the next runs"
            )
        warnings.extend(self._cache.take_faults())
        return tuple(warnings)

    def _cached(self, ids: list[str]) -> dict[str, Entry | None]:
        found: dict[str, Entry | None] = {}
        for key, value in self._cache.get_many([CACHE_PREFIX + i for i in ids]).items():
            arxiv_id = key.removeprefix(CACHE_PREFIX)
            if value.get("missing") is True:
                found[arxiv_id] = None
            elif (entry := entry_from_words(arxiv_id, value)) is not None:
                found[arxiv_id] = entry
        return found

    def _store(self, arxiv_id: str, words: dict[str, Any] | None) -> None:
        """Kept for good; a paper Hugging Face does not know, for NOT_FOUND_TTL_S."""
        then = "; asked again next run"
        if words is None:
            self._cache.put(CACHE_PREFIX + arxiv_id, {"missing": True}, ttl_s=NOT_FOUND_TTL_S, then=then)
        else:
            self._cache.put(CACHE_PREFIX + arxiv_id, words, then=then)


def _count(ids: Sequence[str]) -> str:
    return f"{len(ids):,} arXiv id" + ("" if len(ids) == 1 else "s")


def _named(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:NAMED])
    return shown if len(ids) <= NAMED else f"{shown} and {len(ids) - NAMED:,} more"
