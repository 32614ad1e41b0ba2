"""Feeds beside the posts: per language, an Atom and a JSON feed of the digests and of every paper shown.

Each feed is a derived file: at write time it is merged from what the destination holds, so a new day
adds an entry, a refresh updates its entry in place, and a conflict retry merges again. Call
`derived_files` with a rendered digest; the publishers do the rest.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TypedDict, Unpack

from hf_digest.config import Settings
from hf_digest.core.markdown import plain_math
from hf_digest.core.model import MAX_HELD_BYTES, Bundle, OutputFile, Oversized
from hf_digest.core.model import Digest as Ranked
from hf_digest.core.outcomes import SpanKind
from hf_digest.rendering.feeds import atom, jsonfeed
from hf_digest.rendering.feeds.content import paper_html, post_html, shown_summary
from hf_digest.rendering.feeds.digest import HF_DAY_PAGE, Digest, address, of, timestamp
from hf_digest.rendering.feeds.entries import Entry, FeedInfo, Link, merge
from hf_digest.rendering.render import SVG_CONTENT_TYPE
from hf_digest.rendering.site_paths import page_url

__all__ = [
    "Digest",
    "Notice",
    "derived_files",
    "digest_entry",
    "extend",
    "feed_files",
    "merge_feed",
    "of",
    "paper_entries",
]

# Feed readers poll often; five minutes keeps a new day visible soon.
FEED_CACHE_CONTROL = "public, max-age=300"
PAPER = "paper"
_LABELS = {
    "ko": {SpanKind.DAY: "일간", SpanKind.WEEK: "주간", SpanKind.MONTH: "월간", PAPER: "논문"},
    "en": {SpanKind.DAY: "Daily", SpanKind.WEEK: "Weekly", SpanKind.MONTH: "Monthly", PAPER: "Paper"},
}
_TITLES = {
    "ko": ("Hugging Face 데일리 페이퍼", "Hugging Face 데일리 페이퍼: 논문별"),
    "en": ("Hugging Face Daily Papers", "Hugging Face Daily Papers: every paper"),
}
_SUBTITLES = {
    "ko": ("Hugging Face Daily Papers의 일간·주간·월간 좋아요 순위", "다이제스트에 소개된 논문 하나하나"),
    "en": (
        "Daily, weekly and monthly Hugging Face Daily Papers ranked by upvotes",
        "Each paper the digests show",
    ),
}
Format = tuple[
    Callable[[bytes | None], list[Entry] | None], Callable[[FeedInfo, Sequence[Entry]], bytes], str
]
_FORMATS: dict[str, Format] = {
    "atom": (atom.read, atom.write, atom.CONTENT_TYPE),
    "json": (jsonfeed.read, jsonfeed.write, jsonfeed.CONTENT_TYPE),
}


def entries_in(fmt: str, data: bytes | None) -> list[Entry]:
    """The entries of a feed this package wrote in fmt ("atom", "json"); [] for nothing, or for what is not
    such a feed."""
    return _FORMATS[fmt][0](data) or []


# Told, once per feed, that the destination held something else there: a foreign or corrupt file.
Notice = Callable[[str], None]


class Links(TypedDict, total=False):
    """What the feeds and pages link to and report, each optional: when the counts were read, who hears of
    a rebuilt feed, where the post and the blog are."""

    counts_read: date | None
    notice: Notice | None
    post_url: str | None
    site_url: str | None


def _words(lang: str) -> dict[str, str]:
    return _LABELS.get(lang, _LABELS["en"])


def _summary(d: Digest) -> str:
    shown = len(d.papers)
    if not d.papers:
        return f"총 {d.total}개 논문" if d.lang == "ko" else f"{d.total} papers"
    top = d.papers[0]
    title = plain_math(top.title)
    if d.lang == "ko":
        return f"총 {d.total}개 논문 중 {shown}개 · 1위: {title} (👍 {top.upvotes})"
    return f"{shown} of {d.total} papers · #1: {title} ({top.upvotes} upvotes)"


def digest_entry(d: Digest, post_markdown: str, settings: Settings) -> Entry:
    """The digest as one entry: the post's HTML, its category, and its page when there is one."""
    links: list[Link] = []
    page = d.post_url or page_url(d.page_path, settings)
    if page:
        links.append(Link(page, "alternate", "text/html"))
    if d.span.kind == SpanKind.DAY:
        links.append(Link(f"{HF_DAY_PAGE}{d.span.key}", "related" if page else "alternate", "text/html"))
    return Entry(
        id=address(d.post_path, settings),
        title=d.title,
        published=timestamp(d.published),
        updated=timestamp(d.updated),
        content_html=post_html(post_markdown),
        category=d.span.kind,
        category_label=_words(d.lang)[d.span.kind],
        links=tuple(links),
        summary=_summary(d),
        fingerprint=d.post_sha256,
    )


