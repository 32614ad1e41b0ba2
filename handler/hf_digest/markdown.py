"""Filters that turn Hugging Face text into Markdown that Jekyll (Liquid, then kramdown) shows as text.

Liquid runs on the raw post before kramdown, so `{` and `}` become numeric entities: Liquid never sees
`{{` or `{%`, and kramdown prints the entities back as braces. HTML specials become entities; kramdown's
Markdown specials get a backslash (or an entity where kramdown has no backslash escape for them).
"""

from __future__ import annotations

import re
from urllib.parse import quote

# Characters escaped wherever they appear. `~` has no kramdown backslash escape (GFM strikethrough).
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "{": "&#123;",
        "}": "&#125;",
        "~": "&#126;",
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "$": "\\$",
    }
)
# What starts a block when the text begins a line: heading, list, definition, setext rule, end-of-block.
_LEADING_MARK = re.compile(r"[#:=+\-]")
_LEADING_NUMBER = re.compile(r"(\d+)([.)])")
# arXiv writes "this https URL" where an abstract had a link; Hugging Face mostly restores the URL itself.
_LINKABLE = re.compile(r"\bthis https? URL\b|https?://[^\s<>\"'`{}|\\^\[\]]+")
_URL_TAIL = ".,;:!?"
_HTTP_URL = re.compile(r"https?://[^\s/?#]+(?:[/?#].*)?", re.IGNORECASE)
# Kept as they are in URLs; everything else (space, quotes, ( ) < > { } [ ] | ` $ \ ^, non-ASCII) is encoded.
_URL_SAFE = "-._~:/?#@!&*+,;=%"


def md_text(value: object, arxiv_url: str | None = None) -> str:
    """value as inline Markdown showing exactly that text, URLs as links, "this https URL" -> arxiv_url."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    parts: list[str] = []
    done = 0
    for match in _LINKABLE.finditer(text):
        if match[0].startswith("this"):
            link = f"[arXiv]({md_url(arxiv_url)})" if arxiv_url else "arXiv"
            end = match.end()
        else:
            url = _trim_url(match[0])
            if not is_http_url(url):
                continue
            link = f"[{_escape(url, first=False)}]({md_url(url)})"
            end = match.start() + len(url)
        parts.append(_escape(text[done : match.start()], first=done == 0))
        parts.append(link)
        done = end
    parts.append(_escape(text[done:], first=done == 0))
    return "".join(parts)


def _trim_url(url: str) -> str:
    """url without the sentence's closing punctuation (a `)` stays when the URL opened one)."""
    while url and (url[-1] in _URL_TAIL or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def _escape(text: str, *, first: bool) -> str:
    # kramdown turns `--` and `---` into dashes; an escaped second hyphen keeps them as typed.
    escaped = text.translate(_ESCAPES).replace("--", "-\\-")
    if not first:
        return escaped
    if _LEADING_MARK.match(escaped):
        return "\\" + escaped
    if escaped.startswith("^"):
        return "&#94;" + escaped[1:]
    number = _LEADING_NUMBER.match(escaped)
    if number:
        return f"{number[1]}\\{number[2]}{escaped[number.end() :]}"
    return escaped


def is_http_url(value: object) -> bool:
    """True for an absolute http(s) URL (md_url encodes the rest): the only links a post may carry."""
    return isinstance(value, str) and _HTTP_URL.fullmatch(value) is not None


def md_url(value: object) -> str:
    """An http(s) URL safe inside `[label](...)`: characters that could end or change the link encoded."""
    if not is_http_url(value):
        raise ValueError(f"not an http(s) URL: {str(value)[:80]!r}")
    return quote(str(value), safe=_URL_SAFE)


# A small, common subset of LaTeX in arXiv titles and abstracts, shown as Unicode.
_SYMBOLS = {
    "times": "×", "cdot": "·", "pm": "±", "approx": "≈", "sim": "∼", "neq": "≠", "ne": "≠",
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "infty": "∞", "rightarrow": "→", "to": "→",
    "leftarrow": "←", "uparrow": "↑", "downarrow": "↓", "Rightarrow": "⇒", "circ": "∘", "degree": "°",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "theta": "θ", "lambda": "λ",
    "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ", "phi": "φ", "omega": "ω", "Delta": "Δ", "Omega": "Ω",
    "%": "%", "&": "&", "#": "#",
}  # fmt: skip
_SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_TEXT_MACRO = re.compile(r"\\(?:textbf|textit|texttt|emph|text|mathrm|mathbf|mathit)\{([^{}\\$]*)\}")
_SYMBOL_MACRO = re.compile(r"\\([A-Za-z]+|[%&#])")
_SUPERSCRIPT = re.compile(r"\^(?:\{([0-9+\-=()n]+)\}|([0-9n]))")
_INLINE_MATH = re.compile(r"(?<![\\$])\$([^$]{1,80})\$(?!\$)")
_ESCAPED_SIGN = re.compile(r"\\([%&#])")  # LaTeX's \% outside a formula
_LEFTOVER_LATEX = re.compile(r"[\\_^{}]")


def plain_math(value: object) -> str:
    """Simple LaTeX (`$\\times$`, `$10^{3}$`, `\\textbf{x}`) as Unicode text; anything else as written."""
    if value is None:
        return ""
    text = _TEXT_MACRO.sub(r"\1", str(value))
    text = _INLINE_MATH.sub(_plain_formula, text)
    return _ESCAPED_SIGN.sub(r"\1", text)


def _plain_formula(match: re.Match[str]) -> str:
    if "\\" not in match[1] and "^" not in match[1]:
        return match[0]  # prices like "$5 and $10" are not a formula
    formula = _SUPERSCRIPT.sub(lambda m: (m[1] or m[2]).translate(_SUPERSCRIPTS), match[1])
    formula = _SYMBOL_MACRO.sub(lambda m: _SYMBOLS.get(m[1], m[0]), formula)
    if _LEFTOVER_LATEX.search(formula):
        return match[0]
    return formula
