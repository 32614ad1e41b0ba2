"""The S3 site in a real headless Chromium (Debian's, driven by Selenium through Debian's chromedriver),
served over HTTP exactly as S3 would serve the objects, thumbnails included. Screenshots go to
.artifacts/site/ for a person to look at; UPDATE_SCREENSHOTS=1 also refreshes the two in docs/."""

from __future__ import annotations

import json
import os
import shutil
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hf_digest.config import Settings
from hf_digest.core.model import Bundle, Digest
from tests.helpers import digest_bundle, publish_to, sample_digest, week_digest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / ".artifacts" / "site"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
DAYS = ("2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13")
LIGHT_BG, DARK_BG = "rgb(251, 251, 250)", "rgb(18, 19, 22)"
# Lazy images load only near the viewport: bring each into view in turn and wait for it (5 s at most).
LOAD_EVERY_IMAGE = """
const done = arguments[0];
(async () => {
  for (const img of document.images) {
    img.scrollIntoView();
    if (!img.complete) {
      await new Promise(ok => { img.addEventListener("load", ok); img.addEventListener("error", ok);
                                setTimeout(ok, 5000); });
    }
  }
})().then(() => done());
"""


def png(width: int, height: int, seed: int) -> bytes:
    """A small gradient PNG (the stand-in for a Hugging Face thumbnail)."""
    r, g, b = (seed * 67) % 200 + 40, (seed * 131) % 200 + 40, (seed * 29) % 200 + 40
    raw = b"".join(
        b"\x00" + b"".join(bytes((min(255, r + x // 6), min(255, g + y // 3), b)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


class SiteServer:
    """Objects by key with their Content-Type, as S3 serves them, and a log of every request's status."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.log: list[tuple[str, int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                key = self.path.split("?")[0].lstrip("/") or "index.html"
                found = server.objects.get(key)
                status = 200 if found else 404
                body, kind = found or (b"not found", "text/plain")
                server.log.append((key, status))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def publish(self, bundle: Bundle) -> None:
        held = {key: body for key, (body, _) in self.objects.items()}
        publish_to(held, bundle)
        for file in bundle.files_for("s3"):
            if file.path in held:
                self.objects[file.path] = (held[file.path], file.content_type)


def local_thumbnails(digest: Digest, server: SiteServer) -> Digest:
    """digest with each paper's thumbnail served by server (a picture of its own) instead of Hugging Face."""
    papers = []
    for paper in digest.papers:
        key = f"thumbs/{paper.arxiv_id}.png"
        server.objects[key] = (png(240, 126, int(paper.arxiv_id[-4:])), "image/png")
        papers.append(replace(paper, thumbnail=server.url + key))
    return replace(digest, papers=tuple(papers))


@pytest.fixture(scope="module")
def site(samples_dir: Path) -> Iterator[SiteServer]:
    """The Korean site at the root and the English one under en/, five days and a week each."""
    server = SiteServer()
    settings = Settings(site=True)
    for lang in ("ko", "en"):
        for name in DAYS:
            digest = local_thumbnails(sample_digest(samples_dir, name), server)
            server.publish(digest_bundle(digest, settings, counts_read=date(2026, 2, 16), lang=lang))
        week = local_thumbnails(week_digest(samples_dir), server)
        server.publish(digest_bundle(week, settings, lang=lang))
    yield server
    server.http.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not Path(exe).exists():
            pytest.skip(
                f"{exe} is missing (Debian: apt-get install -y chromium chromium-driver; .ci/run does)"
            )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM  # Debian's build; nothing is downloaded
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1000,1300",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_script_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def visit(driver: Any, url: str, *, width: int = 1000, height: int = 1300, dark: bool = False) -> None:
    """Open url at a viewport width and colour scheme; scroll to the end so lazy thumbnails load."""
    driver.get_log("browser"), driver.get_log("performance")  # forget earlier pages
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    scheme = "dark" if dark else "light"
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )
    driver.get(url)
    driver.execute_async_script(LOAD_EVERY_IMAGE)
    driver.execute_script("window.scrollTo(0, 0)")


def problems(driver: Any) -> list[str]:
    """Console errors and failed requests of the page just visited."""
    found = [f"console: {e['message']}" for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.loadingFailed":
            found.append(f"failed: {params.get('errorText')} {params.get('requestId')}")
        if message["method"] == "Network.responseReceived" and params["response"]["status"] >= 400:
            found.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
    return found


def screenshot(driver: Any, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def fonts_of(driver: Any, selector: str) -> list[str]:
    """The platform fonts Chromium drew selector's text with (CDP CSS.getPlatformFontsForNode)."""
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [font["familyName"] for font in fonts]


def test_the_index_lists_every_digest_with_working_links(browser: Any, site: SiteServer) -> None:
    visit(browser, site.url + "index.html", width=900, height=820)
    assert problems(browser) == []
    assert browser.title == "Hugging Face 데일리 페이퍼"
    rows = browser.execute_script(
        "return [...document.querySelectorAll('ol.digests > li')].map(li =>"
        " [li.querySelector('a.title').textContent, li.querySelector('a.title').href])"
    )
    assert [title for title, _ in rows] == [
        "Hugging Face Weekly Papers - 2026-W07",
        *(f"Hugging Face Daily Papers - {d}" for d in reversed(DAYS)),
    ]
    assert rows[2][1] == site.url + "daily/2026-02-12.html"
    feeds = browser.execute_script(
        "return [...document.querySelectorAll('link[rel=alternate]')].map(l => [l.type, l.href])"
    )
    assert [kind for kind, _ in feeds] == ["application/atom+xml", "application/feed+json"] * 2
    assert any("Noto Sans CJK" in font for font in fonts_of(browser, "h1"))  # Korean drawn, not boxes
    keep(screenshot(browser, "index"), "site-index.png")


def test_a_day_page_shows_every_paper_title_link_and_thumbnail(
    browser: Any, site: SiteServer, samples_dir: Path
) -> None:
    visit(browser, site.url + "daily/2026-02-10.html", width=900, height=1000)
    assert problems(browser) == []
    shown = browser.execute_script(
        "return [...document.querySelectorAll('li.paper')].map(li => [li.querySelector('h2 a').textContent,"
        " li.querySelector('h2 a').href, li.querySelector('img').naturalWidth])"
    )
    papers = sample_digest(samples_dir, "2026-02-10").papers
    assert [(title, href) for title, href, _ in shown] == [(p.title, p.hf_url) for p in papers]
    assert all(width == 240 for _, _, width in shown)  # every thumbnail loaded
    assert {f"thumbs/{p.arxiv_id}.png" for p in papers} <= {key for key, status in site.log if status == 200}
    assert any("Noto Sans CJK" in font for font in fonts_of(browser, "p.lead"))
    keep(screenshot(browser, "day"), "site-day.png")


@pytest.mark.parametrize(
    "path", ["index.html", "daily/2026-02-10.html", "weekly/2026-W07.html", "en/index.html"]
)
def test_no_horizontal_scrolling_at_a_phones_width(browser: Any, site: SiteServer, path: str) -> None:
    visit(browser, site.url + path, width=375)
    assert problems(browser) == []
    widths = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] == 375
    screenshot(browser, "phone-" + path.replace("/", "-").removesuffix(".html"))


@pytest.mark.parametrize(("dark", "background"), [(False, LIGHT_BG), (True, DARK_BG)])
def test_the_colour_scheme_follows_the_system(
    browser: Any, site: SiteServer, dark: bool, background: str
) -> None:
    visit(browser, site.url + "daily/2026-02-10.html", dark=dark)
    assert browser.execute_script("return getComputedStyle(document.body).backgroundColor") == background
    colour = browser.execute_script(
        "return getComputedStyle(document.querySelector('li.paper')).backgroundColor"
    )
    assert colour == ("rgb(28, 30, 34)" if dark else "rgb(255, 255, 255)")
    screenshot(browser, "day-dark" if dark else "day-light")


def test_the_english_site_reads_in_english(browser: Any, site: SiteServer) -> None:
    visit(browser, site.url + "en/daily/2026-02-10.html")
    assert problems(browser) == []
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert browser.find_element("css selector", "nav a").text == "← All digests"
    assert "of" in browser.find_element("css selector", "p.lead").text
    screenshot(browser, "en-day")


def test_the_language_links_lead_to_the_same_day_in_the_other_language(
    browser: Any, site: SiteServer
) -> None:
    visit(browser, site.url + "daily/2026-02-11.html")
    assert browser.find_element("css selector", "details summary").text == "초록"
    browser.find_element("css selector", "p.languages a[hreflang=en]").click()
    assert browser.current_url == site.url + "en/daily/2026-02-11.html"
    assert browser.execute_script("return document.documentElement.lang") == "en"
    browser.find_element("css selector", "p.languages a[hreflang=ko]").click()
    assert browser.current_url == site.url + "daily/2026-02-11.html"
    browser.find_element("css selector", "nav a").click()
    assert browser.current_url == site.url + "index.html"
    browser.find_element("css selector", "p.languages a[hreflang=en]").click()
    assert browser.current_url == site.url + "en/index.html"
    assert problems(browser) == []
    screenshot(browser, "en-index")


def test_the_pages_need_no_javascript(browser: Any, site: SiteServer) -> None:
    visit(browser, site.url + "index.html")
    assert browser.execute_script("return document.scripts.length") == 0
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(site.url + "daily/2026-02-11.html")
        assert len(browser.find_elements("css selector", "li.paper")) == 10
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def keep(shot: Path, name: str) -> None:
    """With UPDATE_SCREENSHOTS=1, the screenshot also replaces docs/<name> (shown by the README)."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, REPO / "docs" / name)
