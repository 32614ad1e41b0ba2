"""Helpers every test may import (fixtures live in conftest.py): the CLI runners, the fake Lambda context and
output capture, sample and event loading, post splitting, hostile text, the Jekyll build, AWS set-up."""

from __future__ import annotations

import contextlib
import email
import email.policy
import io
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

import pytest
import requests
import yaml
from selectolax.lexbor import LexborHTMLParser, LexborNode

from hf_digest.config import Settings
from hf_digest.core.markdown import plain_math
from hf_digest.core.model import (
    Bundle,
    Digest,
    Organization,
    Paper,
    clean_text,
    day_span,
    papers_from_items,
    week_of,
)
from hf_digest.core.rank import digest as rank_digest
from hf_digest.rendering import feeds
from hf_digest.rendering.render import render as render_bundle
from hf_digest.rendering.render import render_post
from tests.github_server import GitHubServer
from tests.hf_server import HFServer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "hf-samples"
EVENTS = REPO / "events"
# The digest's settings; a test starts from none of them, whatever the developer's shell holds.
SETTING_PREFIXES = ("DIGEST_", "GITHUB_", "S3_", "HF_", "SLACK_", "DISCORD_", "TELEGRAM_")
WIRE_LOGGERS = ("botocore", "boto3", "urllib3")

MakeHFServer = Callable[..., HFServer]
MakeGitHubServer = Callable[..., GitHubServer]


def without_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """environ without the digest's settings: for a subprocess that must see only what the test sets."""
    return {k: v for k, v in environ.items() if not k.startswith(SETTING_PREFIXES)}


def load_sample(samples: Path, name: str) -> list[dict[str, Any]]:
    data = json.loads((samples / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def load_event(name: str) -> dict[str, Any]:
    """An event file of events/, as a user sends it."""
    data = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def post_path(day: str, kind: str = "daily") -> str:
    return f"_posts/{day}-hf-{kind}-papers.md"


# --- the command line -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    """What one `hf-digest` command did: its exit code and what it printed."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(
    argv: Sequence[str], env: Mapping[str, str] | None = None, now: datetime | None = None
) -> CliResult:
    """`hf_digest.cli.main(argv)` in this process, as a new `hf-digest` process would run it: the environment
    without the digest's settings plus env, stdout and stderr captured, logging as a new process has it;
    now, when given, is the run's clock (a recording's time)."""
    from hf_digest import cli

    out, err = io.StringIO(), io.StringIO()
    environment = without_settings(os.environ) | dict(env or {})
    with mock.patch.dict(os.environ, environment, clear=True), _fresh_logging():
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(argv), now=now)
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    return CliResult(code, out.getvalue(), err.getvalue())


