"""The run layer: every trigger (a day, a week or a month, a schedule, a range, a queue batch) goes through
`execute`, which builds the adapters once per invocation and returns an outcome that owns its result JSON, its
log line, its metrics and the error that makes Lambda retry.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Protocol

from hf_digest.adapters import publish
from hf_digest.adapters.publish import Publisher
from hf_digest.config import Settings
from hf_digest.errors import DigestError
from hf_digest.outbound.deadline import Deadline
from hf_digest.request import (
    CheckRequest,
    DigestRequest,
    Options,
    QueueBatch,
    RangeRequest,
    Request,
    ScheduleRequest,
)
from hf_digest.runs.blog import BlogConfig
from hf_digest.runs.digest import Context, Features, Link, Source, Summarize, run_digest
from hf_digest.runs.result import DigestResult, Metrics, span_keys

if TYPE_CHECKING:
    from hf_digest.adapters.notify.channel import Notifier
    from hf_digest.adapters.notify.herald import Announcer, Herald
    from hf_digest.enrich.interests.ranker import Ranker

if (
    TYPE_CHECKING
):  # importing hf_digest.adapters.state loads botocore (its DynamoDB adapter): not at cold start
    from hf_digest.adapters.state.store import StateStore

log = logging.getLogger(__name__)


class Outcome(Protocol):
    """What a run did, in every form a front end needs."""

    @property
    def ok(self) -> bool: ...

    def to_json(self) -> dict[str, Any]: ...

    def log(self) -> None: ...

    def record(self, metrics: Metrics) -> None: ...

    def failure(self) -> DigestError | None: ...

    def summary(self) -> str: ...


@dataclass(frozen=True)
class DigestOutcome:
    """One digest's result, logged with its markdown replaced by its length."""

    result: DigestResult

    @property
    def ok(self) -> bool:
        return self.result.ok

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def log(self) -> None:
        data = self.to_json()
        post = data.pop("post", None)
        if post is not None:
            data["post_chars"] = len(post)
        level = logging.INFO if self.ok else logging.ERROR
        extra = {**span_keys(self.result.span), "status": self.result.status, "result": data}
        log.log(level, "run finished", extra=extra)

    def record(self, metrics: Metrics) -> None:
        self.result.record(metrics)

    def failure(self) -> DigestError | None:
        return None if self.ok else self.result.failure()

    def summary(self) -> str:
        return self.result.summary()


@dataclass
class Adapters:
    """What a run talks to, built once per invocation: the Hugging Face source, the publishers by name, the
    state store (opened when a feature first needs it), the summarizer (None when summaries are off) and the
    notification channels.

    Tests hand in their own; a publisher not handed in is built from the settings when first asked for.
    """

    settings: Settings
    source: Source
    built: dict[str, Publisher] = field(default_factory=dict)
    store: StateStore | None = None
    summarizer: Summarize | None = None
    notifiers: list[Notifier] | None = None  # the channels (DIGEST_NOTIFY), built when first needed
    linker: Link | None = None  # with DIGEST_LINKED: what each shown paper released
    blog_config: BlogConfig | None = None  # the blog's _config.yml, read when the first post needs it
    ranker: Ranker | None = None  # with DIGEST_INTERESTS (the deployment's or a profile's)

    @classmethod
    def from_settings(cls, settings: Settings) -> Adapters:
        from hf_digest.enrich.summaries.summarize import Summarizer
        from hf_digest.enrich.topics.linked import Linker
        from hf_digest.huggingface.source import HuggingFaceSource

        source = HuggingFaceSource(settings)
        adapters = cls(settings, source)
        if settings.summary_model:
            Summarizer.check(settings)  # a model without a price: exit 2 before the store is opened
            adapters.summarizer = Summarizer.from_settings(settings, adapters.state())
        if settings.linked:
            adapters.linker = Linker(source, adapters.state)
        if settings.interests or any(profile.interests for profile in settings.profiles):
            from hf_digest.enrich.interests.ranker import Ranker

            adapters.ranker = Ranker(adapters.state, papers=source)
        return adapters

    def state(self) -> StateStore:
        """The state store, opened on first use (DynamoDB with DIGEST_STATE_TABLE, else SQLite)."""
        if self.store is None:
            from hf_digest.adapters.state import open_store

            self.store = open_store(self.settings)
        return self.store

    def publishers(self, options: Options, deadline: Deadline) -> list[Publisher]:
        """The publishers of options' destinations (none on a dry run), each built once; a token read from
        Secrets Manager keeps to deadline's budget."""
        if options.dry_run:
            return []
        # With DIGEST_PROFILES the digest path picks each profile's own among these by name.
        wanted = [*options.destinations, *(d for p in self.settings.profiles for d in p.destinations or ())]
        names = list(dict.fromkeys(wanted))
        missing = [name for name in names if name not in self.built]
        for name, publisher in zip(missing, publish.build(missing, self.settings, deadline), strict=True):
            self.built[name] = publisher
        return [self.built[name] for name in names]

    def blog(self, publishers: Sequence[Publisher], deadline: Deadline) -> BlogConfig:
        """The blog's config, from the first publishers a run builds, read at most once per invocation."""
        if self.blog_config is None:
            self.blog_config = BlogConfig(self.settings, publishers, deadline)
        return self.blog_config

    def features(self, announcer: Announcer | None = None) -> Features:
        """The optional rooms of the digest path, built once, with who is told about a new post."""
        return Features(
            summarizer=self.summarizer, linker=self.linker, announcer=announcer, ranker=self.ranker
        )

    def context(self, options: Options, deadline: Deadline, now: datetime) -> tuple[Context, Herald | None]:
        """What a run's digests share, and who tells the channels: the publishers are built first, then the
        channels, both before Hugging Face is called, so a missing setting or secret fails first."""
        publishers = self.publishers(options, deadline)
        herald = self.herald(options.dry_run, deadline, now)
        blog = self.blog(publishers, deadline)
        features = self.features()
        return Context(self.settings, self.source, publishers, deadline, now, features, blog), herald

    def herald(self, dry_run: bool, deadline: Deadline, now: datetime) -> Herald | None:
        """What tells the channels about new digests; None on a dry run or with no channel (DIGEST_NOTIFY).
        The channels are built once, before Hugging Face is called, so a missing secret fails first."""
        if dry_run or (self.notifiers is None and not self.settings.notify):
            return None
        from hf_digest.adapters.notify.build import build_notifiers
        from hf_digest.adapters.notify.herald import Herald

        if self.notifiers is None:
            self.notifiers = build_notifiers(self.settings, deadline=deadline)
        return Herald(self.settings, self.notifiers, self.state, deadline, now.timestamp())


