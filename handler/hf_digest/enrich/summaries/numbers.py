"""Numbers written as words, in English and Korean, found in text as values; pure functions, no I/O.

The summary gate refuses a number the paper's title and abstract lack; a model that writes "ninety
percent" or "세 배" instead of "90%" or "3배" must meet the same check. Words meaning one ("one", "first",
"single", "한", "하나", "첫") are not counted: both languages use them as articles and pronouns ("one of",
"한 번에"), and refusing those would refuse most summaries. Korean Sino numerals (일, 이, 삼, …) are also
particles and common syllables (이 = "this", 일 = "work"), so they count only in a compound ("삼십", "백만")
or fused to a unit ("이차원", "오퍼센트").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
_EN_CARDINAL = {word: n for n, word in enumerate(_UNITS)} | {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_EN_SCALE = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_ORDINAL = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20, "hundredth": 100,
}  # fmt: skip
_EN_OTHER: dict[str, tuple[Decimal, ...]] = {
    "once": (Decimal(1),), "single": (Decimal(1),), "twice": (Decimal(2),), "double": (Decimal(2),),
    "thrice": (Decimal(3),), "triple": (Decimal(3),), "quadruple": (Decimal(4),), "dozen": (Decimal(12),),
    "half": (Decimal("0.5"), Decimal(50)), "quarter": (Decimal("0.25"), Decimal(25)),
}  # fmt: skip
_EN_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:[.,]\d+)*")
_EN_JOIN = re.compile(r"\s*-\s*|\s+")  # "twenty-five", "three hundred"

# Korean: native numerals (attributive and nominal forms), tens, and the Sino-Korean digits and units.
_KO_NATIVE = {
    "한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6,
    "일곱": 7, "여덟": 8, "아홉": 9,
}  # fmt: skip
_KO_TENS = {
    "열": 10, "스무": 20, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80,
    "아흔": 90,
}  # fmt: skip
_KO_SINO_DIGIT = dict(zip("일이삼사오육칠팔구", range(1, 10), strict=True))
_KO_SINO_UNIT = {"십": 10, "백": 100, "천": 1000}
_KO_SINO_BIG = {"만": 10**4, "억": 10**8}
_KO_HALF = {"절반": (Decimal("0.5"), Decimal(50))}
# Counters and units a number comes before ("세 가지", "열 개", "두 배").
_KO_COUNTERS = (
    "배 개 가지 퍼센트 프로 명 단계 차례 번 회 종류 종 층 년 개월 달 주 일 시간 분 초 편 권 쌍 점 차원 "
    "개국 곳 건 장 줄 억 만 천 백"
).split()
# Native forms that are also other words with a particle after them ("세가" tax, "열의" heat): these count
# only alone ("세 가지") or before 배 ("두배"); "둘째", "다섯은" count.
_ATTRIBUTIVE = frozenset({"한", "하나", "두", "세", "네", "스무", "열", "쉰"})
# Fused to a lone Sino digit, these make it a number ("이차원", "삼단계"); "이번", "일부" stay words.
_KO_SINO_COUNTERS = ("퍼센트", "프로", "차원", "단계", "개월", "년")
_KO_PARTICLES = ("의", "은", "는", "이", "가", "을", "를", "에", "와", "과", "로", "으로", "도", "째")
_KO_WORD = re.compile(r"[\uac00-\ud7a3]+")
# Words the check leaves alone: they are how both languages say "a" or "one", not a claim.
UNCOUNTED = frozenset({Decimal(1)})


@dataclass(frozen=True)
class WordNumber:
    """A number written in words: as written, and the values it may stand for."""

    raw: str
    values: tuple[Decimal, ...]


def word_numbers(text: str) -> list[WordNumber]:
    """Every number text writes in English or Korean words, in order of appearance within each language."""
    return [*_english(text), *_korean(text)]


def word_values(text: str) -> set[Decimal]:
    """The values of the numbers text writes in words, with each compound's parts ("twenty-five": 25, 20,
    5), so a summary may say either."""
    found: set[Decimal] = set()
    for number in word_numbers(text):
        found.update(number.values)
    for word in _EN_TOKEN.findall(text.lower()):
        base = word.removesuffix("fold")
        for table in (_EN_CARDINAL, _EN_ORDINAL, _EN_SCALE):
            if base in table:
                found.add(Decimal(table[base]))
        found.update(_EN_OTHER.get(word, ()))
    return found


def _english(text: str) -> Iterable[WordNumber]:
    tokens = list(_EN_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        # "32 billion", "0.5 second": a word right after digits is their unit, not a number of its own.
        after_digits = i > 0 and tokens[i - 1][0][0].isdigit() and _joined(text, tokens[i - 1], tokens[i])
        # "tokens per second", "each second": the unit of time.
        a_time = (
            tokens[i][0].lower() == "second"
            and i > 0
            and tokens[i - 1][0].lower() in ("per", "each", "every")
        )
        if after_digits or a_time or not _is_en_number(tokens[i][0].lower()):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and _joined(text, tokens[j - 1], tokens[j]) and _in_compound(tokens[j][0]):
            j += 1
        words = [t[0].lower() for t in tokens[i:j]]
        yield WordNumber(text[tokens[i].start() : tokens[j - 1].end()], _english_values(words))
        i = j


def _is_en_number(word: str) -> bool:
    base = word.removesuffix("fold") if word.endswith("fold") and word != "fold" else word
    return base in _EN_CARDINAL or base in _EN_SCALE or base in _EN_ORDINAL or word in _EN_OTHER


def _in_compound(word: str) -> bool:
    base = word.lower().removesuffix("fold")
    return base in _EN_CARDINAL or base in _EN_SCALE or base in _EN_ORDINAL


def _joined(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    return _EN_JOIN.fullmatch(text[left.end() : right.start()]) is not None


def _english_values(words: list[str]) -> tuple[Decimal, ...]:
    if len(words) == 1 and words[0] in _EN_OTHER:
        return _EN_OTHER[words[0]]
    total = current = 0
    for word in words:
        base = word.removesuffix("fold")
        if base in _EN_SCALE:
            scale = _EN_SCALE[base]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            current += _EN_CARDINAL.get(base, _EN_ORDINAL.get(base, 0))
    return (Decimal(total + current),)


def _korean(text: str) -> Iterable[WordNumber]:
    for match in _KO_WORD.finditer(text):
        word, rest = match[0], text[match.end() :]
        if text[: match.start()].rstrip()[-1:].isdigit():
            continue  # "30 세", "3배": a unit of the digits
        found = _korean_word(word, rest)
        if found is not None:
            yield found


def _korean_word(word: str, rest: str) -> WordNumber | None:
    """The number a Korean word (a run of Hangul) starts with, given the text after it; or None."""
    next_word = _KO_WORD.match(rest.lstrip()) if rest[:1] == " " else None
    counter_after_space = next_word is not None and next_word[0].startswith(tuple(_KO_COUNTERS))
    for half, values in _KO_HALF.items():
        if word.startswith(half):
            return WordNumber(half, values)
    native = _native(word)
    if native is not None:
        stem, value, tail = native
        if not tail and (stem not in ("열", "쉰") or counter_after_space):
            return WordNumber(stem, (Decimal(value),))
        if tail and (tail.startswith("배") or (stem not in _ATTRIBUTIVE and _particle(tail))):
            return WordNumber(stem, (Decimal(value),))
        return None
    sino = _sino(word)
    if sino is not None:
        stem, value, tail = sino
        if len(stem) >= 2 and (not tail or tail.startswith(tuple(_KO_COUNTERS))):
            return WordNumber(stem, (Decimal(value),))
        counter = next((c for c in _KO_SINO_COUNTERS if tail.startswith(c)), None)
        if len(stem) == 1 and counter is not None:
            return WordNumber(stem + counter, (Decimal(value),))
    return None


def _particle(tail: str) -> bool:
    return tail in _KO_PARTICLES or tail.startswith("째")


def _native(word: str) -> tuple[str, int, str] | None:
    """A native numeral at the start of word ("스물다섯", "열두", "세"): the numeral, its value, the rest."""
    tens = next((t for t in sorted(_KO_TENS, key=len, reverse=True) if word.startswith(t)), "")
    rest = word[len(tens) :]
    unit = next((u for u in sorted(_KO_NATIVE, key=len, reverse=True) if rest.startswith(u)), "")
    if not tens and not unit:
        return None
    stem = tens + unit
    return stem, _KO_TENS.get(tens, 0) + _KO_NATIVE.get(unit, 0), word[len(stem) :]


def _sino(word: str) -> tuple[str, int, str] | None:
    """The longest valid Sino-Korean numeral at the start of word ("삼십", "백만", "이"), or None."""
    for end in range(len(word), 0, -1):
        value = _sino_value(word[:end])
        if value is not None:
            return word[:end], value, word[end:]
    return None


def _sino_value(stem: str) -> int | None:
    total = group = 0
    digit: int | None = None
    last_unit = 10**5
    for ch in stem:
        if ch in _KO_SINO_DIGIT:
            if digit is not None:
                return None  # "사이": two digits in a row is not a number
            digit = _KO_SINO_DIGIT[ch]
        elif ch in _KO_SINO_UNIT:
            unit = _KO_SINO_UNIT[ch]
            if unit >= last_unit:
                return None
            group, digit, last_unit = group + (digit or 1) * unit, None, unit
        elif ch in _KO_SINO_BIG:
            total += (group + (digit or 0) or 1) * _KO_SINO_BIG[ch]
            group, digit, last_unit = 0, None, 10**5
        else:
            return None
    if len(stem) == 1 and stem not in _KO_SINO_DIGIT:
        return None  # a lone 십, 백, 천, 만 or 억 is a syllable of too many words ("만약", "백본")
    return total + group + (digit or 0)
