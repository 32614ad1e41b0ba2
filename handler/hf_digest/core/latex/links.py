"""Links that LaTeX residue broke: `\\allowbreak` inside a URL, `\\href`, and link text left in braces."""

from __future__ import annotations

import re
from collections.abc import Callable

# A URL as it stands in the text (it ends at a space or a brace), or a host/path written without scheme.
URL = r"https?://[^\s{}<>\"\\]+|(?<![\w@/.-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/[^\s{}<>\"\\]*"
URL_PATTERN = re.compile(URL)
# Kept as written: URLs, display math `$$…$$` (kramdown's own math) and `code` in backticks.
_SPLIT = re.compile(rf"({URL}|\$\$[^$]+\$\$|(?<!`)`[^`\s][^`]*`(?!`))")
# arXiv's placeholder for a link; the URL beside it is that link.
_PLACEHOLDER = re.compile(r"this https? URL", re.IGNORECASE)
# Inside a URL, LaTeX escapes `_ % # & ~` and breaks lines with `\allowbreak` (and the space after it).
_BROKEN_URL = re.compile(r"https?://(?:[^\s{}<>\"\\]|\\allowbreak\s*|\\[_%#&~])+")
_URL_ESCAPE = re.compile(r"\\allowbreak\s*|\\(?=[_%#&~])")
_ALLOWBREAK = re.compile(r"\\allowbreak(?![A-Za-z])")
_URL_MACRO = re.compile(r"(?:\\|(?<![A-Za-z]))url\{([^\s{}]+)\}")
# `\href{URL}{text}` as LaTeX has it, and as Hugging Face mangles it: `\href{URL{text}}`.
_HREF = re.compile(
    r"(?P<before>\S?)\\?href\{(?P<url>[^\s{}]+)(?:\}\{(?P<text>[^{}]*)\}|\{(?P<mangled>[^{}]*)\}\})"
)
# A URL with its link text in braces right after it (what is left of `\href`), or a URL in braces.
_URL_THEN_TEXT = re.compile(rf"(?P<url>{URL})\{{(?P<text>[^{{}}]*)\}}")
_URL_IN_BRACES = re.compile(rf"\{{(?P<url>{URL})\}}")


def _link(url: str, text: str) -> str:
    """A link as plain text: its own text then the URL in parentheses, or the URL alone if that is all."""
    text = text.strip()
    if not text or _PLACEHOLDER.fullmatch(text) or text.rstrip("/") == url.rstrip("/"):
        return url
    return f"{text} ({url})"


def _href(match: re.Match[str]) -> str:
    text = match["text"] if match["text"] is not None else match["mangled"]
    space = " " if match["before"] and not match["before"].isspace() else ""
    return f"{match['before']}{space}{_link(match['url'], text)}"


_REPAIRS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_BROKEN_URL, lambda m: _URL_ESCAPE.sub("", m[0])),
    (_ALLOWBREAK, lambda m: ""),
    (_URL_MACRO, lambda m: m[1]),
    (_HREF, _href),
    (_URL_THEN_TEXT, lambda m: _link(m["url"], m["text"])),
    (_URL_IN_BRACES, lambda m: m["url"]),
)


def repair_links(text: str) -> str:
    """text with broken URLs joined and leftover link markup turned into `text (URL)`."""
    if "{" not in text and "\\" not in text:  # every repair needs one of them
        return text
    for pattern, replace in _REPAIRS:
        text = pattern.sub(replace, text)
    return text


def split_urls(text: str) -> list[str]:
    """text cut into prose and the rest: odd items are URLs, `$$…$$` or `code`, which stay as they are."""
    return _SPLIT.split(text) if any(mark in text for mark in "/$`") else [text]
