"""What each shown paper already released: the models, datasets and Spaces on Hugging Face that cite it.

Hugging Face tags a repository that cites a paper `arxiv:<id>`; `GET /api/models?filter=arxiv:<id>&sort=
downloads&limit=N` lists them most used first (huggingface_hub's list_models/list_datasets/list_spaces send
these parameters), each item with `id` and `downloads`/`likes`. Three requests per paper, through the
source's session and 429 handling, a few at once, cached for a day; a failure leaves that paper out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from hf_digest.core.model import Artifact, Paper, Released
from hf_digest.enrich.cache import Cache, SoftCache
from hf_digest.enrich.topics.bibtex import base_id
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline

log = logging.getLogger(__name__)

# kind -> what "the top one" means for it; Spaces have no download count.
KINDS = (("models", "downloads"), ("datasets", "downloads"), ("spaces", "likes"))
PAGE = 100  # one page each: a count past it shows as "100+"
CONCURRENCY = 4
CACHE_TTL_S = 86_400.0
CACHE_PREFIX = "linked:v1:"
_REPO_ID = re.compile(r"[\w.\-]{1,96}(/[\w.\-]{1,96})?")


class Lister(Protocol):
    def repo_listing(
        self, kind: str, params: Mapping[str, str], deadline: Deadline
    ) -> tuple[list[Any], bool]: ...


def artifact(kind: str, items: list[Any], more: bool) -> Artifact:
    """A listing page as a count and its first item's id (the API sorted it); odd items are skipped."""
    ids = [item.get("id") for item in items if isinstance(item, Mapping)]
    valid = [i for i in ids if isinstance(i, str) and _REPO_ID.fullmatch(i)]
    return Artifact(kind=kind, count=len(valid), top=valid[0] if valid else None, more=more)


def from_json(value: Mapping[str, Any]) -> Released | None:
    """A cached value back as Released; None when it is not one we wrote."""
    artifacts = []
    for kind, _ in KINDS:
        entry = value.get(kind)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("count"), int):
            return None
        top = entry.get("top")
        if top is not None and not (isinstance(top, str) and _REPO_ID.fullmatch(top)):
            return None
        artifacts.append(Artifact(kind, entry["count"], top, more=entry.get("more") is True))
    return Released(tuple(artifacts))


class Linker:
    """Looks up what the shown papers released; built once per invocation."""

    def __init__(
        self,
        lister: Lister,
        open_cache: Callable[[], Cache] | None = None,
        *,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self._lister = lister
        self._cache = SoftCache(open_cache, "linked cache")
        self._concurrency = concurrency
        self._seen: dict[str, Released] = {}  # this invocation's answers: a second profile asks nothing

    def released(self, papers: Sequence[Paper], deadline: Deadline) -> tuple[dict[str, Released], list[str]]:
        """By arXiv id, what each paper released; and one warning per paper left out."""
        ids = list(dict.fromkeys(base_id(p.arxiv_id) for p in papers))
        found = {i: self._seen[i] for i in ids if i in self._seen}
        found.update(self._cached([i for i in ids if i not in found]))
        self._seen.update(found)
        wanted = [i for i in ids if i not in found]
        warnings: list[str] = []
        with ThreadPoolExecutor(max_workers=self._concurrency) as pool:
            answers = list(pool.map(lambda i: self._one(i, deadline), wanted))
        for arxiv_id, answer in zip(wanted, answers, strict=True):
            if isinstance(answer, str):
                warnings.append(f"{arxiv_id}: linked models, datasets and Spaces left out ({answer})")
                continue
            found[arxiv_id] = self._seen[arxiv_id] = answer
            self._store(arxiv_id, answer)
        warnings.extend(self._cache.take_faults())
        return {
            p.arxiv_id: found[base_id(p.arxiv_id)] for p in papers if base_id(p.arxiv_id) in found
        }, warnings

    def _one(self, arxiv_id: str, deadline: Deadline) -> Released | str:
        artifacts = []
        for kind, sort in KINDS:
            params = {"filter": f"arxiv:{arxiv_id}", "sort": sort, "limit": str(PAGE)}
            try:
                items, more = self._lister.repo_listing(kind, params, deadline)
            except DigestError as exc:
                log.warning("linked listing failed: %s", exc, extra={"arxiv_id": arxiv_id, "kind": kind})
                return str(exc)[:200]
            artifacts.append(artifact(kind, items, more))
        return Released(tuple(artifacts))

    def _cached(self, ids: list[str]) -> dict[str, Released]:
        found = {}
        for key, value in self._cache.get_many([CACHE_PREFIX + i for i in ids]).items():
            released = from_json(value)
            if released is not None:
                found[key.removeprefix(CACHE_PREFIX)] = released
        return found

    def _store(self, arxiv_id: str, released: Released) -> None:
        self._cache.put(CACHE_PREFIX + arxiv_id, released.to_json(), ttl_s=CACHE_TTL_S)
