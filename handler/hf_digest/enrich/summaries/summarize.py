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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from hf_digest.adapters.state import StateError, StateStore
from hf_digest.config import Settings
from hf_digest.core.model import Paper, Summary, clean_text
from hf_digest.core.outcomes import Status
from hf_digest.enrich.summaries import checks as summary_checks
from hf_digest.enrich.summaries.cap import MonthlyCap, month_of
from hf_digest.enrich.summaries.cap import rates as cap_rates
from hf_digest.enrich.summaries.converse import ATTEMPT_S, Called, Caller, ConverseClient, converse_client
from hf_digest.enrich.summaries.prompt import (
    DAY,
    LINES,
    Fields,
    Prompt,
    converse_request,
    day_request,
    estimated_input_tokens,
    load_prompt,
)
from hf_digest.enrich.summaries.report import Brief, CapStatus, PaperStatus, SummaryReport
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


def brief_key(lang: str, request: Mapping[str, Any]) -> str:
    """The key of a day's brief: a hash of its request, which holds every shown paper's summary."""
    return "brief" + cache_key("day", lang, request).removeprefix("summary")


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
        """None when DIGEST_SUMMARY_MODEL is not set (summaries off). A model without a known price and
        without DIGEST_SUMMARY_PRICE_*_USD is a ConfigError here, before anything is written."""
        if not settings.summary_model:
            return None
        cls.check(settings)
        if settings.summary_provider == "openai":
            from hf_digest.enrich.summaries.openai_chat import chat_client

            return cls(settings, store, chat_client(settings))
        return cls(settings, store, converse_client(settings))

    @staticmethod
    def check(settings: Settings) -> None:
        """A ConfigError naming DIGEST_SUMMARY_PRICE_*_USD when the model's price is unknown and not stated:
        the monthly cap could not be kept."""
        cap_rates(settings)

    def __call__(
        self,
        papers: Sequence[Paper],
        lang: str,
        deadline: Deadline,
        *,
        brief: bool = False,
        now: datetime | None = None,
    ) -> tuple[list[Paper], SummaryReport]:
        """papers with the summaries that passed their checks, and the report for the result (with the
        day's brief when asked for); now, the run's clock, picks the cost cap's month."""
        summaries, report = summarize(
            papers, lang, self.settings, self.store, self.client, deadline, brief=brief, now=now
        )
        return with_summaries(papers, summaries), report


