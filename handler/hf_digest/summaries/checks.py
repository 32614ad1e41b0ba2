"""The checks a model's summary must pass before a reader sees it; pure functions, no I/O.

A summary is shown only if it has the post's language, stays within length bounds, and holds no URL, no
markup and no number that the paper's title or abstract does not contain. Each check returns why not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from hf_digest.model import clean_text


@dataclass(frozen=True)
class Bounds:
    min_chars: int
    max_chars: int
    max_sentences: int = 6  # we ask for 2-4; a little slack, as models count sentences loosely


BOUNDS = {"ko": Bounds(60, 600), "en": Bounds(120, 1000)}
MIN_HANGUL_SHARE = 0.6  # of the letters outside parentheses, where English terms are kept
MIN_LATIN_SHARE = 0.9  # an English summary: letters are Latin (a Greek alpha or so may slip in)

_PARENTHESES = re.compile(r"\([^()]*\)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SENTENCE_END = re.compile(r"[.!?。](?:\s+|$)")
_URL = re.compile(
    r"https?:|\bwww\.|\b[\w-]+\.(?:com|org|net|io|ai|dev|app|co|kr|edu|gov|html?|md)\b", re.IGNORECASE
)
_MARKUP = {
    "Liquid": re.compile(r"\{\{|\}\}|\{%|%\}"),
    "HTML": re.compile(r"<\s*/?\s*[A-Za-z!?]|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"),
    "Markdown": re.compile(
        r"\*\*|__|`|~~|\]\(|!\[|\$\$|\$[^$\s][^$]*\$|(?<![\w*])\*[^*\s][^*]*\*(?!\w)"
        r"|(?<!\w)_[^_\s][^_]*_(?!\w)|^\s*(?:#|[-+*]\s|\d+[.)]\s|>)|\|\s*:?-{3}"
    ),
}
_WORD_NUMBERS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "dozen": 12, "single": 1, "double": 2, "twice": 2, "triple": 3,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "half": 50, "once": 1, "thrice": 3, "million": 1_000_000, "billion": 10**9,
}  # fmt: skip
_WORDS = re.compile(r"[A-Za-z]+")


def problem(summary: str, *, title: str, abstract: str, lang: str) -> str | None:
    """Why summary must not be shown for this paper, or None when it passes every check."""
    text = clean_text(summary)
    if not text:
        return "empty"
    for check in (
        length_problem(text, lang),
        language_problem(text, lang),
        url_problem(text),
        markup_problem(text),
        number_problem(text, f"{title} {abstract}"),
    ):
        if check:
            return check
    return None


def length_problem(text: str, lang: str) -> str | None:
    bounds = BOUNDS.get(lang, BOUNDS["en"])
    if len(text) < bounds.min_chars:
        return f"too short: {len(text)} characters, at least {bounds.min_chars}"
    if len(text) > bounds.max_chars:
        return f"too long: {len(text)} characters, at most {bounds.max_chars}"
    sentences = len(_SENTENCE_END.findall(text)) or 1
    if sentences > bounds.max_sentences:
        return f"too many sentences: {sentences}, at most {bounds.max_sentences}"
    return None


def hangul_share(text: str) -> float:
    """Hangul's share of the letters outside parentheses (0 when there are none)."""
    letters = [ch for ch in _PARENTHESES.sub(" ", text) if ch.isalpha()]
    return sum(_is_hangul(ch) for ch in letters) / len(letters) if letters else 0.0


def language_problem(text: str, lang: str) -> str | None:
    if lang == "ko":
        share = hangul_share(text)
        if share < MIN_HANGUL_SHARE:
            return f"not Korean: {share:.0%} Hangul outside parentheses, at least {MIN_HANGUL_SHARE:.0%}"
        return None
    letters = [ch for ch in text if ch.isalpha()]
    if any(_is_hangul(ch) for ch in letters):
        return "not English: it holds Hangul"
    latin = sum(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)
    if letters and latin / len(letters) < MIN_LATIN_SHARE:
        return f"not English: {latin / len(letters):.0%} Latin letters"
    return None


def url_problem(text: str) -> str | None:
    found = _URL.search(text)
    return f"holds a URL or domain: {found[0]!r}" if found else None


def markup_problem(text: str) -> str | None:
    for kind, pattern in _MARKUP.items():
        found = pattern.search(text)
        if found:
            return f"holds {kind} markup: {found[0].strip()[:20]!r}"
    return None


def number_problem(text: str, source: str) -> str | None:
    allowed = numbers_in(source) | words_as_numbers(source)
    invented = [raw for raw, value in _numbers(text) if value not in allowed]
    return f"numbers not in the title or abstract: {', '.join(invented[:5])}" if invented else None


def numbers_in(text: str) -> set[Decimal]:
    return {value for _, value in _numbers(text)}


def words_as_numbers(text: str) -> set[Decimal]:
    """Numbers the source writes as words ("two stages", "threefold", "first"), as values."""
    found: set[Decimal] = set()
    for word in _WORDS.findall(text.lower()):
        base = word.removesuffix("fold")
        if base in _WORD_NUMBERS:
            found.add(Decimal(_WORD_NUMBERS[base]))
    return found


def _numbers(text: str) -> Iterable[tuple[str, Decimal]]:
    """Each number in text as written and as a value: "1,000" is 1000, "2.50" is 2.5, "1,2" is 1 and 2."""
    for raw in _NUMBER.findall(unicodedata.normalize("NFKC", text)):
        parts = [raw.replace(",", "")] if _THOUSANDS.match(raw) else raw.split(",")
        for part in parts:
            try:
                yield raw, Decimal(part.strip(".")).normalize()
            except InvalidOperation:
                continue


def _is_hangul(ch: str) -> bool:
    code = ord(ch)
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F
