"""Rendering: a day's ranked papers as a Jekyll post (and optionally a JSON data file), same input same bytes.

Front matter is written by PyYAML; the body by a Jinja2 template whose Hugging Face text all goes through
the named filters of `hf_digest.core.markdown`. A user's DIGEST_TEMPLATE_DIR is searched before ours.
"""

from __future__ import annotations

import functools
import json
import re
import traceback
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, TypedDict, Unpack

import jinja2
import yaml

from hf_digest.config import Settings
from hf_digest.core import paths
from hf_digest.core.markdown import code_block, is_http_url, md_text, md_url, plain_math
from hf_digest.core.model import Bundle, Digest, OutputFile, Paper, Span
from hf_digest.core.outcomes import SpanKind
from hf_digest.enrich import topics, trends
from hf_digest.enrich.topics import bibtex
from hf_digest.errors import ConfigError
from hf_digest.rendering import TEMPLATES as PACKAGE_TEMPLATES
from hf_digest.rendering import chart, preview

POST_CONTENT_TYPE = "text/markdown; charset=utf-8"
SVG_CONTENT_TYPE = "image/svg+xml"
# Where a week's or month's chart is written, beside the blog's other images: a Jekyll static file that
# GitHub's Markdown view finds from the repository's root too.
CHART_DIR = "assets/img/hf-digest"
DATA_CONTENT_TYPE = "application/json"
TEMPLATE_NAME = "{lang}/{kind}.md.j2"
DEFAULT_CATEGORIES = {"ko": ("Daily Papers", "일간"), "en": ("Daily Papers", "Daily")}
PERIOD_CATEGORIES = {
    SpanKind.WEEK: {"ko": ("Weekly Papers", "주간"), "en": ("Weekly Papers", "Weekly")},
    SpanKind.MONTH: {"ko": ("Monthly Papers", "월간"), "en": ("Monthly Papers", "Monthly")},
}
# Two read dates unlike in every digit, month and weekday: rendered with each, a post differs only where
# its template prints the read date, however it formats it.
_PROBE_DATES = ("1999-12-31", "2088-01-02")
# A read date as a template prints it may take this many bytes more than the probes' own rendering.
_READ_DATE_SLACK = 40
# YAML 1.1 line breaks: a value holding one is written double-quoted with escapes, so it stays on one line.
_LINE_BREAKS = frozenset("\n\r\x85\u2028\u2029")


def post_title(span: Span) -> str:
    """`Hugging Face Daily Papers - 2026-02-10`, `… Weekly Papers - 2026-W06`, `… Monthly … - 2026-02`."""
    return f"Hugging Face {span.kind.capitalize()} Papers - {span.key}"


def post_date(day: date, settings: Settings) -> str:
    """settings.post_time on day in settings.zone, as Jekyll reads it: `2026-02-10 09:15:00 +0900`."""
    moment = datetime.combine(day, settings.post_time, tzinfo=settings.zone)
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def post_slug(path: str) -> str:
    """The post's `slug`: its file name without the extension, e.g. `2026-02-10-hf-daily-papers-en`.

    Jekyll's `:title` is the slug, so every post gets its own page under any permalink (Chirpy's
    `/posts/:title/` too), and a post keeps the file name it always had: reruns find it where it is."""
    return PurePosixPath(path).stem


def front_matter_values(
    span: Span,
    settings: Settings,
    lang: str,
    topic_tags: tuple[str, ...] = (),
    *,
    digest: Digest | None = None,
) -> dict[str, Any]:
    """The post's front matter as plain values, keys in the order they are written.

    A weekly or monthly post takes its own categories, and "weekly"/"monthly" in place of a "daily" tag;
    topic_tags follow the configured tags, all lowercase (Chirpy's tag pages). With the digest, its
    `description` and preview `image` (hf_digest.rendering.preview) follow.
    """
    kind = span.kind
    categories = settings.categories
    tags = list(settings.tags)
    if kind != SpanKind.DAY:
        defaults = PERIOD_CATEGORIES[kind]
        categories = defaults.get(lang, defaults["en"])
        tags = [
            kind.value if tag.lower() == SpanKind.DAY else tag for tag in tags
        ]  # YAML takes str, not an enum
    elif categories is None:
        categories = DEFAULT_CATEGORIES.get(lang, DEFAULT_CATEGORIES["en"])
    values: dict[str, Any] = {
        "title": post_title(span),
        "date": post_date(span.last, settings),
        "categories": list(categories),
        "tags": list(dict.fromkeys(tag.lower() for tag in (*tags, *topic_tags))),
    }
    if settings.author is not None:
        values["author"] = settings.author
    values["slug"] = post_slug(settings.post_path(kind, span.last, lang))
    if digest is not None:
        values["description"] = preview.description(digest, lang)
        if (image := preview.image(digest)) is not None:
            values["image"] = image
    return values


