"""How a post shows in a blog's lists and in link previews: its `description` and its `image`. No I/O.

Chirpy (and jekyll-seo-tag, which most themes use) shows `description` on the home page, in search results,
as the page's meta description and in its feed; `image` (`{path, alt}`) is the post's preview.
"""

from __future__ import annotations

import re

from hf_digest.core.model import Digest, Paper
from hf_digest.core.outcomes import SpanKind

DESCRIPTION_MAX = 300
NAMES_SHOWN = 3  # the top papers a description names
NAME_MAX = 40  # a short name's characters at most, the ellipsis included
# Chirpy prints image.alt into an HTML attribute and a caption without escaping it (post.html, 5.3.21), and
# its later versions print description as it is on the home page: neither may hold markup.
_UNSAFE = re.compile(r"[<>\"`]")
_HTTPS = re.compile(r"https://[^\s\"'<>`{}|\\^]+")


def short_name(title: str) -> str:
    """What a reader calls the paper: the part before a title's colon ("MOVA" in "MOVA: Towards ..."), else
    the title cut on a word boundary, at most NAME_MAX characters."""
    title = " ".join(title.split())
    head, colon, _ = title.partition(": ")
    if colon and 2 <= len(head) <= NAME_MAX:
        return head
    if len(title) <= NAME_MAX:
        return title
    cut = title[: NAME_MAX - 1]
    if " " in cut and not title[NAME_MAX - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def _names(papers: tuple[Paper, ...], lang: str) -> str:
    names = ", ".join(short_name(_UNSAFE.sub("", p.title)) for p in papers[:NAMES_SHOWN])
    more = len(papers) - NAMES_SHOWN
    if more <= 0:
        return names
    return f"{names} 외 {more}개" if lang == "ko" else f"{names} and {more} more"


def _when(digest: Digest, lang: str) -> str:
    span = digest.span
    if span.kind == SpanKind.DAY:
        return span.key
    first, last = span.first.isoformat(), span.last.isoformat()
    if lang == "ko":
        return f"{first} ~ {last} {'한 주' if span.kind == SpanKind.WEEK else '한 달'} 동안의"
    return f"the {'week' if span.kind == SpanKind.WEEK else 'month'} {first} to {last}"


def description(digest: Digest, lang: str) -> str:
    """One line in the post's language: the counts and the top papers' short names, 20-300 characters.

    `2026-02-10 Hugging Face 논문 33개 중 좋아요 상위 10개: Modality Gap-Driven…, MOVA, QuantaAlpha 외 7개`;
    `The top 10 of 33 Hugging Face papers of 2026-02-10 by upvotes: Modality Gap-Driven…, MOVA, … and 7 more`.
    A digest ranked by the reader's interests (DIGEST_INTERESTS_RANK=relevance) says so instead of upvotes.
    """
    total, shown, matched, when = digest.total, len(digest.papers), digest.matched, _when(digest, lang)
    mine = digest.relevance is not None and digest.relevance.by_relevance
    if lang == "ko":
        line = f"{when} Hugging Face 논문 {total}개"
        if shown and (shown < total or matched is not None):
            kept = f"관심 주제 {matched}개, " if matched is not None else ""
            line += f" 중 {kept}{'내 관심사에 가까운' if mine else '좋아요'} 상위 {shown}개"
        elif shown and mine:
            line += ", 내 관심사에 가까운 순"
        line += f": {_names(digest.papers, lang)}" if shown else "."
    elif not shown:
        line = f"No Hugging Face papers shown for {when} ({total} listed)."
    else:
        papers = "paper" if total == 1 else "papers"
        if matched is not None:
            on = "on the topics, ranked by your interests" if mine else "on the topics"
            line = f"The top {shown} of {matched} Hugging Face papers of {when} {on}, {total} listed"
        elif shown < total:
            by = "your interests" if mine else "upvotes"
            line = f"The top {shown} of {total} Hugging Face {papers} of {when} by {by}"
        else:
            line = f"{total} Hugging Face {papers} of {when}" + (", ranked by your interests" if mine else "")
        line += f": {_names(digest.papers, lang)}"
    if len(line) > DESCRIPTION_MAX:  # cannot happen with NAME_MAX and NAMES_SHOWN; a guard for both
        line = line[: DESCRIPTION_MAX - 1] + "…"
    return line


def image(digest: Digest) -> dict[str, str] | None:
    """The top paper's Hugging Face thumbnail as Chirpy's `{path, alt}`; None without an https thumbnail."""
    if not digest.papers:
        return None
    top = digest.papers[0]
    if top.thumbnail is None or not _HTTPS.fullmatch(top.thumbnail):
        return None
    alt = " ".join(_UNSAFE.sub("", top.title).split())
    return {"path": top.thumbnail, "alt": alt}
