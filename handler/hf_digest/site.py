"""The S3 destination as a small static website: an index newest first, one page per digest, one stylesheet.

Pure: pages are rendered from a Digest, autoescaped (no Hugging Face text passes as HTML). The index is
a derived file rendered from `site/index.json`, a manifest the site keeps and merges each run, so a
day added later keeps every other day on the index.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jinja2

from hf_digest import render
from hf_digest.config import Settings
from hf_digest.feeds import atom, jsonfeed
from hf_digest.feeds.digest import Digest
from hf_digest.markdown import plain_math
from hf_digest.model import OutputFile

DESTINATIONS = ("s3",)  # only S3 publishes the site; Jekyll builds its own from the posts
MANIFEST = "site/index.json"
INDEX = "index.html"
NOT_FOUND = "404.html"
HTML = "text/html; charset=utf-8"
JSON = "application/json"
CSS = "text/css; charset=utf-8"
SHORT_CACHE = "public, max-age=300"  # the index and the manifest change every day
PAGE_CACHE = "public, max-age=86400"  # a digest's page changes only when its upvotes are refreshed
FOREVER_CACHE = "public, max-age=31536000, immutable"  # the stylesheet's name holds its hash
# Hugging Face's thumbnails are social cards; width and height reserve their space before they load.
THUMB_SIZE = (1200, 630)
TEMPLATES = Path(__file__).resolve().parent / "templates"
_PROBE_DATES = ("1999-12-31", "2088-01-02")
_KIND_ORDER = {"monthly": 0, "weekly": 1, "daily": 2}

WORDS: dict[str, dict[str, str]] = {
    "ko": {
        "site_title": "Hugging Face 데일리 페이퍼", "tagline": "Hugging Face Daily Papers, 좋아요 순위",
        "daily": "일간", "weekly": "주간", "monthly": "월간", "count": "{total}개 중 {shown}개", "top": "1위",
        "subscribe": "구독", "back": "← 전체 목록", "authors": "저자 {n}명", "hf": "HF 페이지",
        "arxiv": "논문 링크", "code": "코드", "project": "프로젝트 페이지", "summary": "AI 요약",
        "abstract": "Abstract", "counts_read": "좋아요 수는 {date} 기준",
        "nothing": "아직 다이제스트가 없습니다.",
        "not_found": "페이지를 찾을 수 없습니다", "source": "데이터:", "feed_digests": "다이제스트",
        "feed_papers": "논문별",
    },
    "en": {
        "site_title": "Hugging Face Daily Papers", "tagline": "Hugging Face Daily Papers, ranked by upvotes",
        "daily": "Daily", "weekly": "Weekly", "monthly": "Monthly", "count": "{shown} of {total} papers",
        "top": "Top", "subscribe": "Subscribe", "back": "← All digests", "authors": "{n} authors",
        "hf": "HF page", "arxiv": "Paper", "code": "Code", "project": "Project page", "summary": "AI summary",
        "abstract": "Abstract", "counts_read": "upvotes as of {date}", "nothing": "No digests yet.",
        "not_found": "Page not found", "source": "Data:", "feed_digests": "Digests",
        "feed_papers": "Every paper",
    },
}  # fmt: skip


@dataclass(frozen=True)
class SiteEntry:
    """One digest on the index, as the manifest keeps it."""

    kind: str
    key: str
    title: str
    page: str
    first: str
    last: str
    shown: int
    total: int
    top_title: str | None = None
    top_url: str | None = None
    top_upvotes: int | None = None


def entry_of(d: Digest) -> SiteEntry:
    top = d.papers[0] if d.papers else None
    return SiteEntry(
        kind=d.span.kind,
        key=d.span.key,
        title=d.title,
        page=d.page_path,
        first=d.span.first.isoformat(),
        last=d.span.last.isoformat(),
        shown=len(d.papers),
        total=d.total,
        top_title=plain_math(top.title) if top else None,
        top_url=top.hf_url if top else None,
        top_upvotes=top.upvotes if top else None,
    )


def read_manifest(data: bytes | None) -> list[SiteEntry]:
    """The manifest's entries; [] for none, or for what is not a manifest this module wrote."""
    try:
        raw = json.loads(data) if data else {}
    except ValueError:
        return []
    items = raw.get("digests") if isinstance(raw, dict) else None
    entries = []
    for item in items if isinstance(items, list) else []:
        try:
            entries.append(SiteEntry(**item))
        except TypeError:
            continue
    return entries


