"""The S3 destination as a small static website: per language an index newest first and one page per
digest, one stylesheet.

Pure: pages are rendered from a Digest, autoescaped (no Hugging Face text passes as HTML). The site's own
language (DIGEST_LANG) lives at the root, another under its code (`en/`). `site/index.json`, a manifest
the site keeps and merges each run, lists every digest in every language: each index is rendered from it,
and so is each page's link to its other language; a run also amends the other language's page of the same
digest, if there is one, with a link back.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from typing import Any

import jinja2

from hf_digest.config import LANGUAGES, Settings
from hf_digest.core.markdown import plain_math
from hf_digest.core.model import OutputFile
from hf_digest.rendering import TEMPLATES, render
from hf_digest.rendering.feeds import atom, jsonfeed
from hf_digest.rendering.feeds.content import shown_summary
from hf_digest.rendering.feeds.digest import Digest
from hf_digest.rendering.site_manifest import SiteEntry, entry_of, merge_manifest, read_manifest
from hf_digest.rendering.site_paths import INDEX, MANIFEST, NOT_FOUND, site_page, site_prefix

DESTINATIONS = ("s3",)  # only S3 publishes the site; Jekyll builds its own from the posts
HTML = "text/html; charset=utf-8"
JSON = "application/json"
CSS = "text/css; charset=utf-8"
SHORT_CACHE = "public, max-age=300"  # the index and the manifest change every day
PAGE_CACHE = "public, max-age=86400"  # a digest's page changes only when its upvotes are refreshed
FOREVER_CACHE = "public, max-age=31536000, immutable"  # the stylesheet's name holds its hash
# Hugging Face's thumbnails are social cards; width and height reserve their space before they load.
THUMB_SIZE = (1200, 630)
_PROBE_DATES = ("1999-12-31", "2088-01-02")
# The other languages' links sit on one line of a digest's page, so a page that differs only there (and in
# its read date) still shows the same papers; the same line is what a run amends on the other page.
_LANGUAGE_LINE = re.compile(rb'^<p class="languages">[^\n]*</p>$', re.M)
_HREFLANG = re.compile(rb'hreflang="([a-z]{2})"')
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}  # each in its own language, as language menus show them

WORDS: dict[str, dict[str, str]] = {
    "ko": {
        "site_title": "Hugging Face 데일리 페이퍼", "tagline": "Hugging Face Daily Papers, 좋아요 순위",
        "daily": "일간", "weekly": "주간", "monthly": "월간", "count": "{total}개 중 {shown}개", "top": "1위",
        "subscribe": "구독", "back": "← 전체 목록", "authors": "저자 {n}명", "hf": "HF 페이지",
        "arxiv": "논문 링크", "code": "코드", "project": "프로젝트 페이지", "summary": "요약",
        "ai_summary": "AI 요약 (영문)", "abstract": "초록", "counts_read": "좋아요 수는 {date} 기준",
        "nothing": "아직 다이제스트가 없습니다.",
        "not_found": "페이지를 찾을 수 없습니다", "source": "데이터:", "feed_digests": "다이제스트",
        "feed_papers": "논문별",
    },
    "en": {
        "site_title": "Hugging Face Daily Papers", "tagline": "Hugging Face Daily Papers, ranked by upvotes",
        "daily": "Daily", "weekly": "Weekly", "monthly": "Monthly", "count": "{shown} of {total} papers",
        "top": "Top", "subscribe": "Subscribe", "back": "← All digests", "authors": "{n} authors",
        "hf": "HF page", "arxiv": "Paper", "code": "Code", "project": "Project page", "summary": "Summary",
        "ai_summary": "AI summary", "abstract": "Abstract", "counts_read": "upvotes as of {date}",
        "nothing": "No digests yet.",
        "not_found": "Page not found", "source": "Data:", "feed_digests": "Digests",
        "feed_papers": "Every paper",
    },
}  # fmt: skip


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
    env.filters["shown_summary"] = shown_summary
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


def root_of(path: str) -> str:
    """The relative way from the page at path back to the site's root: "", "../", "../../"."""
    return "../" * path.count("/")


def index_path(lang: str, main_lang: str) -> str:
    return f"{site_prefix(lang, main_lang)}{INDEX}"


def _render(name: str, settings: Settings, lang: str, root: str, home: str, **context: Any) -> bytes:
    words = WORDS.get(lang, WORDS["en"])
    common = {
        "lang": lang,
        "words": words,
        "root": root,
        "home": home,
        "css": stylesheet()[0],
        "feeds": _feeds(settings, lang),
    }
    return _environment().get_template(f"site/{name}").render(common | context).encode("utf-8")


def _links(path: str, pages: dict[str, str]) -> list[dict[str, str]]:
    """Links from the page at path to pages (language -> site path), in LANGUAGES' order."""
    root = root_of(path)
    return [
        {"lang": lang, "name": LANGUAGE_NAMES.get(lang, lang), "href": root + pages[lang]}
        for lang in sorted(pages, key=_language_order)
    ]


def _language_order(code: str) -> tuple[int, str]:
    return (LANGUAGES.index(code) if code in LANGUAGES else len(LANGUAGES), code)


