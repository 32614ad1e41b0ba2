"""Our summary of each shown paper with Amazon Bedrock's Converse API or an OpenAI-compatible chat
completions API (DIGEST_SUMMARY_PROVIDER): cached once per paper, capped by a token budget and the deadline,
checked before it is shown, and never able to stop the post.

The run layer calls `summarize` after ranking and before rendering, then `with_summaries` on the papers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from hf_digest.adapters.state import StateError, StateStore
from hf_digest.config import Settings
from hf_digest.core.model import Paper, Summary, clean_text
from hf_digest.core.outcomes import Status
from hf_digest.enrich.summaries import checks as summary_checks
from hf_digest.enrich.summaries.converse import ATTEMPT_S, Called, Caller, ConverseClient, converse_client
from hf_digest.enrich.summaries.prompt import Prompt, converse_request, estimated_input_tokens, load_prompt
from hf_digest.enrich.summaries.report import (
    PaperStatus,
    SummaryReport,
)
from hf_digest.errors import ConfigError
from hf_digest.outbound.deadline import PUBLISH_RESERVE_S, Deadline

if TYPE_CHECKING:
    from hf_digest.enrich.summaries.openai_chat import ChatClient

log = logging.getLogger(__name__)

RESERVE_S = PUBLISH_RESERVE_S  # left for rendering and publishing after the last call
SUMMARY_TTL_S = 400 * 86400.0  # a year's backfill, weekly and monthly digests all find it
REJECTED_TTL_S = 3 * 86400.0  # a refused answer is not paid for again by reruns and refreshes soon after
NOT_CALLED = "not called: the run stopped at its error"


class PaperCaller(Protocol):
    """One run's calls to the summaries' provider: converse.Caller (Bedrock) or openai_chat.ChatCaller."""

    @property
    def deadline(self) -> Deadline: ...

    @property
    def reserve_s(self) -> float: ...

    def cache_request(self, request: Mapping[str, Any]) -> Mapping[str, Any]: ...

    def call(self, request: Mapping[str, Any]) -> Called: ...


def cache_key(arxiv_id: str, lang: str, request: Mapping[str, Any]) -> str:
    """The key of a paper's summary: a hash of the whole request (for an OpenAI-compatible API, with the
    provider and its host), so whatever changes the answer (the provider, the model, the prompt, the
    paper's text, DIGEST_SUMMARY_MAX_TOKENS, the temperature) changes the key, and a refusal one setting
    caused is not remembered under another."""
    asked = json.dumps(request, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"summary#{arxiv_id}#{lang}#{hashlib.sha256(asked.encode('utf-8')).hexdigest()[:20]}"


def with_summaries(papers: Sequence[Paper], summaries: Mapping[str, Summary]) -> list[Paper]:
    """papers with their summaries attached (the others unchanged)."""
    return [replace(p, summary=summaries[p.arxiv_id]) if p.arxiv_id in summaries else p for p in papers]


@dataclass(frozen=True)
class Summarizer:
    """The summaries' adapter, built once per invocation: the settings, the state store, the client of
    the provider DIGEST_SUMMARY_PROVIDER names."""

    settings: Settings
    store: StateStore
    client: ConverseClient | ChatClient

    @classmethod
    def from_settings(cls, settings: Settings, store: StateStore) -> Summarizer | None:
        """None when DIGEST_SUMMARY_MODEL is not set (summaries off)."""
        if not settings.summary_model:
            return None
        if settings.summary_provider == "openai":
            from hf_digest.enrich.summaries.openai_chat import chat_client

            return cls(settings, store, chat_client(settings))
        return cls(settings, store, converse_client(settings))

    def __call__(
        self, papers: Sequence[Paper], lang: str, deadline: Deadline
    ) -> tuple[list[Paper], SummaryReport]:
        """papers with the summaries that passed their checks, and the report for the result."""
        summaries, report = summarize(papers, lang, self.settings, self.store, self.client, deadline)
        return with_summaries(papers, summaries), report


def summarize(
    papers: Sequence[Paper],
    lang: str,
    settings: Settings,
    store: StateStore,
    client: ConverseClient | ChatClient,
    deadline: Deadline,
    *,
    reserve_s: float = RESERVE_S,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[dict[str, Summary], SummaryReport]:
    """Summaries of papers by arXiv id (those that passed their checks), and the report of the run."""
    model = settings.summary_model
    if not model:
        return {}, SummaryReport.off()
    try:
        prompt = load_prompt(settings.template_dir, lang)
    except ConfigError as exc:  # a broken prompt template costs the summaries, never the post
        statuses = tuple(PaperStatus(p.arxiv_id, Status.FAILED, NOT_CALLED) for p in papers)
        report = SummaryReport(model=model, papers=statuses, error=str(exc))
        _log(report)
        return {}, report
    caller = _caller(client, model, deadline, reserve_s, sleep)
    run = _Run(papers, lang, settings, model, prompt, store, caller)
    report = run.execute()
    _log(report)
    return run.summaries, report


def _caller(
    client: ConverseClient | ChatClient,
    model: str,
    deadline: Deadline,
    reserve_s: float,
    sleep: Callable[[float], None],
) -> PaperCaller:
    from hf_digest.enrich.summaries.openai_chat import ChatCaller, ChatClient

    if isinstance(client, ChatClient):
        return ChatCaller(client, model, deadline, reserve_s, sleep)
    return Caller(client, model, deadline, reserve_s, sleep)


class _Run:
    """One summarize() call: cache reads, scheduling under budget and deadline, then cache writes."""

    def __init__(
        self,
        papers: Sequence[Paper],
        lang: str,
        settings: Settings,
        model: str,
        prompt: Prompt,
        store: StateStore,
        caller: PaperCaller,
    ) -> None:
        unique = list({paper.arxiv_id: paper for paper in papers}.values())
        limit = len(unique) if settings.summary_max_papers is None else settings.summary_max_papers
        self.wanted, self.beyond = unique[:limit], unique[limit:]
        self.lang, self.settings, self.model, self.prompt = lang, settings, model, prompt
        self.store, self.caller = store, caller
        self.summaries: dict[str, Summary] = {}
        self.statuses: dict[str, PaperStatus] = {}
        self.warnings: list[str] = []
        self.error: str | None = None
        self.spent = self.reserved = 0
        self.requests = {
            p.arxiv_id: converse_request(prompt, p, model, settings.summary_max_tokens) for p in self.wanted
        }
        self.not_cached: list[str] = []  # papers whose summary or refusal could not be written
        self.cache_error: str | None = None

    def key(self, paper: Paper) -> str:
        return cache_key(paper.arxiv_id, self.lang, self.caller.cache_request(self.requests[paper.arxiv_id]))

    def execute(self) -> SummaryReport:
        for paper in self.beyond:
            self._set(paper, Status.SKIPPED, "beyond DIGEST_SUMMARY_MAX_PAPERS")
        cached = self._read_cache()
        to_call = [paper for paper in self.wanted if not self._from_cache(paper, cached)]
        if to_call:
            self._call_all(to_call)
        if self.not_cached:
            named = ", ".join(self.not_cached[:5])
            self.warnings.append(
                f"summaries of {len(self.not_cached)} paper(s) not cached ({named}): {self.cache_error}"
            )
        order = [paper.arxiv_id for paper in (*self.wanted, *self.beyond)]
        self.summaries = {
            arxiv_id: self.summaries[arxiv_id] for arxiv_id in order if arxiv_id in self.summaries
        }
        return SummaryReport(
            model=self.model,
            prompt_version=self.prompt.version,
            papers=tuple(self.statuses[arxiv_id] for arxiv_id in order),
            error=self.error,
            warnings=tuple(self.warnings),
        )

    def _read_cache(self) -> dict[str, dict[str, Any]]:
        """One read for every paper (DynamoDB: one BatchGetItem per 100); a store that fails reads nothing."""
        keys = [self.key(paper) for paper in self.wanted if paper.abstract]
        malformed: list[str] = []
        try:
            found = self.store.get_many(keys, malformed=malformed) if keys else {}
        except StateError as exc:
            self.warnings.append(f"summary cache not read: {exc}")
            return {}
        if malformed:
            ids = [key.split("#")[1] for key in malformed]
            self.warnings.append(
                f"summary cache: {len(ids)} unreadable entr{'y' if len(ids) == 1 else 'ies'} ignored and "
                f"asked again ({', '.join(ids[:5])})"
            )
        return found

    def _from_cache(self, paper: Paper, cached: Mapping[str, Mapping[str, Any]]) -> bool:
        """True when the paper needs no call: no abstract, or a summary (or a refusal) in the cache."""
        if not paper.abstract:
            self._set(paper, Status.SKIPPED, "no abstract to summarise")
            return True
        value = cached.get(self.key(paper)) or {}
        if isinstance(value.get("text"), str):
            # Checked again as it is read: a stricter gate than the one it passed takes effect at once.
            text = clean_text(value["text"])
            problem = summary_checks.problem(text, title=paper.title, abstract=paper.abstract, lang=self.lang)
            if problem is not None:
                log.info("cached summary refused now; asking again", extra={"arxiv_id": paper.arxiv_id})
                return False
            self.summaries[paper.arxiv_id] = Summary(text, self.model, self.prompt.version)
            self._set(paper, Status.CACHED)
            return True
        if isinstance(value.get("rejected"), str):
            self._set(paper, Status.REJECTED, f"{value['rejected']} (refused earlier, cached)")
            return True
        return False

    def _call_all(self, papers: list[Paper]) -> None:
        pending = deque(papers)
        running: dict[Future[Called], tuple[Paper, int]] = {}
        with ThreadPoolExecutor(self.settings.summary_concurrency, thread_name_prefix="summary") as pool:
            while pending or running:
                while pending and len(running) < self.settings.summary_concurrency and self.error is None:
                    paper = pending[0]
                    if not self.caller.deadline.allows(ATTEMPT_S, self.caller.reserve_s):
                        self._give_up(
                            pending, Status.DEADLINE, "no time left before the post must be published"
                        )
                        break
                    request = self.requests[paper.arxiv_id]
                    estimate = estimated_input_tokens(request) + self.settings.summary_max_tokens
                    if self.spent + self.reserved + estimate > self.settings.summary_token_budget:
                        if not running:
                            self._give_up(pending, Status.BUDGET, "DIGEST_SUMMARY_TOKEN_BUDGET spent")
                        break
                    pending.popleft()
                    self.reserved += estimate
                    running[pool.submit(self.caller.call, request)] = (paper, estimate)
                if self.error is not None:
                    self._give_up(pending, Status.FAILED, NOT_CALLED)
                if not running:
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    paper, estimate = running.pop(future)
                    self.reserved -= estimate
                    self._settle(paper, future.result())

    def _give_up(self, pending: deque[Paper], status: Status, reason: str) -> None:
        while pending:
            self._set(pending.popleft(), status, reason)

    def _settle(self, paper: Paper, called: Called) -> None:
        self.spent += called.input_tokens + called.output_tokens
        if called.fatal and self.error is None:
            self.error = called.fatal
            log.error(called.fatal, extra={"model": self.model})
        if called.text is not None:
            text = clean_text(called.text)
            problem = summary_checks.problem(text, title=paper.title, abstract=paper.abstract, lang=self.lang)
        else:
            text, problem = "", called.problem or "no answer"
        if problem is None:
            self.summaries[paper.arxiv_id] = Summary(text, self.model, self.prompt.version)
            self._set(paper, Status.GENERATED, called=called)
            self._put(paper, {"text": text}, called, SUMMARY_TTL_S)
        elif called.answered:
            self._set(paper, Status.REJECTED, problem, called)
            self._put(paper, {"rejected": problem}, called, REJECTED_TTL_S)
        else:
            self._set(paper, Status.FAILED, problem, called)

    def _put(self, paper: Paper, value: dict[str, Any], called: Called, ttl_s: float) -> None:
        usage = {"input_tokens": called.input_tokens, "output_tokens": called.output_tokens}
        try:
            self.store.put(self.key(paper), {**value, **usage, "model": self.model}, ttl_s=ttl_s)
        except StateError as exc:
            self.not_cached.append(paper.arxiv_id)
            self.cache_error = self.cache_error or str(exc)

    def _set(
        self, paper: Paper, status: Status, reason: str | None = None, called: Called | None = None
    ) -> None:
        usage = called or Called()
        self.statuses[paper.arxiv_id] = PaperStatus(
            paper.arxiv_id, status, reason, usage.input_tokens, usage.output_tokens, usage.attempts
        )


def _log(report: SummaryReport) -> None:
    summary = report.to_json()
    counts = {k: summary[k] for k in ("status", "generated", "cached", "fallback", "failed", "input_tokens")}
    counts |= {"output_tokens": summary["output_tokens"], "model": report.model}
    for paper in report.papers:
        if paper.reason and paper.status != Status.SKIPPED and paper.reason not in (report.error, NOT_CALLED):
            log.warning("summary fell back", extra={"arxiv_id": paper.arxiv_id, **paper.to_json()})
    if report.status == Status.FAILED:
        # Alarm-worthy: the post is published with Hugging Face's summaries only.
        log.error("summaries: failed", extra={**counts, "reason": report.error or "every paper fell back"})
    else:
        log.info("summaries", extra=counts)
