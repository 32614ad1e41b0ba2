"""Configuration, read once from the settings file and the environment into one validated object.

Each setting is defined once, on `Settings`; the file (digest.toml), the environment and the CLI use its
names. `load` layers them: CLI flags, then the environment, then the file, then the defaults.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, time
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hf_digest import settings_file
from hf_digest.core import layout, paths
from hf_digest.core.model import LANGUAGES as LANGUAGES  # config.LANGUAGES: the names the settings accept
from hf_digest.core.permalink import STYLES as PERMALINK_STYLES
from hf_digest.core.permalink import Blog, PermalinkError
from hf_digest.core.permalink import template as permalink_template
from hf_digest.destinations import parse_destinations
from hf_digest.enrich.topics import parse_terms
from hf_digest.enrich.topics.profiles import Profile, check_paths, parse_profiles
from hf_digest.errors import BadInput, ConfigError
from hf_digest.outbound.redact import check_token
from hf_digest.settings_file import Spec, setting, shown

NOTIFY_CHANNELS = ("slack", "discord", "telegram", "email")
NOTIFY_BACKFILL = ("skip", "summary")
SUMMARY_PROVIDERS = ("bedrock", "openai")
MAX_NOTIFY_TOP = 10
MAX_EMAIL_RECIPIENTS = 50  # SES SendEmail's limit per message
MAX_LOOKBACK_DAYS = 60
MAX_CATEGORIES = 2  # Chirpy files a post under a category and a subcategory, and shows no more
MAX_FEED_ENTRIES = 1000
MAX_INTERESTS_TOP = 20
INTERESTS_RANKS = ("upvotes", "relevance")
# Settings a release retired, and why: still accepted, so an existing deploy keeps working, but ignored,
# and each run's result says so in one warning.
_NO_RETURNING = "the returning-paper mark is gone: Hugging Face lists each paper on one day only"
RETIRED = {"DIGEST_RETURNING": _NO_RETURNING, "DIGEST_HIDE_RETURNING": _NO_RETURNING}
_ON = ("on", "true", "yes", "1")
_OFF = ("off", "false", "no", "0")


class Secret:
    """A value that never shows itself in a repr, a log line or an exception."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


_T = TypeVar("_T")


# Parsers from an environment variable's text (or the file's value, spelled as the variable would be) to a
# setting's value; each error names the variable. None means "as unset": the default.
def _read(convert: Callable[[str], _T], raw: str, name: str, expected: str) -> _T:
    """convert(raw); a ValueError becomes a ConfigError saying what name expected ("a whole number")."""
    try:
        return convert(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {raw!r} is not {expected}") from exc


def _whole(raw: str, name: str) -> int:
    return _read(int, raw, name, "a whole number")


def _seconds(raw: str, name: str) -> float:
    return _read(float, raw, name, "a number of seconds")


def _switch(raw: str, name: str) -> bool:
    if raw.lower() in _ON:
        return True
    if raw.lower() in _OFF:
        return False
    raise ConfigError(f"{name}: {raw!r} is not on or off")


def _words(raw: str, name: str) -> tuple[str, ...] | None:
    """Comma separated words; none at all is unset."""
    return tuple(part.strip() for part in raw.split(",") if part.strip()) or None


def _lower_words(raw: str, name: str) -> tuple[str, ...] | None:
    return _words(raw.lower(), name)


def _token(raw: str, name: str) -> Secret:
    """A token, checked to fit in an HTTP header (the error names the variable, never the value)."""
    return Secret(check_token(raw, name))


def _destinations(raw: str, name: str) -> tuple[str, ...]:
    try:
        return parse_destinations(raw)
    except BadInput as exc:
        raise ConfigError(str(exc)) from None


def _numbers(raw: str) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in raw.split(",") if part.strip()}))


def parse_days_back(raw: str, name: str = "DIGEST_REFRESH_DAYS") -> tuple[int, ...]:
    """Days back such as "1,7"; "0" alone means none."""
    numbers = _read(_numbers, raw, name, "a list of whole numbers such as 1,7")
    return () if numbers == (0,) else numbers


def parse_time(raw: str, name: str) -> time:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?", raw.strip())
    if not match:
        raise ConfigError(f"{name}: {raw!r} is not a time of day HH:MM")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def _url(raw: str, name: str) -> str | None:
    return raw.rstrip("/") or None


def _lower(raw: str, name: str) -> str:
    return raw.lower()


def _score(raw: str, name: str) -> float:
    return _read(float, raw, name, "a number such as 0.1")


def _dollars(raw: str) -> float:
    return float(raw.strip().removeprefix("$"))


def _usd(raw: str, name: str) -> float:
    value = _read(_dollars, raw, name, "an amount in USD such as 1.00")
    if not 0 <= value < 1e6:
        raise ConfigError(f"{name}: {raw!r} must be 0 or more")
    return value


