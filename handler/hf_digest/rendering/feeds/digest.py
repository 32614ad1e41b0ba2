"""One published digest as the feeds and the site see it: what it covers, its papers, times and addresses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from hf_digest.config import Settings
from hf_digest.core import model
from hf_digest.core.model import OutputFile, Paper, Span
from hf_digest.core.outcomes import SpanKind
from hf_digest.rendering import render
from hf_digest.rendering.site_paths import site_page

KINDS = tuple(SpanKind)
# Ids without DIGEST_SITE_URL: a tag URI (RFC 4151) under the project's name, never changed once published.
TAG_PREFIX = "tag:hf-daily-digest,2026:"
HF_DAY_PAGE = "https://huggingface.co/papers/date/"


@dataclass(frozen=True)
class Digest:
    """A day's, week's or month's digest: the facts every feed entry and page is built from."""

    span: Span  # the day, week or month it covers
    title: str
    papers: tuple[Paper, ...]
    total: int
    post_path: str
    post_sha256: str  # what the post shows, whatever day its counts were read on
    published: datetime
    updated: datetime
    lang: str
    main_lang: str = ""  # the site's own language (DIGEST_LANG); empty: lang
    post_url: str | None = None  # where a reader opens the post: its blog page, when known
    chart: str | None = None  # a week's or month's topic chart (its path in the bundle), when one is drawn

    @property
    def page_path(self) -> str:
        """The site's page for this digest: daily/2026-02-10.html, en/daily/2026-02-10.html."""
        return site_page(self.span.kind, self.span.key, self.lang, self.main_lang or self.lang)


def of(
    digest: model.Digest, post: OutputFile, settings: Settings, lang: str, counts_read: date | None = None
) -> Digest:
    """The Digest of a ranked span and its rendered post; times come from the data only."""
    span = digest.span
    published = datetime.combine(span.last, settings.post_time, tzinfo=settings.zone)
    updated = published
    if counts_read is not None and counts_read > span.last:
        updated = datetime.combine(counts_read, settings.post_time, tzinfo=settings.zone)
    return Digest(
        span=span,
        title=render.post_title(span),
        papers=digest.papers,
        total=digest.total,
        post_path=post.path,
        post_sha256=shows(post),
        published=published,
        updated=updated,
        lang=lang,
        main_lang=settings.home_lang,
    )


def shows(post: OutputFile) -> str:
    """A fingerprint of what the post shows: its pattern when only its read date varies, else its bytes."""
    return hashlib.sha256(post.alike.pattern if post.alike is not None else post.content).hexdigest()


def address(path: str, settings: Settings) -> str:
    """A stable IRI for path: under DIGEST_SITE_URL when set, else a tag URI."""
    quoted = quote(path, safe="/")
    return f"{settings.site_url}/{quoted}" if settings.site_url else f"{TAG_PREFIX}{quoted}"


def timestamp(moment: datetime) -> str:
    """RFC 3339 as Atom and JSON Feed want it: 2026-02-10T09:15:00+09:00."""
    return moment.isoformat(timespec="seconds")
