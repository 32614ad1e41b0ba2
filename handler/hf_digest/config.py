"""Configuration, read once from the environment into one validated object.

The CLI and the Lambda read the same names; CLI flags are applied on top with `dataclasses.replace`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hf_digest import layout, paths
from hf_digest.destinations import parse_destinations
from hf_digest.errors import BadInput, ConfigError
from hf_digest.model import LANGUAGES as LANGUAGES  # config.LANGUAGES: the names the settings accept
from hf_digest.permalink import STYLES as PERMALINK_STYLES
from hf_digest.permalink import Blog, PermalinkError
from hf_digest.permalink import template as permalink_template
from hf_digest.redact import check_token
from hf_digest.topics import parse_terms
from hf_digest.topics.profiles import Profile, check_paths, parse_profiles

NOTIFY_CHANNELS = ("slack", "discord", "telegram", "email")
NOTIFY_BACKFILL = ("skip", "summary")
MAX_NOTIFY_TOP = 10
MAX_EMAIL_RECIPIENTS = 50  # SES SendEmail's limit per message
MAX_LOOKBACK_DAYS = 60
MAX_CATEGORIES = 2  # Chirpy files a post under a category and a subcategory, and shows no more
MAX_FEED_ENTRIES = 1000
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


@dataclass(frozen=True)
class Settings:
    """Every setting of the digest; defaults are what a new user gets."""

    hf_base_url: str = "https://huggingface.co"
    hf_token: Secret | None = None
    lang: str = "ko"
    top_n: int = 10
    template_dir: Path | None = None
    timezone: str = "Asia/Seoul"
    post_time: time = time(9, 15)
    author: str | None = None
    categories: tuple[str, ...] | None = None  # None: the language's default
    tags: tuple[str, ...] = ("huggingface", "papers", "daily", "ai")
    destinations: tuple[str, ...] = ("local",)
    output_dir: Path = Path("out")
    path_template: str = "_posts/{date}-hf-daily-papers{lang_suffix}.md"
    data_path_template: str | None = None
    github_repository: str | None = None
    github_branch: str | None = None
    github_api_url: str = "https://api.github.com"
    github_token: Secret | None = field(default=None, repr=False)
    github_token_secret: str | None = None
    github_committer_name: str = "hf-daily-digest"
    github_committer_email: str = "hf-daily-digest@users.noreply.github.com"
    github_message_add: str | None = None  # None: each kind's own (publish.github.DEFAULT_MESSAGES)
    github_message_update: str | None = None
    s3_bucket: str | None = None
    s3_prefix: str = ""
    weekly_path_template: str = "_posts/{date}-hf-weekly-papers{lang_suffix}.md"
    # {date}: the week's Sunday, the month's last day
    monthly_path_template: str = "_posts/{date}-hf-monthly-papers{lang_suffix}.md"
    catchup_days: int = 7  # a scheduled run publishes days missing among the 7 before its own
    refresh_days: tuple[int, ...] = (1, 7)  # ... and re-reads these days back, for settled upvotes
    backfill_pace_s: float = 0.75  # seconds per Hugging Face request in a backfill: 400 per 5 minutes
    backfill_queue_url: str | None = None  # in AWS, a range becomes one SQS message per day
    state_path: Path | None = None  # the SQLite state store; None: under the user's cache folder
    state_table: str | None = None  # a DynamoDB table for the state store instead (in AWS)
    summary_model: str | None = None  # a Bedrock model or inference profile id; None: no summaries
    summary_region: str | None = None  # None: the function's own region
    summary_max_papers: int | None = None  # None: every shown paper (the post's top N)
    summary_max_tokens: int = 400  # output tokens per Converse call
    summary_token_budget: int = 60_000  # input + output tokens per run, across all calls
    summary_concurrency: int = 4  # Converse calls at once
    site_url: str | None = None  # the blog's base URL: a post's link is this + the post's path
    permalink: str | None = None  # the blog's permalink for posts; None: as its _config.yml says
    notify: tuple[str, ...] = ()  # channels told about a new digest; empty: none
    notify_top: int = 3
    notify_backfill: str = "skip"  # older days of a backfill or catch-up: skip, or one summary message
    notify_secret: str | None = None  # a Secrets Manager secret holding the channels' webhooks and tokens
    slack_webhook_url: Secret | None = field(default=None, repr=False)
    discord_webhook_url: Secret | None = field(default=None, repr=False)
    telegram_bot_token: Secret | None = field(default=None, repr=False)
    telegram_chat_id: Secret | None = field(default=None, repr=False)
    telegram_api_url: str = "https://api.telegram.org"
    email_from: str | None = None
    email_to: tuple[str, ...] = ()
    email_unsubscribe: str | None = None  # mailto: or https: target of List-Unsubscribe; default: the sender
    feeds: bool = True  # Atom and JSON feeds beside the posts, in every destination
    feed_path_template: str = "feeds/hf-daily-papers.{lang}.atom"
    json_feed_path_template: str = "feeds/hf-daily-papers.{lang}.json"
    papers_feed_path_template: str = "feeds/hf-papers.{lang}.atom"
    papers_json_feed_path_template: str = "feeds/hf-papers.{lang}.json"
    feed_entries: int = 30  # digests kept in a digest feed
    papers_feed_entries: int = 100  # papers kept in a papers feed (ten days of ten papers)
    site: bool = False  # the S3 destination also writes a static HTML site
    # The site's own language, at its root: DIGEST_LANG, kept when a profile's settings take its own lang.
    site_lang: str | None = None
    include: tuple[str, ...] = ()  # topic filter: keep a paper when any term matches
    exclude: tuple[str, ...] = ()  # ... drop it when any matches (exclude wins)
    skip_empty_filtered: bool = False  # a filter that removes every paper writes no post
    topic_tags: int = 5  # front matter tags from the shown papers' keywords; 0: none
    profiles: tuple[Profile, ...] = ()  # named digests, each from the same Hugging Face read
    linked: bool = False  # models, datasets and Spaces citing each shown paper
    bibtex: bool = False  # each paper's BibTeX behind a <details> in the post (the data file: always)
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
        if self.summary_model is not None and not _BEDROCK_MODEL.fullmatch(self.summary_model):
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
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    value = _text(env, name)
    return Secret(value) if value else None


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _token(env: Mapping[str, str], name: str) -> str | None:
    """A token setting, checked to fit in an HTTP header (the error names the variable, never the value)."""
    value = _text(env, name)
    return None if value is None else check_token(value, name)


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = _text(env, name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {raw!r} is not a whole number") from exc


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = _text(env, name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: {raw!r} is not a number of seconds") from exc


def _switch(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    raw = _text(env, name)
    if raw is None:
        return default
    if raw.lower() in _ON:
        return True
    if raw.lower() in _OFF:
        return False
    raise ConfigError(f"{name}: {raw!r} is not on or off")


def parse_days_back(raw: str, name: str = "DIGEST_REFRESH_DAYS") -> tuple[int, ...]:
    """Days back such as "1,7"; "0" alone means none."""
    try:
        numbers = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}))
    except ValueError as exc:
        raise ConfigError(f"{name}: {raw!r} is not a list of whole numbers such as 1,7") from exc
    return () if numbers == (0,) else numbers


def _list(raw: str | None) -> tuple[str, ...] | None:
    if raw is None:
        return None
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def parse_time(raw: str, name: str) -> time:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?", raw.strip())
    if not match:
        raise ConfigError(f"{name}: {raw!r} is not a time of day HH:MM")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def _destinations(raw: str) -> tuple[str, ...]:
    try:
        return parse_destinations(raw)
    except BadInput as exc:
        raise ConfigError(str(exc)) from None


def default_state_path(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CACHE_HOME/hf-digest/state.sqlite3, else ~/.cache/hf-digest/state.sqlite3."""
    env = os.environ if env is None else env
    cache = (env.get("XDG_CACHE_HOME") or "").strip()
    base = Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache"
    return base / "hf-digest" / "state.sqlite3"


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from environment variables (os.environ by default), validated."""
    env = os.environ if env is None else env
    defaults = Settings()
    hf_token = _token(env, "HF_TOKEN")
    github_token = _token(env, "GITHUB_TOKEN")
    template_dir = _text(env, "DIGEST_TEMPLATE_DIR")
    destinations = _text(env, "DIGEST_DESTINATIONS")
    post_time = _text(env, "DIGEST_POST_TIME")
    refresh_days = _text(env, "DIGEST_REFRESH_DAYS")
    state_path = _text(env, "DIGEST_STATE_PATH")
    max_papers = _text(env, "DIGEST_SUMMARY_MAX_PAPERS")
    settings = Settings(
        hf_base_url=(_text(env, "HF_BASE_URL") or defaults.hf_base_url).rstrip("/"),
        hf_token=Secret(hf_token) if hf_token else None,
        lang=(_text(env, "DIGEST_LANG") or defaults.lang).lower(),
        top_n=_int(env, "DIGEST_TOP_N", defaults.top_n),
        template_dir=Path(template_dir) if template_dir else None,
        timezone=_text(env, "DIGEST_TIMEZONE") or defaults.timezone,
        post_time=parse_time(post_time, "DIGEST_POST_TIME") if post_time else defaults.post_time,
        author=_text(env, "DIGEST_AUTHOR"),
        categories=_list(_text(env, "DIGEST_CATEGORIES")),
        tags=_list(_text(env, "DIGEST_TAGS")) or defaults.tags,
        destinations=_destinations(destinations) if destinations else defaults.destinations,
        output_dir=Path(_text(env, "DIGEST_OUTPUT_DIR") or defaults.output_dir),
        path_template=_text(env, "DIGEST_PATH_TEMPLATE") or defaults.path_template,
        data_path_template=_text(env, "DIGEST_DATA_PATH_TEMPLATE"),
        github_repository=_text(env, "GITHUB_REPOSITORY"),
        github_branch=_text(env, "GITHUB_BRANCH"),
        github_api_url=(_text(env, "GITHUB_API_URL") or defaults.github_api_url).rstrip("/"),
        github_token=Secret(github_token) if github_token else None,
        github_token_secret=_text(env, "GITHUB_TOKEN_SECRET"),
        github_committer_name=_text(env, "GITHUB_COMMITTER_NAME") or defaults.github_committer_name,
        github_committer_email=_text(env, "GITHUB_COMMITTER_EMAIL") or defaults.github_committer_email,
        github_message_add=_text(env, "GITHUB_COMMIT_MESSAGE"),
        github_message_update=_text(env, "GITHUB_COMMIT_MESSAGE_UPDATE"),
        s3_bucket=_text(env, "S3_BUCKET"),
        s3_prefix=(_text(env, "S3_PREFIX") or "").strip("/"),
        weekly_path_template=_text(env, "DIGEST_WEEKLY_PATH_TEMPLATE") or defaults.weekly_path_template,
        monthly_path_template=_text(env, "DIGEST_MONTHLY_PATH_TEMPLATE") or defaults.monthly_path_template,
        catchup_days=_int(env, "DIGEST_CATCHUP_DAYS", defaults.catchup_days),
        refresh_days=parse_days_back(refresh_days) if refresh_days else defaults.refresh_days,
        backfill_pace_s=_float(env, "DIGEST_BACKFILL_PACE", defaults.backfill_pace_s),
        backfill_queue_url=_text(env, "DIGEST_BACKFILL_QUEUE_URL"),
        state_path=Path(state_path).expanduser() if state_path else default_state_path(env),
        state_table=_text(env, "DIGEST_STATE_TABLE"),
        summary_model=_text(env, "DIGEST_SUMMARY_MODEL"),
        summary_region=_text(env, "DIGEST_SUMMARY_REGION"),
        summary_max_papers=_int(env, "DIGEST_SUMMARY_MAX_PAPERS", 0) if max_papers else None,
        summary_max_tokens=_int(env, "DIGEST_SUMMARY_MAX_TOKENS", defaults.summary_max_tokens),
        summary_token_budget=_int(env, "DIGEST_SUMMARY_TOKEN_BUDGET", defaults.summary_token_budget),
        summary_concurrency=_int(env, "DIGEST_SUMMARY_CONCURRENCY", defaults.summary_concurrency),
        site_url=(_text(env, "DIGEST_SITE_URL") or "").rstrip("/") or None,
        permalink=_text(env, "DIGEST_PERMALINK"),
        notify=_list((_text(env, "DIGEST_NOTIFY") or "").lower()) or (),
        notify_top=_int(env, "DIGEST_NOTIFY_TOP", defaults.notify_top),
        notify_backfill=(_text(env, "DIGEST_NOTIFY_BACKFILL") or defaults.notify_backfill).lower(),
        notify_secret=_text(env, "DIGEST_NOTIFY_SECRET"),
        slack_webhook_url=_secret(env, "SLACK_WEBHOOK_URL"),
        discord_webhook_url=_secret(env, "DISCORD_WEBHOOK_URL"),
        telegram_bot_token=_secret(env, "TELEGRAM_BOT_TOKEN"),
        telegram_chat_id=_secret(env, "TELEGRAM_CHAT_ID"),
        telegram_api_url=(_text(env, "TELEGRAM_API_URL") or defaults.telegram_api_url).rstrip("/"),
        email_from=_text(env, "DIGEST_EMAIL_FROM"),
        email_to=_list(_text(env, "DIGEST_EMAIL_TO")) or (),
        email_unsubscribe=_text(env, "DIGEST_EMAIL_UNSUBSCRIBE"),
        feeds=_switch(env, "DIGEST_FEEDS", defaults.feeds),
        feed_path_template=_text(env, "DIGEST_FEED_PATH_TEMPLATE") or defaults.feed_path_template,
        json_feed_path_template=(
            _text(env, "DIGEST_JSON_FEED_PATH_TEMPLATE") or defaults.json_feed_path_template
        ),
        papers_feed_path_template=(
            _text(env, "DIGEST_PAPERS_FEED_PATH_TEMPLATE") or defaults.papers_feed_path_template
        ),
        papers_json_feed_path_template=(
            _text(env, "DIGEST_PAPERS_JSON_FEED_PATH_TEMPLATE") or defaults.papers_json_feed_path_template
        ),
        feed_entries=_int(env, "DIGEST_FEED_ENTRIES", defaults.feed_entries),
        papers_feed_entries=_int(env, "DIGEST_PAPERS_FEED_ENTRIES", defaults.papers_feed_entries),
        site=_switch(env, "DIGEST_SITE", defaults.site),
        include=parse_terms(_text(env, "DIGEST_INCLUDE"), "DIGEST_INCLUDE"),
        exclude=parse_terms(_text(env, "DIGEST_EXCLUDE"), "DIGEST_EXCLUDE"),
        skip_empty_filtered=_switch(env, "DIGEST_SKIP_EMPTY_FILTERED"),
        topic_tags=_int(env, "DIGEST_TOPIC_TAGS", defaults.topic_tags),
        profiles=parse_profiles(_text(env, "DIGEST_PROFILES")),
        linked=_switch(env, "DIGEST_LINKED"),
        bibtex=_switch(env, "DIGEST_BIBTEX"),
        retired=tuple(name for name in RETIRED if _text(env, name) is not None),
    )
    return settings.validate()


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
