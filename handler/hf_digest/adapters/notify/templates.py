"""The notification templates, `templates/{lang}/notify.<channel>.j2`, and the escaping filters they use.

Each template defines macros (one per part of a message); the channel's code calls them and builds the
payload. A user's DIGEST_TEMPLATE_DIR is searched before ours, as for the post.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from hf_digest.adapters.notify.message import BackfillMessage
from hf_digest.errors import ConfigError
from hf_digest.rendering import TEMPLATES as PACKAGE_TEMPLATES

TEMPLATE_NAME = "{lang}/notify.{channel}.j2"
# Discord's markdown drops a backslash before ASCII punctuation and shows the character itself. These mark
# up text anywhere (`<` starts a mention, a channel or a timestamp); the block markers only at a line start.
_DISCORD_INLINE = re.compile(r"[\\*_~`|\[\]<]")
_DISCORD_LINE_START = re.compile(r"^(\s*)([#>\-+]|\d+(?=[.)]))", re.MULTILINE)


def tg(value: object) -> str:
    """Text for Telegram's HTML mode: only <, > and & are special there."""
    return html.escape(str(value), quote=False)


def tg_attr(value: object) -> str:
    """A value inside a double-quoted Telegram HTML attribute."""
    return html.escape(str(value), quote=True)


def html_text(value: object) -> str:
    """Text for an e-mail's HTML part (also safe inside a double-quoted attribute)."""
    return html.escape(str(value), quote=True)


def slack(value: object) -> str:
    """Text for a Slack mrkdwn object: &, < and > are its control characters."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def discord(value: object) -> str:
    """Text for Discord markdown shown as typed: every markdown and mention character backslashed."""
    text = _DISCORD_INLINE.sub(lambda m: "\\" + m[0], str(value))
    return _DISCORD_LINE_START.sub(_escape_marker, text)


def _escape_marker(match: re.Match[str]) -> str:
    indent, marker = match[1], match[2]
    return f"{indent}{marker}\\" if marker[0].isdigit() else f"{indent}\\{marker}"


def _is_summary(value: object) -> bool:
    return isinstance(value, BackfillMessage)


FILTERS: dict[str, Callable[..., str]] = {
    "tg": tg,
    "tg_attr": tg_attr,
    "html_text": html_text,
    "slack": slack,
    "discord": discord,
}


@functools.lru_cache(maxsize=8)
def _environment(template_dir: Path | None) -> jinja2.Environment:
    searched = [jinja2.FileSystemLoader(template_dir)] if template_dir is not None else []
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*searched, jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]),
        autoescape=False,  # noqa: S701 - each channel has its own markup; the filters above escape for it
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.tests["summary"] = _is_summary
    return env


@functools.lru_cache(maxsize=32)
def _module(template_dir: Path | None, lang: str, channel: str) -> Any:
    name = TEMPLATE_NAME.format(lang=lang, channel=channel)
    try:
        return _environment(template_dir).get_template(name).module
    except jinja2.TemplateNotFound as exc:
        where = f"{template_dir} or the built-in templates" if template_dir else "the built-in templates"
        raise ConfigError(f"DIGEST_LANG: no template {exc.name} in {where}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(
            f"DIGEST_TEMPLATE_DIR: {exc.name or name} line {exc.lineno}: {exc.message}"
        ) from None


class Parts:
    """One channel's template in one language: `parts.header(message)` calls its macro `header`."""

    def __init__(self, template_dir: Path | None, lang: str, channel: str) -> None:
        self.name = TEMPLATE_NAME.format(lang=lang, channel=channel)
        self._module = _module(template_dir, lang, channel)

    def __getattr__(self, part: str) -> Callable[..., str]:
        macro = getattr(self._module, part, None)
        if not callable(macro):
            raise ConfigError(f"DIGEST_TEMPLATE_DIR: {self.name} has no macro {part!r}")

        def render(*args: object) -> str:
            try:
                return str(macro(*args)).strip()
            except jinja2.TemplateError as exc:
                raise ConfigError(f"DIGEST_TEMPLATE_DIR: {self.name} macro {part!r}: {exc}") from None

        return render