def describe(request: Request) -> dict[str, Any]:
    """The keys a request's log lines carry."""
    match request:
        case DigestRequest():
            options = request.options
            return {**span_keys(request.span), "trigger": options.trigger, "dry_run": options.dry_run}
        case ScheduleRequest():
            return {"date": request.day.isoformat(), "trigger": "schedule"}
        case RangeRequest():
            return {
                "from": request.first.isoformat(),
                "to": request.last.isoformat(),
                "days": len(request.days()),
            }
        case QueueBatch():
            records = request.event.get("Records")
            return {"trigger": "queue", "messages": len(records) if isinstance(records, list) else 0}
        case CheckRequest():
            return {"trigger": "check", "send_test": request.send_test}


def execute(
    request: Request,
    settings: Settings,
    deadline: Deadline,
    now: datetime,
    adapters: Adapters | None = None,
    *,
    progress: IO[str] | None = None,
) -> Outcome:
    """Run what request asks for. Publishers are built before Hugging Face is called, so a missing setting
    or secret fails first; DigestError means the run could not start or its one digest could not be made.

    Each trigger's own code (schedule, backfill, queue worker) is imported when a request needs it, so a
    cold start loads only the digest path."""
    log.info("run requested", extra=describe(request))
    if isinstance(request, CheckRequest):  # builds each part itself, as the digest's factories do
        from hf_digest.runs.check import run_check

        return run_check(settings, deadline, send_test=request.send_test)
    adapters = adapters or Adapters.from_settings(settings)
    match request:
        case DigestRequest():
            ctx, herald = adapters.context(request.options, deadline, now)
            return DigestOutcome(run_digest(request, ctx.announcing(herald)))
        case ScheduleRequest():
            from hf_digest.runs.empty_days import EmptyDays
            from hf_digest.runs.scheduled import run_scheduled

            ctx, herald = adapters.context(request.options, deadline, now)
            empty = None if request.options.dry_run else EmptyDays(adapters.state)  # a dry run opens no store
            return run_scheduled(request, ctx, herald=herald, empty=empty)
        case RangeRequest():
            from hf_digest.runs import backfill

            if settings.backfill_queue_url and not request.options.dry_run:
                return backfill.enqueue(request, settings, deadline)
            ctx, herald = adapters.context(request.options, deadline, now)
            return backfill.run_range(request, ctx, progress=progress, herald=herald)
        case QueueBatch():
            from hf_digest.runs.queue import consume

            return consume(request, settings, adapters, deadline, now)
