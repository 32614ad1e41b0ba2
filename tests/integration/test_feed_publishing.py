"""Feeds (and the S3 site) through the real publishers: the local folder, the git-backed GitHub server and
moto_server over HTTP. New day, refresh, out of order, the limit, runs at once, reruns that write nothing."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser

from hf_digest.adapters.publish import Publisher
from hf_digest.adapters.publish.github import GitHubPublisher
from hf_digest.adapters.publish.local import LocalPublisher
from hf_digest.adapters.publish.s3 import S3Publisher
from hf_digest.config import Secret, Settings
from hf_digest.core.model import Bundle
from hf_digest.outbound.deadline import Deadline
from hf_digest.rendering.feeds import entries_in
from tests.bedrock_server import BedrockServer
from tests.helpers import (
    MakeGitHubServer,
    digest_bundle,
    first,
    hf_digest,
    sample_digest,
    week_digest,
    with_upvotes,
)
from tests.hf_server import HFServer

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

TOKEN = "github_pat_feed_test_token_0123456789"
ATOM = "feeds/hf-daily-papers.ko.atom"
JSON = "feeds/hf-daily-papers.ko.json"
PAPERS = "feeds/hf-papers.ko.atom"


@dataclass
class Destination:
    """One destination under test: a fresh publisher per run, what it holds, and how many writes it took."""

    name: str
    settings: Settings
    make: Callable[[], Publisher]
    held: Callable[[str], bytes | None]
    writes: Callable[[], int]

    def publish(self, bundle: Bundle) -> str:
        return self.make().publish(bundle, Deadline.after(60)).status

    def dates(self, path: str = ATOM) -> list[str]:
        return [entry.published[:10] for entry in entries_in("atom", self.held(path))]


def local_destination(tmp_path: Path) -> Destination:
    root = tmp_path / "out"
    return Destination(
        "local",
        Settings(),
        lambda: LocalPublisher(root),
        lambda path: (root / path).read_bytes() if (root / path).is_file() else None,
        lambda: sum(p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()),
    )


def github_destination(make_github_server: MakeGitHubServer) -> Destination:
    server = make_github_server(token=TOKEN)
    settings = Settings(
        github_repository=server.full_name,
        github_api_url=server.api_url,
        github_token=Secret(TOKEN),
        github_branch="main",
    )

    def make() -> Publisher:
        publisher = GitHubPublisher.from_settings(settings)
        publisher.api.backoff_s = 0.02
        return publisher

    destination = Destination(
        "github",
        settings,
        make,
        lambda path: server.read_file("main", path),
        lambda: len(server.git_log("main")),
    )
    destination.server = server  # type: ignore[attr-defined]
    return destination


def s3_destination(moto_endpoint: str, site: bool = False) -> Destination:
    client: S3Client = boto3.client("s3", region_name="us-east-1")
    bucket = f"feeds-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    settings = Settings(destinations=("s3",), s3_bucket=bucket, site=site)

    def held(path: str) -> bytes | None:
        try:
            return client.get_object(Bucket=bucket, Key=path)["Body"].read()
        except client.exceptions.NoSuchKey:
            return None

    def writes() -> int:
        return len(client.list_object_versions(Bucket=bucket).get("Versions", []))

    destination = Destination("s3", settings, lambda: S3Publisher.from_settings(settings), held, writes)
    destination.client, destination.bucket = client, bucket  # type: ignore[attr-defined]
    return destination


@pytest.fixture(params=["local", "github", "s3"])
def destination(
    request: pytest.FixtureRequest, tmp_path: Path, make_github_server: MakeGitHubServer
) -> Iterator[Destination]:
    if request.param == "local":
        yield local_destination(tmp_path)
    elif request.param == "github":
        yield github_destination(make_github_server)
    else:
        yield s3_destination(request.getfixturevalue("moto_endpoint"))


def day(samples: Path, name: str, settings: Settings, **options: Any) -> Bundle:
    counts_read = options.pop("counts_read", None)
    return digest_bundle(sample_digest(samples, name, **options), settings, counts_read)


def test_a_new_day_adds_its_entry_beside_the_post(destination: Destination, samples_dir: Path) -> None:
    s = destination.settings
    assert destination.publish(day(samples_dir, "2026-02-10", s)) == "created"
    assert destination.publish(day(samples_dir, "2026-02-11", s)) == "created"  # a new post, feeds updated
    assert destination.dates() == ["2026-02-11", "2026-02-10"]
    assert [e.published[:10] for e in entries_in("json", destination.held(JSON))] == [
        "2026-02-11",
        "2026-02-10",
    ]
    assert len(entries_in("atom", destination.held(PAPERS))) == 20
    assert destination.held("_posts/2026-02-11-hf-daily-papers.md") is not None


def test_a_rerun_writes_nothing(destination: Destination, samples_dir: Path) -> None:
    bundle = day(samples_dir, "2026-02-10", destination.settings, counts_read=date(2026, 2, 11))
    destination.publish(bundle)
    before = destination.writes()
    assert destination.publish(bundle) == "unchanged"
    later = day(samples_dir, "2026-02-10", destination.settings, counts_read=date(2026, 2, 14))
    assert destination.publish(later) == "unchanged"  # read again days later, same numbers
    assert destination.writes() == before


def test_a_refresh_updates_the_entry_in_place(destination: Destination, samples_dir: Path) -> None:
    s = destination.settings
    for name in ("2026-02-10", "2026-02-11"):
        destination.publish(day(samples_dir, name, s))
    refreshed = with_upvotes(sample_digest(samples_dir, "2026-02-10"), 9)
    assert destination.publish(digest_bundle(refreshed, s, date(2026, 2, 17))) == "updated"
    entries = entries_in("atom", destination.held(ATOM))
    assert [e.published[:10] for e in entries] == ["2026-02-11", "2026-02-10"]
    assert entries[1].updated.startswith("2026-02-17") and entries[0].updated.startswith("2026-02-11")
    assert f"👍 {refreshed.papers[0].upvotes}" in entries[1].content_html


def test_days_in_any_order_stay_sorted_and_the_limit_holds(
    destination: Destination, samples_dir: Path
) -> None:
    s = replace(destination.settings, feed_entries=3)
    for name in ("2026-02-12", "2026-02-09", "2026-02-11", "2026-02-06", "2026-02-13", "2026-02-10"):
        destination.publish(day(samples_dir, name, s))
    destination.publish(digest_bundle(week_digest(samples_dir), s))
    assert destination.dates() == ["2026-02-15", "2026-02-13", "2026-02-12"]


def test_runs_at_once_never_lose_an_entry(destination: Destination, samples_dir: Path) -> None:
    names = ("2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12")
    bundles = [day(samples_dir, name, destination.settings) for name in names]
    gate = threading.Barrier(len(bundles), timeout=20)
    if destination.name == "github":  # every run reads the same head before any writes
        destination.server.hold("POST", "/repos/octo/blog/git/blobs", gate)  # type: ignore[attr-defined]

    def run(bundle: Bundle) -> str:
        publisher = destination.make()
        if isinstance(publisher, S3Publisher):  # every run has read the feed before any writes it
            _before_put(publisher, ATOM, gate.wait)
        return publisher.publish(bundle, Deadline.after(60)).status

    with ThreadPoolExecutor(len(bundles)) as pool:
        assert list(pool.map(run, bundles)) == ["created"] * len(bundles)
    assert destination.dates() == sorted(names, reverse=True)
    assert len(entries_in("atom", destination.held(PAPERS))) == 40
    assert [e.published[:10] for e in entries_in("json", destination.held(JSON))] == sorted(
        names, reverse=True
    )


def _before_put(publisher: S3Publisher, key: str, action: Callable[[], object]) -> None:
    """Run action once, just before the publisher's first PutObject of key."""
    done = False

    def hook(params: dict[str, Any], **_: Any) -> None:
        nonlocal done
        if not done and params["url_path"].endswith("/" + key):
            done = True
            action()

    publisher.client.meta.events.register("before-call.s3.PutObject", hook)