def summarize(
    papers: Sequence[Paper],
    lang: str,
    settings: Settings,
    store: StateStore,
    client: ConverseClient | ChatClient,
    deadline: Deadline,
    *,
    brief: bool = False,
    reserve_s: float = RESERVE_S,
    sleep: Callable[[float], None] = time.sleep,
    now: datetime | None = None,
) -> tuple[dict[str, Summary], SummaryReport]:
    """Summaries of papers by arXiv id (those that passed their checks), and the report of the run; with
    brief, also the day's brief written from them (one more call)."""
    model = settings.summary_model
    if not model:
        return {}, SummaryReport.off()
    try:
        prompt = load_prompt(settings.template_dir, lang)
        day_prompt = load_prompt(settings.template_dir, lang, DAY) if brief else None
        rates = cap_rates(settings)  # Summarizer.from_settings refused this before the run began
    except ConfigError as exc:  # a broken prompt template costs the summaries, never the post
        statuses = tuple(PaperStatus(Status.FAILED, NOT_CALLED, arxiv_id=p.arxiv_id) for p in papers)
        report = SummaryReport(model=model, papers=statuses, error=str(exc))
        _log(report)
        return {}, report
    caller = _caller(client, model, deadline, reserve_s, sleep)
    cap = MonthlyCap(store, settings.summary_monthly_usd, rates, month_of(now or datetime.now(UTC)))
    run = _Run(papers, lang, settings, model, prompt, store, caller, cap)
    report = run.execute()
    if day_prompt is not None:
        report = run.brief(day_prompt, report)
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
    """One summarize() call: cache reads, scheduling under budget, cost cap and deadline (with AIMD
    concurrency), then cache writes."""

    def __init__(
        self,
        papers: Sequence[Paper],
        lang: str,
        settings: Settings,
        model: str,
        prompt: Prompt,
        store: StateStore,
        caller: PaperCaller,
        cap: MonthlyCap,
    ) -> None:
        unique = list({paper.arxiv_id: paper for paper in papers}.values())
        limit = len(unique) if settings.summary_max_papers is None else settings.summary_max_papers
        self.wanted, self.beyond = unique[:limit], unique[limit:]
        self.lang, self.settings, self.model, self.prompt = lang, settings, model, prompt
        self.store, self.caller, self.cap = store, caller, cap
        self.summaries: dict[str, Summary] = {}
        self.fields: dict[str, Fields] = {}  # each shown summary's checked fields, for the day's brief
        self.statuses: dict[str, PaperStatus] = {}
        self.warnings: list[str] = []
        self.error: str | None = None
        self.spent = self.reserved = 0
        self.requests = {
            p.arxiv_id: converse_request(prompt, p, model, settings.summary_max_tokens) for p in self.wanted
        }
        self.not_cached: list[str] = []  # papers whose summary or refusal could not be written
        self.cache_error: str | None = None
        self.window = Window(settings.summary_concurrency)
        self.throttled = 0
        self.tally_read = False
        self.cap_noted = False

    def key(self, paper: Paper) -> str:
        return cache_key(paper.arxiv_id, self.lang, self.caller.cache_request(self.requests[paper.arxiv_id]))

    def execute(self) -> SummaryReport:
        for paper in self.beyond:
            self._set(paper, Status.SKIPPED, "beyond DIGEST_SUMMARY_MAX_PAPERS")
        cached = self._read_cache()
        to_call = [paper for paper in self.wanted if not self._from_cache(paper, cached)]
        if to_call:
            self._read_tally()
            self._call_all(to_call)
        if self.not_cached:
            named = ", ".join(self.not_cached[:5])
            self.warnings.append(
                f"summaries of {len(self.not_cached)} paper(s) not cached ({named}): {self.cache_error}"
            )
        if self.cap.reached:
            self._note_cap()
        order = [paper.arxiv_id for paper in (*self.wanted, *self.beyond)]
        self.summaries = {
            arxiv_id: self.summaries[arxiv_id] for arxiv_id in order if arxiv_id in self.summaries
        }
        return self._report(tuple(self.statuses[arxiv_id] for arxiv_id in order))

    def _report(self, papers: tuple[PaperStatus, ...], **extra: Any) -> SummaryReport:
        return SummaryReport(
            model=self.model,
            prompt_version=self.prompt.version,
            papers=papers,
            error=self.error,
            warnings=tuple(self.warnings),
            throttled=self.throttled,
            concurrency=(self.settings.summary_concurrency, self.window.lowest),
            cap=self._cap_status(),
            rates=self.cap.rates,
            **extra,
        )

    def _cap_status(self) -> CapStatus:
        return CapStatus(self.cap.month, self.cap.cap_usd, self.cap.spent_usd, self.cap.reached)

    def _note_cap(self) -> None:
        """One warning and one log line for a run that met the cap (the papers' calls or the brief's)."""
        if self.cap_noted:
            return
        self.cap_noted = True
        capped = self._count(Status.COST_CAP)
        self.warnings.append(
            f"DIGEST_SUMMARY_MONTHLY_USD ${self.cap.cap_usd:.2f} reached for {self.cap.month} "
            f"(${self.cap.spent_usd:.4f} spent): {capped} paper(s) shown without our summary"
        )
        log.warning(
            "summaries: monthly cost cap reached",
            extra={"month": self.cap.month, "cap_usd": self.cap.cap_usd, "spent_usd": self.cap.spent_usd},
        )

    def _count(self, status: Status) -> int:
        return sum(1 for paper in self.statuses.values() if paper.status == status)

    def _read_tally(self) -> None:
        self.tally_read = True
        self.cap.read()
        if self.cap.error and not any(w.startswith("summary cache not read") for w in self.warnings):
            # one fault, one warning: the cache's read already said the store failed
            self.warnings.append(
                f"monthly cost tally not read; this run kept to the cap alone: {self.cap.error}"
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
        if isinstance(value.get("fields"), Mapping):
            # Checked again as it is read: a stricter gate than the one it passed takes effect at once.
            summary = self._checked(paper, value["fields"])
            if isinstance(summary, str):
                log.info("cached summary refused now; asking again", extra={"arxiv_id": paper.arxiv_id})
                return False
            self._set(paper, Status.CACHED)
            return True
        if isinstance(value.get("rejected"), str):
            self._set(paper, Status.REJECTED, f"{value['rejected']} (refused earlier, cached)")
            return True
        return False  # nothing, or an answer of an older shape: asked again

    def _checked(self, paper: Paper, fields: Mapping[str, Any]) -> Summary | str:
        """The paper's summary from an answer's fields when every field passes its check, else why not."""
        clean = {name: clean_text(str(fields.get(name, ""))) for name in ("title", *LINES)}
        keywords = tuple(
            clean_text(str(word)) for word in fields.get("keywords", ()) if isinstance(word, str)
        )
        problem = summary_checks.answer_problem(
            {**clean, "keywords": keywords},
            title=paper.title,
            abstract=paper.abstract,
            keywords=paper.ai_keywords,
            lang=self.lang,
        )
        if problem is not None:
            return problem
        text = " ".join(clean[line] for line in LINES)
        summary = Summary(text, self.model, self.prompt.version, keywords=keywords, **clean)
        self.summaries[paper.arxiv_id] = summary
        self.fields[paper.arxiv_id] = {**clean, "keywords": list(keywords)}
        return summary

    def _call_all(self, papers: list[Paper]) -> None:
        pending = deque(papers)
        running: dict[Future[Called], tuple[Paper, int, int]] = {}
        with ThreadPoolExecutor(self.settings.summary_concurrency, thread_name_prefix="summary") as pool:
            while pending or running:
                while pending and len(running) < self.window.size and self.error is None:
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
                    priced = self.cap.micro(estimated_input_tokens(request), self.settings.summary_max_tokens)
                    if not self.cap.allows(priced):
                        if not running:
                            self._give_up(
                                pending,
                                Status.COST_CAP,
                                f"DIGEST_SUMMARY_MONTHLY_USD reached for {self.cap.month}",
                            )
                        break
                    pending.popleft()
                    self.reserved += estimate
                    self.cap.in_flight_micro += priced
                    running[pool.submit(self.caller.call, request)] = (paper, estimate, priced)
                if self.error is not None:
                    self._give_up(pending, Status.FAILED, NOT_CALLED)
                if not running:
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    paper, estimate, priced = running.pop(future)
                    self.reserved -= estimate
                    self.cap.in_flight_micro -= priced
                    called = future.result()
                    self.window.settled(throttled=called.throttled > 0)
                    self._settle(paper, called)

    def _give_up(self, pending: deque[Paper], status: Status, reason: str) -> None:
        while pending:
            self._set(pending.popleft(), status, reason)

    def _settle(self, paper: Paper, called: Called) -> None:
        self.spent += called.input_tokens + called.output_tokens
        self.cap.charge(called.input_tokens, called.output_tokens)
        self.throttled += called.throttled
        if called.fatal and self.error is None:
            self.error = called.fatal
            log.error(called.fatal, extra={"model": self.model})
        if called.fields is not None:
            checked = self._checked(paper, called.fields)
            problem = checked if isinstance(checked, str) else None
        else:
            problem = called.problem or "no answer"
        if problem is None:
            self._set(paper, Status.GENERATED, called=called)
            self._put(
                self.key(paper),
                paper.arxiv_id,
                {"fields": self.fields[paper.arxiv_id]},
                called,
                SUMMARY_TTL_S,
            )
        elif called.answered:
            self._set(paper, Status.REJECTED, problem, called)
            self._put(self.key(paper), paper.arxiv_id, {"rejected": problem}, called, REJECTED_TTL_S)
        else:
            self._set(paper, Status.FAILED, problem, called)

    def _put(self, key: str, name: str, value: dict[str, Any], called: Called, ttl_s: float) -> None:
        usage = {"input_tokens": called.input_tokens, "output_tokens": called.output_tokens}
        try:
            self.store.put(key, {**value, **usage, "model": self.model}, ttl_s=ttl_s)
        except StateError as exc:
            self.not_cached.append(name)
            self.cache_error = self.cache_error or str(exc)

    def _set(
        self, paper: Paper, status: Status, reason: str | None = None, called: Called | None = None
    ) -> None:
        usage = called or Called()
        self.statuses[paper.arxiv_id] = PaperStatus(
            status, reason, usage.input_tokens, usage.output_tokens, usage.attempts, arxiv_id=paper.arxiv_id
        )

    def brief(self, prompt: Prompt, report: SummaryReport) -> SummaryReport:
        """The day's brief from the shown papers' checked summaries: cached, checked, one call at most."""
        shown = [
            (paper, self.fields[paper.arxiv_id]) for paper in self.wanted if paper.arxiv_id in self.fields
        ]
        if len(shown) < 2:
            return replace(
                report, brief_status=Brief(Status.SKIPPED, "fewer than two summaries to write it from")
            )
        request = day_request(prompt, shown, self.model, self.settings.summary_max_tokens)
        key = brief_key(self.lang, request)
        try:
            value = self.store.get_many([key]).get(key) or {}
        except StateError:
            value = {}  # the cache's read already warned about the store
        numbers_from = " ".join(f"{paper.title} {paper.abstract}" for paper, _ in shown)
        names_from = " ".join(
            f"{paper.title} {paper.abstract} {' '.join(paper.ai_keywords)} {_words(fields)}"
            for paper, fields in shown
        )
        if isinstance(value.get("brief"), str):
            problem = summary_checks.day_problem(
                value["brief"], lang=self.lang, numbers_from=numbers_from, names_from=names_from
            )
            if problem is None:
                return replace(report, brief=clean_text(value["brief"]), brief_status=Brief(Status.CACHED))
        if isinstance(value.get("rejected"), str):
            return replace(
                report, brief_status=Brief(Status.REJECTED, f"{value['rejected']} (refused earlier, cached)")
            )
        reason = self._brief_blocked(request)
        if reason is not None:
            if reason[0] == Status.COST_CAP:
                self._note_cap()
            return replace(
                report,
                brief_status=Brief(reason[0], reason[1]),
                warnings=tuple(self.warnings),
                cap=self._cap_status(),
            )
        called = self.caller.call(request)
        self.cap.charge(called.input_tokens, called.output_tokens)
        self.throttled += called.throttled
        said = (called.fields or {}).get("brief")
        if isinstance(said, str):
            problem = summary_checks.day_problem(
                said, lang=self.lang, numbers_from=numbers_from, names_from=names_from
            )
        else:
            problem = called.problem or "no brief in the answer"
        outcome = (
            Status.GENERATED if problem is None else Status.REJECTED if called.answered else Status.FAILED
        )
        status = Brief(outcome, problem, called.input_tokens, called.output_tokens, called.attempts)
        if problem is None:
            self._put(key, "day", {"brief": clean_text(str(said))}, called, SUMMARY_TTL_S)
        elif called.answered:
            self._put(key, "day", {"rejected": problem}, called, REJECTED_TTL_S)
        if problem is not None:
            log.warning("the day's brief fell back", extra={"reason": problem})
        brief = clean_text(str(said)) if problem is None else None
        return replace(
            report, brief=brief, brief_status=status, throttled=self.throttled, cap=self._cap_status()
        )

    def _brief_blocked(self, request: Mapping[str, Any]) -> tuple[Status, str] | None:
        if self.error is not None:
            return Status.FAILED, NOT_CALLED
        if not self.caller.deadline.allows(ATTEMPT_S, self.caller.reserve_s):
            return Status.DEADLINE, "no time left before the post must be published"
        estimate = estimated_input_tokens(request) + self.settings.summary_max_tokens
        if self.spent + estimate > self.settings.summary_token_budget:
            return Status.BUDGET, "DIGEST_SUMMARY_TOKEN_BUDGET spent"
        if not self.tally_read:
            self._read_tally()  # every paper came from the cache: the tally was not read yet
        if not self.cap.allows(
            self.cap.micro(estimated_input_tokens(request), self.settings.summary_max_tokens)
        ):
            return Status.COST_CAP, f"DIGEST_SUMMARY_MONTHLY_USD reached for {self.cap.month}"
        return None


def _words(fields: Fields) -> str:
    return " ".join([*(str(fields.get(name, "")) for name in ("title", *LINES)), *fields.get("keywords", ())])


class Window:
    """How many calls may run at once: AIMD, as TCP does. Each throttled call halves it (never below one);
    each clean one widens it by one over its size (about one per round of calls), up to the setting."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._size = float(most)
        self.lowest = most

    @property
    def size(self) -> int:
        return max(1, int(self._size))

    def settled(self, *, throttled: bool) -> None:
        if throttled:
            self._size = max(1.0, self._size / 2)
            self.lowest = min(self.lowest, self.size)
        else:
            self._size = min(float(self.most), self._size + 1 / self._size)


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