class _FrontMatterDumper(yaml.SafeDumper):
    """SafeDumper that keeps every value on one line, so no text can end the front matter early."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _LINE_BREAKS.intersection(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FrontMatterDumper.add_representer(str, _represent_str)


def front_matter(values: dict[str, Any]) -> str:
    """values as YAML, lists in flow style like `[Daily Papers, 일간]`; ends with a newline."""
    return yaml.dump(
        values,
        Dumper=_FrontMatterDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=1_000_000,
    )


def _finalize(value: object) -> object:
    return "" if value is None else value  # a missing value never prints as "None"


@functools.lru_cache(maxsize=8)
def _environment(template_dir: Path | None) -> jinja2.Environment:
    searched = [jinja2.FileSystemLoader(template_dir)] if template_dir is not None else []
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*searched, jinja2.FileSystemLoader(PACKAGE_TEMPLATES)]),
        autoescape=False,  # noqa: S701 - the output is Markdown; the filters below escape for it
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters.update(md_text=md_text, md_url=md_url, plain_math=plain_math, code_block=code_block)
    env.tests["http_url"] = is_http_url
    return env


@functools.lru_cache(maxsize=16)
def _template(template_dir: Path | None, lang: str, kind: str) -> jinja2.Template:
    name = TEMPLATE_NAME.format(lang=lang, kind=kind)
    try:
        return _environment(template_dir).get_template(name)
    except jinja2.TemplateNotFound as exc:
        where = f"{template_dir} or the built-in templates" if template_dir else "the built-in templates"
        raise ConfigError(f"DIGEST_LANG: no template {name} in {where}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"DIGEST_TEMPLATE_DIR: {name} line {exc.lineno}: {exc.message}") from exc


def _render(template: jinja2.Template, context: dict[str, Any]) -> str:
    """template with context; whatever a user's template raises is a ConfigError naming its file and line."""
    try:
        return template.render(context)
    except jinja2.TemplateSyntaxError as exc:  # an included or extended template that does not parse
        raise _template_error(template, exc.filename, exc.lineno, exc, exc.message or "") from exc
    except Exception as exc:  # a user's template can raise anything ({{ 1/0 }}, a filter on None)
        # Jinja rewrites tracebacks so that a template's frames carry its file name and its own line numbers.
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
        filename, line = (frames[-1].filename, frames[-1].lineno) if frames else (template.filename, None)
        if filename and Path(filename).resolve().is_relative_to(PACKAGE_TEMPLATES):
            raise  # a built-in template failing is a bug to fix here, not a setting to change
        raise _template_error(template, filename, line, exc, str(exc)) from exc


def _template_error(
    template: jinja2.Template, filename: str | None, line: int | None, exc: Exception, message: str
) -> ConfigError:
    """One line: `DIGEST_TEMPLATE_DIR: ko/daily.md.j2 line 7: ZeroDivisionError: division by zero`."""
    name = template.name or "template"
    loader = template.environment.loader
    roots = [
        root for choice in getattr(loader, "loaders", [loader]) for root in getattr(choice, "searchpath", [])
    ]
    for root in roots:
        if filename and Path(filename).resolve().is_relative_to(Path(root).resolve()):
            name = Path(filename).resolve().relative_to(Path(root).resolve()).as_posix()
            break
    where = f"{name} line {line}" if line else name
    reason = (message.strip().splitlines() or [""])[0][:200]
    return ConfigError(f"DIGEST_TEMPLATE_DIR: {where}: {type(exc).__name__}: {reason}")


def _shared(one: bytes, other: bytes) -> int:
    """How many leading bytes one and other have in common."""
    pairs = enumerate(zip(one, other, strict=False))
    return next((n for n, (a, b) in pairs if a != b), min(len(one), len(other)))


def _dated(
    render: Callable[[str | None], str], counts_read: date | None
) -> tuple[bytes, re.Pattern[bytes] | None]:
    """The post with counts_read, and (with a read date) the pattern of the same post read on any day."""
    content = render(counts_read.isoformat() if counts_read else None).encode("utf-8")
    if counts_read is None:
        return content, None
    first, second = (render(probe).encode("utf-8") for probe in _PROBE_DATES)
    return content, read_date_pattern(first, second)


