"""The normalised records that flow through the digest, built from every API schema since 2024.

Hugging Face leaves optional keys out rather than sending null, but nothing here trusts that: every
field is checked for type, and a missing optional value becomes None (never the text "None").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from hf_digest.core.latex import plain_text, short_name
from hf_digest.core.outcomes import Delivery, SpanKind, Status
from hf_digest.huggingface import served

if TYPE_CHECKING:  # the interests room builds on Paper: imported for the annotation only
    from hf_digest.enrich.interests.relevance import Relevance

# Links in the post point at the public site, whatever HF_BASE_URL the data came from.
HF_SITE = "https://huggingface.co"
ARXIV_ABS = "https://arxiv.org/abs/"
# The languages a post is written in (DIGEST_LANG, --lang, a profile's lang).
LANGUAGES = ("ko", "en")

_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(v\d+)?|[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?")
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\ud800-\udfff]+")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
# Bidi embeddings, overrides and isolates can reorder the text around them on the page.
_BIDI_CONTROLS: dict[int, str | None] = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# A lone surrogate (half an emoji, cut by a backend) is not text: nothing can encode it as UTF-8.
_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")
_NO_SURROGATES: dict[int, None] = dict.fromkeys(range(0xD800, 0xE000))


class SchemaError(ValueError):
    """An item lacks what a paper needs (an arXiv id, a title, upvotes)."""


@dataclass(frozen=True)
class Organization:
    name: str  # the Hugging Face slug
    fullname: str  # the display name

    @property
    def url(self) -> str:
        return f"{HF_SITE}/{self.name}"


@dataclass(frozen=True)
class Summary:
    """Our summary of a paper in the post's language, with what made it (for the data file and the cache).

    The model answers in fields: a translated title, three lines (problem, method, result) and keywords;
    text is the three lines as one paragraph, for feeds and notifications. A summary read from an older
    data file may have text only."""

    text: str
    model: str
    prompt_version: str
    title: str = ""
    problem: str = ""
    method: str = ""
    result: str = ""
    keywords: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        """The three lines (problem, method, result) when the answer had them, else ()."""
        found = (self.problem, self.method, self.result)
        return found if all(found) else ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "model": self.model, "prompt_version": self.prompt_version}
        if self.title:
            data["title"] = self.title
        if self.lines:
            data |= {"problem": self.problem, "method": self.method, "result": self.result}
        if self.keywords:
            data["keywords"] = list(self.keywords)
        return data


@dataclass(frozen=True)
class Paper:
    arxiv_id: str
    title: str
    abstract: str
    upvotes: int
    authors: tuple[str, ...] = ()
    organization: Organization | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    thumbnail: str | None = None
    num_comments: int | None = None
    published_at: str | None = None
    listed_on: date | None = None
    summary: Summary | None = None  # ours (Bedrock), when summaries are on and it passed its checks

    @property
    def hf_url(self) -> str:
        return f"{HF_SITE}/papers/{self.arxiv_id}"

    @property
    def arxiv_url(self) -> str:
        return f"{ARXIV_ABS}{self.arxiv_id}"

    @property
    def author_count(self) -> int:
        return len(self.authors)

    @property
    def first_author(self) -> str | None:
        """The first author Hugging Face shows (hidden authors are already left out), or None."""
        return self.authors[0] if self.authors else None

    @property
    def github_url(self) -> str | None:
        """github_repo as the repository's page: no trailing slash, no `.git` suffix."""
        if self.github_repo is None:
            return None
        url = self.github_repo.rstrip("/")
        return url.removesuffix(".git").rstrip("/") or None

    def to_json(self) -> dict[str, Any]:
        """The record as plain JSON values, for the data file and the result."""
        return {
            "arxiv_id": self.arxiv_id,
            "title": self.title,
            "abstract": self.abstract,
            "upvotes": self.upvotes,
            "authors": list(self.authors),
            "organization": (
                {
                    "name": self.organization.name,
                    "fullname": self.organization.fullname,
                    "url": self.organization.url,
                }
                if self.organization
                else None
            ),
            "github_repo": self.github_repo,
            "github_stars": self.github_stars,
            "project_page": self.project_page,
            "ai_summary": self.ai_summary,
            "ai_keywords": list(self.ai_keywords),
            "thumbnail": self.thumbnail,
            "num_comments": self.num_comments,
            "published_at": self.published_at,
            "listed_on": self.listed_on.isoformat() if self.listed_on else None,
            "hf_url": self.hf_url,
            "arxiv_url": self.arxiv_url,
            # only when on, so the data file of a run without summaries stays as it was
            **({"summary": self.summary.to_json()} if self.summary else {}),
        }


