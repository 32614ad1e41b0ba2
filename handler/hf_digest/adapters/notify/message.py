"""What a notification says, as plain values built by pure functions from a digest.

A message holds Hugging Face's text as it came (cleaned, never escaped); each channel escapes it for
its own markup and shortens it, through `shortened`, until it fits the platform's limits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hf_digest.core.model import Paper, clean_text
from hf_digest.core.outcomes import SpanKind

ELLIPSIS = "…"
ORGANIZATION_LIMIT = 80
MAX_LISTED = 15  # digests a backfill summary lists; the rest are counted
# A sentence ends at . ! ? followed by a space or the end, or at a full-width 。！？ anywhere.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[。！？]")


@dataclass(frozen=True)
class MessagePaper:
    """One paper as a notification shows it."""

    title: str
    upvotes: int
    organization: str | None
    summary: str | None  # ours where it exists, else Hugging Face's ai_summary
    hf_url: str


@dataclass(frozen=True)
class DigestMessage:
    """A new digest: which day, week or month, its count line numbers, its top papers and its post."""

    kind: str  # "day", "week" or "month": SpanKind.noun
    key: str  # "2026-02-10" | "2026-W06" | "2026-02"
    lang: str
    total: int  # papers the day (week, month) had
    shown: int  # papers the post shows
    papers: tuple[MessagePaper, ...]
    post_url: str | None = None
    by_relevance: bool = False  # the post ranks its papers by the reader's interests, not upvotes
    profile: str | None = None  # a named digest (DIGEST_PROFILES): told apart from others in its language


@dataclass(frozen=True)
class BackfillMessage:
    """One message standing for many older digests published at once (a backfill or a catch-up)."""

    lang: str
    digests: tuple[DigestMessage, ...]  # the newest few, oldest first, each with only its top paper
    count: int  # digests the message stands for
    first: str  # the oldest one's key
    last: str  # the newest one's key

    @property
    def more(self) -> int:
        """Digests counted but not listed."""
        return self.count - len(self.digests)


Message = DigestMessage | BackfillMessage


@dataclass(frozen=True)
class Budget:
    """How long a title and a summary may be in one rendering; channels try shorter ones until it fits."""

    title: int
    summary: int


# Tried in order: the first budget whose rendering fits the platform's limits is sent.
BUDGETS = (Budget(250, 400), Budget(200, 250), Budget(150, 150), Budget(100, 0), Budget(60, 0))


def paper_summary(paper: Paper) -> str | None:
    """Our summary of the paper where it exists, else Hugging Face's AI summary."""
    # Paper.summary (ours, from Bedrock) comes with the summaries feature; without it, Hugging Face's.
    summary = getattr(paper, "summary", None)
    text = getattr(summary, "text", None)
    ours = clean_text(text) if isinstance(text, str) else ""
    return ours or paper.ai_summary or None


def digest_message(
    kind: SpanKind,
    key: str,
    papers: Sequence[Paper],
    total: int,
    *,
    lang: str,
    top: int,
    shown: int | None = None,
    post_url: str | None = None,
    by_relevance: bool = False,
    profile: str | None = None,
) -> DigestMessage:
    """The message for a digest whose ranked papers are papers (the post shows `shown`, default all)."""
    picked = tuple(
        MessagePaper(
            title=paper.title,
            upvotes=paper.upvotes,
            organization=paper.organization.fullname if paper.organization else None,
            summary=paper_summary(paper),
            hf_url=paper.hf_url,
        )
        for paper in papers[:top]
    )
    return DigestMessage(
        kind=kind.noun,
        key=key,
        lang=lang,
        total=total,
        shown=len(papers) if shown is None else shown,
        papers=picked,
        post_url=post_url,
        by_relevance=by_relevance,
        profile=profile,
    )


def backfill_message(
    digests: Sequence[DigestMessage], lang: str, *, listed: int = MAX_LISTED
) -> BackfillMessage:
    """One summary of many digests: the newest `listed` shown oldest first, each with its top paper."""
    if not digests:
        raise ValueError("a backfill summary needs at least one digest")
    ordered = sorted(digests, key=lambda d: d.key)
    shown = tuple(replace(d, papers=d.papers[:1]) for d in ordered[-listed:])
    return BackfillMessage(
        lang=lang, digests=shown, count=len(ordered), first=ordered[0].key, last=ordered[-1].key
    )


def cut_text(text: str, limit: int) -> str:
    """text cut to at most limit characters at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit] if limit > 0 else ""
    room = text[: limit - len(ELLIPSIS)]
    space = room.rfind(" ")
    if not text[len(room)].isspace() and space >= len(room) // 2:
        room = room[:space]
    return room.rstrip(" ,;:") + ELLIPSIS


def cut_summary(text: str, limit: int) -> str:
    """text cut to at most limit characters at the last sentence end that fits; at a word when none does."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if m.end() <= limit]
    if ends and ends[-1] >= limit // 3:
        return text[: ends[-1]]
    return cut_text(text, limit)


def shortened(message: Message, budget: Budget) -> Message:
    """message with every title and summary cut to budget (a summary to nothing when its budget is 0)."""
    if isinstance(message, BackfillMessage):
        return replace(message, digests=tuple(_shortened_digest(d, budget) for d in message.digests))
    return _shortened_digest(message, budget)


def _shortened_digest(message: DigestMessage, budget: Budget) -> DigestMessage:
    papers = tuple(
        replace(
            paper,
            title=cut_text(paper.title, budget.title),
            organization=cut_text(paper.organization, ORGANIZATION_LIMIT) if paper.organization else None,
            summary=cut_summary(paper.summary, budget.summary) or None if paper.summary else None,
        )
        for paper in message.papers
    )
    return replace(message, papers=papers)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: what Telegram counts, and never less than what Slack or Discord count."""
    return len(text.encode("utf-16-le")) // 2
