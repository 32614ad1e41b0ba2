"""The site's manifest, `site/index.json`: every digest in every language, merged each run so a day added
later (or in another language) keeps every other on the indexes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from hf_digest.core.markdown import plain_math
from hf_digest.core.outcomes import SpanKind
from hf_digest.rendering.feeds.digest import Digest

_KIND_ORDER: dict[str, int] = {SpanKind.MONTH: 0, SpanKind.WEEK: 1, SpanKind.DAY: 2}


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
    lang: str = ""  # empty in a manifest written before pages had languages: the site's own language


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
        lang=d.lang,
    )


def read_manifest(data: bytes | None, main_lang: str = "ko") -> list[SiteEntry]:
    """The manifest's entries (one without a language is in main_lang); [] for none, or for what is not a
    manifest this module wrote."""
    try:
        raw = json.loads(data) if data else {}
    except ValueError:
        return []
    items = raw.get("digests") if isinstance(raw, dict) else None
    entries = []
    for item in items if isinstance(items, list) else []:
        try:
            entry = SiteEntry(**item)
        except TypeError:
            continue
        entries.append(entry if entry.lang else replace(entry, lang=main_lang))
    return entries


def merge_manifest(new: SiteEntry, main_lang: str, held: bytes | None) -> bytes:
    """The manifest with new added or replaced (by kind, key and language), newest first."""
    entries = {(e.kind, e.key, e.lang): e for e in read_manifest(held, main_lang)}
    entries[(new.kind, new.key, new.lang)] = new
    ordered = sorted(entries.values(), key=lambda e: (_KIND_ORDER.get(e.kind, 9), e.key, e.lang))
    ordered.sort(key=lambda e: e.last, reverse=True)
    payload = {"version": 1, "digests": [asdict(e) for e in ordered]}
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
