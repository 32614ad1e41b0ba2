"""Semantic relevance: embeddings from Amazon Bedrock (InvokeModel, Titan Text Embeddings V2's body), cached
in the state store: a paper's once (by model and arXiv id), the interests' by a hash of their text, so a
rerun makes no call at all.

Titan V2's request is `{"inputText", "dimensions", "normalize"}` and its answer `{"embedding": [...],
"inputTextTokenCount": n}` (Bedrock user guide, "Amazon Titan Text Embeddings"). Its input holds at most
50,000 characters; a paper's title and abstract are far below that.

Each call is asked of the month's cost cap (DIGEST_SUMMARY_MONTHLY_USD, the tally summaries share) before it
starts, at a generous estimate of its tokens, and charged its `inputTextTokenCount` after.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hf_digest.adapters.state.store import StateError, StateStore
from hf_digest.core.model import Paper
from hf_digest.enrich.interests.parse import Interests
from hf_digest.enrich.interests.relevance import Score
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline

if TYPE_CHECKING:
    from hf_digest.enrich.summaries.cap import MonthlyCap

log = logging.getLogger(__name__)

DIMENSIONS = 512
MAX_INPUT_CHARS = 20_000
READ_TIMEOUT_S = 20.0


class EmbeddingError(DigestError):
    """Bedrock gave no embedding (refused, unreachable, or an answer without one)."""

    kind = "embeddings"


class CostCapReached(EmbeddingError):
    """The month's cost cap leaves no room for another embeddings call."""


Vector = list[float]
Embed = Callable[[str], tuple[Vector, int]]  # one text's embedding and input tokens (one InvokeModel call)


def estimated_tokens(text: str) -> int:
    """A generous guess of a text's input tokens: one per 3 bytes of what is sent, at least one."""
    return len(text[:MAX_INPUT_CHARS].encode("utf-8")) // 3 + 1


def bedrock_embed(model: str, client: Any) -> Embed:
    """One InvokeModel call per text with client (a bedrock-runtime client)."""
    from botocore.exceptions import BotoCoreError, ClientError

    def embed(text: str) -> tuple[Vector, int]:
        body: dict[str, Any] = {"inputText": text[:MAX_INPUT_CHARS]}
        if "titan-embed-text-v2" in model:
            body |= {"dimensions": DIMENSIONS, "normalize": True}
        try:
            answer = client.invoke_model(
                modelId=model,
                body=json.dumps(body),
                contentType="application/json",
                accept="application/json",
            )
            data = json.loads(answer["body"].read())
        except (BotoCoreError, ClientError, ValueError) as exc:
            raise EmbeddingError(f"{model}: {type(exc).__name__}: {str(exc)[:200]}") from exc
        vector = data.get("embedding") if isinstance(data, dict) else None
        if not isinstance(vector, list) or not vector or not all(isinstance(x, int | float) for x in vector):
            raise EmbeddingError(f"{model}: the answer holds no embedding")
        tokens = data.get("inputTextTokenCount")
        if not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 0:
            tokens = estimated_tokens(text)  # a model that does not say: charged our estimate
        return [float(x) for x in vector], tokens

    return embed


def paper_text(paper: Paper) -> str:
    return f"{paper.title}\n\n{paper.abstract}"


@dataclass
class Embeddings:
    """Embeddings for one run: read from the state store first, asked of Bedrock only when missing."""

    model: str
    embed: Embed
    store: StateStore | None = None
    calls: int = 0  # InvokeModel calls made
    cached: int = 0  # embeddings found in the store
    warnings: list[str] = field(default_factory=list)
    deadline: Deadline | None = None  # no call starts that could not finish before the post is due
    cap: MonthlyCap | None = None  # the month's cost cap, shared with summaries (None: no state store)
    _tally_read: bool = field(default=False, repr=False)

    def key(self, kind: str, name: str) -> str:
        return f"embedding/{self.model}/{DIMENSIONS}/{kind}/{name}"

    def vectors(self, named: dict[str, str]) -> dict[str, Vector]:
        """The embedding of each text in named (by its cache key); EmbeddingError when Bedrock fails."""
        found: dict[str, Vector] = {}
        if self.store is not None:
            try:
                held = self.store.get_many(list(named))
            except StateError as exc:
                self._store_failed(exc)
                held = {}
            for key, value in held.items():
                vector = value.get("v")
                if isinstance(vector, list) and vector:
                    found[key] = [float(x) for x in vector]
            self.cached += len(found)
        for key, text in named.items():
            if key in found:
                continue
            if self.deadline is not None and not self.deadline.allows(READ_TIMEOUT_S):
                raise EmbeddingError(f"{self.model}: no time left for another call before the post is due")
            self._ask_cap(text)
            found[key], tokens = self.embed(text)
            self.calls += 1
            if self.cap is not None:
                self.cap.charge(tokens, 0)
            if self.store is not None:
                try:
                    self.store.put(key, {"v": [round(x, 6) for x in found[key]]})
                except StateError as exc:
                    self._store_failed(exc)
        return found

    def _ask_cap(self, text: str) -> None:
        """An EmbeddingError naming DIGEST_SUMMARY_MONTHLY_USD when this call might not fit this month."""
        if self.cap is None:
            return
        if not self._tally_read:  # once per invocation; each charge then brings the tally up to date
            self._tally_read = True
            self.cap.read()
        if not self.cap.allows(self.cap.micro(estimated_tokens(text), 0)):
            raise CostCapReached(
                f"DIGEST_SUMMARY_MONTHLY_USD reached (${self.cap.spent_usd:.4f} of ${self.cap.cap_usd:.2f} "
                f"spent in {self.cap.month}); no embeddings call was made"
            )

    def _store_failed(self, exc: StateError) -> None:
        warning = f"embeddings cache unavailable ({exc}); embeddings were asked of Bedrock again"
        if warning not in self.warnings:
            log.warning("%s", warning)
            self.warnings.append(warning)
        self.store = None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def similarity(one: Sequence[float], other: Sequence[float]) -> float:
    dot = sum(a * b for a, b in zip(one, other, strict=False))
    norm = math.sqrt(sum(a * a for a in one)) * math.sqrt(sum(b * b for b in other))
    return dot / norm if norm else 0.0


def score(
    papers: Sequence[Paper], interests: Interests, embeddings: Embeddings, terms: dict[str, Score]
) -> dict[str, Score]:
    """Every paper's best cosine over the interests' entries; the reason is the closest library paper, or
    (free text) the words the lexical ranker found shared (terms)."""
    paper_keys = {embeddings.key("paper", p.arxiv_id): paper_text(p) for p in papers}
    entry_keys = {embeddings.key("text", text_hash(e.text)): e.text for e in interests.entries if e.text}
    vectors = embeddings.vectors({**entry_keys, **paper_keys})
    entries = [
        (entry, vectors[embeddings.key("text", text_hash(entry.text))])
        for entry in interests.entries
        if entry.text
    ]
    found = {}
    for paper in papers:
        vector = vectors[embeddings.key("paper", paper.arxiv_id)]
        value, closest = max(((similarity(v, vector), e.title) for e, v in entries), default=(0.0, ""))
        lexical = terms.get(paper.arxiv_id)
        found[paper.arxiv_id] = Score(
            max(0.0, min(value, 1.0)), lexical.terms if lexical else (), closest or None
        )
    return found