def read_date_pattern(first: bytes, second: bytes) -> re.Pattern[bytes] | None:
    """A pattern of the lines first and second share, with any short text where a line of them differs.

    None when they differ in their number of lines (a template that prints the date over several lines):
    then only the exact bytes count as the same post.
    """
    first_lines, second_lines = first.split(b"\n"), second.split(b"\n")
    if len(first_lines) != len(second_lines):
        return None
    parts = []
    for one, other in zip(first_lines, second_lines, strict=True):
        if one == other:
            parts.append(re.escape(one))
            continue
        head = _shared(one, other)
        tail = _shared(one[head:][::-1], other[head:][::-1])
        longest = max(len(one), len(other)) - head - tail
        middle = rb"[^\n]{0,%d}" % (longest + _READ_DATE_SLACK)
        parts.append(re.escape(one[:head]) + middle + re.escape(one[len(one) - tail :]))
    return re.compile(b"\n".join(parts))


def render_post(
    digest: Digest,
    settings: Settings,
    lang: str | None = None,
    *,
    counts_read: date | None = None,
    movement: trends.Trends | None = None,
) -> OutputFile:
    """The digest's Jekyll post at its kind's path template; it says when its counts were read, if given.

    A week's or month's movement shows when given, with its chart at chart_path as a root-relative image.
    """
    lang = lang or settings.lang
    span = digest.span
    template = _template(settings.template_dir, lang, span.kind)
    tags = topics.topic_tags(digest.papers, settings.topic_tags, settings.tags)
    context = {
        "front_matter": front_matter(front_matter_values(span, settings, lang, tags, digest=digest)),
        "title": post_title(span),
        "day": span.last.isoformat(),
        "period": span.key,
        "first": span.first.isoformat(),
        "last": span.last.isoformat(),
        "papers": digest.papers,
        "total": digest.total,
        "shown": len(digest.papers),
        "skipped": len(digest.skipped),
        "matched": digest.matched,
        # Retired (the returning-paper mark): always empty, so a DIGEST_TEMPLATE_DIR template of an earlier
        # release still renders under StrictUndefined.
        "hidden": 0,
        "returning": frozenset(),
        "released": digest.released,
        "bibtex": bibtex.entry if settings.bibtex else None,
        "week_topics": _week_topics(digest, settings),
        # With DIGEST_INTERESTS: the "For you" picks as (paper, score) pairs, and whether the whole list
        # is ranked by relevance; empty and false without, so the post stays as it was.
        "for_you": digest.relevance.pairs() if digest.relevance else [],
        "by_relevance": bool(digest.relevance and digest.relevance.by_relevance),
        "keywords": trends.day_keywords(digest.papers),
        "brief": digest.brief,  # None without a model (or when its check refused it): the keywords alone
        "trends": movement,
        "chart": _chart_src(digest, settings, lang, movement),
    }
    content, alike = _dated(lambda read: _render(template, {**context, "counts_read": read}), counts_read)
    path = settings.post_path(span.kind, span.last, lang)
    return OutputFile(path=path, content=content, content_type=POST_CONTENT_TYPE, alike=alike)


def chart_path(span: Span, settings: Settings, lang: str) -> str:
    """The chart's path: `assets/img/hf-digest/2025-11-16-hf-weekly-papers.svg`, named as its post is."""
    return f"{CHART_DIR}/{post_slug(settings.post_path(span.kind, span.last, lang))}.svg"


def _chart_src(digest: Digest, settings: Settings, lang: str, movement: trends.Trends | None) -> str | None:
    """The chart's address in the post: from the site's root, which GitHub's Markdown view reads as the
    repository's root, and to which Chirpy adds the blog's `baseurl` (or its `img_cdn`) itself."""
    if movement is None or not movement.series:
        return None
    return "/" + chart_path(digest.span, settings, lang)


CHART_TITLES: dict[str, dict[str, str]] = {
    "ko": {SpanKind.WEEK: "{key} 주요 주제: 날짜별 논문 수", SpanKind.MONTH: "{key} 주요 주제: 주별 논문 수"},
    "en": {
        SpanKind.WEEK: "{key} top topics: papers per day",
        SpanKind.MONTH: "{key} top topics: papers per week",
    },
}
CHART_SOURCE = {"ko": "Hugging Face ai_keywords 기준. ", "en": "Counted from Hugging Face ai_keywords. "}


