"""Turning a path template into a safe relative path: nothing can be written outside its root."""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath

from hf_digest.errors import ConfigError

PLACEHOLDERS = "{date}, {year}, {month}, {day}"


def resolve(template: str, day: date, *, variable: str) -> str:
    """The relative POSIX path template names for day; ConfigError names variable when unsafe."""
    try:
        text = template.format(
            date=day.isoformat(), year=f"{day.year:04d}", month=f"{day.month:02d}", day=f"{day.day:02d}"
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"{variable}: {template!r} uses an unknown placeholder ({PLACEHOLDERS})") from exc
    return _checked(text, template, variable)


def resolve_lang(template: str, lang: str, *, variable: str) -> str:
    """The relative POSIX path a feed template names for lang (its one placeholder is {lang})."""
    try:
        text = template.format(lang=lang)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"{variable}: {template!r} may use only the placeholder {{lang}}") from exc
    return _checked(text, template, variable)


def _checked(text: str, template: str, variable: str) -> str:
    path = PurePosixPath(text)
    if not text or text.endswith("/") or "\\" in text or "\x00" in text:
        raise ConfigError(f"{variable}: {template!r} does not name a file")
    if path.is_absolute() or any(part in ("..", ".") for part in path.parts):
        raise ConfigError(
            f"{variable}: {template!r} must stay inside the output folder (no '/' start, no '..')"
        )
    return str(path)
