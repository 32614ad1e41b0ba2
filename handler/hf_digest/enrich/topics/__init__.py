"""Topic filters and topic tags: which papers a reader cares about, and what a day was about. No I/O.

A term matches as a whole word (or phrase) in the title, the abstract or Hugging Face's keywords, case
folded and Unicode aware, so `로봇` and `Robot` both work; exclude wins over include.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hf_digest.core.model import Paper
from hf_digest.errors import ConfigError

MAX_TERMS = 50
MAX_TERM_CHARS = 100
TOPIC_PAPERS = 2  # papers that must carry a keyword for it to be a topic (a tag, a "topics of the week")
_TAG_DROP = re.compile(r"[^\w\-]+")  # what a tag keeps: letters, digits, underscores, hyphens


def parse_terms(raw: str | None, name: str) -> tuple[str, ...]:
    """Terms from `robot, "large language model", 로봇`: comma separated, a phrase may be quoted."""
    if raw is None or not raw.strip():
        return ()
    try:
        [row] = list(csv.reader([raw], skipinitialspace=True, strict=True))
    except (csv.Error, ValueError) as exc:
        raise ConfigError(f"{name}: {raw[:80]!r} is not a comma separated list of terms") from exc
    terms = tuple(dict.fromkeys(" ".join(part.split()) for part in row if part.strip()))
    if len(terms) > MAX_TERMS:
        raise ConfigError(f"{name}: {len(terms)} terms; at most {MAX_TERMS}")
    for term in terms:
        if len(term) > MAX_TERM_CHARS:
            raise ConfigError(f"{name}: the term {term[:40]!r}... is longer than {MAX_TERM_CHARS} characters")
        if not any(ch.isalnum() for ch in term):
            raise ConfigError(f"{name}: the term {term!r} has no letter or digit to match")
    return terms


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    # A phrase's spaces match any run of whitespace or hyphens ("vision-language" = "vision language").
    alternatives = (r"[\s\-]+".join(map(re.escape, _fold(term).split())) for term in terms)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _text_of(paper: Paper) -> str:
    return _fold("\n".join([paper.title, paper.abstract, *paper.ai_keywords]))


@dataclass(frozen=True)
class TopicFilter:
    """Include and exclude terms; an empty filter keeps every paper."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.include or self.exclude)

    def apply(self, papers: Sequence[Paper]) -> Filtered:
        """The papers the filter keeps, in their order, and how many each side removed."""
        include, exclude = _pattern(self.include), _pattern(self.exclude)
        kept: list[Paper] = []
        by_include = by_exclude = 0
        for paper in papers:
            text = _text_of(paper)
            if exclude is not None and exclude.search(text):
                by_exclude += 1
            elif include is not None and not include.search(text):
                by_include += 1
            else:
                kept.append(paper)
        return Filtered(tuple(kept), len(papers), by_include, by_exclude)


@dataclass(frozen=True)
class Filtered:
    """What a filter kept of the papers read, and how many the include and the exclude terms removed."""

    papers: tuple[Paper, ...]
    read: int
    removed_by_include: int = 0
    removed_by_exclude: int = 0

    def to_json(self) -> dict[str, int]:
        return {
            "matched": len(self.papers),
            "removed_by_include": self.removed_by_include,
            "removed_by_exclude": self.removed_by_exclude,
        }


def normalise_tag(keyword: str) -> str | None:
    """A keyword as a Jekyll tag: lower case, hyphenated, only letters, digits and hyphens (no Liquid, no
    YAML syntax, no emoji); None when nothing is left."""
    text = _fold(keyword).replace("_", " ")
    tag = "-".join(part for part in _TAG_DROP.sub(" ", text).split())
    tag = re.sub(r"-{2,}", "-", tag).strip("-")
    if not tag or not any(ch.isalpha() for ch in tag):
        return None
    return tag[:50].rstrip("-")


def keyword_counts(papers: Iterable[Paper]) -> list[tuple[str, int]]:
    """Each topic (a normalised keyword at least TOPIC_PAPERS papers carry: one paper's keyword names that
    paper, not the day) with its number of papers, most frequent first, then by name."""
    counts: Counter[str] = Counter()
    for paper in papers:
        counts.update({tag for kw in paper.ai_keywords if (tag := normalise_tag(kw))})
    topics = [(tag, n) for tag, n in counts.items() if n >= TOPIC_PAPERS]
    return sorted(topics, key=lambda item: (-item[1], item[0]))


def topic_tags(papers: Iterable[Paper], limit: int, configured: Sequence[str] = ()) -> tuple[str, ...]:
    """Up to limit of the shown papers' most frequent keywords as tags, none repeating a configured tag."""
    if limit <= 0:
        return ()
    taken = {normalise_tag(tag) for tag in configured} | set(configured)
    counted = [(tag, n) for tag, n in keyword_counts(papers) if tag not in taken]
    return tuple(tag for tag, _ in counted[:limit])
