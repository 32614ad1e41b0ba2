"""Every recorded title, abstract and AI summary as the digest shows it: no LaTeX debris, no word lost."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from bench.debris import Shown
from bench.debris import texts as recorded_texts

from hf_digest.core.latex import find_debris, plain_text
from hf_digest.core.latex.clean import LITERAL_BRACES
from hf_digest.core.latex.links import URL_PATTERN
from hf_digest.core.latex.tables import GREEK, SYMBOLS, TEXT_MACROS
from hf_digest.core.markdown import is_http_url

# Braces a reader would not call debris, each checked by hand in the recordings:
ALLOWED_BRACES = {
    "{True, False}",  # 2509.22824: "the final judgment label c in {True, False}", a set
}


@pytest.fixture(scope="module")
def recorded(samples_dir: Path) -> list[Shown]:
    texts = list(recorded_texts(samples_dir))
    assert len(texts) > 3000, "the recordings hold about 1,200 papers"
    return texts


def test_the_recordings_hold_debris_of_every_class(recorded: list[Shown]) -> None:
    before = {kind: sum(len(find_debris(t.raw)[kind]) for t in recorded) for kind in find_debris("")}
    assert all(before.values()), before  # else the test below would prove nothing


def test_no_debris_is_left_in_any_recorded_text(recorded: list[Shown]) -> None:
    left = [
        f"{t.where}: {kind}: {found}"
        for t in recorded
        for kind, found in find_debris(t.shown).items()
        if found
    ]
    assert left == []
    literal = {m[0] for t in recorded for m in LITERAL_BRACES.finditer(URL_PATTERN.sub(" ", t.shown))}
    assert literal == ALLOWED_BRACES


def test_cleaning_a_recorded_text_again_changes_nothing(recorded: list[Shown]) -> None:
    changed = [t.where for t in recorded if plain_text(t.shown, name=t.name) != t.shown]
    assert changed == []


# What cleaning may take away from a recorded text: commands, macro names, braces, a repeated link.
_JOINED = re.compile(r"\\allowbreak\s*")
_DOTLESS = re.compile(r"\\([ij])(?![A-Za-z])")
_COMMANDS = re.compile(r"\\[A-Za-z]+")
_ARROWS = "|".join(sorted((n for n in SYMBOLS if n.lower().endswith("arrow")), key=len, reverse=True))
_MACRO_WORDS = re.compile(
    rf"\{{this https? URL\}}|(?:{'|'.join(sorted(TEXT_MACROS, key=len, reverse=True))})(?=\{{)"
    rf"|circlearrow(?:right|left)|{_ARROWS}|(?<=\d)times|(?<=\d )times(?= \d)|\{{sim\}}"
    r"|(?<![A-Za-z])(?:sim|approx|pm)(?=\s?\d)|(?<![A-Za-z])(?:leq|geq|neq)|(?<=\^)circ|(?<![\w.])sqrt(?=\()"
    r"|(?<![A-Za-z])(?:left|right)(?=[|(\[])"
    rf"|(?<![A-Za-z])(?:{'|'.join(sorted(GREEK | {'sum'}, key=len, reverse=True))})(?=[_^])"
)


def _prose(text: str) -> str:
    """text without URLs, LaTeX commands and macro names, accents and styles folded away (NFKD)."""
    text = _JOINED.sub("", text)
    text = URL_PATTERN.sub(" ", text)
    text = _COMMANDS.sub(" ", _DOTLESS.sub(r"\1", text)).replace("\\", "")
    text = _MACRO_WORDS.sub(" ", text)
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def test_no_recorded_word_or_link_is_lost(recorded: list[Shown]) -> None:
    lost = []
    for t in recorded:
        before, after = _prose(t.raw), _prose(t.shown)
        for word in set(re.findall(r"[A-Za-z]{2,}", before)):
            if after.count(word) < before.count(word):
                lost.append(f"{t.where}: {word!r}")
        for url in URL_PATTERN.findall(_JOINED.sub("", t.raw)):
            if url not in t.shown:
                lost.append(f"{t.where}: {url}")
    assert lost == []


def test_every_link_left_in_a_recorded_text_is_a_valid_url(recorded: list[Shown]) -> None:
    links = [u for t in recorded for u in re.findall(r"https?://[^\s()]+", t.shown)]
    assert links and [u for u in links if not is_http_url(u) or "\\" in u] == []