def _prefix(raw: str, name: str) -> str:
    return raw.strip("/")


# The parser of each type a setting may have, unless its field names its own.
BY_TYPE: dict[str, Callable[[str, str], object]] = {
    "str": lambda raw, name: raw,
    "int": _whole,
    "float": _seconds,
    "bool": _switch,
    "Path": lambda raw, name: Path(raw).expanduser(),
    "tuple[str, ...]": _words,
    "tuple[int, ...]": parse_days_back,
    "Secret": lambda raw, name: Secret(raw),
    "time": parse_time,
    "tuple[Profile, ...]": lambda raw, name: parse_profiles(raw),
}


@dataclass(frozen=True)
class Settings:
    """Every setting of the digest; defaults are what a new user gets."""

    hf_base_url: str = setting(
        "https://huggingface.co",
        "HF_BASE_URL",
        "Hugging Face's address (tests point it at a local server)",
        parse=_url,
    )
    hf_token: Secret | None = setting(
        None, "HF_TOKEN", "a Hugging Face token: a higher rate limit", secret=True, parse=_token
    )
    lang: str = setting("ko", "DIGEST_LANG", "the post's language: ko or en", parse=_lower)
    top_n: int = setting(10, "DIGEST_TOP_N", "papers a post shows, by upvotes; 0 shows all")
    template_dir: Path | None = setting(
        None, "DIGEST_TEMPLATE_DIR", "a folder of Jinja2 templates replacing the built-in ones"
    )
    timezone: str = setting("Asia/Seoul", "DIGEST_TIMEZONE", "IANA time zone of the post's date and time")
    post_time: time = setting(
        time(9, 15), "DIGEST_POST_TIME", "the post's time of day in its front matter, HH:MM"
    )
    author: str | None = setting(None, "DIGEST_AUTHOR", "the front matter's author; empty leaves it out")
    categories: tuple[str, ...] | None = setting(
        None, "DIGEST_CATEGORIES", "front matter categories (at most 2); empty: the language's own"
    )
    tags: tuple[str, ...] = setting(
        ("huggingface", "papers", "daily", "ai"), "DIGEST_TAGS", "front matter tags"
    )
    destinations: tuple[str, ...] = setting(
        ("local",), "DIGEST_DESTINATIONS", "where posts go: local, github, s3", parse=_destinations
    )
    output_dir: Path = setting(Path("out"), "DIGEST_OUTPUT_DIR", "the local destination's folder")
    path_template: str = setting(
        "_posts/{date}-hf-daily-papers{lang_suffix}.md", "DIGEST_PATH_TEMPLATE", "the daily post's path"
    )
    data_path_template: str | None = setting(
        None, "DIGEST_DATA_PATH_TEMPLATE", "a JSON data file beside each post; empty: none"
    )
    github_repository: str | None = setting(
        None, "GITHUB_REPOSITORY", "the repository that receives posts, owner/name"
    )
    github_branch: str | None = setting(
        None, "GITHUB_BRANCH", "the branch to commit to; empty: the default branch"
    )
    github_api_url: str = setting(
        "https://api.github.com", "GITHUB_API_URL", "GitHub's API address", parse=_url
    )
    github_token: Secret | None = setting(
        None, "GITHUB_TOKEN", "a GitHub token with Contents: write", secret=True, parse=_token
    )
    github_token_secret: str | None = setting(
        None, "GITHUB_TOKEN_SECRET", "a Secrets Manager secret holding the GitHub token"
    )
    github_committer_name: str = setting(
        "hf-daily-digest", "GITHUB_COMMITTER_NAME", "the commits' committer name"
    )
    github_committer_email: str = setting(
        "hf-daily-digest@users.noreply.github.com", "GITHUB_COMMITTER_EMAIL", "the commits' committer e-mail"
    )
    # None: each kind's own (publish.github.DEFAULT_MESSAGES)
    github_message_add: str | None = setting(
        None, "GITHUB_COMMIT_MESSAGE", "the commit message adding a file"
    )
    github_message_update: str | None = setting(
        None, "GITHUB_COMMIT_MESSAGE_UPDATE", "the commit message updating a file"
    )
    s3_bucket: str | None = setting(None, "S3_BUCKET", "the bucket of the s3 destination")
    s3_prefix: str = setting("", "S3_PREFIX", "a key prefix (folder) in the bucket", parse=_prefix)
    # {date}: the week's Sunday, the month's last day
    weekly_path_template: str = setting(
        "_posts/{date}-hf-weekly-papers{lang_suffix}.md",
        "DIGEST_WEEKLY_PATH_TEMPLATE",
        "the weekly post's path",
    )
    monthly_path_template: str = setting(
        "_posts/{date}-hf-monthly-papers{lang_suffix}.md",
        "DIGEST_MONTHLY_PATH_TEMPLATE",
        "the monthly post's path",
    )
    catchup_days: int = setting(
        7, "DIGEST_CATCHUP_DAYS", "a scheduled run also publishes missing days among this many before; 0: off"
    )
    refresh_days: tuple[int, ...] = setting(
        (1, 7), "DIGEST_REFRESH_DAYS", "days back a scheduled run re-reads for settled upvotes; 0: none"
    )
    backfill_pace_s: float = setting(
        0.75, "DIGEST_BACKFILL_PACE", "seconds per Hugging Face request in a backfill"
    )
    backfill_queue_url: str | None = setting(
        None, "DIGEST_BACKFILL_QUEUE_URL", "in AWS, the queue a range's days go to"
    )
    state_path: Path | None = setting(
        None, "DIGEST_STATE_PATH", "the SQLite state store; empty: under the user's cache folder"
    )
    state_table: str | None = setting(
        None, "DIGEST_STATE_TABLE", "a DynamoDB table for the state store instead (in AWS)"
    )
    summary_model: str | None = setting(
        None,
        "DIGEST_SUMMARY_MODEL",
        "the summaries' model: a Bedrock model or inference profile id, or the OpenAI-compatible API's "
        "model name; empty: no summaries",
    )
    summary_provider: str = setting(
        "bedrock",
        "DIGEST_SUMMARY_PROVIDER",
        "who runs the model: bedrock, or openai (any OpenAI-compatible chat completions API)",
        parse=_lower,
    )
    openai_base_url: str = setting(
        "https://api.openai.com/v1",
        "OPENAI_BASE_URL",
        "the OpenAI-compatible API's address (Gemini, Ollama, vLLM); with DIGEST_SUMMARY_PROVIDER=openai",
        parse=_url,
    )
    openai_api_key: Secret | None = setting(
        None,
        "OPENAI_API_KEY",
        "the OpenAI-compatible API's key; empty: none is sent (a local Ollama or vLLM)",
        secret=True,
        parse=_token,
    )
    summary_region: str | None = setting(
        None, "DIGEST_SUMMARY_REGION", "the Region to call Bedrock in; empty: the function's"
    )
    summary_max_papers: int | None = setting(
        None, "DIGEST_SUMMARY_MAX_PAPERS", "papers summarised; empty: every shown paper"
    )
    summary_max_tokens: int = setting(400, "DIGEST_SUMMARY_MAX_TOKENS", "output tokens per summary")
    summary_token_budget: int = setting(
        60_000, "DIGEST_SUMMARY_TOKEN_BUDGET", "input and output tokens per run"
    )
    summary_concurrency: int = setting(
        10, "DIGEST_SUMMARY_CONCURRENCY", "summary calls at once, at most (halved while Bedrock throttles)"
    )
    summary_monthly_usd: float = setting(
        1.00,
        "DIGEST_SUMMARY_MONTHLY_USD",
        "the most summaries may cost in a UTC calendar month, in USD; then no new calls",
        parse=_usd,
    )
    summary_price_in_usd: float | None = setting(
        None,
        "DIGEST_SUMMARY_PRICE_IN_USD",
        "USD per million input tokens, for a model our price table lacks",
        parse=_usd,
    )
    summary_price_out_usd: float | None = setting(
        None,
        "DIGEST_SUMMARY_PRICE_OUT_USD",
        "USD per million output tokens, for a model our price table lacks",
        parse=_usd,
    )
    site_url: str | None = setting(
        None, "DIGEST_SITE_URL", "the blog's base URL, for links and feed ids", parse=_url
    )
    permalink: str | None = setting(
        None, "DIGEST_PERMALINK", "the blog's permalink style or template; empty: its _config.yml's"
    )
    notify: tuple[str, ...] = setting(
        (),
        "DIGEST_NOTIFY",
        "channels told of a new digest: slack, discord, telegram, email",
        parse=_lower_words,
    )
    notify_top: int = setting(3, "DIGEST_NOTIFY_TOP", "papers a notification lists")
    notify_backfill: str = setting(
        "skip", "DIGEST_NOTIFY_BACKFILL", "older days of a backfill: skip, or summary", parse=_lower
    )
    notify_secret: str | None = setting(
        None, "DIGEST_NOTIFY_SECRET", "a Secrets Manager secret holding the channels' webhooks and tokens"
    )
    slack_webhook_url: Secret | None = setting(
        None, "SLACK_WEBHOOK_URL", "a Slack incoming webhook", secret=True
    )
    discord_webhook_url: Secret | None = setting(
        None, "DISCORD_WEBHOOK_URL", "a Discord webhook", secret=True
    )
    telegram_bot_token: Secret | None = setting(
        None, "TELEGRAM_BOT_TOKEN", "a Telegram bot's token", secret=True
    )
    telegram_chat_id: Secret | None = setting(
        None, "TELEGRAM_CHAT_ID", "the Telegram chat to post to", secret=True
    )
    telegram_api_url: str = setting(
        "https://api.telegram.org", "TELEGRAM_API_URL", "Telegram's Bot API address", parse=_url
    )
    email_from: str | None = setting(None, "DIGEST_EMAIL_FROM", "the SES-verified sender of the e-mail")
    email_to: tuple[str, ...] = setting((), "DIGEST_EMAIL_TO", "the e-mail's recipients")
    email_unsubscribe: str | None = setting(
        None, "DIGEST_EMAIL_UNSUBSCRIBE", "List-Unsubscribe target, mailto: or https:; empty: the sender"
    )
    feeds: bool = setting(True, "DIGEST_FEEDS", "Atom and JSON feeds beside the posts")
    feed_path_template: str = setting(
        "feeds/hf-daily-papers.{lang}.atom", "DIGEST_FEED_PATH_TEMPLATE", "the digests' Atom feed"
    )
    json_feed_path_template: str = setting(
        "feeds/hf-daily-papers.{lang}.json", "DIGEST_JSON_FEED_PATH_TEMPLATE", "the digests' JSON Feed"
    )
    papers_feed_path_template: str = setting(
        "feeds/hf-papers.{lang}.atom", "DIGEST_PAPERS_FEED_PATH_TEMPLATE", "the papers' Atom feed"
    )
    papers_json_feed_path_template: str = setting(
        "feeds/hf-papers.{lang}.json", "DIGEST_PAPERS_JSON_FEED_PATH_TEMPLATE", "the papers' JSON Feed"
    )
    feed_entries: int = setting(30, "DIGEST_FEED_ENTRIES", "digests kept in a digest feed")
    papers_feed_entries: int = setting(100, "DIGEST_PAPERS_FEED_ENTRIES", "papers kept in a papers feed")
    site: bool = setting(False, "DIGEST_SITE", "the s3 destination also writes a static HTML site")
    include: tuple[str, ...] = setting(
        (), "DIGEST_INCLUDE", "keep a paper when any of these terms matches", parse=parse_terms
    )
    exclude: tuple[str, ...] = setting(
        (), "DIGEST_EXCLUDE", "drop a paper when any matches (exclude wins)", parse=parse_terms
    )
    skip_empty_filtered: bool = setting(
        False, "DIGEST_SKIP_EMPTY_FILTERED", "a filter that removes every paper writes no post"
    )
    topic_tags: int = setting(
        5, "DIGEST_TOPIC_TAGS", "front matter tags from the shown papers' keywords; 0: none"
    )
    profiles: tuple[Profile, ...] = setting((), "DIGEST_PROFILES", "named digests from one Hugging Face read")
    linked: bool = setting(False, "DIGEST_LINKED", "models, datasets and Spaces citing each shown paper")
    bibtex: bool = setting(False, "DIGEST_BIBTEX", "each paper's BibTeX in the post")
    # The site's own language, at its root: DIGEST_LANG, kept when a profile's settings take its own lang.
    site_lang: str | None = None
    # Ranked for me (hf_digest.enrich.interests): free text, or a library file's path (.bib, .bibtex, .txt)
    interests: str | None = setting(
        None, "DIGEST_INTERESTS", "your interests: a few sentences, or a .bib/.txt library file in the blog"
    )
    interests_top: int = setting(3, "DIGEST_INTERESTS_TOP", "papers in the For you section; 0: none")
    interests_min_score: float | None = setting(
        None,
        "DIGEST_INTERESTS_MIN_SCORE",
        "the score a For you paper needs, 0 to 1; empty: the method's own",
        parse=_score,
    )
    interests_model: str | None = setting(
        None, "DIGEST_INTERESTS_MODEL", "a Bedrock embeddings model for interests; empty: lexical (offline)"
    )
    interests_rank: str = setting(
        "upvotes",
        "DIGEST_INTERESTS_RANK",
        "upvotes, or relevance: the whole digest ranked by interests",
        parse=_lower,
    )
    retired: tuple[str, ...] = ()  # retired variables still set (RETIRED): ignored, named in each result

    @property
    def retired_warning(self) -> str | None:
        """The result's one line naming the retired variables still set; None when there are none."""
        if not self.retired:
            return None
        reasons = "; ".join(dict.fromkeys(RETIRED[name] for name in self.retired))
        return f"{', '.join(self.retired)}: retired and ignored ({reasons}); remove from your settings"

    @property
    def home_lang(self) -> str:
        """The language whose site pages and index live at the site's root (the others under en/, ko/)."""
        return self.site_lang or self.lang

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def post_path_template(self, kind: str) -> tuple[str, str]:
        """The variable and path template of a daily, weekly or monthly post."""
        if kind == "weekly":
            return "DIGEST_WEEKLY_PATH_TEMPLATE", self.weekly_path_template
        if kind == "monthly":
            return "DIGEST_MONTHLY_PATH_TEMPLATE", self.monthly_path_template
        return "DIGEST_PATH_TEMPLATE", self.path_template

    def post_path(self, kind: str, day: date, lang: str) -> str:
        """Where a daily, weekly or monthly post in lang goes. A template that does not say the language
        serves DIGEST_LANG only: a post in the other language would overwrite that day's post."""
        variable, template = self.post_path_template(kind)
        if lang != self.lang and not paths.names_language(template):
            raise ConfigError(
                f"{variable}: {template!r} has no {{lang}} or {{lang_suffix}}, so a {lang} post would "
                f"overwrite the {self.lang} post of the same day; add one, "
                "e.g. _posts/{date}-hf-daily-papers{lang_suffix}.md"
            )
        return paths.resolve(template, day, variable=variable, lang=lang, default_lang=self.lang)

    def validate(self) -> Settings:
        """Check values whose mistakes would otherwise surface mid-run; returns self."""
        if self.lang not in LANGUAGES:
            raise ConfigError(f"DIGEST_LANG: {self.lang!r} is not one of {', '.join(LANGUAGES)}")
        if self.top_n < 0:
            raise ConfigError(f"DIGEST_TOP_N: {self.top_n} must be 0 (all papers) or more")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"DIGEST_TIMEZONE: {self.timezone!r} is not an IANA time zone") from exc
        try:
            parse_destinations(self.destinations)
        except BadInput as exc:
            raise ConfigError(str(exc)) from None
        if self.template_dir is not None and not self.template_dir.is_dir():
            raise ConfigError(f"DIGEST_TEMPLATE_DIR: {self.template_dir} is not a folder")
        sample = date(2026, 2, 10)
        for lang in LANGUAGES:  # a template's own mistakes surface now, for either language
            paths.resolve(self.path_template, sample, variable="DIGEST_PATH_TEMPLATE", lang=lang)
        if self.data_path_template:
            paths.resolve(
                self.data_path_template, sample, variable="DIGEST_DATA_PATH_TEMPLATE", lang=self.lang
            )
        if self.github_branch is not None:
            _check_branch(self.github_branch)
        if not 0 <= self.catchup_days <= MAX_LOOKBACK_DAYS:
            raise ConfigError(
                f"DIGEST_CATCHUP_DAYS: {self.catchup_days} must be 0 (off) to {MAX_LOOKBACK_DAYS}"
            )
        if any(not 1 <= n <= MAX_LOOKBACK_DAYS for n in self.refresh_days):
            raise ConfigError(
                f"DIGEST_REFRESH_DAYS: {','.join(map(str, self.refresh_days))} must be days back from 1 to "
                f"{MAX_LOOKBACK_DAYS} (0 alone turns refreshing off)"
            )
        if not 0 <= self.backfill_pace_s <= 60:
            raise ConfigError(f"DIGEST_BACKFILL_PACE: {self.backfill_pace_s} must be 0 to 60 seconds")
        self._validate_state()
        self._validate_summaries()
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", self.hf_base_url):
            raise ConfigError(f"HF_BASE_URL: {self.hf_base_url!r} is not an http(s) URL")
        self._validate_notify()
        self._validate_feeds()
        self._validate_interests()
        if not 0 <= self.topic_tags <= 20:
            raise ConfigError(f"DIGEST_TOPIC_TAGS: {self.topic_tags} must be 0 (off) to 20")
        if self.categories is not None and len(self.categories) > MAX_CATEGORIES:
            raise ConfigError(
                f"DIGEST_CATEGORIES: {len(self.categories)} categories given; a post takes at most "
                f"{MAX_CATEGORIES} (Chirpy's category and subcategory)"
            )
        if self.profiles:  # each profile's own settings, then the profiles against each other
            check_paths(self)
        else:  # no two settings write one file; no post or data path lacks its date
            layout.check(layout.files(self))
        return self

    def _validate_state(self) -> None:
        if self.state_table is not None and not _DYNAMO_TABLE.fullmatch(self.state_table):
            raise ConfigError(
                f"DIGEST_STATE_TABLE: {self.state_table!r} is not a DynamoDB table name "
                "(3-255 of letters, digits, '_', '-', '.')"
            )
        if self.state_path is not None and self.state_path.is_dir():
            raise ConfigError(f"DIGEST_STATE_PATH: {self.state_path} is a folder; name a file in it")

    def _validate_summaries(self) -> None:
        if self.summary_provider not in SUMMARY_PROVIDERS:
            raise ConfigError(
                f"DIGEST_SUMMARY_PROVIDER: {self.summary_provider!r} is not one of "
                f"{', '.join(SUMMARY_PROVIDERS)}"
            )
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", self.openai_base_url):
            raise ConfigError(
                f"OPENAI_BASE_URL: {self.openai_base_url!r} is not an http(s) address such as "
                "https://api.openai.com/v1"
            )
        if self.summary_provider == "openai":
            if self.summary_model is not None and not _OPENAI_MODEL.fullmatch(self.summary_model):
                raise ConfigError(
                    f"DIGEST_SUMMARY_MODEL: {self.summary_model!r} is not a model name the API could take "
                    "(no spaces; e.g. gpt-4o-mini)"
                )
        elif self.summary_model is not None and not _BEDROCK_MODEL.fullmatch(self.summary_model):
            raise ConfigError(
                f"DIGEST_SUMMARY_MODEL: {self.summary_model!r} is not a Bedrock model id, inference profile "
                "id or ARN (e.g. global.anthropic.claude-haiku-4-5-20251001-v1:0)"
            )
        if self.summary_region is not None and not _AWS_REGION.fullmatch(self.summary_region):
            raise ConfigError(f"DIGEST_SUMMARY_REGION: {self.summary_region!r} is not an AWS region")
        if self.summary_max_papers is not None and self.summary_max_papers < 0:
            raise ConfigError(f"DIGEST_SUMMARY_MAX_PAPERS: {self.summary_max_papers} must be 0 or more")
        if not 64 <= self.summary_max_tokens <= 4096:
            raise ConfigError(f"DIGEST_SUMMARY_MAX_TOKENS: {self.summary_max_tokens} must be 64 to 4096")
        if self.summary_token_budget < 0:
            raise ConfigError(f"DIGEST_SUMMARY_TOKEN_BUDGET: {self.summary_token_budget} must be 0 or more")
        if not 1 <= self.summary_concurrency <= 16:
            raise ConfigError(f"DIGEST_SUMMARY_CONCURRENCY: {self.summary_concurrency} must be 1 to 16")

    def _validate_interests(self) -> None:
        if not 0 <= self.interests_top <= MAX_INTERESTS_TOP:
            raise ConfigError(f"DIGEST_INTERESTS_TOP: {self.interests_top} must be 0 to {MAX_INTERESTS_TOP}")
        if self.interests_min_score is not None and not 0 <= self.interests_min_score <= 1:
            raise ConfigError(f"DIGEST_INTERESTS_MIN_SCORE: {self.interests_min_score} must be 0 to 1")
        if self.interests_model is not None and not _BEDROCK_MODEL.fullmatch(self.interests_model):
            raise ConfigError(
                f"DIGEST_INTERESTS_MODEL: {self.interests_model!r} is not a Bedrock model id "
                "(e.g. amazon.titan-embed-text-v2:0)"
            )
        if self.interests_rank not in INTERESTS_RANKS:
            raise ConfigError(
                f"DIGEST_INTERESTS_RANK: {self.interests_rank!r} is not one of {', '.join(INTERESTS_RANKS)}"
            )

    def _validate_notify(self) -> None:
        unknown = [c for c in self.notify if c not in NOTIFY_CHANNELS]
        if unknown:
            raise ConfigError(
                f"DIGEST_NOTIFY: {','.join(unknown)} is not one of {', '.join(NOTIFY_CHANNELS)} (empty: off)"
            )
        if len(set(self.notify)) != len(self.notify):
            raise ConfigError(f"DIGEST_NOTIFY: {','.join(self.notify)} names a channel twice")
        if not 0 <= self.notify_top <= MAX_NOTIFY_TOP:
            raise ConfigError(f"DIGEST_NOTIFY_TOP: {self.notify_top} must be 0 to {MAX_NOTIFY_TOP} papers")
        if self.notify_backfill not in NOTIFY_BACKFILL:
            raise ConfigError(
                f"DIGEST_NOTIFY_BACKFILL: {self.notify_backfill!r} is not one of {', '.join(NOTIFY_BACKFILL)}"
            )
        urls = (("DIGEST_SITE_URL", self.site_url), ("TELEGRAM_API_URL", self.telegram_api_url))
        for variable, url in urls:
            if url is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
                raise ConfigError(f"{variable}: {url!r} is not an http(s) URL")
        if "email" in self.notify:
            if not self.email_from or not _EMAIL.fullmatch(self.email_from):
                raise ConfigError("DIGEST_EMAIL_FROM: the e-mail channel needs a verified SES sender address")
            bad = [a for a in self.email_to if not _EMAIL.fullmatch(a)]
            if bad or not self.email_to:
                raise ConfigError(
                    f"DIGEST_EMAIL_TO: {','.join(bad) or 'empty'}: give addresses, comma separated"
                )
            if len(self.email_to) > MAX_EMAIL_RECIPIENTS:
                raise ConfigError(
                    f"DIGEST_EMAIL_TO: {len(self.email_to)} addresses; "
                    f"SES takes {MAX_EMAIL_RECIPIENTS} or fewer a message"
                )
            target = self.email_unsubscribe
            if target is not None and not re.fullmatch(r"mailto:\S+@\S+|https://\S+", target):
                raise ConfigError(
                    f"DIGEST_EMAIL_UNSUBSCRIBE: {target!r} is not a mailto: or https:// address"
                )

    def feed_paths(self, lang: str) -> dict[str, str]:
        """The four feed paths for lang, by their setting's name."""
        return {
            variable: paths.resolve_lang(template, lang, variable=variable)
            for variable, template in (
                ("DIGEST_FEED_PATH_TEMPLATE", self.feed_path_template),
                ("DIGEST_JSON_FEED_PATH_TEMPLATE", self.json_feed_path_template),
                ("DIGEST_PAPERS_FEED_PATH_TEMPLATE", self.papers_feed_path_template),
                ("DIGEST_PAPERS_JSON_FEED_PATH_TEMPLATE", self.papers_json_feed_path_template),
            )
        }

    def _validate_feeds(self) -> None:
        for variable, count in (
            ("DIGEST_FEED_ENTRIES", self.feed_entries),
            ("DIGEST_PAPERS_FEED_ENTRIES", self.papers_feed_entries),
        ):
            if not 1 <= count <= MAX_FEED_ENTRIES:
                raise ConfigError(f"{variable}: {count} must be 1 to {MAX_FEED_ENTRIES}")
        if self.site_url is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", self.site_url):
            raise ConfigError(
                f"DIGEST_SITE_URL: {self.site_url!r} is not an http(s) address such as https://papers.example.com"
            )
        if self.permalink is not None:
            try:
                permalink_template(Blog(permalink=self.permalink))
            except PermalinkError as exc:
                raise ConfigError(f"DIGEST_PERMALINK: {exc}") from None
            if self.permalink not in PERMALINK_STYLES and not self.permalink.startswith("/"):
                raise ConfigError(
                    f"DIGEST_PERMALINK: {self.permalink!r} is neither a style "
                    f"({', '.join(PERMALINK_STYLES)}) nor a template starting with '/'"
                )
        seen: dict[str, str] = {}
        for variable, path in self.feed_paths(self.lang).items():
            if path in seen:
                raise ConfigError(f"{variable}: {path} is also {seen[path]}'s path; give each feed its own")
            seen[path] = variable


