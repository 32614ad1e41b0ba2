"""Filters that turn Hugging Face text into Markdown that Jekyll (Liquid, then kramdown) shows as text.

Liquid runs on the raw post before kramdown, so `{` and `}` become numeric entities: Liquid never sees
`{{` or `{%`, and kramdown prints the entities back as braces. HTML specials become entities; kramdown's
Markdown specials get a backslash (or an entity where kramdown has no backslash escape for them).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from hf_digest.latex import plain_text

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


_HTML_CODE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;"})


def html_code(value: object, pad: str = "") -> str:
    """Text for a `<pre><code>` block: HTML specials and Liquid's braces as entities, lines after the first
    indented by pad (a list item's), no blank line that would end the HTML block."""
    lines = [line for line in str(value).translate(_HTML_CODE).splitlines() if line.strip()]
    return ("\n" + pad).join(lines)


def plain_math(value: object) -> str:
    """LaTeX residue (`$\\times$`, `2.2times`, `\\textbf{x}`) as the plain text meant (hf_digest.latex)."""
    return plain_text(value)
