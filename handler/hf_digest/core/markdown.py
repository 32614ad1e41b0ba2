"""Filters that turn Hugging Face text into Markdown that Jekyll (Liquid, then kramdown) shows as text.

The raw file stays readable: a character is written as it is wherever Liquid, kramdown and GitHub's
Markdown all show it as typed, and escaped only where it would start something. `&` only before what
would read as an entity (`&lt;` typed stays `&lt;`), `>` only where it starts a line (a quote) or doubles
(kramdown's `>>` is a guillemet), `{` only where Liquid (`{{`, `{%`) or kramdown (`{:`) would take it.
`<` is always an entity (HTML); the other Markdown specials get a backslash.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from hf_digest.core.latex import plain_text

# Characters escaped wherever they appear. `~` has no kramdown backslash escape (GFM strikethrough).
_ESCAPES = str.maketrans(
    {
        "<": "&lt;",
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
# An `&` that would read as an entity: a name or number and a `;` (or the text ends: what follows is unknown).
_ENTITY_AMP = re.compile(r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;|\Z)")
# A `{` Liquid would read (`{%`, or a text ending where a template may go on with `%`): an entity, since
# `\{%` still holds `{%`. A `{` after a `{`, before kramdown's `:` (`{:` attributes, `{::` extensions) or
# starting the text: a backslash.
_BRACE = re.compile(r"\{(?=%|\Z)|(?<=\{)\{|\A\{|\{(?=:)")
_DOUBLED_GT = re.compile(r"(?<=>)>")
# What starts a block when the text begins a line: heading, list, definition, setext rule, end-of-block,
# quote.
_LEADING_MARK = re.compile(r"[#:=+\->]")
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
    escaped = _ENTITY_AMP.sub("&amp;", text).translate(_ESCAPES)
    escaped = _BRACE.sub(_brace, escaped)
    escaped = _DOUBLED_GT.sub("\\>", escaped)
    # kramdown turns `--` and `---` into dashes; an escaped second hyphen keeps them as typed.
    escaped = escaped.replace("--", "-\\-")
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


def _brace(match: re.Match[str]) -> str:
    follows = match.string[match.end() : match.end() + 1]
    return "&#123;" if follows in ("", "%") else "\\{"


def is_http_url(value: object) -> bool:
    """True for an absolute http(s) URL (md_url encodes the rest): the only links a post may carry."""
    return isinstance(value, str) and _HTTP_URL.fullmatch(value) is not None


def md_url(value: object) -> str:
    """An http(s) URL safe inside `[label](...)`: characters that could end or change the link encoded."""
    if not is_http_url(value):
        raise ValueError(f"not an http(s) URL: {str(value)[:80]!r}")
    return quote(str(value), safe=_URL_SAFE)


_TILDES = re.compile(r"~+")
_LIQUID = re.compile(r"\{[{%]")
# What would end a {% raw %} block early (jekyll#9216): broken by a space, `{ %`.
_ENDRAW = re.compile(r"\{(?=%-?\s*endraw)")


def code_block(value: object, lang: str = "", pad: str = "") -> str:
    """value as a fenced code block shown verbatim, lines after the first indented by pad (a list item's).

    Tildes, not backticks: kramdown's own input reads only `~~~` fences; GFM and CommonMark read both. The
    fence is longer than any run of tildes in value, so no line of it can close the block. A code block
    shows entities as typed, so where value holds `{{` or `{%` the block sits inside `{% raw %}` for Liquid.
    """
    text = str(value)
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    longest = max((len(run) for run in _TILDES.findall(text)), default=0)
    fence = "~" * max(3, longest + 1)
    block = [f"{fence} {lang}".rstrip(), *lines, fence]
    if _LIQUID.search(text):
        block = ["{% raw %}", *(_ENDRAW.sub("{ ", line) for line in block), "{% endraw %}"]
    return ("\n" + pad).join(block)


def plain_math(value: object) -> str:
    """LaTeX residue (`$\\times$`, `2.2times`, `\\textbf{x}`) as the plain text meant (core.latex)."""
    return plain_text(value)
