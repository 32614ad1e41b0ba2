"""Every file a configuration writes, worked out for sample days before anything runs: no two settings (or
two profiles) name one file, and no post or data path is missing its date, so nothing is overwritten.

The check compares the paths the templates produce, not the template strings: `_posts/{date}.md` and
`_posts/{year}-{month}-{day}.md` are one file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from hf_digest.core import paths
from hf_digest.core.model import LANGUAGES
from hf_digest.core.outcomes import SpanKind
from hf_digest.errors import ConfigError
from hf_digest.rendering import site_paths

if TYPE_CHECKING:
    from hf_digest.config import Settings

# Days that differ in their day, month and year, among them Sundays (a week's date) and months' last days.
DAYS = (date(2026, 2, 10), date(2026, 2, 11), date(2026, 3, 10), date(2027, 2, 10))
SUNDAYS = (date(2026, 2, 15), date(2026, 2, 22), date(2026, 3, 15), date(2027, 2, 14))
MONTH_ENDS = (date(2026, 1, 31), date(2026, 2, 28), date(2027, 1, 31))
SITE = "DIGEST_SITE"
_SITE_DESTINATION = "s3"


@dataclass(frozen=True)
class Written:
    """One file a setting writes for one sample: where, by which setting, and whether it is merged (a feed,
    the site's index: several digests add to it) or replaced whole (a post, a page, a data file)."""

    path: str
    variable: str
    template: str
    kind: SpanKind | None = None  # a dated file
    day: date | None = None
    lang: str = ""
    merged: bool = False
    destinations: tuple[str, ...] = ()
    profile: str | None = None


def files(
    settings: Settings, profile: str | None = None, langs: tuple[str, ...] | None = None
) -> Iterator[Written]:
    """What settings write for the sample days, in each language a post can be asked for (langs: a
    profile's own language; by default every language, as `--lang` may ask for any)."""
    own = settings.destinations
    for lang in langs or LANGUAGES:
        for kind, days in (
            (SpanKind.DAY, DAYS + SUNDAYS + MONTH_ENDS),
            (SpanKind.WEEK, SUNDAYS),
            (SpanKind.MONTH, MONTH_ENDS),
        ):
            variable, template = settings.post_path_template(kind)
            if lang == settings.lang or paths.names_language(template):
                for day in days:
                    path = paths.resolve(
                        template, day, variable=variable, lang=lang, default_lang=settings.lang
                    )
                    yield Written(path, variable, template, kind, day, lang, False, own, profile)
        data = settings.data_path_template
        if data and (lang == settings.lang or paths.names_language(data)):
            variable = "DIGEST_DATA_PATH_TEMPLATE"
            for day in DAYS + SUNDAYS + MONTH_ENDS:
                path = paths.resolve(data, day, variable=variable, lang=lang, default_lang=settings.lang)
                yield Written(path, variable, data, SpanKind.DAY, day, lang, False, own, profile)
        if settings.feeds:
            templates = _feed_templates(settings)
            for variable, path in settings.feed_paths(lang).items():
                yield Written(path, variable, templates[variable], None, None, lang, True, own, profile)
    if settings.site and _SITE_DESTINATION in own:
        yield from _site(settings, profile)


def _feed_templates(settings: Settings) -> dict[str, str]:
    return {
        "DIGEST_FEED_PATH_TEMPLATE": settings.feed_path_template,
        "DIGEST_JSON_FEED_PATH_TEMPLATE": settings.json_feed_path_template,
        "DIGEST_PAPERS_FEED_PATH_TEMPLATE": settings.papers_feed_path_template,
        "DIGEST_PAPERS_JSON_FEED_PATH_TEMPLATE": settings.papers_json_feed_path_template,
    }


def _site(settings: Settings, profile: str | None) -> Iterator[Written]:
    """The S3 site's pages (one per digest, replaced) and its index and manifest (merged)."""
    from hf_digest.core.model import day_span, month_of, week_of

    where = (_SITE_DESTINATION,)
    pages = [(SpanKind.DAY, day, day_span(day).key) for day in DAYS]
    pages += [(SpanKind.WEEK, day, week_of(day).key) for day in SUNDAYS]
    pages += [(SpanKind.MONTH, day, month_of(day).key) for day in MONTH_ENDS]
    for kind, day, key in pages:
        yield Written(
            f"{kind}/{key}.html", SITE, f"{kind}/<{kind.noun}>.html", kind, day, "", False, where, profile
        )
    for path in (site_paths.MANIFEST, site_paths.INDEX, site_paths.NOT_FOUND):
        yield Written(path, SITE, path, None, None, "", True, where, profile)


def check(written: Iterator[Written]) -> None:
    """ConfigError, one line naming both settings, for the first file two of them would both write."""
    seen: dict[tuple[str, str], Written] = {}
    for new in written:
        for destination in new.destinations:
            old = seen.setdefault((destination, new.path), new)
            if old is not new:
                _refuse(old, new, destination)


def _refuse(old: Written, new: Written, destination: str) -> None:
    """Raise for two files at one path, unless they are one merged file or one post in two languages."""
    same = old.variable == new.variable and old.profile == new.profile
    if same and (old.merged or old.day == new.day):
        return  # one feed or index that each digest adds to; a language's own check covers the rest
    if same and old.kind is not None:
        every = old.kind.noun
        raise ConfigError(
            f"{new.variable}: {new.template!r} names one file ({new.path}) for {old.day} and {new.day}, so "
            f"each {every} would overwrite the last; put {{date}} in it (or {{year}}, {{month}} and {{day}})"
        )
    if old.variable == new.variable and old.merged and new.merged:
        return  # two profiles adding to one feed: each entry keeps its own id
    if old.profile != new.profile:
        raise ConfigError(
            f"DIGEST_PROFILES: profiles {old.profile!r} and {new.profile!r} both write {new.path} to "
            f"{destination} ({old.variable} and {new.variable}); give {new.profile!r} a path of its own"
        )
    raise ConfigError(
        f"{new.variable}: {new.template!r} names {new.path}, which {old.variable} ({old.template!r}) also "
        f"writes to {destination}; one would overwrite the other, so give each a path of its own"
    )