def merge_manifest(new: SiteEntry, held: bytes | None) -> bytes:
    """The manifest with new added or replaced (by kind and key), newest first."""
    entries = {(e.kind, e.key): e for e in read_manifest(held)}
    entries[(new.kind, new.key)] = new
    ordered = sorted(entries.values(), key=lambda e: (_KIND_ORDER.get(e.kind, 9), e.key))
    ordered.sort(key=lambda e: e.last, reverse=True)
    payload = {"version": 1, "digests": [asdict(e) for e in ordered]}
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plain_math"] = plain_math
    return env


@functools.cache
def stylesheet() -> tuple[str, bytes]:
    """The one stylesheet and its path, named by its hash so browsers may keep it for a year."""
    css = (TEMPLATES / "site" / "site.css").read_bytes()
    return f"assets/site-{hashlib.sha256(css).hexdigest()[:12]}.css", css


def _feeds(settings: Settings, lang: str) -> list[dict[str, str]]:
    if not settings.feeds:
        return []
    words = WORDS.get(lang, WORDS["en"])
    paths = settings.feed_paths(lang)
    return [
        {"path": paths[variable], "type": kind.split(";")[0], "label": f"{words[name]} ({fmt})",
         "title": f"{words['site_title']}: {words[name]} ({fmt})"}
        for variable, kind, name, fmt in (
            ("DIGEST_FEED_PATH_TEMPLATE", atom.CONTENT_TYPE, "feed_digests", "Atom"),
            ("DIGEST_JSON_FEED_PATH_TEMPLATE", jsonfeed.CONTENT_TYPE, "feed_digests", "JSON Feed"),
            ("DIGEST_PAPERS_FEED_PATH_TEMPLATE", atom.CONTENT_TYPE, "feed_papers", "Atom"),
            ("DIGEST_PAPERS_JSON_FEED_PATH_TEMPLATE", jsonfeed.CONTENT_TYPE, "feed_papers", "JSON Feed"),
        )
    ]  # fmt: skip


def _render(name: str, settings: Settings, lang: str, root: str, **context: Any) -> bytes:
    words = WORDS.get(lang, WORDS["en"])
    common = {
        "lang": lang,
        "words": words,
        "root": root,
        "css": stylesheet()[0],
        "feeds": _feeds(settings, lang),
    }
    return _environment().get_template(f"site/{name}").render(common | context).encode("utf-8")


def render_index(entries: Sequence[SiteEntry], settings: Settings, lang: str) -> bytes:
    return _render("index.html.j2", settings, lang, "", entries=entries)


def render_digest(d: Digest, settings: Settings, counts_read: str | None = None) -> bytes:
    return _render(
        "digest.html.j2",
        settings,
        d.lang,
        "../",
        title=d.title,
        kind=d.span.kind,
        first=d.span.first.isoformat(),
        last=d.span.last.isoformat(),
        total=d.total,
        papers=d.papers,
        counts_read=counts_read,
        thumb_width=THUMB_SIZE[0],
        thumb_height=THUMB_SIZE[1],
    )


def _index_from(settings: Settings, lang: str, manifest: bytes | None) -> bytes:
    return render_index(read_manifest(manifest), settings, lang)


def site_files(d: Digest, settings: Settings) -> list[OutputFile]:
    """The digest's page, the stylesheet, the 404 page, then the manifest and the index (both derived)."""
    css_path, css = stylesheet()
    read_on = d.updated.date().isoformat() if d.updated != d.published else None
    only = DESTINATIONS
    # As for the post: a page that differs only in its read date already shows these numbers.
    probes = (render_digest(d, settings, probe) for probe in _PROBE_DATES)
    alike = render.read_date_pattern(*probes) if read_on else None
    return [
        OutputFile(
            d.page_path,
            render_digest(d, settings, read_on),
            HTML,
            alike=alike,
            cache_control=PAGE_CACHE,
            only=only,
        ),
        OutputFile(css_path, css, CSS, cache_control=FOREVER_CACHE, only=only),
        OutputFile(
            NOT_FOUND,
            _render("404.html.j2", settings, d.lang, "/"),
            HTML,
            cache_control=SHORT_CACHE,
            only=only,
        ),
        OutputFile.derived(
            MANIFEST,
            JSON,
            functools.partial(merge_manifest, entry_of(d)),
            cache_control=SHORT_CACHE,
            only=only,
        ),
        OutputFile.derived(
            INDEX,
            HTML,
            functools.partial(_index_from, settings, d.lang),
            merge_from=MANIFEST,
            cache_control=SHORT_CACHE,
            only=only,
        ),
    ]
