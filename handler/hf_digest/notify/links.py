"""Where a post is read on the blog: DIGEST_SITE_URL joined with the page Jekyll makes of the post's file.

Jekyll's default permalink (`date`) is `/:categories/:year/:month/:day/:title:output_ext`: a file
`_posts/2026-02-10-hf-daily-papers.md` with categories `Daily Papers, 일간` becomes
`/daily papers/일간/2026/02/10/hf-daily-papers.html` (categories downcased, duplicates dropped, spaces kept;
checked with Debian's jekyll 4.3, which GitHub Pages' Jekyll 3 matches here).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import quote

# Kept as they are in a link; everything else (spaces, quotes, brackets, non-ASCII) is percent-encoded.
_URL_SAFE = "-._~:/?#@!$&'*+,;=%"
_POST_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(.+)\.[^.]+")


def page_path(path: str, categories: Sequence[str] = ()) -> str:
    """The page a destination file becomes: a Jekyll post's permalink, else the file's own path as .html."""
    file = PurePosixPath(path)
    match = _POST_NAME.fullmatch(file.name)
    if "_posts" in file.parts and match:
        # Folders above _posts are categories too, as Jekyll reads them.
        folders = [part for part in file.parts[: file.parts.index("_posts")] if part != "."]
        names = list(dict.fromkeys(c.lower() for c in [*folders, *categories] if c))
        year, month, day, title = match.groups()
        return "/" + "/".join([*names, year, month, day, f"{title}.html"])
    return "/" + str(file.with_suffix(".html")).lstrip("/")


def post_url(site_url: str | None, page: str | None) -> str | None:
    """site_url joined with a page's path, percent-encoded; None without either."""
    if not site_url or not page:
        return None
    return f"{site_url.rstrip('/')}/{quote(page.lstrip('/'), safe=_URL_SAFE)}"