def test_github_puts_the_post_and_its_feeds_in_one_commit(
    make_github_server: MakeGitHubServer, samples_dir: Path
) -> None:
    destination = github_destination(make_github_server)
    server = destination.server  # type: ignore[attr-defined]
    destination.publish(day(samples_dir, "2026-02-10", destination.settings))
    assert server.git_log("main") == ["Add Hugging Face Daily Papers for 2026-02-10", "Init"]
    changed = server.git.git("show", "--name-only", "--format=", "refs/heads/main").split()
    assert sorted(changed) == sorted(
        ["_posts/2026-02-10-hf-daily-papers.md", ATOM, JSON, PAPERS, "feeds/hf-papers.ko.json"]
    )


def test_github_merges_again_when_another_run_lands_a_day_meanwhile(
    make_github_server: MakeGitHubServer, samples_dir: Path
) -> None:
    destination = github_destination(make_github_server)
    server = destination.server  # type: ignore[attr-defined]
    other = day(samples_dir, "2026-02-09", destination.settings)

    def other_run() -> None:
        held = {f.path: f.content_for(server.read_file("main", f.source)) for f in other.files}
        server.commit_files("main", held, "Other run")

    server.before_ref_update(other_run)
    assert destination.publish(day(samples_dir, "2026-02-10", destination.settings)) == "created"
    assert server.git_log("main")[:2] == ["Add Hugging Face Daily Papers for 2026-02-10", "Other run"]
    assert destination.dates() == ["2026-02-10", "2026-02-09"]


