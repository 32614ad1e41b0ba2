"""`hf-digest notify`: the day's digest built by the run layer as a dry run builds it (filters, profiles,
summaries, linked artifacts, the post's page), then told to the channels, or shown on a dry run.

Nothing is published: the message announces the post a run made. Summaries a run paid for are read from
the state store's cache, so the message carries the post's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from hf_digest.adapters.notify.build import build_notifiers
from hf_digest.adapters.notify.command import preview, tell
from hf_digest.adapters.notify.herald import message_for
from hf_digest.config import Settings
from hf_digest.core.model import day_span
from hf_digest.core.outcomes import Status
from hf_digest.errors import ConfigError
from hf_digest.outbound.deadline import Deadline
from hf_digest.request import DigestRequest, Options
from hf_digest.runs import Adapters
from hf_digest.runs.digest import Context, run_digest
from hf_digest.runs.result import NotifyCommandResult, Told


def announce(
    settings: Settings,
    day: date,
    adapters: Adapters,
    deadline: Deadline,
    now: datetime,
    *,
    channels: Sequence[str] | None = None,
    dry_run: bool = False,
    lang: str | None = None,
) -> NotifyCommandResult:
    """Tell channels (default DIGEST_NOTIFY) about day's post, one message per post (each profile's); a dry
    run reads no channel secret, opens no state store for the channels and sends nothing."""
    chosen = tuple(settings.notify if channels is None else channels)
    if not chosen:
        raise ConfigError("DIGEST_NOTIFY: no channel to tell; set it or name one with --channel")
    # The channels first, then the blog's config, both before Hugging Face is called: a missing secret fails
    # first. A dry run reads neither secrets nor the blog's config (links follow the defaults, as a run's).
    notifiers = build_notifiers(settings, chosen, deadline, preview=dry_run)
    options = Options.of(settings, dry_run=dry_run).refine({"lang": lang})
    blog = adapters.blog(adapters.publishers(options, deadline), deadline)
    # Built as a dry run builds it: rendered, never published, no one told along the way.
    request = DigestRequest(day_span(day), replace(options, dry_run=True, trigger="cli"))
    ctx = Context(settings, adapters.source, (), deadline, now, adapters.features(), blog)
    result = run_digest(request, ctx)
    parts = result.profiles or (result,)
    messages = [
        (part.profile, message_for(part.shown.ranked, settings, part.shown.lang, part.url, part.profile))
        for part in parts
        if part.shown is not None
    ]

    def finished(status: Status, told: tuple[Told, ...] = ()) -> NotifyCommandResult:
        return NotifyCommandResult(
            day,
            status,
            told,
            hf_requests=result.hf_requests,
            papers_shown=result.papers_shown,
            papers_total=result.papers_total,
            warnings=result.warnings,
        )

    if not messages:
        return finished(Status.EMPTY)
    if dry_run:
        return finished(
            Status.DRY_RUN,
            tuple(Told(profile, previews=preview(message, notifiers)) for profile, message in messages),
        )
    ledger, stamp = adapters.state(), now.timestamp()
    told = tuple(
        Told(profile, tell(message, notifiers, ledger, deadline, stamp)) for profile, message in messages
    )
    return finished(Status.FAILED if any(t.report and t.report.failed for t in told) else Status.DONE, told)
