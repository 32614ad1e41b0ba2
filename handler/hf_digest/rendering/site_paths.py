"""Where the S3 site's files live: its fixed files, each digest's page in each language, and a page's
address. Plain path rules with no imports of the site's code, so the settings' checks (`layout`) and the
links (`runs.blog`) use them without loading the site, the feeds or the renderer."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from hf_digest.config import Settings

INDEX = "index.html"
NOT_FOUND = "404.html"
MANIFEST = "site/index.json"


def site_prefix(lang: str, main_lang: str) -> str:
    """Where a language's site pages live: the site's own language at the root (where they always were),
    another under its code, e.g. en/."""
    return "" if lang == main_lang else f"{lang}/"


def site_page(kind: str, key: str, lang: str, main_lang: str) -> str:
    """The site's page of a digest in lang: daily/2026-02-10.html, en/weekly/2026-W07.html."""
    return f"{site_prefix(lang, main_lang)}{kind}/{key}.html"


def page_url(path: str, settings: Settings) -> str | None:
    """Where a reader opens a site page, when the site is on and has an address."""
    return f"{settings.site_url}/{quote(path, safe='/')}" if settings.site and settings.site_url else None