def test_s3_objects_carry_their_types_and_caches(moto_endpoint: str, samples_dir: Path) -> None:
    destination = s3_destination(moto_endpoint, site=True)
    client, bucket = destination.client, destination.bucket  # type: ignore[attr-defined]
    destination.publish(day(samples_dir, "2026-02-10", destination.settings))
    expected = {
        ATOM: ("application/atom+xml; charset=utf-8", "public, max-age=300"),
        JSON: ("application/feed+json; charset=utf-8", "public, max-age=300"),
        "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "site/index.json": ("application/json", "public, max-age=300"),
        "daily/2026-02-10.html": ("text/html; charset=utf-8", "public, max-age=86400"),
        "_posts/2026-02-10-hf-daily-papers.md": ("text/markdown; charset=utf-8", "public, max-age=300"),
    }
    for key, (content_type, cache) in expected.items():
        head = client.head_object(Bucket=bucket, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache), key
    css = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="assets/")["Contents"]]
    assert [client.head_object(Bucket=bucket, Key=k)["CacheControl"] for k in css] == [
        "public, max-age=31536000, immutable"
    ]


def test_s3_site_index_keeps_every_day_when_runs_race(moto_endpoint: str, samples_dir: Path) -> None:
    destination = s3_destination(moto_endpoint, site=True)
    names = ("2026-02-10", "2026-02-11", "2026-02-12")
    bundles = [day(samples_dir, name, destination.settings) for name in names]
    gate = threading.Barrier(len(bundles), timeout=20)

    def run(bundle: Bundle) -> str:
        publisher = destination.make()
        assert isinstance(publisher, S3Publisher)
        _before_put(publisher, "site/index.json", gate.wait)  # all read the manifest before any writes it
        return publisher.publish(bundle, Deadline.after(60)).status

    with ThreadPoolExecutor(len(bundles)) as pool:
        assert list(pool.map(run, bundles)) == ["created"] * 3
    index = (destination.held("index.html") or b"").decode()
    assert all(f'href="daily/{name}.html"' in index for name in names)
    before = destination.writes()
    assert destination.publish(bundles[0]) == "unchanged"
    assert destination.writes() == before


def test_the_site_is_not_written_to_github_or_the_folder(tmp_path: Path, samples_dir: Path) -> None:
    local = local_destination(tmp_path)
    local.publish(day(samples_dir, "2026-02-10", Settings(site=True)))
    assert local.held("index.html") is None and local.held(ATOM) is not None


