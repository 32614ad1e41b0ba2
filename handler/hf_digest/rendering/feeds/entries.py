"""Feed entries as values, and the merge that keeps a feed's history: add, update in place, sort, trim."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# XML 1.0 forbids the C0 controls (but tab, LF, CR) even as character references; the C1 controls and DEL
# it allows, but no reader shows them usefully. JSON would carry all of them, but one text serves both.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Not allowed anywhere in an IRI (RFC 3987): every control character, and space.
_NOT_IRI = re.compile("[\x00-\x20\x7f-\x9f]")


def xml_text(value: str) -> str:
    """value without the characters no feed should hold: C0 controls other than tab, LF and CR, DEL, the
    C1 controls, non-characters and lone surrogates."""
    return _NOT_XML.sub("", value)


def iri(value: str) -> str:
    """value as an address both formats may carry: lone surrogates and non-characters dropped, controls
    and spaces percent-encoded (what a browser sends for them), so the feed stays readable."""
    kept = re.sub("[\ufffe\uffff\ud800-\udfff]", "", value)
    return _NOT_IRI.sub(lambda found: "".join(f"%{b:02X}" for b in found[0].encode("utf-8")), kept)


def _clean(item: object, texts: tuple[str, ...], addresses: tuple[str, ...] = ()) -> None:
    """Clean the named fields of a frozen dataclass in place (None stays None)."""
    for name in texts:
        value = getattr(item, name)
        if value is not None:
            object.__setattr__(item, name, xml_text(value))
    for name in addresses:
        value = getattr(item, name)
        if value is not None:
            object.__setattr__(item, name, iri(value))


@dataclass(frozen=True)
class Link:
    href: str
    rel: str = "alternate"  # alternate (the entry's page) | related (e.g. arXiv)
    type: str | None = None

    def __post_init__(self) -> None:
        _clean(self, ("rel", "type"), ("href",))


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
        # Every field, the addresses too: one control character would make the whole feed unreadable, and
        # the next run would have to rebuild it without its history.
        texts = ("title", "published", "updated", "content_html", "category", "category_label", "summary")
        _clean(self, (*texts, "fingerprint"), ("id", "image"))

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

    def __post_init__(self) -> None:
        _clean(self, ("title", "subtitle", "lang", "author"), ("id", "self_url", "home_url"))


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