@dataclass(frozen=True)
class Span:
    """What one digest covers: a day, an ISO week or a month, named as Hugging Face names it."""

    kind: SpanKind
    key: str  # "2026-02-10" | "2026-W06" | "2026-02"
    first: date
    last: date

    @property
    def query(self) -> dict[str, str]:
        """The Hugging Face API parameter that lists the span's papers."""
        return {self.kind.query: self.key}

    def days(self) -> list[date]:
        return days_between(self.first, self.last)

    @property
    def window(self) -> served.Window:
        """The list days whose papers belong to the span, for checking what Hugging Face answered."""
        if self.kind == SpanKind.DAY:
            return served.Window.day(self.last)
        return served.Window(self.first, self.last, f"{self.kind.query} {self.key}")


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def day_span(day: date) -> Span:
    return Span(SpanKind.DAY, day.isoformat(), day, day)


def week(year: int, number: int) -> Span:
    first = date.fromisocalendar(year, number, 1)
    return Span(SpanKind.WEEK, f"{year:04d}-W{number:02d}", first, first + timedelta(days=6))


def month(year: int, number: int) -> Span:
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Span(SpanKind.MONTH, f"{year:04d}-{number:02d}", first, following - timedelta(days=1))


def week_of(day: date) -> Span:
    year, number, _ = day.isocalendar()
    return week(year, number)


def month_of(day: date) -> Span:
    return month(day.year, day.month)


@dataclass(frozen=True)
class Artifact:
    """The most used model, dataset or Space that cites a paper, and how many cite it in all."""

    kind: str  # models | datasets | spaces
    count: int
    top: str | None  # its repo id, such as "org/name"
    more: bool = False  # Hugging Face lists more than count

    @property
    def url(self) -> str | None:
        if self.top is None:
            return None
        prefix = {"models": "", "datasets": "datasets/", "spaces": "spaces/"}[self.kind]
        return f"{HF_SITE}/{prefix}{self.top}"


@dataclass(frozen=True)
class Released:
    """What Hugging Face holds that cites a paper: its models, datasets and Spaces, in that order."""

    artifacts: tuple[Artifact, ...]

    @property
    def any(self) -> bool:
        return any(artifact.count for artifact in self.artifacts)

    def to_json(self) -> dict[str, Any]:
        return {
            a.kind: {"count": a.count, "more": a.more, "top": a.top, "url": a.url} for a in self.artifacts
        }


@dataclass(frozen=True)
class Digest:
    """A span's papers after ranking: what the post shows, and how many Hugging Face listed."""

    span: Span
    papers: tuple[Paper, ...]
    total: int  # what Hugging Face listed, skipped items included
    skipped: tuple[str, ...] = field(default=())  # one warning per listed item left out
    matched: int | None = None  # what a topic filter kept of the papers read; None without a filter
    released: Mapping[str, Released] = field(default_factory=dict)  # by arXiv id, with DIGEST_LINKED
    relevance: Relevance | None = None  # each paper's relevance to the reader, with DIGEST_INTERESTS
    brief: str | None = None  # the day's brief ("오늘의 흐름"), written by the summaries' model, checked

    @property
    def day(self) -> date:
        """The day the post is dated: a day's own, a period's last."""
        return self.span.last


@dataclass(frozen=True)
class Published:
    """A digest just published, as the run hands it to whoever announces it: its papers, what each
    destination did, the post's language and page, and the named digest (DIGEST_PROFILES) it is, if any."""

    ranked: Digest
    deliveries: tuple[Delivery, ...]
    lang: str
    url: str | None
    profile: str | None = None

    @property
    def created(self) -> bool:
        """Some destination got the post for the first time."""
        return any(d.status == Status.CREATED for d in self.deliveries)