def test_the_cli_gives_each_language_its_own_linked_page_with_the_posts_summary(
    hf_server: HFServer, moto_endpoint: str, bedrock: BedrockServer, tmp_path: Path
) -> None:
    """Through the run layer: a Korean and an English run of one day with Bedrock summaries on."""
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    bucket = f"site-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    env = {
        "S3_BUCKET": bucket,
        "AWS_ENDPOINT_URL": moto_endpoint,
        "DIGEST_SITE": "on",
        "DIGEST_SUMMARY_MODEL": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3"),
    }

    posts: dict[str, str] = {}

    def run(lang: str) -> str:
        argv = ("run", "--date", "2026-02-10", "--dest", "s3", "--lang", lang, "--json")
        done = hf_digest(hf_server, *argv, env=env)
        assert done.exit_code == 0, done.stderr
        [delivery] = json.loads(done.stdout)["destinations"]
        posts[lang] = delivery["location"].removeprefix(f"s3://{bucket}/")
        return str(delivery["status"])

    def get(key: str) -> str:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()

    assert run("ko") == "created"
    assert s3.list_objects_v2(Bucket=bucket, Prefix="en/")["KeyCount"] == 0  # nothing made for English
    assert run("en") == "created"
    for path, lang, other, href in (
        ("daily/2026-02-10.html", "ko", "en", "../en/daily/2026-02-10.html"),
        ("en/daily/2026-02-10.html", "en", "ko", "../../daily/2026-02-10.html"),
    ):
        doc = LexborHTMLParser(get(path))
        assert first(doc, "html").attributes["lang"] == lang
        assert [(a.attributes["hreflang"], a.attributes["href"]) for a in doc.css("p.languages a")] == [
            (other, href)
        ]
        label, summary = "요약" if lang == "ko" else "Summary", first(doc, "p.summary").text()
        post = get(posts[lang])
        # the post's three lines (issue 24), which the page and the feed show as one paragraph
        labels = ("문제: ", "방법: ", "결과: ") if lang == "ko" else ("Problem: ", "Method: ", "Result: ")
        lines = [
            next(line for line in post.splitlines() if line.lstrip().startswith(f"- {name}")).split(name, 1)[
                1
            ]
            for name in labels
        ]
        assert summary == f"{label} {' '.join(lines)}"  # the post's text, label and all
        papers = feedparser.parse(get(f"feeds/hf-papers.{lang}.atom")).entries
        assert papers[0].summary == " ".join(lines)
    assert "기존 방법은" in first(LexborHTMLParser(get("daily/2026-02-10.html")), "p.summary").text()
    assert [run("ko"), run("en")] == ["unchanged", "unchanged"]  # a rerun of either writes nothing


def test_s3_site_in_two_languages_a_later_read_with_the_same_numbers_writes_nothing(
    moto_endpoint: str, samples_dir: Path
) -> None:
    destination = s3_destination(moto_endpoint, site=True)
    digest, settings = sample_digest(samples_dir), destination.settings
    for lang in ("ko", "en"):
        bundle = digest_bundle(digest, settings, date(2026, 2, 11), lang=lang)
        assert destination.publish(bundle) == "created"
    korean = destination.held("daily/2026-02-10.html") or b""
    assert b'hreflang="en"' in korean  # amended in S3 by the English run
    writes = destination.writes()
    for lang in ("ko", "en"):
        assert (
            destination.publish(digest_bundle(digest, settings, date(2026, 2, 15), lang=lang)) == "unchanged"
        )
    assert destination.writes() == writes
    moved = digest_bundle(with_upvotes(digest, 2), settings, date(2026, 2, 16))
    assert destination.publish(moved) == "updated"
    korean = destination.held("daily/2026-02-10.html") or b""
    assert b'hreflang="en"' in korean and b"2026-02-16" in korean


def test_two_language_profiles_in_one_run_keep_the_sites_language_at_the_root(
    hf_server: HFServer, moto_endpoint: str
) -> None:
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    bucket = f"site-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    profiles = [
        {"name": "korean", "lang": "ko"},  # without its own lang, `--lang en` would write the English file
        {"name": "english", "lang": "en", "path_template": "_posts/{date}-hf-daily-papers-en.md"},
    ]
    env = {
        "S3_BUCKET": bucket,
        "AWS_ENDPOINT_URL": moto_endpoint,
        "DIGEST_SITE": "on",
        "DIGEST_PROFILES": json.dumps(profiles),
    }
    done = hf_digest(hf_server, "run", "--date", "2026-02-10", "--dest", "s3", "--json", env=env)
    assert done.exit_code == 0, done.stderr

    def page(key: str) -> LexborHTMLParser:
        return LexborHTMLParser(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode())

    # a day page links the same day in the other language; an index, the other index and the day
    for key, lang, others in (
        ("daily/2026-02-10.html", "ko", ["en"]),
        ("en/daily/2026-02-10.html", "en", ["ko"]),
        ("index.html", "ko", ["en", "en"]),
        ("en/index.html", "en", ["ko", "ko"]),
    ):
        doc = page(key)
        assert first(doc, "html").attributes["lang"] == lang, key
        assert [a.attributes["hreflang"] for a in doc.css("p.languages a, a.language")] == others, key
