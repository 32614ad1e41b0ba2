"""Where Jekyll puts a post: its page path from the file's path, its front matter and the blog's
`_config.yml`, computed as Jekyll 4.3 does (lib/jekyll/drops/url_drop.rb, url.rb, utils.rb `slugify`,
frontmatter_defaults.rb, configuration.rb's permalink styles). No I/O: the config's text is handed in.

Which permalink applies, first found: the post's own `permalink`, the last matching `defaults` entry for
posts (Chirpy: `/posts/:title/`), `collections.posts.permalink`, the site-wide `permalink` (a style name or a
template; Jekyll's default is `date`). `:title` is the front matter's `slug`, so our posts set one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
DEFAULT_STYLE = "date"
CONFIG_FILE = "_config.yml"
UNREAD = "the blog's _config.yml was not read"  # how the warning about it starts
OUTPUT_EXT = ".html"  # what kramdown makes of a .md post
# Kept as they are in a link; everything else (spaces, quotes, brackets, non-ASCII) is percent-encoded.
_URL_SAFE = "-._~:/?#@!$&'*+,;=%"
_POST_NAME = re.compile(r"(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_PRETTY_KEEP = frozenset("._~!$&'()+,;=@")
_PLAIN = re.compile(r"[a-zA-Z0-9./-]+")
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S.%f %z", "%Y-%m-%d %H:%M %z")


class PermalinkError(ValueError):
    """A permalink template that Jekyll itself would refuse (an unknown placeholder)."""


@dataclass(frozen=True)
class Blog:
    """What decides a post's address: the blog's public base (url + baseurl) and its permalinks."""

    base_url: str | None = None  # e.g. https://you.github.io/blog; None: no absolute link
    permalink: str = DEFAULT_STYLE  # site-wide: a style name or a template
    posts_permalink: str | None = None  # `defaults` or `collections.posts` for posts; wins over permalink
    timezone: str | None = None  # the site's `timezone`; None: the build machine's (assumed UTC)
    source: str = "Jekyll's defaults"  # where these came from, for a log line

    def overridden(self, site_url: str | None, permalink: str | None) -> Blog:
        """This blog with DIGEST_SITE_URL and DIGEST_PERMALINK, where set, in place of its config's."""
        return Blog(
            base_url=site_url or self.base_url,
            permalink=permalink or self.permalink,
            posts_permalink=None if permalink else self.posts_permalink,
            timezone=self.timezone,
            source=self.source,
        )


def read_config(text: bytes | None, post_path: str = "_posts/x.md", where: str = CONFIG_FILE) -> Blog:
    """The Blog a `_config.yml` describes (None: no file, Jekyll's defaults). Raises ValueError with one
    line saying what is wrong when the file cannot be read as Jekyll would read it."""
    if text is None:
        return Blog()
    import yaml  # the blog's _config.yml is read during a run, so yaml stays out of the cold start

    try:
        data = yaml.safe_load(text.decode("utf-8-sig")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"{where} is not YAML ({reason})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{where} is not a YAML mapping")
    url, baseurl = _text(data.get("url")), _text(data.get("baseurl"))
    base = f"{url.rstrip('/')}/{baseurl.strip('/')}".rstrip("/") if url else None
    permalink = _text(data.get("permalink")) or DEFAULT_STYLE
    collections = data.get("collections")
    posts = collections.get("posts") if isinstance(collections, dict) else None
    listed = _text(posts.get("permalink")) if isinstance(posts, dict) else ""
    zone = _text(data.get("timezone")) or None
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{where}: timezone {zone!r} is not an IANA time zone") from None
    blog = Blog(
        base_url=base if base and re.match(r"https?://", base) else None,
        permalink=permalink,
        posts_permalink=_defaults_permalink(data.get("defaults"), post_path) or listed or None,
        timezone=zone,
        source=where,
    )
    try:
        template(blog)  # an unknown placeholder fails here, not on the first post
    except PermalinkError as exc:
        raise ValueError(f"{where}: {exc}") from None
    return blog


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _defaults_permalink(sets: object, post_path: str) -> str | None:
    """The `permalink` the `defaults` give a post at post_path, by Jekyll's precedence."""
    if not isinstance(sets, list):
        return None
    value, old_scope = None, None
    for entry in sets:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
        assert isinstance(scope, dict)
        kind = scope.get("type")
        if kind is not None and str(kind) not in ("posts", "post"):
            continue
        scope_path = scope.get("path")
        if isinstance(scope_path, str) and scope_path and not _under(post_path, scope_path):
            continue
        found = entry["values"].get("permalink")
        if isinstance(found, str) and _precedes(old_scope, scope):
            value, old_scope = found, scope
    return value


def _under(path: str, scope_path: str) -> bool:
    scope_path = scope_path.strip("/")
    if "*" in scope_path:
        return PurePosixPath(path).match(scope_path) or PurePosixPath(path).parent.match(scope_path)
    return path.startswith(scope_path)


