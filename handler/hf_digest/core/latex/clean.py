"""One cleaning step for Hugging Face titles, abstracts and AI summaries: LaTeX residue to plain text."""

from __future__ import annotations

import re

from hf_digest.core.latex.links import repair_links, split_urls
from hf_digest.core.latex.rules import ACCENT_RULES, BARE_RULES, COMMAND_RULES, PROSE_RULES, Rule
from hf_digest.core.latex.tables import METHOD_MACROS

# Each pass can uncover a residue inside another (`{\deg}` -> `{°}` -> `°`); a few passes reach the end.
_MAX_PASSES = 4
# LaTeX quotes ``x'', and the ''x'' and ``x" that abstracts also have.
_QUOTES = re.compile(r"(?:``|'')(?P<quoted>[^`'\"]{1,300}?)(?:''|\")")
_FORMULA = re.compile(r"(?<![\\$])\$(?P<formula>[^$]{1,80})\$(?!\$)")
# What a formula still holds when it was not read: a command, a brace, a chain of subscripts (`a_b_c`).
_UNREAD = re.compile(r"[\\{}$]|_[^_\s]*_")
# A backslash word no table knows (`\method`), standing alone in prose, not a command taking arguments.
_UNKNOWN_MACRO = re.compile(r"(?<![^\s(\[\"'])\\(?P<name>[A-Za-z]{2,})(?![A-Za-z{\\\[])")
_GROUP = re.compile(r"\{(?P<content>[^{}]*)\}")
# Braces that are the text itself: a set `{True, False}`, a mapping `{"k": v}`, a template tag `{{ x }}`.
LITERAL_BRACES = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"
    r"|\{\s*[^\s{},]+(?:\s*,\s*[^\s{},]+)+\s*\}|\{\s*\"?[\w-]+\"?\s*:\s*[^{}]+\}"
)
# A command no table knows, with its arguments (`\cite{x}`, `\frac{a}{b}`): kept as written too.
_KEPT_BRACES = re.compile(rf"\\[A-Za-z]+\*?(?:\[[^\]]*\])?(?:\{{[^{{}}]*\}})+|{LITERAL_BRACES.pattern}")
_SPACES = re.compile(r" {2,}")
# A title's own name for its method: "MathSE" in "MathSE: Improving ...".
_TITLE_NAME = re.compile(r"(?P<name>[^\s:]{2,40}):\s")


def plain_text(value: object, *, name: str | None = None) -> str:
    """value with LaTeX residue as the Unicode or plain text meant; `\\method` reads name when given."""
    if value is None:
        return ""
    text = str(value)
    # Each pass may undo one layer (a stacked accent such as \'\'\'x takes one per backslash): bounded
    # by the backslashes there are, so the result is a fixed point and cleaning it again changes nothing.
    for _ in range(_MAX_PASSES + text.count("\\")):
        cleaned = _clean_once(text, name)
        if cleaned == text:
            break
        text = cleaned
    return text


def short_name(title: str) -> str | None:
    """The name a title gives its method ("MathSE: Improving ..." -> "MathSE"), or None."""
    match = _TITLE_NAME.match(plain_text(title))
    if match and any(ch.isupper() or ch.isdigit() for ch in match["name"]):
        return match["name"]
    return None


def _clean_once(text: str, name: str | None) -> str:
    parts = split_urls(repair_links(text))
    parts[::2] = [_clean_prose(part, name) for part in parts[::2]]
    return _SPACES.sub(" ", "".join(parts)).strip()


def _apply(rules: tuple[Rule, ...], text: str) -> str:
    for rule in rules:
        text = rule.apply(text)
    return text


def _clean_prose(text: str, name: str | None) -> str:
    text = _apply(ACCENT_RULES, text)
    if "``" in text or "''" in text:
        text = _QUOTES.sub(r"“\g<quoted>”", text)
    if "$" not in text:
        return _clean_words(text, name)
    return "".join(piece if kept else _clean_words(piece, name) for piece, kept in _formulas(text))


def _clean_words(text: str, name: str | None) -> str:
    text = _apply(COMMAND_RULES, text)
    text = _apply(PROSE_RULES, text)
    if "\\" in text:
        text = _UNKNOWN_MACRO.sub(lambda m: _unknown_macro(m, name), text)
    text = _apply(BARE_RULES, text)
    if "{" not in text and "}" not in text:
        return text
    return "".join(piece if kept else _braces(piece) for piece, kept in _literal_braces(text))


def _formulas(text: str) -> list[tuple[str, bool]]:
    """text as (piece, kept) pairs: `$…$` formulas read into prose, the ones not read kept as written."""
    pieces: list[tuple[str, bool]] = []
    prose: list[str] = []
    pos = 0
    while match := _FORMULA.search(text, pos):
        formula = match["formula"]
        single_letter = len(formula.strip()) == 1 and formula.strip().isalpha()
        price = formula[0].isdigit() and formula[-1].isspace()  # "$5 and $10"
        if price or not (single_letter or re.search(r"[\\^_]", formula)):
            prose.append(text[pos : match.start() + 1])
            pos = match.start() + 1
            continue
        read = _apply(COMMAND_RULES, _apply(ACCENT_RULES, formula.strip()))
        if _UNREAD.search(read):
            pieces += [("".join(prose) + text[pos : match.start()], False), (match[0], True)]
            prose = []
        else:
            prose += [text[pos : match.start()], read]
        pos = match.end()
    pieces.append(("".join(prose) + text[pos:], False))
    return pieces


def _unknown_macro(match: re.Match[str], name: str | None) -> str:
    word = match["name"]
    return name if name and word in METHOD_MACROS else word


def _literal_braces(text: str) -> list[tuple[str, bool]]:
    """text as (piece, kept) pairs: sets, mappings, template tags and unknown commands kept as written."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for match in _KEPT_BRACES.finditer(text):
        pieces += [(text[pos : match.start()], False), (match[0], True)]
        pos = match.end()
    pieces.append((text[pos:], False))
    return pieces


def _braces(text: str) -> str:
    """Braces around words unwrapped (`{entropy collapse}`, `(1{+}1)`), stray ones dropped."""
    while (unwrapped := _GROUP.sub(r"\g<content>", text)) != text:
        text = unwrapped
    return text.replace("{", "").replace("}", "")
