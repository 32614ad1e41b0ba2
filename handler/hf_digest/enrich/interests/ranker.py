"""One invocation's relevance ranker: reads a library file once (from the blog the run publishes to), gives
its papers named only by an arXiv id their words (library_ids), scores each digest's papers lexically or
with embeddings, and says what it could not do instead of failing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hf_digest.core.model import Paper
from hf_digest.enrich.interests import lexical
from hf_digest.enrich.interests.parse import Interests, LibraryError, from_library, from_text, is_library_path
from hf_digest.enrich.interests.relevance import LEXICAL, SEMANTIC, THRESHOLDS, Relevance, pick
from hf_digest.errors import DigestError

if TYPE_CHECKING:
    from hf_digest.adapters.publish import Publisher
    from hf_digest.adapters.state.store import StateStore
    from hf_digest.config import Settings
    from hf_digest.enrich.interests.library_ids import LibraryIds, PaperLookup, Resolution
    from hf_digest.enrich.interests.semantic import Embeddings
    from hf_digest.enrich.summaries.cap import MonthlyCap
    from hf_digest.outbound.deadline import Deadline

log = logging.getLogger(__name__)

# Where a library file is looked for: the published blog first, then the output folder, then the bucket.
READ_FROM = ("github", "local", "s3")
UNAVAILABLE = "interests unavailable"  # how a result's warning starts when the section was left out
CAP_REACHED = "(DIGEST_SUMMARY_MONTHLY_USD reached"  # the warning of embeddings the month's cap stopped


@dataclass(frozen=True)
class InterestsReport:
    """What the ranker did for one digest, for the result JSON and the metrics."""

    method: str | None  # lexical or semantic; None when the interests could not be read
    library: str | None = None
    entries: int = 0
    scored: int = 0
    shown: int = 0
    embedding_calls: int = 0
    embeddings_cached: int = 0
    arxiv_ids: Resolution | None = None  # the library's papers named only by an arXiv id, if any
    cost_capped: bool = False  # the month's cost cap stopped the embeddings (the words ranked instead)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"method": self.method, "scored": self.scored, "shown": self.shown}
        if self.library is not None:
            data |= {"library": self.library, "entries": self.entries}
        if self.method == SEMANTIC:
            data |= {"embedding_calls": self.embedding_calls, "embeddings_cached": self.embeddings_cached}
        if self.arxiv_ids is not None:
            ids = self.arxiv_ids
            data["arxiv_ids"] = {
                "resolved": len(ids.found),
                "not_found": len(ids.not_found),
                "failed": len(ids.failed),
                "waiting": len(ids.waiting),
                "requests": ids.requests,
            }
        return data

    def metrics(self) -> dict[str, int]:
        unresolved = {}
        if self.arxiv_ids is not None:
            ids = self.arxiv_ids
            unresolved = {"LibraryIdsUnresolved": len(ids.not_found) + len(ids.failed) + len(ids.waiting)}
        if self.method is None:
            return {"InterestsUnavailable": 1, **unresolved}
        capped = {"SummaryCostCapReached": 1} if self.cost_capped else {}  # the shared cap's alarm
        return {"InterestsShown": self.shown, "EmbeddingCalls": self.embedding_calls, **unresolved, **capped}


@dataclass(frozen=True)
class Ranked:
    relevance: Relevance | None
    report: InterestsReport
    warnings: tuple[str, ...] = ()


@dataclass
class Ranker:
    """Built once per invocation when any digest has interests; state opens the store for embeddings."""

    state: Callable[[], StateStore] | None = None
    embed_client: Callable[[Settings], Any] | None = None  # tests hand in a client; else one for Bedrock
    papers: PaperLookup | None = None  # Hugging Face's paper API (the run's source), for arXiv ids
    _libraries: dict[str, Interests | LibraryError] = field(default_factory=dict)
    _embeddings: dict[str, Embeddings] = field(default_factory=dict)
    _ids: LibraryIds | None = None

    def rank(
        self, papers: Sequence[Paper], settings: Settings, publishers: Sequence[Publisher], deadline: Deadline
    ) -> Ranked:
        """papers scored against settings' interests; a library that cannot be read, one warning."""
        raw = settings.interests or ""
        try:
            interests = (
                self._read(raw, settings, publishers, deadline) if is_library_path(raw) else from_text(raw)
            )
        except LibraryError as exc:
            warning = f"{UNAVAILABLE}: DIGEST_INTERESTS {exc}; the post has no For you section"
            log.warning("%s", warning)
            return Ranked(None, InterestsReport(None, library=raw.strip()), (warning,))
        warnings: list[str] = []
        if interests.left_out:
            warnings.append(
                f"DIGEST_INTERESTS: {interests.left_out} library entries beyond the first "
                f"{len(interests.entries)} were left out"
            )
        resolution = None
        if interests.arxiv_ids():
            resolution = self._resolve(interests, deadline.keeping())
            interests = interests.resolved(resolution.found)
            warnings += resolution.warnings
        if interests.library is not None and not interests.usable():
            warning = (
                f"{UNAVAILABLE}: DIGEST_INTERESTS {interests.library}: none of its arXiv ids could be "
                "given a title this run; the post has no For you section"
            )
            log.warning("%s", warning)
            report = InterestsReport(None, library=interests.library, arxiv_ids=resolution)
            return Ranked(None, report, (*warnings, warning))
        scores = lexical.score(papers, interests)
        method, calls, cached, capped = LEXICAL, 0, 0, False
        if settings.interests_model:
            semantic_scores, calls, cached, problems = self._semantic(
                papers, interests, settings, scores, deadline.keeping()
            )
            warnings += problems
            capped = semantic_scores is None and any(CAP_REACHED in problem for problem in problems)
            if semantic_scores is not None:
                scores, method = semantic_scores, SEMANTIC
        elif not lexical.has_english(interests):
            warnings.append(
                "DIGEST_INTERESTS: no English word to match the (English) papers; add a few English terms, "
                "or set DIGEST_INTERESTS_MODEL for multilingual embeddings"
            )
        threshold = (
            THRESHOLDS[method] if settings.interests_min_score is None else settings.interests_min_score
        )
        by_relevance = settings.interests_rank == "relevance"
        picks = () if by_relevance else pick(papers, scores, settings.interests_top, threshold)
        report = InterestsReport(
            method,
            library=interests.library,
            entries=interests.usable(),
            scored=len(scores),
            shown=len(picks),
            embedding_calls=calls,
            embeddings_cached=cached,
            arxiv_ids=resolution,
            cost_capped=capped,
        )
        return Ranked(Relevance(method, scores, picks, by_relevance), report, tuple(warnings))

    def _resolve(self, interests: Interests, deadline: Deadline) -> Resolution:
        """The words of the library's papers named only by an arXiv id (state store, then Hugging Face)."""
        from hf_digest.enrich.interests.library_ids import LibraryIds, Resolution

        ids = interests.arxiv_ids()
        library = interests.library or ""
        if self.papers is None:  # a ranker built without a source (a test's): nothing to ask
            warning = f"DIGEST_INTERESTS {library}: {len(ids)} arXiv ids left out (no Hugging Face source)"
            return Resolution({}, failed=tuple(ids), warnings=(warning,))
        if self._ids is None:
            self._ids = LibraryIds(self.papers, self.state)
        return self._ids.resolve(ids, deadline, library)

    def _read(
        self, raw: str, settings: Settings, publishers: Sequence[Publisher], deadline: Deadline
    ) -> Interests:
        """The library file at path, read and parsed once per invocation (its failure too)."""
        path = raw.strip().lstrip("/")
        if path not in self._libraries:
            try:
                self._libraries[path] = from_library(_read_file(path, settings, publishers, deadline), path)
            except LibraryError as exc:
                self._libraries[path] = exc
            except DigestError as exc:
                self._libraries[path] = LibraryError(f"{path}: could not be read ({exc})")
        found = self._libraries[path]
        if isinstance(found, LibraryError):
            raise found
        return found

    def _semantic(
        self,
        papers: Sequence[Paper],
        interests: Interests,
        settings: Settings,
        terms: dict[str, Any],
        deadline: Deadline,
    ) -> tuple[dict[str, Any] | None, int, int, list[str]]:
        """Embedding scores, the calls made and cached; None and a warning when Bedrock fails or the month's
        cost cap is reached (words rank)."""
        from hf_digest.enrich.interests import semantic

        model = settings.interests_model or ""
        try:
            embeddings = self._embeddings.get(model)
            if embeddings is None:
                client = self.embed_client(settings) if self.embed_client else _bedrock_client()
                store = self.state() if self.state is not None else None
                embeddings = semantic.Embeddings(model, semantic.bedrock_embed(model, client), store)
                embeddings.cap = _monthly_cap(model, settings, store)
                self._embeddings[model] = embeddings
            embeddings.deadline = deadline
            calls, cached = embeddings.calls, embeddings.cached
            scores = semantic.score(papers, interests, embeddings, terms)
        except DigestError as exc:
            warning = f"DIGEST_INTERESTS_MODEL: no embeddings ({exc}); ranked by shared words instead"
            log.warning("%s", warning)
            return None, 0, 0, [warning]
        problems = list(embeddings.warnings)
        embeddings.warnings.clear()
        return scores, embeddings.calls - calls, embeddings.cached - cached, problems


