"""One published digest as the feeds and the site see it: what it covers, its papers, times and addresses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from hf_digest import render
from hf_digest.config import Settings
from hf_digest.model import DayDigest, OutputFile, Paper
from hf_digest.periods import MONTHLY, WEEKLY, PeriodDigest

DAILY = render.DAILY
KINDS = (DAILY, WEEKLY, MONTHLY)
# Ids without DIGEST_SITE_URL: a tag URI (RFC 4151) under the project's name, never changed once published.
TAG_PREFIX = "tag:hf-daily-digest,2026:"
HF_DAY_PAGE = "https://huggingface.co/papers/date/"


@dataclass(frozen=True)
class Digest:
    """A day's, week's or month's digest: the facts every feed entry and page is built from."""

    kind: str  # DAILY | WEEKLY | MONTHLY
    key: str  # "2026-02-10" | "2026-W06" | "2026-02"
    first: date
    last: date
    title: str
    papers: tuple[Paper, ...]
    total: int
    post_path: str
    post_sha256s: tuple[str, ...]  # the post's bytes now, and as written on earlier read dates
    published: datetime
    updated: datetime
    lang: str

    @property
    def page_path(self) -> str:
        """The site's page for this digest, e.g. daily/2026-02-10.html."""
        return f"{self.kind}/{self.key}.html"


def of(
    digest: DayDigest | PeriodDigest,
    post: OutputFile,
    settings: Settings,
    lang: str,
    counts_read: date | None = None,
) -> Digest:
    """The Digest of a ranked day or period and its rendered post; times come from the data only."""
    if isinstance(digest, DayDigest):
        kind, key, first, last = DAILY, digest.day.isoformat(), digest.day, digest.day
        title = render.post_title(digest.day)
    else:
        period = digest.period
        kind, key, first, last = period.kind, period.key, period.first, period.last
        title = render.period_title(digest)
    published = datetime.combine(last, settings.post_time, tzinfo=settings.zone)
    updated = published
    if counts_read is not None and counts_read > last:
        updated = datetime.combine(counts_read, settings.post_time, tzinfo=settings.zone)
    shas = tuple(hashlib.sha256(content).hexdigest() for content in (post.content, *post.same_as))
    return Digest(
        kind=kind,
        key=key,
        first=first,
        last=last,
        title=title,
        papers=digest.papers,
        total=digest.total,
        post_path=post.path,
        post_sha256s=shas,
        published=published,
        updated=updated,
        lang=lang,
    )


def address(path: str, settings: Settings) -> str:
    """A stable IRI for path: under DIGEST_SITE_URL when set, else a tag URI."""
    quoted = quote(path, safe="/")
    return f"{settings.site_url}/{quoted}" if settings.site_url else f"{TAG_PREFIX}{quoted}"


def page_url(path: str, settings: Settings) -> str | None:
    """Where a reader opens a site page, when the site is on and has an address."""
    return f"{settings.site_url}/{quote(path, safe='/')}" if settings.site and settings.site_url else None


def timestamp(moment: datetime) -> str:
    """RFC 3339 as Atom and JSON Feed want it: 2026-02-10T09:15:00+09:00."""
    return moment.isoformat(timespec="seconds")