def run_cli_process(argv: Sequence[str], env: Mapping[str, str] | None = None) -> CliResult:
    """`python -m hf_digest argv` as its own process, seeing only env's settings."""
    done = subprocess.run(
        [sys.executable, "-m", "hf_digest", *argv],
        capture_output=True,
        text=True,
        env=without_settings(os.environ) | dict(env or {}),
        timeout=120,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def hf_digest(
    server: HFServer, *args: str, env: Mapping[str, str] | None = None, now: datetime | None = None
) -> CliResult:
    """The CLI, in process, pointed at the local Hugging Face (at now, when given)."""
    return run_cli(args, {"HF_BASE_URL": server.url, **(env or {})}, now)


def hf_digest_process(server: HFServer, *args: str, env: Mapping[str, str] | None = None) -> CliResult:
    """The installed CLI as a user runs it, pointed at the local Hugging Face."""
    return run_cli_process(args, {"HF_BASE_URL": server.url, **(env or {})})


@contextlib.contextmanager
def _fresh_logging() -> Iterator[None]:
    """No root handlers and every logger the digest touches as new; all put back afterwards."""
    root = logging.getLogger()
    loggers = [logging.getLogger(name) for name in ("hf_digest", *WIRE_LOGGERS)]
    saved = [(lg, list(lg.handlers), lg.propagate, lg.level) for lg in (root, *loggers)]
    stream = _powertools_stream()
    root.handlers = []
    for logger in loggers:
        logger.handlers, logger.propagate = [], True
        logger.setLevel(logging.NOTSET)
    try:
        yield
    finally:
        for logger, handlers, propagate, level in saved:
            logger.handlers, logger.propagate = handlers, propagate
            logger.setLevel(level)
        if stream is not None:  # `invoke` points Powertools' handler at its stderr
            _powertools_handler().setStream(stream)


def _powertools_handler() -> logging.StreamHandler[Any]:
    from hf_digest.observability import logger

    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    return handler


def _powertools_stream() -> Any:
    return _powertools_handler().stream if "hf_digest.observability" in sys.modules else None


# --- the Lambda handler ---------------------------------------------------------------------------------


@dataclass
class FakeContext:
    """The attributes of Lambda's context object that Powertools and the handler read."""

    remaining_ms: int = 120_000
    function_name: str = "hf-daily-digest-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:hf-daily-digest-test"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


class Stdout(io.TextIOBase):
    """Writes to whatever sys.stdout is at the time, so capsys sees Powertools' log lines."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)


class Output:
    """What the function wrote to stdout (Powertools' JSON log lines and EMF metrics), kept whole."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys
        self._seen = ""
        self._errors = ""

    def text(self) -> str:
        captured = self._capsys.readouterr()
        self._seen += captured.out
        self._errors += captured.err
        return self._seen

    def stderr(self) -> str:
        self.text()
        return self._errors

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text().splitlines() if line.startswith("{")]

    def lines(self, message: str | None = None) -> list[dict[str, Any]]:
        """Log lines; with message, those whose message is it or starts with it and ": "."""
        return [
            r
            for r in self.records()
            if "message" in r and (message is None or f"{r['message']}: ".startswith(f"{message}: "))
        ]

    def metrics(self) -> list[dict[str, float]]:
        """One {metric name: value} per EMF blob, in order: one blob per invocation."""
        blobs = []
        for blob in self.records():
            directives = blob.get("_aws", {}).get("CloudWatchMetrics", [])
            names = [m["Name"] for d in directives for m in d["Metrics"]]
            if names and names != ["ColdStart"]:
                blobs.append({name: _last(blob[name]) for name in names})
        return blobs


def _last(value: Any) -> float:
    return float(value[-1] if isinstance(value, list) else value)


# --- AWS on moto_server ---------------------------------------------------------------------------------


@contextlib.contextmanager
def quiet_botocore() -> Iterator[None]:
    """For the suite's own AWS calls, whose botocore DEBUG lines would put signatures into the scan."""
    botocore_logger = logging.getLogger("botocore")
    saved = botocore_logger.level
    botocore_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        botocore_logger.setLevel(saved)


def create_secret(name: str, value: str) -> None:
    import boto3

    with quiet_botocore():
        boto3.client("secretsmanager").create_secret(Name=name, SecretString=value)


def deny_put_policy(bucket: str) -> str:
    """A bucket policy refusing every PutObject into bucket (moto_server enforces an explicit Deny)."""
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [deny]})


def receive(url: str, wanted: int) -> list[dict[str, Any]]:
    """Up to `wanted` messages, as Lambda's poller takes them (hidden from others while being worked on)."""
    import boto3

    sqs = boto3.client("sqs", region_name="us-east-1")
    messages: list[dict[str, Any]] = []
    for _ in range(5):
        got = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=min(10, wanted - len(messages)), AttributeNames=["All"]
        ).get("Messages", [])
        messages += got
        if not got or len(messages) >= wanted:
            break
    return messages