# A derived file's bytes from what the destination holds (None: nothing yet); pure, so a retry re-merges.
Merge = Callable[[bytes | None], bytes]


@dataclass(frozen=True)
class OutputFile:
    """One file a run writes: a path relative to the destination's root, and its exact bytes.

    A derived file (a feed, the site's index) has no bytes of its own: they are `merge(held)`, computed
    at write time from what the destination holds at `merge_from` (its own path unless named).
    """

    path: str
    content: bytes
    content_type: str
    # The same post as written on any other day: everything but its "counts read on" text is fixed. A
    # destination holding bytes it matches already shows these papers and counts, so a refresh leaves it.
    alike: re.Pattern[bytes] | None = field(default=None, repr=False, compare=False)
    cache_control: str | None = None  # None: the destination's default
    merge: Merge | None = field(default=None, compare=False, repr=False)
    merge_from: str | None = None
    only: tuple[str, ...] = ()  # the destinations that take this file; empty: every one
    # A derived file that edits the destination's own copy at its path (another language's site page): where
    # the destination holds nothing there, nothing is written.
    amends: bool = False

    @classmethod
    def derived(
        cls,
        path: str,
        content_type: str,
        merge: Merge,
        *,
        merge_from: str | None = None,
        cache_control: str | None = None,
        only: tuple[str, ...] = (),
        alike: re.Pattern[bytes] | None = None,
        amends: bool = False,
    ) -> OutputFile:
        return cls(
            path,
            b"",
            content_type,
            alike=alike,
            cache_control=cache_control,
            merge=merge,
            merge_from=merge_from,
            only=only,
            amends=amends,
        )

    @property
    def is_derived(self) -> bool:
        return self.merge is not None

    @property
    def source(self) -> str:
        """The path whose held bytes a derived file is merged from."""
        return self.merge_from or self.path

    def content_for(self, held: bytes | None) -> bytes:
        """The bytes to write where the destination holds `held` at `source` (None: nothing)."""
        return self.merge(held) if self.merge is not None else self.content

    def holds(self, existing: bytes) -> bool:
        """True when existing shows what content shows: the same bytes, or the same but for the read date."""
        return existing == self.content or (
            self.alike is not None and self.alike.fullmatch(existing) is not None
        )


# No file a derived file is merged from (a feed, the site's manifest) is ever written larger than this:
# the feeds trim their oldest entries to stay under it. A 16 MiB feed is some 500 ten-paper digests;
# reading one costs the 256 MB function about 100 MB at most (GitHub sends it base64 in JSON).
MAX_HELD_BYTES = 16 * 1024 * 1024


class Oversized(bytes):
    """What a destination holds at a path, when that is over MAX_HELD_BYTES: not read, only its size (as
    empty bytes, so every reader of held bytes takes it for nothing it can use)."""

    size: int

    def __new__(cls, size: int) -> Oversized:
        made = super().__new__(cls, b"")
        made.size = size
        return made


@dataclass(frozen=True)
class Bundle:
    """Everything one run writes for one digest; publishers write it whole or not at all.

    The post comes first; derived files come after the plain files they describe.
    """

    span: Span
    files: tuple[OutputFile, ...]

    @property
    def day(self) -> date:
        return self.span.last

    @property
    def kind(self) -> SpanKind:
        return self.span.kind

    def files_for(self, destination: str) -> tuple[OutputFile, ...]:
        """The files this destination takes (a file's `only` may leave some out)."""
        return tuple(f for f in self.files if not f.only or destination in f.only)