def _check_branch(branch: str) -> None:
    """ConfigError naming GITHUB_BRANCH for a name git refuses as a branch (git check-ref-format)."""
    refusals = (
        (".." in branch, "holds '..'"),
        ("@{" in branch or branch == "@", "holds '@{' or is '@'"),
        (
            re.search(r"[\x00-\x20\x7f~^:?*\[\\]", branch) is not None,
            "holds a space, a control character or one of ~ ^ : ? * [ \\",
        ),
        (
            branch.startswith(("/", "-")) or branch.endswith(("/", ".")) or "//" in branch,
            "starts with '/' or '-', ends with '/' or '.', or holds '//'",
        ),
        (
            any(part.startswith(".") or part.endswith(".lock") for part in branch.split("/")),
            "has a part that starts with '.' or ends with '.lock'",
        ),
    )
    for refused, why in refusals:
        if refused:
            raise ConfigError(f"GITHUB_BRANCH: {branch!r} is not a branch name git accepts: it {why}")


_DYNAMO_TABLE = re.compile(r"[A-Za-z0-9_.\-]{3,255}")
_AWS_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
# A model id (provider.name[:version]), an inference profile id (geo.provider.name...), or either's ARN.
_BEDROCK_MODEL = re.compile(r"(arn:aws[\w-]*:bedrock:[\w-]*:\d{0,12}:[\w-]+/)?[\w.\-]+(:[\w.\-]+)*")
# An OpenAI-compatible model name: gpt-4o-mini, gemini-2.5-flash, llama3.2:3b, Qwen/Qwen3-8B
_OPENAI_MODEL = re.compile(r"[\w.:/@+\-]{1,256}")
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