def sqs_event(messages: list[dict[str, Any]], arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping sends for these messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


# --- posts: splitting, hostile text, the reference day ----------------------------------------------------

SAMPLE_DAY = date(2026, 2, 10)
# Jekyll's own front matter pattern (jekyll/lib/jekyll/document.rb YAML_FRONT_MATTER_REGEXP).
JEKYLL_FRONT_MATTER = re.compile(r"\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)", re.MULTILINE | re.DOTALL)

HOSTILE = (
    "{{ site.title }}",
    "{% endraw %}",
    "{% raw %}",
    "key: value",
    "'single' and \"double\" quotes",
    "# not a heading",
    "<script>alert(1)</script>",
    "a | b | c",
    "1. not a list",
    "$\\times$ faster",
    "$a_b_c$",
    "_a_b_",
    "**bold**",
    "[x](javascript:alert(1))",
    "right\u200fto\u200fleft",
    "emoji 🤗",
    "한국어 제목",
    "$$x^2$$",
    "`code`",
    "~~strike~~",
    "- dash",
    "> quote",
    "& &amp;",
)
# A missing value printed: "기관: None", "(null)", "None명", "⭐ None" (abstracts may say "Nonetheless").
MISSING = re.compile(r"(?:: |\(|\[|👍 |⭐ )(?:None|null)\b|None명|\b(?:None|null)$", re.MULTILINE)
LONG_TITLE = "A very long title " * 560  # about 10 kB
# Pieces that mean something to Liquid, YAML, HTML or kramdown, mixed into arbitrary text.
SPECIALS = [
    "{{", "}}", "{%", "%}", "{% endraw %}", ": ", "- ", "#", "'", '"', "[", "]", "|", "*", "_", "`", "$$",
    "$", "\\", "<", ">", "&", "1. ", "---", "\n", "\u200f", "🤗", "한국어", "this https URL", "https://x.io/a_(b)",
]  # fmt: skip


def split_post(text: str) -> tuple[dict[str, Any], str]:
    """(front matter values, body) the way Jekyll splits a post."""
    match = JEKYLL_FRONT_MATTER.match(text)
    assert match, "no front matter Jekyll would read"
    values = yaml.safe_load(match[1])
    assert isinstance(values, dict)
    return values, text[match.end() :]


def day_digest(samples: Path, top_n: int, name: str = "daily_papers_date_2026-02-10.json") -> Digest:
    papers, _ = papers_from_items(load_sample(samples, name))
    return rank_digest(day_span(SAMPLE_DAY), papers, top_n)


def hostile_paper(index: int, title: str) -> Paper:
    text = clean_text(title)
    return Paper(
        arxiv_id=f"2602.{index:05d}",
        title=text,
        abstract=f"{text} Code: this https URL . " + " ".join(HOSTILE),
        upvotes=100 - index,
        authors=("A", "B"),
        organization=Organization(name="evil-org", fullname=text),
        github_repo="https://github.com/evil/repo(1) x<y>{{z}}",
        github_stars=index,
        project_page="https://evil.example/p?a=1&b={%2}",
        ai_summary=" ".join(HOSTILE),
    )


def hostile_digest(day: date = SAMPLE_DAY) -> Digest:
    papers = tuple(hostile_paper(i, t) for i, t in enumerate((*HOSTILE, LONG_TITLE), start=1))
    return Digest(span=day_span(day), papers=papers, total=len(papers) + 5)


# --- a real Jekyll build ----------------------------------------------------------------------------------

SITE_TITLE = "Sentinel Site Title 7f3a"
LAYOUT = """<!DOCTYPE html>
<html><head><title>{{ page.title }}</title></head>
<body><h1 id="page-title">{{ page.title }}</h1>
<p id="date">{{ page.date | date: "%Y-%m-%d %H:%M:%S %z" }}</p>
<p id="author">{{ page.author | xml_escape }}</p>
<article id="post">{{ content }}</article></body></html>
"""
CONTROL = "---\ntitle: control\n---\n{{ site.title }} and *emphasis* | a | b |\n"
# kramdown's typographic quotes are the only change a reader sees; map them back to compare.
QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def site_config(kramdown_input: str) -> str:
    return yaml.safe_dump(
        {
            "title": SITE_TITLE,
            "markdown": "kramdown",
            "kramdown": {"input": kramdown_input},
            "timezone": "Asia/Seoul",
            "permalink": "/:year/:month/:day/:title.html",
            "defaults": [{"scope": {"path": "", "type": "posts"}, "values": {"layout": "post"}}],
        }
    )


def jekyll_build(tmp_path: Path, posts: dict[str, bytes], kramdown_input: str) -> Path:
    """A real `jekyll build --safe` of these posts (path -> bytes) beside a control post; the built site."""
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not on PATH (Debian: apt-get install -y jekyll)")
    source, dest = tmp_path / "site", tmp_path / "public"
    (source / "_layouts").mkdir(parents=True)
    (source / "_config.yml").write_text(site_config(kramdown_input), encoding="utf-8")
    (source / "_layouts" / "post.html").write_text(LAYOUT, encoding="utf-8")
    for path, content in posts.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(content)
    # A control post of raw Markdown: proves Liquid and kramdown really run on posts in this site.
    (source / "_posts" / "2026-02-09-control.md").write_text(CONTROL, encoding="utf-8")
    done = subprocess.run(
        [jekyll, "build", "--safe", "-s", str(source), "-d", str(dest)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return dest


def page(dest: Path, day: date, slug: str | None = None) -> LexborHTMLParser:
    """The built page of day's post (its slug is its file name: 2026-02-10-hf-daily-papers), or of slug."""
    path = dest / f"{day:%Y/%m/%d}" / f"{slug or f'{day}-hf-daily-papers'}.html"
    assert path.is_file(), f"no page at {path.relative_to(dest)}: {sorted(map(str, dest.rglob('*.html')))}"
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def article(dest: Path, day: date, slug: str | None = None) -> LexborNode:
    node = page(dest, day, slug).css_first("article#post")
    assert node is not None
    return node


def visible(node: LexborNode) -> str:
    return node.text(deep=True).translate(QUOTES)  # selectolax already decodes entities


# --- what a rendered post's HTML must look like, whoever rendered it ---------------------------

# kramdown's typographic quotes and ellipsis are the only changes a reader sees; map them back to compare.
TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."})
_PLACEHOLDER = re.compile(r"\bthis https? URL\b")


def first(node: LexborNode | LexborHTMLParser, selector: str) -> LexborNode:
    """The first node under node that selector matches; the test fails when there is none."""
    found = node.css_first(selector)
    assert found is not None, f"nothing matches {selector!r}"
    return found


def children(node: LexborNode) -> list[LexborNode]:
    """node's child elements (text left out)."""
    return list(node.iter(include_text=False))


def shown_abstract(paper: Paper) -> str:
    """The abstract as a reader should see it: LaTeX shown as Unicode, arXiv's placeholder as a link."""
    return " ".join(_PLACEHOLDER.sub("arXiv", plain_math(paper.abstract)).split())


def assert_folded(item: LexborNode, paper: Paper, label: str) -> None:
    """The ranking item holds the paper's abstract, folded: <details><summary>label</summary><p>…</p>."""
    folds = [child for child in children(item) if child.tag == "details"]
    assert len(folds) == 1, f"{paper.arxiv_id}: {len(folds)} <details> directly in its item"
    [fold] = folds
    assert [child.tag for child in children(fold)] == ["summary", "p"], f"{paper.arxiv_id}: {fold.html}"
    summary, text = children(fold)
    assert summary.text() == label and children(summary) == [], f"{paper.arxiv_id}: {summary.html}"
    shown = " ".join(text.text(deep=True).translate(TYPOGRAPHY).split())
    assert shown == shown_abstract(paper), paper.arxiv_id
    for link in text.css("a"):
        assert (link.attributes.get("href") or "").startswith(("https://", "http://")), link.html


# The only HTML a post holds: the folded abstract (ko 초록, en Abstract); everything else is Markdown.
FOLD = re.compile(r'<details markdown="1">\n *<summary>(?:초록|Abstract)</summary>|</details>')


def post_text(digest: Digest, settings: Settings | None = None, lang: str | None = None) -> str:
    return render_post(digest, settings or Settings(), lang).content.decode("utf-8")


def without_folds(body: str) -> str:
    """body without the folded abstracts' own tags: what is left must hold no HTML at all."""
    return FOLD.sub("", body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_site(tmp_path: Path, posts: list[tuple[Digest, Settings]], kramdown_input: str) -> Path:
    """A real Jekyll build of the posts rendered from these digests."""
    rendered = [render_post(digest, settings) for digest, settings in posts]
    return jekyll_build(tmp_path, {post.path: post.content for post in rendered}, kramdown_input)


def create_state_table(client: DynamoDBClient, name: str | None = None) -> str:
    """A state table shaped as template.yaml makes it (hash key `key`, TTL on `expires_at`); its name."""
    name = name or f"digest-state-{uuid.uuid4().hex[:12]}"
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    return name


def hostile_papers(papers: Sequence[Paper], count: int = 10) -> list[Paper]:
    """papers with long Korean titles, organizations and summaries full of markup and emoji."""
    title = "<b>굵게</b> & 한국어로 쓴 아주 긴 제목 _밑줄_ *별표* | 파이프 `코드` [링크](x) @everyone 🚀🔥 "
    summary = "이 논문은 <모델> & 데이터를 제안한다. 결과는 *좋았다* _정말로_ | 그렇다! "
    return [
        replace(
            paper,
            title=(f"{n}번 " + title * 6).strip(),
            organization=Organization(
                paper.organization.name if paper.organization else "org", "<i>Lab</i> & *Co*"
            ),
            ai_summary=(summary * 20).strip(),
        )
        for n, paper in enumerate(papers[:count], start=1)
    ]


def sent_from(endpoint: str, sender: str) -> list[tuple[list[str], EmailMessage]]:
    """The raw messages moto's SES holds from sender: (envelope recipients, parsed message)."""
    data = requests.get(f"{endpoint}/moto-api/data.json", timeout=10).json()
    found = []
    for item in data.get("ses", {}).get("RawMessage", []):
        if item["source"] == sender:
            message = email.message_from_string(item["raw_data"], policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            found.append((item["destinations"], message))
    return found


def jekyll_default_build(tmp_path: Path, files: dict[str, bytes]) -> list[str]:
    """`jekyll build` of files in a site with default settings (permalink `date`); the pages' paths."""
    jekyll = shutil.which("jekyll")
    if jekyll is None:
        pytest.skip("jekyll is not on PATH (Debian: apt-get install -y jekyll)")
    source, dest = tmp_path / "default-site", tmp_path / "default-public"
    source.mkdir()
    (source / "_config.yml").write_text("title: blog\n", encoding="utf-8")
    for path, content in files.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(content)
    done = subprocess.run(
        [jekyll, "build", "--safe", "-s", str(source), "-d", str(dest)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return sorted("/" + str(page.relative_to(dest)) for page in dest.rglob("*.html"))


# --- the real Chirpy theme (tests/integration/test_chirpy.py) ---------------------------------------------

CHIRPY_VERSION = "5.3.21"
# `make test` fetches it (npm pack, see the Makefile); Debian's ruby-jekyll-* packages are its plugins.
CHIRPY_PACKAGE = REPO / ".cache" / "chirpy" / f"jekyll-theme-chirpy-{CHIRPY_VERSION}.tgz"
CHIRPY_PLUGINS = (
    "jekyll-paginate", "jekyll-redirect-from", "jekyll-seo-tag", "jekyll-archives", "jekyll-sitemap",
    "jekyll-include-cache",
)  # fmt: skip


def chirpy_site(root: Path) -> Path:
    """npm's jekyll-theme-chirpy made a site of its own (FACTS.md): no `theme:`, its plugins listed, the
    stylesheet importing the theme by name, tr-TR.yml (a Ruby symbol Debian's YAML refuses) and its sample
    posts gone, and a git repository (its last-modified hook asks git). Skips without jekyll or the theme."""
    if shutil.which("jekyll") is None:
        pytest.skip("jekyll is not on PATH (Debian: apt-get install -y jekyll)")
    if not CHIRPY_PACKAGE.is_file():
        pytest.skip(f"the Chirpy theme is not at {CHIRPY_PACKAGE}: run `make chirpy` (npm pack)")
    with tarfile.open(CHIRPY_PACKAGE) as package:
        package.extractall(root, filter="data")
    site = root / "package"
    config = (site / "_config.yml").read_text(encoding="utf-8")
    config = re.sub(r"^theme:.*$", "", config, flags=re.MULTILINE)
    config += "\nplugins:\n" + "".join(f"  - {name}\n" for name in CHIRPY_PLUGINS)
    (site / "_config.yml").write_text(config, encoding="utf-8")
    style = site / "assets" / "css" / "style.scss"
    style.write_text(style.read_text(encoding="utf-8").replace("{{ site.theme }}", "jekyll-theme-chirpy"))
    for gone in ("_data/locales/tr-TR.yml", "Gemfile", "jekyll-theme-chirpy.gemspec"):
        (site / gone).unlink(missing_ok=True)
    shutil.rmtree(site / "_posts")
    (site / "_posts").mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Chirpy"]):
        subprocess.run([*git, *args], cwd=site, check=True, capture_output=True, timeout=60)
    return site


def chirpy_build(site: Path) -> tuple[Path, str]:
    """`jekyll build` of site: the built folder and what jekyll printed."""
    public = site.parent / "public"
    done = subprocess.run(
        ["jekyll", "build", "-s", str(site), "-d", str(public)],
        capture_output=True, text=True, timeout=600, cwd=site, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return public, done.stdout + done.stderr


# --- feeds and the S3 site ---------------------------------------------------------------------------------

SAMPLE_DAYS = ("2026-02-06", "2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13")
# Titles a feed or page must show as typed: Liquid, markup, CDATA ends, entities, bidi controls, emoji,
# a C0 control (XML 1.0 cannot hold it: it is dropped) and Korean.
FEED_HOSTILE_TITLES = (
    "{{ site.title }} and {% raw %}",
    "<script>alert('x')</script> & <b>bold</b>",
    "]]> closes CDATA ]]&gt;",
    "&amp; &lt; &#x3c; entities",
    "right\u202eto\u202cleft and \u2066isolate\u2069",
    "emoji 🤗🚀 and 한국어 제목",
    "bell\x07 and form\x0cfeed",
)


def sample_digest(samples: Path, day: str = "2026-02-10", top_n: int = 10) -> Digest:
    """The sample day's papers, ranked."""
    papers, _ = papers_from_items(load_sample(samples, f"daily_papers_date_{day}.json"))
    return rank_digest(day_span(date.fromisoformat(day)), papers, top_n)


def with_upvotes(digest: Digest, extra: int) -> Digest:
    """The same span with every paper's upvotes raised by extra (a refresh that moved the numbers)."""
    papers = tuple(replace(p, upvotes=p.upvotes + extra) for p in digest.papers)
    return replace(digest, papers=papers)


def feed_hostile_digest(day: date = date(2026, 2, 11)) -> Digest:
    """A day whose every text field is hostile; the texts are raw, not cleaned by the model."""
    papers = tuple(
        Paper(
            arxiv_id=f"2602.{index:05d}",
            title=title,
            abstract=f"Abstract of {title} <img src=x onerror=alert(1)> [link](javascript:alert(1))",
            upvotes=100 - index,
            authors=("A", "B"),
            organization=Organization(name="evil-org", fullname=title),
            github_repo="https://github.com/evil/repo?a=1&b=<x>",
            github_stars=index,
            ai_summary=f"Summary {title}",
            thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2602.00001.png",
        )
        for index, title in enumerate(FEED_HOSTILE_TITLES, start=1)
    )
    return Digest(span=day_span(day), papers=papers, total=len(papers) + 3)


def week_digest(samples: Path, top_n: int = 10) -> Digest:
    """The week of 2026-02-09 from the sample days in it."""
    papers: list[Paper] = []
    for day in ("2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13"):
        papers += sample_digest(samples, day, 0).papers
    return rank_digest(week_of(date(2026, 2, 9)), papers, top_n)


def digest_bundle(
    digest: Digest, settings: Settings, counts_read: date | None = None, lang: str | None = None
) -> Bundle:
    """What the digest run hands the publishers: the post, then its feed (and site) files."""
    post = render_bundle(digest, settings, lang, counts_read=counts_read).files[0]
    derived = feeds.derived_files(digest, post, settings, lang, counts_read=counts_read)
    return Bundle(digest.span, (post, *derived))


def publish_to(held: dict[str, bytes], bundle: Bundle, destination: str = "s3") -> dict[str, bytes]:
    """held (path -> bytes) after a destination writes bundle as the publishers do: in order, each derived
    file merged from its source as held now; a file whose pattern matches what is held, or that amends
    what is not there, left unwritten."""
    for file in bundle.files_for(destination):
        was = held.get(file.path)
        content = file.content_for(held.get(file.source))
        if (file.amends and was is None) or (was is not None and (was == content or file.holds(was))):
            continue
        held[file.path] = content
    return held


SCHEMAS = Path(__file__).resolve().parent / "schemas"


def jing_errors(tmp_path: Path, feeds: Mapping[str, bytes]) -> str | None:
    """What Debian's jing says against tests/schemas/atom.rnc (RFC 4287) about each Atom feed; None: valid.
    Skips the test when jing is not installed (.ci/run installs it)."""
    exe = shutil.which("jing")
    if exe is None:
        pytest.skip("jing is not on PATH (Debian: apt-get install -y jing; .ci/run installs it)")
    files = []
    for name, data in feeds.items():
        target = tmp_path / f"jing-{name.replace('/', '_')}"
        target.write_bytes(data)
        files.append(str(target))
    checked = subprocess.run(
        [exe, "-c", str(SCHEMAS / "atom.rnc"), *files], capture_output=True, text=True, check=False
    )
    return None if checked.returncode == 0 else checked.stdout + checked.stderr


def json_feed_schema_errors(data: bytes) -> list[str]:
    """Where data breaks the JSON Feed 1.1 schema (tests/schemas/jsonfeed-1.1.json), formats checked."""
    import jsonschema

    schema = json.loads((SCHEMAS / "jsonfeed-1.1.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(data))]


class _TemplateLoader(yaml.SafeLoader):
    """Keeps CloudFormation's short tags as {"!Tag": value}, so a test can read what they say."""


def _template_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {f"!{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _template_tag)


def load_template(path: Path | None = None) -> dict[str, Any]:
    """template.yaml (or path) as data, its short tags (!Ref, !Sub, …) kept as {"!Tag": value}."""
    loaded: dict[str, Any] = yaml.load(
        (path or REPO / "template.yaml").read_text(encoding="utf-8"), _TemplateLoader
    )
    return loaded
