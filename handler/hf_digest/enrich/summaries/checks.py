"""The checks a model's summary must pass before a reader sees it; pure functions, no I/O.

A summary is shown only if it has the post's language, stays within length bounds, and holds no URL, no
markup and no number that the paper's title or abstract does not contain. Each check returns why not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from hf_digest.core.model import clean_text
from hf_digest.enrich.summaries.numbers import UNCOUNTED, word_numbers, word_values
from hf_digest.enrich.summaries.prompt import (
    KEYWORD_MAX,
    LINE_MAX,
    LINES,
    MAX_KEYWORDS,
    MIN_KEYWORDS,
    TITLE_MAX,
)


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
# A link in any spelling: a scheme ("https:", "ftp://", "mailto:"), "www.", a host with a well-known top-level
# domain ("github.com"), or any dotted host whose last label is letters and is followed by a path
# ("hf.co/papers", "bit.ly/x"). Version numbers ("v2.5/7B"), "e.g." and file names ("model.safetensors",
# no "/" after it) are not hosts.
_URL = re.compile(
    r"\b[a-z][a-z0-9+.-]{1,15}://|\b(?:https?|ftp|mailto|javascript):|\bdata:[a-z]+/|\bwww\."
    r"|\b[\w-]+\.(?:com|org|net|io|ai|dev|app|co|kr|edu|gov|html?|md)\b"
    r"|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}/",
    re.IGNORECASE,
)
# A handle ("@openai", "@hf_user") but not a metric such as "Pass@1" or "Recall@10".
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z_][\w.]*")
_MARKUP = {
    "Liquid": re.compile(r"\{\{|\}\}|\{%|%\}"),
    "HTML": re.compile(r"<\s*/?\s*[A-Za-z!?]|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"),
    "Markdown": re.compile(
        r"\*\*|__|`|~~|\]\(|!\[|\$\$|\$[^$\s][^$]*\$|(?<![\w*])\*[^*\s][^*]*\*(?!\w)"
        r"|(?<!\w)_[^_\s][^_]*_(?!\w)|^\s*(?:#|[-+*]\s|\d+[.)]\s|>)|\|\s*:?-{3}"
    ),
}


def problem(summary: str, *, title: str, abstract: str, lang: str) -> str | None:
    """Why summary must not be shown for this paper, or None when it passes every check."""
    text = clean_text(summary)
    if not text:
        return "empty"
    for check in (
        length_problem(text, lang),
        language_problem(text, lang),
        url_problem(text),
        handle_problem(text),
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


def handle_problem(text: str) -> str | None:
    found = _HANDLE.search(text)
    return f"holds an @handle: {found[0]!r}" if found else None


def markup_problem(text: str) -> str | None:
    for kind, pattern in _MARKUP.items():
        found = pattern.search(text)
        if found:
            return f"holds {kind} markup: {found[0].strip()[:20]!r}"
    return None


def number_problem(text: str, source: str) -> str | None:
    """The numbers text holds, in digits or in words ("ninety percent", "세 배"), that source lacks in
    either form; words meaning one are left alone (see hf_digest.enrich.summaries.numbers)."""
    allowed = numbers_in(source) | word_values(source)
    invented = [raw for raw, value in _numbers(text) if value not in allowed]
    for number in word_numbers(text):
        if not allowed.intersection(number.values) and not UNCOUNTED.issuperset(number.values):
            invented.append(number.raw)
    return f"numbers not in the title or abstract: {', '.join(invented[:5])}" if invented else None


def numbers_in(text: str) -> set[Decimal]:
    return {value for _, value in _numbers(text)}


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


# A name-like word: letters mixed with digits ("GPT-4o", "Qwen2.5") or a capital after a small letter
# ("DeepSeek", "LLaMA"). A model may not write one the paper's text lacks; acronyms ("RAG") and plain words
# pass, as a Korean summary keeps the English term beside its translation.
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]*[A-Za-z0-9]|[A-Za-z]")
_NAME_LIKE = re.compile(r"(?=.*[A-Za-z])(?=.*\d)|[a-z].*[A-Z]")
TITLE_MIN_HANGUL = 0.2  # a Korean title keeps many terms in English, but is not an English title
LINE_MIN_CHARS = 10
DAY_BOUNDS = {"ko": Bounds(60, 500, 5), "en": Bounds(100, 800, 5)}


def names_problem(text: str, source: str) -> str | None:
    """The name-like words text holds that source lacks (case aside)."""
    known = source.casefold()
    invented = [w for w in _WORD.findall(text) if _NAME_LIKE.search(w) and w.casefold() not in known]
    return f"names not in the paper: {', '.join(invented[:5])}" if invented else None


def answer_problem(
    fields: Mapping[str, Any], *, title: str, abstract: str, keywords: Sequence[str], lang: str
) -> str | None:
    """Why a paper's answer (title, problem, method, result, keywords) must not be shown, naming the
    field, or None when every field passes."""
    # Hugging Face's keywords are in the request too: a number or name from them is not invented.
    numbers_from = names_from = f"{title} {abstract} {' '.join(keywords)}"
    translated = clean_text(str(fields.get("title", "")))
    found = _field_problem(translated, 1, TITLE_MAX, numbers_from, names_from)
    if found is None and lang == "ko" and hangul_share(translated) < TITLE_MIN_HANGUL:
        found = f"not Korean: {hangul_share(translated):.0%} Hangul outside parentheses"
    elif found is None and lang != "ko":
        found = language_problem(translated, lang)
    if found:
        return f"title: {found}"
    for line in LINES:
        text = clean_text(str(fields.get(line, "")))
        found = _field_problem(text, LINE_MIN_CHARS, LINE_MAX, numbers_from, names_from)
        found = found or language_problem(text, lang)
        if found:
            return f"{line}: {found}"
    words = [clean_text(str(word)) for word in fields.get("keywords", ())]
    if not MIN_KEYWORDS <= len(words) <= MAX_KEYWORDS:
        return f"keywords: {len(words)}, wanted {MIN_KEYWORDS} to {MAX_KEYWORDS}"
    for word in words:
        found = _field_problem(word, 1, KEYWORD_MAX, numbers_from, names_from)
        if found:
            return f"keywords: {found}"
    return None


def day_problem(brief: str, *, lang: str, numbers_from: str, names_from: str) -> str | None:
    """Why the day's brief must not be shown: the language and length rules of a summary, and numbers and
    names only from the shown papers (numbers_from: their titles and abstracts; names_from: those and
    their summaries)."""
    text = clean_text(brief)
    bounds = DAY_BOUNDS.get(lang, DAY_BOUNDS["en"])
    if not text:
        return "empty"
    if not bounds.min_chars <= len(text) <= bounds.max_chars:
        return f"length: {len(text)} characters, wanted {bounds.min_chars} to {bounds.max_chars}"
    sentences = len(_SENTENCE_END.findall(text)) or 1
    if sentences > bounds.max_sentences:
        return f"too many sentences: {sentences}, at most {bounds.max_sentences}"
    for check in (
        language_problem(text, lang),
        url_problem(text),
        handle_problem(text),
        markup_problem(text),
        number_problem(text, numbers_from),
        names_problem(text, names_from),
    ):
        if check:
            return check
    return None


def _field_problem(
    text: str, min_chars: int, max_chars: int, numbers_from: str, names_from: str
) -> str | None:
    if len(text) < min_chars:
        return "empty" if not text else f"too short: {len(text)} characters, at least {min_chars}"
    if len(text) > max_chars:
        return f"too long: {len(text)} characters, at most {max_chars}"
    return (
        url_problem(text)
        or handle_problem(text)
        or markup_problem(text)
        or number_problem(text, numbers_from)
        or names_problem(text, names_from)
    )
