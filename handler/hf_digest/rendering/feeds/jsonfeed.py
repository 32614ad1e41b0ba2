"""JSON Feed 1.1 (jsonfeed.org/version/1.1): the same entries as the Atom feed, written and read back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hf_digest.rendering.feeds.entries import Entry, FeedInfo, Link

VERSION = "https://jsonfeed.org/version/1.1"
CONTENT_TYPE = "application/feed+json; charset=utf-8"
EXTENSION = "_hf_digest"  # JSON Feed extensions start with an underscore


def write(info: FeedInfo, entries: Sequence[Entry]) -> bytes:
    """The JSON Feed for info and entries (in the order given), keys in a fixed order."""
    feed: dict[str, Any] = {"version": VERSION, "title": info.title}
    if info.home_url:
        feed["home_page_url"] = info.home_url
    if info.self_url:
        feed["feed_url"] = info.self_url
    feed |= {"description": info.subtitle, "language": info.lang, "authors": [{"name": info.author}]}
    feed["items"] = [_item(entry) for entry in entries]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.id}
    if entry.alternate:
        item["url"] = entry.alternate
    if entry.related:
        item["external_url"] = entry.related
    item |= {"title": entry.title, "content_html": entry.content_html}
    if entry.summary:
        item["summary"] = entry.summary
    if entry.image:
        item["image"] = entry.image
    item |= {
        "date_published": entry.published,
        "date_modified": entry.updated,
        "tags": [entry.category_label],
        EXTENSION: {"category": entry.category, "fingerprint": entry.fingerprint},
    }
    return item


def read(data: bytes | None) -> list[Entry] | None:
    """The entries of a JSON Feed this module wrote ([] for nothing); None when data is not such a feed."""
    if not data:
        return []
    try:
        feed = json.loads(data)
    except ValueError:
        return None
    items = feed.get("items") if isinstance(feed, dict) else None
    if not isinstance(items, list) or not str(feed.get("version", "")).startswith("https://jsonfeed.org/"):
        return None
    entries = []
    for item in items:
        entry = _entry(item) if isinstance(item, dict) and isinstance(item.get(EXTENSION), dict) else None
        if entry is None:
            return None  # an item without our extension, or without its texts, is not one of ours
        entries.append(entry)
    return entries


def _entry(item: dict[str, Any]) -> Entry | None:
    ours = item.get(EXTENSION)
    ours = ours if isinstance(ours, dict) else {}
    texts = [item.get(key) for key in ("id", "title", "date_published", "date_modified", "content_html")]
    if not all(isinstance(text, str) for text in texts):
        return None
    tags = item.get("tags")
    links = []
    if isinstance(item.get("url"), str):
        links.append(Link(item["url"], "alternate", "text/html"))
    if isinstance(item.get("external_url"), str):
        links.append(Link(item["external_url"], "related", "text/html"))
    return Entry(
        id=item["id"],
        title=item["title"],
        published=item["date_published"],
        updated=item["date_modified"],
        content_html=item["content_html"],
        category=str(ours.get("category", "")),
        category_label=str(tags[0]) if isinstance(tags, list) and tags else "",
        links=tuple(links),
        summary=item["summary"] if isinstance(item.get("summary"), str) else None,
        image=item["image"] if isinstance(item.get("image"), str) else None,
        fingerprint=str(ours.get("fingerprint", "")),
    )
