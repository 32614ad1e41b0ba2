"""Secrets on their way out: checked when read (a token must fit in an HTTP header), and scrubbed from any
text in every form a message gives them, not only as typed.

An exception rarely shows a value as typed: `InvalidHeader` quotes it with its newline as `\\n`, JSON
escapes it, a URL percent-encodes it. `scrub` replaces each of those forms.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import quote, quote_plus

from hf_digest.errors import ConfigError

MASK = "***"
# What an HTTP header value may hold, narrowed to what tokens are made of: visible ASCII, no spaces.
_TOKEN = re.compile(r"[\x21-\x7e]+")


class Revealable(Protocol):
    def reveal(self) -> str: ...


def check_token(value: str, variable: str) -> str:
    """value when it can travel as a bearer token; else a one-line ConfigError naming variable, not value."""
    if _TOKEN.fullmatch(value):
        return value
    bad = next(ch for ch in value if not _TOKEN.fullmatch(ch))
    if bad in "\r\n":
        what = "a line break"
    elif bad.isspace():
        what = "a space or tab"
    elif ord(bad) < 0x20 or ord(bad) == 0x7F:
        what = "a control character"
    elif ord(bad) > 0xFF:
        what = "a character outside Latin-1"
    else:
        what = "a character outside ASCII"
    raise ConfigError(
        f"{variable}: the token holds {what}, which cannot be sent in an HTTP header; "
        "copy the token again (its value is not shown)"
    )


def forms(value: str) -> list[str]:
    """value as messages write it: raw, escaped (repr, JSON, bytes), quoted for HTML, URL-encoded."""
    escaped = repr(value)[1:-1].replace("\\'", "'")  # inside a longer repr, either quote may be escaped
    found = {
        value,
        escaped,
        escaped.replace("'", "\\'"),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        value.encode("unicode_escape").decode("ascii"),
        repr(value.encode("utf-8", "surrogatepass"))[2:-1],
        html.escape(value),
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
    }
    try:
        found.add(repr(value.encode("latin-1"))[2:-1])
    except UnicodeEncodeError:
        pass
    found |= {re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), form) for form in found if "%" in form}
    return sorted((form for form in found if form), key=len, reverse=True)


def scrub(text: str, secrets: Iterable[Revealable | str | None]) -> str:
    """text with every form of every secret replaced by ***."""
    for secret in secrets:
        value = secret if isinstance(secret, str) or secret is None else secret.reveal()
        if value:
            for form in forms(value):
                text = text.replace(form, MASK)
    return text
