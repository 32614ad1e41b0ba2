"""`hf-digest notify --date D [--channel ...] [--dry-run]`: send (or print) one day's message by hand.

It goes through the same ledger as a run, so a day already told is not told again; a channel that failed
earlier is retried. The CLI parses, calls `notify_command` and prints `lines()` (or `to_json()`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from hf_digest import render
from hf_digest.config import Settings
from hf_digest.deadline import Deadline
from hf_digest.errors import ConfigError, DigestError
from hf_digest.model import Span, day_span, papers_from_items
from hf_digest.notify.build import build_notifiers
from hf_digest.notify.herald import message_for, owed
from hf_digest.notify.ledger import notify_digest
from hf_digest.notify.report import NotifyReport
from hf_digest.permalink import Blog
from hf_digest.rank import digest
from hf_digest.runs.blog import post_url
from hf_digest.source import DayListing
from hf_digest.state.store import StateStore

DRY_RUN = "dry_run"
EMPTY = "empty"
DONE = "done"
FAILED = "failed"


class DaySource(Protocol):
    def fetch(self, span: Span, deadline: Deadline) -> DayListing: ...


@dataclass(frozen=True)
class NotifyCommandResult:
    day: date
    status: str  # DONE (each channel sent or already told), FAILED, DRY_RUN or EMPTY
    report: NotifyReport | None = None
    previews: dict[str, dict[str, Any]] = field(default_factory=dict)  # channel -> payload, on a dry run
    hf_requests: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.status == FAILED else 0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "date": self.day.isoformat(),
            "status": self.status,
            "hf_requests": self.hf_requests,
        }
        if self.report is not None:
            data["notifications"] = self.report.to_json()
        if self.previews:
            data["previews"] = self.previews
        return data

    def lines(self) -> list[str]:
        """What the command prints: one line per channel, or each channel's payload on a dry run."""
        if self.status == EMPTY:
            return [f"{self.day}: Hugging Face lists no papers; nothing to tell"]
        if self.status == DRY_RUN:
            return [
                f"{channel}:\n{json.dumps(p, ensure_ascii=False, indent=2)}"
                for channel, p in self.previews.items()
            ]
        assert self.report is not None
        return [
            f"{c.channel}: {c.status}"
            + (f" ({c.reason})" if c.reason else "")
            + (f"; warning: {c.warning}" if c.warning and c.warning != c.reason else "")
            for c in self.report.channels
        ]


def notify_command(
    settings: Settings,
    day: date,
    *,
    source: DaySource,
    store: Callable[[], StateStore],
    deadline: Deadline,
    now: float,
    channels: Sequence[str] | None = None,
    dry_run: bool = False,
    lang: str | None = None,
    blog: Blog | None = None,
) -> NotifyCommandResult:
    """Tell channels (default DIGEST_NOTIFY) about day's digest, as a run would, linking to its page on blog
    (default: Jekyll's defaults with DIGEST_SITE_URL and DIGEST_PERMALINK); a dry run sends nothing."""
    chosen = tuple(settings.notify if channels is None else channels)
    if not chosen:
        raise ConfigError("DIGEST_NOTIFY: no channel to tell; set it or name one with --channel")
    notifiers = build_notifiers(settings, chosen, deadline)
    span = day_span(day)
    listing = source.fetch(span, deadline)
    papers, skipped = papers_from_items(listing.items, span.window)
    if not papers:
        return NotifyCommandResult(day, EMPTY, hf_requests=listing.requests)
    lang = lang or settings.lang
    ranked = digest(span, papers, settings.top_n, skipped)
    post = render.render(ranked, settings, lang).files[0]
    blog = blog or Blog().overridden(settings.site_url, settings.permalink)
    url = post_url(post, span, lang, blog, settings, settings.destinations)
    message = message_for(ranked, settings, lang, url)
    if dry_run:
        previews = {n.channel: n.render(message) for n in notifiers}
        return NotifyCommandResult(day, DRY_RUN, previews=previews, hf_requests=listing.requests)
    ledger = store()
    try:
        _, interrupted = owed(ledger, message)  # channels a run killed mid-send left: warned about
    except DigestError:
        interrupted = []
    report = notify_digest(message, notifiers, ledger, deadline, now, interrupted=interrupted)
    return NotifyCommandResult(day, FAILED if report.failed else DONE, report, hf_requests=listing.requests)