def paper_entries(d: Digest, settings: Settings) -> list[Entry]:
    """One entry per paper a daily digest shows, updated in place when its numbers change."""
    if d.span.kind != SpanKind.DAY:
        return []  # weekly and monthly digests show papers that their days already showed
    entries = []
    for rank, paper in enumerate(d.papers, start=1):
        # A second apart by rank: readers sort by time, and so show the day's papers in rank order.
        ahead = timedelta(seconds=rank - 1)
        content = paper_html(paper, rank, d.span.key, d.lang)
        title = plain_math(paper.title)
        links = (Link(paper.hf_url, "alternate", "text/html"), Link(paper.arxiv_url, "related", "text/html"))
        made_of = "\n".join([title, content, *(link.href for link in links), paper.thumbnail or ""])
        entries.append(
            Entry(
                id=f"{address(d.post_path, settings)}#{paper.arxiv_id}",
                title=title,
                published=timestamp(d.published - ahead),
                updated=timestamp(d.updated - ahead),
                content_html=content,
                category=PAPER,
                category_label=_words(d.lang)[PAPER],
                links=links,
                summary=shown_summary(paper)[1],
                image=paper.thumbnail,
                fingerprint=hashlib.sha256(made_of.encode("utf-8")).hexdigest(),
            )
        )
    return entries


def feed_info(
    path: str, papers: bool, settings: Settings, lang: str, site_url: str | None = None
) -> FeedInfo:
    """The feed's own facts; its links under site_url (the blog's address), else DIGEST_SITE_URL."""
    base = site_url or settings.site_url
    titles = _TITLES.get(lang, _TITLES["en"])
    subtitles = _SUBTITLES.get(lang, _SUBTITLES["en"])
    return FeedInfo(
        id=address(path, settings),
        title=titles[papers],
        subtitle=subtitles[papers],
        lang=lang,
        author=settings.author or "hf-daily-digest",
        self_url=f"{base}/{path}" if base else None,
        home_url=f"{base}/" if base else None,
    )


def merge_feed(
    fmt: str,
    info: FeedInfo,
    new: Sequence[Entry],
    limit: int,
    held: bytes | None,
    *,
    path: str = "",
    notice: Notice | None = None,
) -> bytes:
    """The feed at held (None: none yet) with new entries merged in; same input, same bytes.

    What is not a feed this project wrote is rebuilt from new alone (and notice is told): never an error.
    That includes anything over MAX_HELD_BYTES (the publishers do not even read it): no feed written here
    is larger, as the oldest entries give way first.
    """
    read, write, _ = _FORMATS[fmt]
    size = held.size if isinstance(held, Oversized) else len(held or b"")
    kept = read(held) if size <= MAX_HELD_BYTES else None
    if kept is not None:
        try:
            return _within_bound(write, info, merge(kept, new, limit), len(new))
        except ValueError:  # an entry's dates that are not RFC 3339: edited by hand
            pass
    if notice is not None and size > MAX_HELD_BYTES:
        notice(
            f"feed {path} held {size / 2**20:.0f} MiB, more than any feed this digest writes "
            f"({MAX_HELD_BYTES // 2**20} MiB), so it was not read; rebuilt it from this run"
        )
    elif notice is not None:
        notice(
            f"feed {path} held a file this digest did not write, or a corrupt one; rebuilt it from this run"
        )
    return _within_bound(write, info, merge([], new, limit), len(new))


