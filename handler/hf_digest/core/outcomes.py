"""The words a run reports what happened with, defined once: statuses, span kinds, and one delivery.

Both are `StrEnum`s, so a member is its string: the result JSON, the log lines and the state store hold the
same bytes as before, and a status read back from the store compares equal to its member. This module
imports nothing from the package, so the core and every adapter may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """What happened to a run, a destination, a channel, a summary or a state-store key."""

    # A destination (publish): wrote new content, replaced content, found it already there, or failed.
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    # A digest run, besides unchanged and failed: a post written, nothing listed, shown only, sent to SQS.
    PUBLISHED = "published"
    EMPTY = "empty"
    DRY_RUN = "dry_run"
    QUEUED = "queued"
    # A notification channel, besides failed and skipped.
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    IN_PROGRESS = "in_progress"  # another run holds the claim and is sending now
    # The whole message went out and the answer was lost (connection dropped, no answer in time): it may
    # have arrived, so it is recorded as told and never sent again.
    UNCONFIRMED = "unconfirmed"
    SKIPPED = "skipped"
    # A paper's summary, besides failed and skipped: ours (new or cached), else why it fell back.
    GENERATED = "generated"
    CACHED = "cached"
    REJECTED = "rejected"
    BUDGET = "budget"
    DEADLINE = "deadline"
    COST_CAP = "cost_cap"  # DIGEST_SUMMARY_MONTHLY_USD reached: no new call this month
    # The summaries of a run, and a queue batch: off (no model), ok, partial (and failed).
    OFF = "off"
    OK = "ok"
    PARTIAL = "partial"
    CAPPED = "capped"  # summaries: none made because the month's cost cap was reached (its own alarm)
    # `hf-digest notify` told every channel it owed; a state-store key written (or claimed by a run).
    DONE = "done"
    CLAIMED = "claimed"
    COUNTER = "counter"  # a state-store key add() keeps: never a claim, never a value get_many returns
    # `hf-digest check` and the {"check": true} event: every part proven, or one at least refused.
    CHECKED = "checked"
    CHECK_FAILED = "check_failed"
    # An invocation's log line (never a result's): its event refused (rejected), or it raised.
    ERROR = "error"


@dataclass(frozen=True)
class Delivery:
    """What happened at one destination (a post published) or one channel (a digest announced): the one
    shape publishing and notifying report in. runs/result.py writes it into the result JSON."""

    target: str  # the destination ("github", "s3", "local") or the channel ("slack", "email", …)
    status: Status
    detail: str | None = None  # why: a destination's error; a channel's failure, skip or lost answer
    location: str = ""  # a destination: where the post is (a path, an S3 URI, a file on GitHub)
    commit: str | None = None  # GitHub: the commit that holds the post
    url: str | None = None  # GitHub: the commit's page
    requests: int = 0  # a channel: the requests it took
    covers: int = 1  # a channel: digests the message stood for (a backfill summary: many)
    warning: str | None = None  # a channel: what the result's reader should know although it worked


# A digest run that did what was asked (the CLI's exit code 0).
OK_STATUSES = (Status.PUBLISHED, Status.UNCHANGED, Status.EMPTY, Status.DRY_RUN)


class SpanKind(StrEnum):
    """What one digest covers. The value is how file names, front matter and commit messages spell it
    (`hf-weekly-papers`, "Weekly"); `query` is how Hugging Face's API, events and the result JSON name it."""

    DAY = "daily"
    WEEK = "weekly"
    MONTH = "monthly"

    @property
    def query(self) -> str:
        """ "date", "week" or "month": the API parameter, the event key and the result JSON's key."""
        return _QUERY[self]

    @property
    def noun(self) -> str:
        """ "day", "week" or "month": how a sentence and a notification name one span of this kind."""
        return _NOUN[self]


_QUERY = {SpanKind.DAY: "date", SpanKind.WEEK: "week", SpanKind.MONTH: "month"}
_NOUN = {SpanKind.DAY: "day", SpanKind.WEEK: "week", SpanKind.MONTH: "month"}