def _precedes(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """Jekyll's has_precedence?: a longer scope path wins; at equal length, one that names a type."""
    if old is None:
        return True
    new_path, old_path = (str(s.get("path") or "").strip("/") for s in (new, old))
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return "type" in new or "type" not in old


def template(blog: Blog) -> str:
    """The permalink template that applies to the blog's posts; PermalinkError for one Jekyll refuses."""
    chosen = blog.posts_permalink or STYLES.get(blog.permalink, blog.permalink)
    for name in _PLACEHOLDER.findall(chosen):
        if name not in _KNOWN and name.removesuffix("_") not in _KNOWN:
            raise PermalinkError(f"permalink {chosen!r} uses :{name}, which Jekyll does not know")
    return chosen


def slugify(text: str, *, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's Utils.slugify in `default` (pretty=False) or `pretty` mode."""
    kept = []
    for char in text:
        keep = unicodedata.category(char)[0] in "LM" or unicodedata.category(char) == "Nd"
        kept.append(char if keep or (pretty and char in _PRETTY_KEEP) else "-")
    slug = re.sub("-+", "-", "".join(kept)).strip("-")
    return slug if cased else slug.lower()


def post_date(value: object, zone: tzinfo) -> datetime | None:
    """The front matter's date as Jekyll reads it (Time.parse(...).localtime): in the build's zone."""
    moment: datetime | None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = _parse(value.strip())
    else:
        return None
    return moment.astimezone(zone) if moment is not None and moment.tzinfo else moment


def _parse(text: str) -> datetime | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def page_path(path: str, front: Mapping[str, Any], blog: Blog) -> str:
    """The page Jekyll makes of the file at path (relative to the site) with front matter front: the URL
    path below the base, unescaped, e.g. `/posts/2026-02-10-hf-daily-papers/`. A file outside `_posts`
    is a page at its own path as .html."""
    file = PurePosixPath(path)
    match = _POST_NAME.fullmatch(file.name)
    if "_posts" not in file.parts or not match:
        return "/" + str(file.with_suffix(OUTPUT_EXT)).lstrip("/")
    named_day, named_slug, _ = match.groups()
    zone: tzinfo = ZoneInfo(blog.timezone) if blog.timezone else UTC
    moment = post_date(front.get("date"), zone) or post_date(named_day, zone)
    if moment is None:  # Jekyll refuses the post too; the file's own date is the best guess
        moment = datetime.strptime(named_day, "%Y-%m-%d")
    folders = [part for part in file.parts[: file.parts.index("_posts")] if part not in (".", "")]
    categories = _categories(front, folders)
    slug = front.get("slug")
    slug = str(slug) if isinstance(slug, str | int | float) and str(slug) else named_slug.rstrip(".")
    values = {
        "collection": "posts",
        "name": slugify(file.stem),
        "title": slugify(slug, pretty=True, cased=True),
        "slug": slugify(slug),
        "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
        "slugified_categories": "/".join(dict.fromkeys(slugify(c) for c in categories)),
        "output_ext": OUTPUT_EXT,
        "path": str(file.with_suffix("")).removeprefix("_posts/"),
        **_dates(moment),
    }
    own = front.get("permalink")
    chosen = own if isinstance(own, str) and own else template(blog)
    filled = _PLACEHOLDER.sub(lambda m: _value(values, m.group(1), chosen), chosen)
    url = re.sub("/+", "/", ("/" + filled).replace("..", "/").replace("./", ""))
    return url


def _categories(front: Mapping[str, Any], folders: list[str]) -> list[str]:
    listed: list[str] = list(folders)
    for key in ("categories", "category"):
        value = front.get(key)
        items = value.split() if isinstance(value, str) else value if isinstance(value, list) else []
        listed += [str(item) for item in items if item is not None]
    return list(dict.fromkeys(listed))


def _dates(moment: datetime) -> dict[str, str]:
    formats = {
        "year": "%Y", "month": "%m", "day": "%d", "hour": "%H", "minute": "%M", "second": "%S",
        "short_month": "%b", "long_month": "%B", "short_year": "%y", "w_year": "%G", "week": "%V",
        "w_day": "%u", "short_day": "%a", "long_day": "%A", "y_day": "%j",
    }  # fmt: skip
    values = {name: moment.strftime(fmt) for name, fmt in formats.items()}
    values["i_day"], values["i_month"] = str(moment.day), str(moment.month)
    return values


_KNOWN = frozenset(
    [
        "collection", "name", "title", "slug", "categories", "slugified_categories", "output_ext", "path",
        *_dates(datetime(2026, 1, 1)),
    ]
)  # fmt: skip


def _value(values: Mapping[str, str], name: str, chosen: str) -> str:
    for key in (name, name.removesuffix("_")):
        if key in values:
            return values[key]
    raise PermalinkError(f"permalink {chosen!r} uses :{name}, which Jekyll does not know")


def page_file(page: str) -> str:
    """The file a build writes for a page path: `/posts/x/` -> `posts/x/index.html`."""
    path = page.lstrip("/")
    if not path or path.endswith("/"):
        return f"{path}index.html"
    return path if path.endswith(OUTPUT_EXT) else path + OUTPUT_EXT


def post_url(base_url: str | None, page: str | None) -> str | None:
    """base_url joined with a page's path, percent-encoded; None without either."""
    if not base_url or not page:
        return None
    return f"{base_url.rstrip('/')}/{quote(page.lstrip('/'), safe=_URL_SAFE)}"


def front_matter(content: bytes) -> dict[str, Any]:
    """A post's front matter as YAML values; {} when it has none or it does not parse."""
    text = content.decode("utf-8", errors="replace")
    if not text.startswith("---"):
        return {}
    parts = re.split(r"^---\s*$", text, maxsplit=2, flags=re.MULTILINE)
    import yaml

    try:
        data = yaml.safe_load(parts[1]) if len(parts) == 3 else None
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}
