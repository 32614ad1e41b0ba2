"""Atom 1.0 (RFC 4287): a feed written byte for byte the same from the same entries, and read back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from hf_digest.rendering.feeds.entries import Entry, FeedInfo, Link, latest_update

ATOM = "http://www.w3.org/2005/Atom"
# Our one extension element: the fingerprint of what an entry was made from (RFC 4287 section 6.4).
EXT = "tag:hf-daily-digest,2026:atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
GENERATOR = "hf-daily-digest"
_A = f"{{{ATOM}}}"
# CR would come back as LF (XML end-of-line handling); tab and LF in an attribute would come back as spaces.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
)


def _text(value: str) -> str:
    return value.translate(_TEXT)


def _attr(value: str) -> str:
    return '"' + value.translate(_ATTR) + '"'


def _element(name: str, value: str, indent: str, **attrs: str | None) -> str:
    attributes = "".join(f" {key}={_attr(val)}" for key, val in attrs.items() if val is not None)
    return f"{indent}<{name}{attributes}>{_text(value)}</{name}>"


def _link(link: Link, indent: str) -> str:
    attributes = f" rel={_attr(link.rel)} href={_attr(link.href)}"
    if link.type:
        attributes += f" type={_attr(link.type)}"
    return f"{indent}<link{attributes}/>"


def write(info: FeedInfo, entries: Sequence[Entry]) -> bytes:
    """The Atom document for info and entries (in the order given)."""
    updated = latest_update(entries) or "1970-01-01T00:00:00+00:00"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<feed xmlns={_attr(ATOM)} xmlns:hfd={_attr(EXT)} xml:lang={_attr(info.lang)}>",
        _element("id", info.id, "  "),
        _element("title", info.title, "  "),
        _element("subtitle", info.subtitle, "  "),
        _element("updated", updated, "  "),
    ]
    if info.self_url:
        lines.append(_link(Link(info.self_url, "self", CONTENT_TYPE.split(";")[0]), "  "))
    if info.home_url:
        lines.append(_link(Link(info.home_url, "alternate", "text/html"), "  "))
    lines += [
        f"  <author>{_element('name', info.author, '')}</author>",
        _element("generator", GENERATOR, "  "),
    ]
    for entry in entries:
        lines.append("  <entry>")
        lines.append(_element("id", entry.id, "    "))
        lines.append(_element("title", entry.title, "    ", type="text"))
        lines.append(_element("published", entry.published, "    "))
        lines.append(_element("updated", entry.updated, "    "))
        lines += [_link(link, "    ") for link in entry.links]
        lines.append(f"    <category term={_attr(entry.category)} label={_attr(entry.category_label)}/>")
        if entry.summary:
            lines.append(_element("summary", entry.summary, "    ", type="text"))
        lines.append(_element("content", entry.content_html, "    ", type="html"))
        if entry.image:
            lines.append(_element("hfd:image", entry.image, "    "))
        lines.append(_element("hfd:fingerprint", entry.fingerprint, "    "))
        lines.append("  </entry>")
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def read(data: bytes | None) -> list[Entry] | None:
    """The entries of an Atom feed this module wrote ([] for nothing); None when data is not such a feed."""
    if not data:
        return []
    try:
        # Only feeds this project wrote; expat refuses entity expansion bombs by itself since 2.4.
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError:
        return None
    if root.tag != f"{_A}feed" or root.findtext(f"{_A}generator") != GENERATOR:
        return None
    entries = []
    for node in root.findall(f"{_A}entry"):
        category = node.find(f"{_A}category")
        summary = node.find(f"{_A}summary")
        try:
            entries.append(
                Entry(
                    id=_child(node, "id"),
                    title=_child(node, "title"),
                    published=_child(node, "published"),
                    updated=_child(node, "updated"),
                    content_html=_child(node, "content"),
                    category=category.get("term", "") if category is not None else "",
                    category_label=category.get("label", "") if category is not None else "",
                    links=tuple(
                        Link(link.get("href", ""), link.get("rel", "alternate"), link.get("type"))
                        for link in node.findall(f"{_A}link")
                    ),
                    summary=(summary.text or "") if summary is not None else None,
                    image=node.findtext(f"{{{EXT}}}image"),
                    fingerprint=node.findtext(f"{{{EXT}}}fingerprint") or "",
                )
            )
        except KeyError:
            return None  # an entry without id, title or dates is not one of ours
    return entries


def _child(node: ET.Element, name: str) -> str:
    found = node.find(f"{_A}{name}")
    if found is None:
        raise KeyError(name)
    return found.text or ""