def _monthly_cap(model: str, settings: Settings, store: StateStore | None) -> MonthlyCap | None:
    """The month's cost cap the summaries keep, priced for the embeddings model; an EmbeddingError when the
    model has no price in our table (no call is made that the cap could not count)."""
    from datetime import UTC, datetime

    from hf_digest.enrich.interests.semantic import EmbeddingError
    from hf_digest.enrich.summaries.cap import MonthlyCap, month_of
    from hf_digest.enrich.summaries.report import price

    rates = price(model)
    if rates is None:
        kept = "DIGEST_SUMMARY_MONTHLY_USD could not be kept"
        raise EmbeddingError(f"{model} has no price in our table, so {kept}")
    if store is None:  # no state store to tally in (a ranker built without one)
        return None
    return MonthlyCap(store, settings.summary_monthly_usd, rates, month_of(datetime.now(UTC)))


def _bedrock_client() -> Any:
    from hf_digest.enrich.interests.semantic import READ_TIMEOUT_S
    from hf_digest.outbound import aws

    return aws.client("bedrock-runtime", setting="DIGEST_INTERESTS_MODEL", read_timeout_s=READ_TIMEOUT_S)


def _read_file(
    path: str, settings: Settings, publishers: Sequence[Publisher], deadline: Deadline
) -> bytes | None:
    """The file from the first destination that holds a blog (the run's own publishers; a dry run has none,
    so the output folder)."""
    chosen = [p for name in READ_FROM for p in publishers if p.name == name]
    if not chosen:
        from hf_digest.adapters.publish.local import LocalPublisher

        chosen = [LocalPublisher(settings.output_dir)]
    return chosen[0].read(path, deadline.keeping())
