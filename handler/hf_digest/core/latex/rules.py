"""The residue rules, in the order they run, each drawn from the recorded abstracts (../shared/hf-samples).

A rule turns one kind of LaTeX left in prose into what it meant; what no rule matches stays as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hf_digest.core.latex.tables import (
    ABBREVIATIONS,
    ACCENTS,
    ESCAPED,
    GREEK,
    SILENT,
    SPACES,
    STYLES,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    SYMBOLS,
    TEXT_MACROS,
    styled,
)


@dataclass(frozen=True)
class Rule:
    """One kind of residue: the pattern it leaves and what its author meant by it."""

    name: str
    needs: tuple[str, ...]  # the pattern matches only text holding one of these (a cheap test first)
    pattern: re.Pattern[str]
    replace: Callable[[re.Match[str]], str]

    def apply(self, text: str) -> str:
        if not any(needle in text for needle in self.needs):
            return text
        return self.pattern.sub(self.replace, text)


def _names(names: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


def _rule(name: str, needs: str, pattern: str, replace: str | Callable[[re.Match[str]], str]) -> Rule:
    """A Rule; needs holds the literals (space-separated) one of which every match contains."""
    if isinstance(replace, str):
        template = replace
        return Rule(name, tuple(needs.split(" ")), re.compile(pattern), lambda m: m.expand(template))
    return Rule(name, tuple(needs.split(" ")), re.compile(pattern), replace)


# A macro with its backslash, or the same name where Hugging Face dropped the backslash.
_MACRO = r"(?:\\|(?<![A-Za-z]))"
_SYMBOL_ACCENTS = "".join(re.escape(a) for a in ACCENTS if not a.isalpha())
_LETTER_ACCENTS = "".join(a for a in ACCENTS if a.isalpha())
_ACCENTED = r"(?P<letter>\\[ij](?![A-Za-z])|[A-Za-z])"
_SCRIPTABLE = re.compile(r"[-+=()]*\d+(?:\.\d+)?[-+=()]*|[-+=]")
_SCRIPT_WORD = re.compile(r"[\w.'*′]+")
# A `_` or `^` right after a character (a letter, digit, bracket, prime, `∑`) is a sub- or superscript.
_BASE = r"(?<=[^\s\\_^{(\[])"
# Bare names that are math when a sub- or superscript follows them (`theta_{GRPO}`, `sum_{i=1}`).
_MATH_WORDS = GREEK | {"sum", "prod"}
_SCRIPT_AHEAD = r"(?=[_^](?:\{|\d|[A-Za-z](?![A-Za-z0-9])))"
# Inside braces any symbol name is a macro, except short names and English words (`{O}` is not Ø).
_ENGLISH = {"int", "star", "prime", "cap", "cup", "sum", "prod", "dots"}
_BRACED_SYMBOLS = {n for n in SYMBOLS if len(n) >= 3 and n not in _ENGLISH}
_ARROWS = [n for n in SYMBOLS if n.lower().endswith("arrow") or n.startswith("circlearrow")]


def _accent(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFC", match["letter"][-1] + ACCENTS[match["accent"]])


def script(content: str, mark: str, *, split_digits: bool = False) -> str:
    """A sub- (`_`) or superscript (`^`) as Unicode where it has the characters, else `_x` or `^(x+y)`."""
    table = SUPERSCRIPTS if mark == "^" else SUBSCRIPTS
    text = content.strip()
    if _SCRIPTABLE.fullmatch(text) or (len(text) == 1 and text in table):
        return "".join(table.get(ch, ch) for ch in text)
    lead = re.match(r"\d+", text)
    if split_digits and lead:  # `R^textbf{2AI}`: the brace closed after "AI" instead of after "2"
        return "".join(table[ch] for ch in lead[0]) + text[lead.end() :]
    if _SCRIPT_WORD.fullmatch(text):
        return mark + text
    return f"{mark}({text})"


def _styled(match: re.Match[str]) -> str:
    content = match["content"]
    letters = [styled(STYLES[match["macro"]], ch) for ch in content]
    return content if not content.isalpha() or None in letters else "".join(filter(None, letters))


def _symbol(match: re.Match[str]) -> str:
    name = match["name"]
    if name in SILENT:
        return ""
    return SYMBOLS.get(name, match[0])


def _trim_delimited(match: re.Match[str]) -> str:
    # `\,` lost its backslash inside `\left| ... \right|`: commas next to symbols or the ends are spacing
    body = re.sub(r"(?<=[^\w\s]),|,(?=[^\w\s])", "", match["body"].strip(","))
    return match["open"] + body + match["close"]


# Accents first: `\'` and `\"` would read as other commands.
ACCENT_RULES = (
    _rule(
        'accent in braces: {\\"U}', "\\", rf"\{{\\(?P<accent>[{_SYMBOL_ACCENTS}])\s*{_ACCENTED}\}}", _accent
    ),
    _rule(
        "accent on a braced letter: \\'{\\i}, \\c{c}",
        "\\",
        rf"\\(?P<accent>[{_SYMBOL_ACCENTS}{_LETTER_ACCENTS}])\s*\{{{_ACCENTED}\}}",
        _accent,
    ),
    _rule(  # not the escaped apostrophe of "it\\'s"
        'accent: \\"U',
        "\\",
        rf"\\(?P<accent>[{_SYMBOL_ACCENTS}])(?!(?<=')s(?![A-Za-z])){_ACCENTED}",
        _accent,
    ),
)
# Commands as they stand in prose and inside `$…$` formulas.
COMMAND_RULES = (
    _rule("degree: ^\\circ, ^circ", "circ", r"\^\s*(?:\{\s*\\?circ\s*\}|\\?circ(?![A-Za-z]))", "°"),
    _rule(
        "superscript text: ^\\text{N}, ^textbf{2AI}",
        "^",
        rf"\^(?P<open>\{{)?\\?(?:{_names(TEXT_MACROS)})\s*\{{(?P<content>[^{{}}]*)\}}(?(open)\}})",
        lambda m: script(m["content"], "^", split_digits=True),
    ),
    _rule(
        "styled letter: \\mathcal{O}, \\mathbb{R}",
        "math",
        rf"{_MACRO}(?P<macro>{_names(STYLES)})\s*\{{(?P<content>[^{{}}]*)\}}",
        _styled,
    ),
    _rule(
        "text command: \\textbf{x}, textit{O}, \\emph{x}",
        "{",
        rf"{_MACRO}(?:{_names(TEXT_MACROS)})\s*\{{(?P<content>[^{{}}]*)\}}",
        r"\g<content>",
    ),
    _rule("symbol: \\times, \\neq, \\alpha, \\left", "\\", r"\\(?P<name>[A-Za-z]+)", _symbol),
    _rule(
        "math name before a script: theta_{GRPO}, pi_0",
        "_ ^",
        rf"(?<![A-Za-z\\])(?P<name>{_names(_MATH_WORDS)}){_SCRIPT_AHEAD}",
        lambda m: SYMBOLS[m["name"]],
    ),
    _rule(
        "braced script: G_{stack}, NoC_{90}, r^{update}",
        "{",
        rf"{_BASE}(?P<mark>[_^])\{{(?P<content>[^{{}}]{{1,40}})\}}",
        lambda m: script(m["content"], m["mark"]),
    ),
    _rule(
        "superscript digits: UFO^3, 10^3",
        "^",
        rf"{_BASE}\^(?P<content>\d+)(?!\d|[.,]\d)",
        lambda m: script(m["content"], "^"),
    ),
    _rule(
        "superscript letter: UI2Code^N",
        "^",
        rf"{_BASE}\^(?P<content>[A-Za-z])(?![\w\u0300-\u036f])",
        lambda m: SUPERSCRIPTS.get(m["content"], m[0]),
    ),
    _rule(
        "subscript digits: pi_0, M_2",
        "_",
        r"(?<!\w)(?P<base>[^\W\d_])_(?P<content>\d+)(?!\w|[.,]\d)",
        lambda m: m["base"] + script(m["content"], "_"),
    ),
    _rule(
        "spacing: \\, \\; \\ \\quad",
        "\\",
        rf"\\(?P<space>[,;:! ]|(?:{_names(k for k in SPACES if k.isalpha())})(?![A-Za-z]))",
        lambda m: SPACES[m["space"]],
    ),
    _rule(
        "escaped sign: \\%, \\&", "\\", rf"\\(?P<sign>[{re.escape(''.join(sorted(ESCAPED)))}])", r"\g<sign>"
    ),
    _rule("line break: \\\\", "\\\\", r"\\\\", " "),
)
# Commands only prose has.
PROSE_RULES = (
    _rule(
        "abbreviation: \\eg, \\ie, \\etal",
        "\\",
        rf"\\(?P<name>{_names(ABBREVIATIONS)})(?![A-Za-z])\.?",  # a dot after it is its own
        lambda m: ABBREVIATIONS[m["name"]],
    ),
    _rule("dollar sign lost: \\50.5", "\\", r"(?<![^\s(])\\(?=\d)", "$"),
)
# Macro names left without their backslash, where no English word reads the same.
BARE_RULES = (
    _rule(
        "braced symbol: {sim}, {\\deg}",
        "{",
        rf"\{{\\?(?P<name>{_names(_BRACED_SYMBOLS)})\}}",
        lambda m: SYMBOLS[m["name"]],
    ),
    _rule("times after a number: 2.2times", "times", r"(?<=\d)times(?![A-Za-z])", "×"),
    _rule(
        "times between numbers: 1 times 1", "times", r"(?<![\w.])(?P<a>\d+) times (?=\d+(?![\w.]))", r"\g<a>×"
    ),
    _rule(
        "sim before a number: sim2times, sim400M, sim8k",
        "sim",
        r"(?<![A-Za-z])sim(?=\s?\d+(?:\.\d+)?[kKMBGT]?(?![A-Za-z\d]))",  # sim2real stays
        "∼",
    ),
    _rule("approx before a number: approx0.419", "approx", r"(?<![A-Za-z])approx(?=\s?\d)", "≈"),
    _rule("pm before a number: (pm1)", "pm", r"(?<=[\s(])pm(?=\d)", "±"),
    _rule("square root: O(sqrt(N))", "sqrt", r"(?<![\w.])sqrt(?=\()", "√"),
    _rule(
        "relation: leq2B, neq, infty",
        "leq geq neq infty dots cdot",
        r"(?<![A-Za-z])(?P<name>leq|geq|neq|infty|cdots|ldots|cdot)(?![a-z])",
        lambda m: SYMBOLS[m["name"]],
    ),
    _rule(
        "arrow: rightarrow, ARleftrightarrowEN",
        "arrow",
        f"(?P<name>{_names(_ARROWS)})",
        lambda m: SYMBOLS[m["name"]],
    ),
    _rule(
        "delimiters: left|,...,right|",
        "left",
        r"(?<![A-Za-z])left(?P<open>[|(\[])(?P<body>\S{0,40}?)right(?P<close>[|)\]])",
        _trim_delimited,
    ),
    _rule("tilde as a non-breaking space: RTX~5090", "~", r"(?<=[\w.,;:)\]])~(?=[\w(\[])", " "),
)