def _within_bound(
    write: Callable[[FeedInfo, Sequence[Entry]], bytes], info: FeedInfo, entries: list[Entry], keep: int
) -> bytes:
    """The feed of entries, its oldest entries left out (never the first keep) while over MAX_HELD_BYTES."""
    data = write(info, entries)
    while len(data) > MAX_HELD_BYTES and len(entries) > keep:
        entries = entries[: max(keep, len(entries) - max(1, len(entries) // 10))]
        data = write(info, entries)
    return data


def feed_files(
    d: Digest,
    post_markdown: str,
    settings: Settings,
    notice: Notice | None = None,
    site_url: str | None = None,
) -> list[OutputFile]:
    """The derived feed files for one digest (the papers feeds only for a day)."""
    paths = settings.feed_paths(d.lang)
    plan = [
        ("DIGEST_FEED_PATH_TEMPLATE", "atom", False),
        ("DIGEST_JSON_FEED_PATH_TEMPLATE", "json", False),
        ("DIGEST_PAPERS_FEED_PATH_TEMPLATE", "atom", True),
        ("DIGEST_PAPERS_JSON_FEED_PATH_TEMPLATE", "json", True),
    ]
    digest = [digest_entry(d, post_markdown, settings)]
    papers = paper_entries(d, settings)
    files = []
    for variable, fmt, of_papers in plan:
        entries = papers if of_papers else digest
        if not entries:
            continue
        path = paths[variable]
        info = feed_info(path, of_papers, settings, d.lang, site_url)
        limit = settings.papers_feed_entries if of_papers else settings.feed_entries
        merge_one = functools.partial(merge_feed, fmt, info, tuple(entries), limit, path=path, notice=notice)
        files.append(OutputFile.derived(path, _FORMATS[fmt][2], merge_one, cache_control=FEED_CACHE_CONTROL))
    return files


def derived_files(
    digest: Ranked,
    post: OutputFile,
    settings: Settings,
    lang: str | None = None,
    *,
    chart: str | None = None,
    **links: Unpack[Links],
) -> list[OutputFile]:
    """The feed files (DIGEST_FEEDS) and site pages (DIGEST_SITE, S3 only) to add to a digest's bundle;
    links' notice hears of each feed rebuilt because the destination held something else there; its
    post_url is where a reader opens the post (its entry's link), its site_url the blog's address (the
    feeds' links)."""
    counts_read, notice = links.get("counts_read"), links.get("notice")
    post_url, site_url = links.get("post_url"), links.get("site_url")
    lang = lang or settings.lang
    d = replace(of(digest, post, settings, lang, counts_read), post_url=post_url, chart=chart)
    markdown = post.content.decode("utf-8")
    if chart and site_url:  # the post links its chart from the site's root; a feed reader needs the blog's
        markdown = markdown.replace(f"](/{chart})", f"]({site_url.rstrip('/')}/{chart})")
    files = feed_files(d, markdown, settings, notice, site_url) if settings.feeds else []
    if settings.site:
        from hf_digest.rendering.site import (
            site_files,  # jinja2 and the templates load only when the site is on
        )

        files += site_files(d, settings)
    return files


def extend(
    bundle: Bundle, digest: Ranked, settings: Settings, lang: str | None = None, **links: Unpack[Links]
) -> Bundle:
    """bundle with the digest's feed and site files after its own (the post is its first file)."""
    chart = next((f.path for f in bundle.files if f.content_type == SVG_CONTENT_TYPE), None)
    derived = derived_files(digest, bundle.files[0], settings, lang, chart=chart, **links)
    return replace(bundle, files=(*bundle.files, *derived)) if derived else bundle
