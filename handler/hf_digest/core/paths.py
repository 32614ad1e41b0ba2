"""Turning a user's template (a path, a commit message) into text: only the documented placeholders, and
for paths a safe relative path that cannot be written outside its root.

Templates look like Python format strings, but they are never given to `str.format`: a conversion
(`{date!r}`), a format spec (`{date:>300}`) or attribute access (`{date.__class__}`) is refused.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date
from pathlib import PurePosixPath

from hf_digest.errors import ConfigError

DAY_PLACEHOLDERS = ("date", "year", "month", "day")
LANG_PLACEHOLDER = "lang"
# "" for the digest's own language (DIGEST_LANG), "-en" or "-ko" for the other: posts in the language a blog
# was set up with stay where they always were, the other language's land beside them.
LANG_SUFFIX_PLACEHOLDER = "lang_suffix"
# Linux's limits (NAME_MAX, PATH_MAX) for a name and a path: a longer one would fail only when written,
# mid-run (S3 keys stop at 1,024 bytes: not checked here).
NAME_MAX = 255
PATH_MAX = 4096


def fill(template: str, values: Mapping[str, str], *, variable: str) -> str:
    """template with each `{name}` replaced by values[name]; ConfigError names variable for anything else."""
    allowed = ", ".join(f"{{{name}}}" for name in values)
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        raise ConfigError(
            f"{variable}: {template!r} has an unmatched '{{' or '}}' (write '{{{{' for a brace)"
        ) from None
    text: list[str] = []
    for literal, name, spec, conversion in parts:
        text.append(literal)
        if name is None:
            continue
        if name not in values or spec or conversion is not None:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ConfigError(f"{variable}: {template!r} uses {shown}; only {allowed} may appear, as written")
        text.append(values[name])
    return "".join(text)


def day_values(day: date, lang: str | None = None, default_lang: str | None = None) -> dict[str, str]:
    """The placeholders a day's path may use; `{lang}` and `{lang_suffix}` only when the caller names a
    language (the suffix is empty for default_lang)."""
    values = {"date": day.isoformat(), "year": f"{day.year:04d}", "month": f"{day.month:02d}"}
    values["day"] = f"{day.day:02d}"
    if lang is not None:
        values[LANG_PLACEHOLDER] = lang
        values[LANG_SUFFIX_PLACEHOLDER] = "" if lang == (default_lang or lang) else f"-{lang}"
    return values


def names_language(template: str) -> bool:
    """True when template says the language ({lang} or {lang_suffix}), so two languages never share a path."""
    return any(f"{{{name}}}" in template for name in (LANG_PLACEHOLDER, LANG_SUFFIX_PLACEHOLDER))


def resolve(
    template: str, day: date, *, variable: str, lang: str | None = None, default_lang: str | None = None
) -> str:
    """The relative POSIX path template names for day; ConfigError names variable when unsafe."""
    text = fill(template, day_values(day, lang, default_lang), variable=variable)
    return _checked(text, template, variable)


def resolve_lang(template: str, lang: str, *, variable: str) -> str:
    """The relative POSIX path a feed template names for lang (its one placeholder is {lang})."""
    return _checked(fill(template, {LANG_PLACEHOLDER: lang}, variable=variable), template, variable)


def _checked(text: str, template: str, variable: str) -> str:
    path = PurePosixPath(text)
    if not text or text.endswith("/") or "\\" in text or "\x00" in text:
        raise ConfigError(f"{variable}: {template!r} does not name a file")
    if path.is_absolute() or any(part in ("..", ".") for part in path.parts):
        raise ConfigError(
            f"{variable}: {template!r} must stay inside the output folder (no '/' start, no '..')"
        )
    longest = max(path.parts, key=lambda part: len(part.encode("utf-8")))
    if len(longest.encode("utf-8")) > NAME_MAX:
        raise ConfigError(
            f"{variable}: {template!r} gives a file or folder name of {len(longest.encode('utf-8'))} bytes "
            f"({longest[:40]}…); file systems take at most {NAME_MAX}"
        )
    if len(text.encode("utf-8")) > PATH_MAX:
        raise ConfigError(
            f"{variable}: {template!r} gives a path of {len(text.encode('utf-8'))} bytes; "
            f"file systems take at most {PATH_MAX}"
        )
    return str(path)
