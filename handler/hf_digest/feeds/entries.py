"""Feed entries as values, and the merge that keeps a feed's history: add, update in place, sort, trim."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# XML 1.0 forbids these even as character references; JSON would carry them, but one text serves both.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str) -> str:
    """value without the characters no XML 1.0 document may hold (C0 controls other than tab, LF, CR)."""
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class Link:
    href: str
    rel: str = "alternate"  # alternate (the entry's page) | related (e.g. arXiv)
    type: str | None = None


@dataclass(frozen=True)
class Entry:
    """One feed entry, as both formats write it and read it back."""

    id: str
    title: str
    published: str  # RFC 3339
    updated: str  # RFC 3339, from the data
    content_html: str
    category: str  # daily | weekly | monthly | paper
    category_label: str
    links: tuple[Link, ...] = ()
    summary: str | None = None
    image: str | None = None
    fingerprint: str = ""  # what the entry was made from; equal fingerprints keep the entry as it is

    def __post_init__(self) -> None:
        for name in ("id", "title", "content_html", "category", "category_label"):
            object.__setattr__(self, name, xml_text(getattr(self, name)))
        if self.summary is not None:
            object.__setattr__(self, "summary", xml_text(self.summary))

    @property
    def alternate(self) -> str | None:
        return next((link.href for link in self.links if link.rel == "alternate"), None)

    @property
    def related(self) -> str | None:
        return next((link.href for link in self.links if link.rel == "related"), None)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself: id, title, language, addresses and author."""

    id: str
    title: str
    subtitle: str
    lang: str
    author: str
    self_url: str | None = None
    home_url: str | None = None


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Entries by published time, newest first; the id breaks ties so the order never varies."""
    ordered = sorted(entries, key=lambda e: e.id)
    return sorted(ordered, key=lambda e: datetime.fromisoformat(e.published), reverse=True)


def merge(held: Sequence[Entry], new: Sequence[Entry], limit: int) -> list[Entry]:
    """held with new added or updated in place (by id), newest first, at most limit entries.

    An entry already held whose fingerprint is one of the new entry's stays as it is, so a rerun, or a
    refresh whose numbers did not move, writes the same bytes.
    """
    by_id = {entry.id: entry for entry in held}
    for entry in new:
        old = by_id.get(entry.id)
        if old is not None and old.fingerprint == entry.fingerprint:
            continue
        by_id[entry.id] = entry
    return newest_first(by_id.values())[:limit]


def latest_update(entries: Iterable[Entry]) -> str | None:
    """The newest `updated` among entries: the feed's own updated time, from the data."""
    times = [e.updated for e in entries]
    return max(times, key=datetime.fromisoformat) if times else None