def default_state_path(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/hf-digest/state.sqlite3, else ~/.cache/hf-digest/state.sqlite3."""
    env = os.environ if env is None else env
    cache = (env.get("XDG_CACHE_HOME") or "").strip()
    base = Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache"
    return base / "hf-digest" / "state.sqlite3"


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from environment variables (os.environ by default), validated: each setting's own parser
    (Settings' field metadata, else its type's), an unset or empty variable giving the default."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    for spec in specs():
        raw = env.get(spec.env, "").strip()
        value = spec.parse(raw, spec.env) if raw else None
        values[spec.attr] = spec.default if value is None else value
    if values["state_path"] is None:
        values["state_path"] = default_state_path(env)
    retired = tuple(name for name in RETIRED if env.get(name, "").strip())
    return Settings(**values, retired=retired).validate()  # type: ignore[arg-type]


@functools.cache
def specs() -> tuple[Spec, ...]:
    """Every user setting, in Settings' order: the one definition the file, the README and `config` use."""
    return tuple(
        Spec(
            f.name,
            f.metadata["env"],
            str(f.type),
            f.default,
            f.metadata["help"],
            f.metadata["secret"],
            f.metadata["parse"] or BY_TYPE[str(f.type).removesuffix(" | None")],
        )
        for f in fields(Settings)
        if "env" in f.metadata
    )


@dataclass(frozen=True)
class Loaded:
    """The effective settings, where each came from (by environment name), and the file read."""

    settings: Settings
    sources: Mapping[str, str]  # ENV_NAME -> flag | env | file | default
    file: Path | None


def load(
    env: Mapping[str, str] | None = None,
    *,
    path: str | None = None,
    cli: bool = False,
    flags: Mapping[str, str] | None = None,
) -> Loaded:
    """Settings from CLI flags (by environment name), then the environment, then the settings file (path,
    else DIGEST_SETTINGS, else ./digest.toml for the CLI, else the function's own), then the defaults."""
    env = os.environ if env is None else env
    file = settings_file.chosen(path, env, cli=cli)
    in_file = settings_file.read(file, specs()) if file is not None else {}
    merged = dict(env)
    sources: dict[str, str] = {}
    for spec in specs():
        name = spec.env
        if flags and flags.get(name):
            merged[name], sources[name] = flags[name], "flag"
        elif env.get(name, "").strip():
            sources[name] = "env"
        elif name in in_file:
            merged[name], sources[name] = in_file[name][0], "file"
        else:
            sources[name] = "default"
    try:
        settings = from_env(merged)
    except ConfigError as exc:
        raise _from_file(exc, file, in_file, sources) from None
    return Loaded(settings, sources, file)


def shown_value(value: object) -> str | None:
    """A setting's value as TOML spells it (secrets as "***"); None when unset."""
    if value is None:
        return None
    if isinstance(value, Secret):
        return '"***"'
    if isinstance(value, tuple):
        items = [
            {k: v for k, v in asdict(item).items() if v is not None} if isinstance(item, Profile) else item
            for item in value
        ]
        return shown(items)
    if isinstance(value, bool | int | float):
        return shown(value)
    if isinstance(value, time):
        return shown(value.strftime("%H:%M"))
    return shown(str(value))


def _from_file(
    exc: ConfigError, file: Path | None, in_file: Mapping[str, tuple[str, object]], sources: Mapping[str, str]
) -> ConfigError:
    """exc, naming the file, key and value instead of the variable when the value came from the file."""
    message = str(exc)
    match = re.match(r"[A-Z][A-Z0-9_]*", message)
    name = match[0] if match else ""
    if file is None or sources.get(name) != "file":
        return exc
    spec = next(spec for spec in specs() if spec.env == name)
    rest = message[len(name) :]
    if rest.startswith(":"):
        value = "***" if spec.secret else shown(in_file[name][1])
        return ConfigError(f"{file}: {spec.key} = {value}{rest}")
    return ConfigError(f"{file}: {spec.key}{rest}")


# What the platform sets rather than the user: read here too, so no other module reads the environment.
# The variables that choose which AWS endpoint a client talks to (tests point AWS_ENDPOINT_URL at local
# servers).
AWS_ENDPOINT_VARIABLES = (
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
)


def aws_region(env: Mapping[str, str] | None = None) -> str | None:
    """AWS_REGION, which Lambda sets (botocore itself reads only AWS_DEFAULT_REGION and its config files)."""
    env = os.environ if env is None else env
    return (env.get("AWS_REGION") or "").strip() or None


def aws_endpoint(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The values of AWS_ENDPOINT_VARIABLES: equal tuples mean a client built now talks to the same AWS."""
    env = os.environ if env is None else env
    return tuple(env.get(name, "") for name in AWS_ENDPOINT_VARIABLES)


def requests_ca_bundle(env: Mapping[str, str] | None = None) -> str | None:
    """REQUESTS_CA_BUNDLE, which botocore falls back to for TLS verification when no ca_bundle is set."""
    env = os.environ if env is None else env
    return (env.get("REQUESTS_CA_BUNDLE") or "").strip() or None


@dataclass(frozen=True)
class Powertools:
    """What the Powertools singletons are built from."""

    service: str
    namespace: str
    trace: bool  # in Lambda (not `sam local`) and POWERTOOLS_TRACE_DISABLED not truthy


def powertools(service: str, namespace: str, env: Mapping[str, str] | None = None) -> Powertools:
    """POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE, else service and namespace."""
    env = os.environ if env is None else env
    disabled = env.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in _ON
    in_lambda = bool(env.get("LAMBDA_TASK_ROOT")) and not env.get("AWS_SAM_LOCAL")
    return Powertools(
        service=env.get("POWERTOOLS_SERVICE_NAME") or service,
        namespace=env.get("POWERTOOLS_METRICS_NAMESPACE") or namespace,
        trace=in_lambda and not disabled,
    )