def clean_text(value: object) -> str:
    """Text with control characters and bidi overrides removed, lone surrogates as U+FFFD, and whitespace
    collapsed to single spaces."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value.translate(_SURROGATES)).translate(_BIDI_CONTROLS)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())


def clean_raw(value: object) -> object:
    """A JSON value from Hugging Face with every string (keys too) free of lone surrogates, for writing it
    out as it came (nothing else is changed)."""
    if isinstance(value, str):
        return value.translate(_SURROGATES)
    if isinstance(value, Mapping):
        return {str(clean_raw(key)): clean_raw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_raw(item) for item in value]
    return value


def _timestamp(value: object) -> str | None:
    return value if isinstance(value, str) and _TIMESTAMP.fullmatch(value) else None


def _url(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if _URL.fullmatch(value) else None


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _organization(*candidates: object) -> Organization | None:
    for org in candidates:
        if isinstance(org, Mapping):
            slug = org.get("name")
            # A slug holds no emoji, so half of one is noise: dropped, not replaced.
            name = clean_text(slug.translate(_NO_SURROGATES) if isinstance(slug, str) else slug)
            fullname = clean_text(org.get("fullname")) or name
            if name and re.fullmatch(r"[\w.\-]+", name):
                return Organization(name=name, fullname=fullname)
    return None


def _day(value: object) -> date | None:
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def paper_from_item(item: Mapping[str, Any]) -> Paper:
    """One API item (or `dailyPapers` entry of the page) as a Paper; SchemaError when unusable."""
    paper = item.get("paper")
    if not isinstance(paper, Mapping):
        raise SchemaError("item has no 'paper' object")
    arxiv_id = paper.get("id")
    if not isinstance(arxiv_id, str) or not _ARXIV_ID.fullmatch(arxiv_id):
        raise SchemaError(f"item has no valid paper id: {str(arxiv_id)[:40]!r}")
    # LaTeX residue is cleaned once, here, so every view of the paper (post, data file, summary) agrees.
    title = plain_text(clean_text(paper.get("title")) or clean_text(item.get("title")))
    name = short_name(title)
    if not title:
        raise SchemaError(f"{arxiv_id} has no title")
    upvotes = _count(paper.get("upvotes"))
    if upvotes is None:
        raise SchemaError(f"{arxiv_id} has no upvote count")
    raw_authors = paper.get("authors")
    authors = tuple(
        name
        for author in (raw_authors if isinstance(raw_authors, list) else [])
        if isinstance(author, Mapping) and author.get("hidden") is not True
        for name in [clean_text(author.get("name"))]
        if name
    )
    keywords = paper.get("ai_keywords")
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=plain_text(clean_text(paper.get("summary")) or clean_text(item.get("summary")), name=name),
        upvotes=upvotes,
        authors=authors,
        organization=_organization(paper.get("organization"), item.get("organization")),
        github_repo=_url(paper.get("githubRepo")),
        github_stars=_count(paper.get("githubStars")),
        project_page=_url(paper.get("projectPage")),
        ai_summary=plain_text(clean_text(paper.get("ai_summary")), name=name) or None,
        ai_keywords=tuple(
            kw for kw in (clean_text(k) for k in (keywords if isinstance(keywords, list) else [])) if kw
        ),
        thumbnail=_url(item.get("thumbnail")),
        num_comments=_count(item.get("numComments")),
        published_at=_timestamp(paper.get("publishedAt")),
        listed_on=_day(paper.get("submittedOnDailyAt")),
    )


def papers_from_items(
    items: Iterable[object], window: served.Window | None = None
) -> tuple[list[Paper], list[str]]:
    """Every usable paper once (first occurrence wins), and a warning for each item left out; with window,
    an item that names a list day outside it is left out too."""
    papers: list[Paper] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            warnings.append(f"item {index} is not an object")
            continue
        try:
            paper = paper_from_item(item)
        except SchemaError as exc:
            warnings.append(f"item {index}: {exc}")
            continue
        elsewhere = served.stray(item, window) if window is not None else None
        if window is not None and elsewhere is not None:
            if paper.arxiv_id not in seen:
                seen.add(paper.arxiv_id)
                warnings.append(f"item {index}: {paper.arxiv_id} was {elsewhere}, not {window.label}")
            continue
        if paper.arxiv_id in seen:
            continue
        seen.add(paper.arxiv_id)
        papers.append(paper)
    return papers, warnings
