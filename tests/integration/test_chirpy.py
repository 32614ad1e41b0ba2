"""The real Chirpy theme (npm's jekyll-theme-chirpy, built with Debian's jekyll and its plugins): 30 recorded
days in both languages plus their weeks and month, published by the CLI into the blog's own folder, give one
page per post, and every link we send (Slack, the feeds, the result JSON) is a page that build made.

Once under Chirpy's `/posts/:title/`, Jekyll's default (`date`), `pretty` and a custom permalink; the
`_config.yml` the digest reads is the blog's own, so its url, baseurl and permalink decide the links.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml

from hf_digest.core.permalink import page_file
from tests.helpers import chirpy_build, chirpy_site, hf_digest
from tests.hf_server import HFServer
from tests.slack_server import SlackServer

pytestmark = pytest.mark.jekyll

SITE = "https://blog.example.org"
BASEURL = "/papers"
MONTH = "2025-09"
WEEKS = ("2025-W36", "2025-W37", "2025-W38", "2025-W39", "2025-W40")
CHIRPY = "/posts/:title/"
PERMALINKS = {"chirpy": CHIRPY, "date": "date", "pretty": "pretty", "custom": "/:year/:month/:day/:title/"}
# The whole month under Chirpy's permalink; its first week under each of the others, to keep it quick.
LAST = {"chirpy": "30", "date": "07", "pretty": "07", "custom": "07"}
LINK = re.compile(r'href="([^"]+)"|"url": "([^"]+)"|<(https?://[^|>]+)[|>]')


@dataclass(frozen=True)
class Built:
    site: Path  # the blog's source folder, which the digest published into
    public: Path  # what jekyll build made of it
    printed: str  # what jekyll build printed
    results: list[dict[str, Any]]  # every digest's result JSON
    slack: list[dict[str, Any]]  # every Slack message
    posts: list[Path]


def digest_results(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The digest results in a run's JSON: a range's days, or the one digest."""
    for day in data.get("days", [data]):
        yield day.get("result", day)


@pytest.fixture(scope="module", params=list(PERMALINKS))
def built(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sample_days: dict[str, list[dict[str, Any]]],
) -> Iterator[Built]:
    """The Chirpy blog with our month of posts, built under one permalink."""
    name = request.param
    root = tmp_path_factory.mktemp(f"chirpy-{name}")
    site = chirpy_site(root)
    blog = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))
    # img_cdn as a blog starts with (the theme's package names its author's CDN): images from the site itself.
    blog.update(url=SITE, baseurl=BASEURL, img_cdn="")
    if name != "chirpy":  # the site-wide permalink, with Chirpy's own for posts taken out of its defaults
        blog["permalink"] = PERMALINKS[name]
        for entry in blog["defaults"]:
            entry["values"].pop("permalink", None) if entry["scope"].get("type") == "posts" else None
    (site / "_config.yml").write_text(yaml.safe_dump(blog, allow_unicode=True), encoding="utf-8")
    with HFServer(sample_days) as hf, SlackServer() as slack:
        env = {
            "DIGEST_OUTPUT_DIR": str(site),
            "DIGEST_NOTIFY": "slack",
            "SLACK_WEBHOOK_URL": slack.webhook_url,
            "DIGEST_NOTIFY_BACKFILL": "summary",
            "DIGEST_STATE_PATH": str(root / "state.sqlite3"),
            "DIGEST_BACKFILL_PACE": "0",
        }
        runs = [["--from", f"{MONTH}-01", "--to", f"{MONTH}-{LAST[name]}"], ["--month", MONTH]]
        runs += [["--week", week] for week in WEEKS[: len(WEEKS) if name == "chirpy" else 1]]
        results: list[dict[str, Any]] = []
        for lang in ("ko", "en"):
            for args in runs:
                done = hf_digest(hf, "run", *args, "--lang", lang, "--json", env=env)
                assert done.exit_code == 0, done.stderr
                results += digest_results(json.loads(done.stdout))
        slack_messages = list(slack.delivered)
    public, printed = chirpy_build(site)
    yield Built(site, public, printed, results, slack_messages, sorted((site / "_posts").glob("*.md")))


def served(url: str, public: Path) -> Path:
    """The file the build made for one of our links (all under the blog's url and baseurl): a static file
    as it is (a feed), else the page's (GitHub Pages serves /x from x.html, /x/ from x/index.html)."""
    assert url.startswith(f"{SITE}{BASEURL}/"), url
    path = unquote(url.removeprefix(f"{SITE}{BASEURL}").split("#")[0])
    static = public / path.lstrip("/")
    return static if static.is_file() else public / page_file(path)


def links(text: str) -> list[str]:
    """The links in a Slack payload (as JSON) or a feed that point into the blog."""
    found = [next(x for x in match if x) for match in LINK.findall(text)]
    return [link for link in found if link.startswith(SITE)]


def test_every_post_gets_its_own_page(built: Built) -> None:
    assert "Conflict" not in built.printed, built.printed
    published = [r for r in built.results if r["status"] == "published"]
    days = [r for r in published if "date" in r]
    weeks = len(WEEKS) if "2025-09-30" in {r.get("date") for r in days} else 1
    assert len(days) >= 2 * (20 if weeks == len(WEEKS) else 5)
    assert len(published) == len(days) + 2 * (weeks + 1)
    assert len(built.posts) == len(published)  # a post file per digest, in both languages
    urls = [r["url"] for r in published]
    assert len(set(urls)) == len(urls) == len(built.posts)  # ... each with a page of its own
    pages = [served(url, built.public) for url in urls]
    missing = [str(p.relative_to(built.public)) for p in pages if not p.is_file()]
    assert not missing, missing
    titles = {p: re.search(r"<title>([^<]*)</title>", p.read_text(encoding="utf-8")) for p in pages}
    assert all(t and "Hugging Face" in t[1] for t in titles.values())  # the post's page, not another
    sitemap = (built.public / "sitemap.xml").read_text(encoding="utf-8")
    assert all(url in sitemap for url in urls)


def test_every_link_we_send_is_a_page_that_build_made(built: Built) -> None:
    told = links("\n".join(json.dumps(payload, ensure_ascii=False) for payload in built.slack))
    assert len(told) >= 2 * 3  # a message per week and month, a summary (a link a day) per range
    fed = [
        link for feed in sorted((built.site / "feeds").iterdir()) for link in links(feed.read_text("utf-8"))
    ]
    assert any("/feeds/" in link for link in fed)  # the feeds' own addresses
    assert sum("/feeds/" not in link for link in fed) >= 2 * 5  # the entries' pages
    results = [r["url"] for r in built.results if "url" in r]
    dead = [link for link in [*told, *fed, *results] if not served(link, built.public).is_file()]
    assert not dead, dead


def test_every_weekly_and_monthly_chart_is_a_file_the_build_made(built: Built) -> None:
    """The chart beside a week's or month's post: its image tag (to which Chirpy adds the blog's baseurl)
    leads to the SVG that Jekyll copied as a static file, in the page Chirpy made of the post."""
    periods = [r for r in built.results if r["status"] == "published" and ("week" in r or "month" in r)]
    assert periods
    for result in periods:
        page = served(result["url"], built.public).read_text(encoding="utf-8")
        sources = re.findall(r'<img [^>]*?(?:data-src|src)="([^"]+\.svg)"', page)
        assert len(sources) == 1, result["url"]
        assert sources[0].startswith(f"{BASEURL}/assets/img/hf-digest/")
        drawn = built.public / sources[0].removeprefix(BASEURL).lstrip("/")
        assert drawn.read_bytes().startswith(b"<svg "), drawn