def render_index(entries: Sequence[SiteEntry], settings: Settings, lang: str) -> bytes:
    """lang's index: its digests newest first, each with its other languages' pages where there are some."""
    main = settings.home_lang
    path = index_path(lang, main)
    pages: dict[tuple[str, str], dict[str, str]] = {}
    for e in entries:
        pages.setdefault((e.kind, e.key), {})[e.lang] = e.page
    rows = [
        {"entry": e, "href": root_of(path) + e.page,
         "others": _links(path, {k: v for k, v in pages[(e.kind, e.key)].items() if k != lang})}
        for e in entries
        if e.lang == lang
    ]  # fmt: skip
    indexes = {e.lang: index_path(e.lang, main) for e in entries if e.lang != lang}
    root = root_of(path)
    return _render(
        "index.html.j2", settings, lang, root, root + path, rows=rows, languages=_links(path, indexes)
    )


def render_digest(
    d: Digest, settings: Settings, counts_read: str | None = None, others: Sequence[str] = ()
) -> bytes:
    """d's page, linking to its pages in the languages others."""
    path = d.page_path
    root = root_of(path)
    main = d.main_lang or d.lang
    return _render(
        "digest.html.j2",
        settings,
        d.lang,
        root,
        root + index_path(d.lang, main),
        title=d.title,
        kind=d.span.kind,
        first=d.span.first.isoformat(),
        last=d.span.last.isoformat(),
        total=d.total,
        papers=d.papers,
        counts_read=counts_read,
        language_links=_links(
            path, {lang: site_page(d.span.kind, d.span.key, lang, main) for lang in others}
        ),
        thumb_width=THUMB_SIZE[0],
        thumb_height=THUMB_SIZE[1],
        chart=root + d.chart if d.chart else None,
        chart_alt=render.chart_title(d.span, d.lang),
    )


def language_line(path: str, pages: dict[str, str]) -> bytes:
    """The one line of a digest's page that links its other languages (empty of links when none)."""
    template = _environment().get_template("site/languages.html.j2")
    return template.render(language_links=_links(path, pages)).encode("utf-8")


def _index_from(settings: Settings, lang: str, manifest: bytes | None) -> bytes:
    entries = read_manifest(manifest, settings.home_lang)
    return render_index(entries, settings, lang)


def _page_from(d: Digest, settings: Settings, read_on: str | None, manifest: bytes | None) -> bytes:
    """d's page, linking to the languages the manifest lists for the same digest."""
    others = [
        e.lang
        for e in read_manifest(manifest, settings.home_lang)
        if (e.kind, e.key) == (d.span.kind, d.span.key) and e.lang != d.lang
    ]
    return render_digest(d, settings, read_on, others)


def amend_languages(kind: str, key: str, lang: str, main_lang: str, added: str, held: bytes | None) -> bytes:
    """lang's page of a digest as held, its language line now also linking to added's page; a page this
    site did not write (or one from before pages had languages) is left as it is."""
    if held is None:
        return b""  # an amending file writes nothing where there is nothing
    line = _LANGUAGE_LINE.search(held)
    if line is None:
        return held
    known = {code.decode() for code in _HREFLANG.findall(line[0])} | {added}
    path = site_page(kind, key, lang, main_lang)
    pages = {code: site_page(kind, key, code, main_lang) for code in known if code != lang}
    return held[: line.start()] + language_line(path, pages) + held[line.end() :]


def site_files(d: Digest, settings: Settings) -> list[OutputFile]:
    """The stylesheet and the 404 page, then (derived from the manifest) the manifest, the indexes and the
    digest's page, and last the digest's pages in other languages, amended to link to this one (another
    language's index and page are written only where they exist)."""
    css_path, css = stylesheet()
    read_on = d.updated.date().isoformat() if d.updated != d.published else None
    only = DESTINATIONS
    main = settings.home_lang
    # As for the post: a page that differs only in its read date and its language links shows these numbers.
    everyone = [code for code in LANGUAGES if code != d.lang]
    probes = (
        render_digest(d, settings, read_on and _PROBE_DATES[0]),
        render_digest(d, settings, read_on and _PROBE_DATES[1], everyone),
    )
    kind, key = d.span.kind, d.span.key
    return [
        OutputFile(css_path, css, CSS, cache_control=FOREVER_CACHE, only=only),
        OutputFile(
            NOT_FOUND,
            _render("404.html.j2", settings, main, "/", "/" + INDEX),
            HTML,
            cache_control=SHORT_CACHE,
            only=only,
        ),
        OutputFile.derived(
            MANIFEST,
            JSON,
            functools.partial(merge_manifest, entry_of(d), main),
            cache_control=SHORT_CACHE,
            only=only,
        ),
        *(
            OutputFile.derived(
                index_path(lang, main),
                HTML,
                functools.partial(_index_from, settings, lang),
                merge_from=MANIFEST,
                cache_control=SHORT_CACHE,
                only=only,
                amends=lang != d.lang,  # another language's index only where it has one
            )
            for lang in (d.lang, *everyone)
        ),
        OutputFile.derived(
            d.page_path,
            HTML,
            functools.partial(_page_from, d, settings, read_on),
            merge_from=MANIFEST,
            alike=render.read_date_pattern(*probes),
            cache_control=PAGE_CACHE,
            only=only,
        ),
        *(
            OutputFile.derived(
                site_page(kind, key, other, main),
                HTML,
                functools.partial(amend_languages, kind, key, other, main, d.lang),
                cache_control=PAGE_CACHE,
                only=only,
                amends=True,
            )
            for other in everyone
        ),
    ]