def chart_title(span: Span, lang: str) -> str:
    """The chart's title, also its alt text: `2025-W46 top topics: papers per day`."""
    titles = CHART_TITLES.get(lang, CHART_TITLES["en"])
    return titles[span.kind].format(key=span.key) if span.kind in titles else ""


def render_chart(movement: trends.Trends, settings: Settings, lang: str) -> OutputFile | None:
    """The period's chart as an SVG file; None when no topic is charted."""
    if not movement.series:
        return None
    span = movement.span
    title = chart_title(span, lang)
    listed = "; ".join(
        f"{one.label}: " + ", ".join(f"{b} {n}" for b, n in zip(movement.buckets, one.counts, strict=True))
        for one in movement.series
    )
    source = CHART_SOURCE.get(lang, CHART_SOURCE["en"])
    content = chart.render_svg(title, source + listed, movement.buckets, movement.series)
    return OutputFile(path=chart_path(span, settings, lang), content=content, content_type=SVG_CONTENT_TYPE)


def _week_topics(digest: Digest, settings: Settings) -> list[tuple[str, int]]:
    """A week's or month's most frequent keywords with their counts, when topic tags are on."""
    if digest.span.kind == SpanKind.DAY or settings.topic_tags <= 0:
        return []
    return topics.keyword_counts(digest.papers)[: settings.topic_tags]


def paper_json(paper: Paper, digest: Digest) -> dict[str, Any]:
    """A paper's record in the data file, with what the optional features found about it."""
    data = paper.to_json()
    if paper.arxiv_id in digest.released:
        data["released"] = digest.released[paper.arxiv_id].to_json()
    data["bibtex"] = bibtex.entry(paper)
    if digest.relevance is not None and paper.arxiv_id in digest.relevance.scores:
        data["relevance"] = digest.relevance.scores[paper.arxiv_id].to_json()
    return data


def render_data(digest: Digest, settings: Settings, lang: str | None = None) -> OutputFile | None:
    """A day's papers as JSON at settings.data_path_template; None when that is not set, or for a period."""
    if not settings.data_path_template or digest.span.kind != SpanKind.DAY:
        return None
    payload: dict[str, Any] = {
        "date": digest.day.isoformat(),
        "total": digest.total,
        "shown": len(digest.papers),
    }
    if digest.skipped:  # only then, so files written before this key existed stay byte for byte the same
        payload["skipped"] = len(digest.skipped)
    if digest.matched is not None:
        payload["matched"] = digest.matched
    payload["papers"] = [paper_json(paper, digest) for paper in digest.papers]
    if digest.relevance is not None:  # the "For you" picks, each with its score and reason
        payload["for_you"] = [
            {"arxiv_id": paper.arxiv_id, "title": paper.title, **score.to_json()}
            for paper, score in digest.relevance.pairs()
        ]
        payload["ranked_by"] = "relevance" if digest.relevance.by_relevance else "upvotes"
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    path = paths.resolve(
        settings.data_path_template,
        digest.day,
        variable="DIGEST_DATA_PATH_TEMPLATE",
        lang=lang or settings.lang,
        default_lang=settings.lang,
    )
    return OutputFile(path=path, content=text.encode("utf-8"), content_type=DATA_CONTENT_TYPE)


class PostInputs(TypedDict, total=False):
    """What a post shows beside its papers, each optional: when their counts were read, a period's
    movement."""

    counts_read: date | None
    movement: trends.Trends | None


def render(
    digest: Digest, settings: Settings, lang: str | None = None, **inputs: Unpack[PostInputs]
) -> Bundle:
    """Everything a run writes for the digest: the post first, then a period's chart, then the data file
    if configured; inputs as `render_post` takes them."""
    lang = lang or settings.lang
    post = render_post(digest, settings, lang, **inputs)
    movement = inputs.get("movement")
    drawn = render_chart(movement, settings, lang) if movement is not None else None
    data = render_data(digest, settings, lang)
    if data is not None and data.path == post.path:
        raise ConfigError(
            f"DIGEST_DATA_PATH_TEMPLATE: {settings.data_path_template!r} names the post's own path "
            f"{post.path}; the data file would overwrite it"
        )
    return Bundle(span=digest.span, files=tuple(f for f in (post, drawn, data) if f is not None))
