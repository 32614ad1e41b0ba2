"""A week's topic chart as Chromium draws it: the image the post links loads from the post's own `src`, with
one line per charted topic, a point per day, and text large enough to read. No JavaScript in the chart.

The screenshot is kept in .artifacts/chart/ (`make weekly-chart` writes docs/weekly-chart.png).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hf_digest.enrich.trends import CHARTED, topic_key
from tests.helpers import REPO, hf_digest, load_sample
from tests.hf_server import HFServer

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTIFACTS = REPO / ".artifacts" / "chart"
WEEK_DAYS = [f"2025-11-{n}" for n in range(10, 17)]  # 2025-W46
IMAGE = re.compile(r"^!\[([^\]]+)\]\((/assets/img/hf-digest/[^)]+\.svg)\)$", re.MULTILINE)


class WeekServer(HFServer):
    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__({})
        self.items = items

    def items_where(self, wanted: set[str]) -> list[dict[str, Any]]:
        return [item for item in self.items if item["paper"]["submittedOnDailyAt"][:10] in wanted]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def week(
    samples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, list[Any]]]:
    """The week 2025-W46 published in Korean into a folder served over HTTP: (base URL, folder, items)."""
    items = load_sample(samples_dir, "honggi82_month_2025-11.json")
    out = tmp_path_factory.mktemp("week")
    with WeekServer(items) as hf:
        proc = hf_digest(hf, "run", "--week", "2025-W46", "--out", str(out))
    assert proc.exit_code == 0, proc.stderr
    http = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(out)))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_address[1]}", out, items
    http.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not Path(exe).exists():
            pytest.skip(f"{exe} is missing (Debian: apt-get install -y chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument("--window-size=800,600")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def test_the_posts_chart_loads_from_its_own_src_and_shows_each_topic_day_by_day(
    browser: Any, week: tuple[str, Path, list[Any]]
) -> None:
    base, out, items = week
    post = (out / "_posts/2025-11-16-hf-weekly-papers.md").read_text(encoding="utf-8")
    [(alt, src)] = IMAGE.findall(post)
    assert alt == "2025-W46 주요 주제의 날짜별 논문 수"
    # The post's image as a page shows it (the site's root is the folder's root, as on Jekyll and S3).
    (out / "chart.html").write_text(
        f'<!doctype html><meta charset="utf-8"><body style="margin:0"><img id="chart" src="{src}" '
        f'alt="{alt}"></body>',
        encoding="utf-8",
    )
    browser.get(f"{base}/chart.html")
    size = browser.execute_script(
        "const i = document.getElementById('chart'); return [i.complete, i.naturalWidth, i.naturalHeight];"
    )
    assert size[0] and size[1] == 640 and size[2] > 200  # loaded and drawn, not a broken-image icon
    browser.save_screenshot(str(ARTIFACTS / "weekly-chart-page.png"))

    browser.get(base + src)  # the SVG itself, as its own document: count what it drew
    assert browser.execute_script("return document.scripts.length") == 0
    lines = browser.execute_script(
        "return [...document.querySelectorAll('g.series')].map(g => [g.dataset.label,"
        " g.querySelector('polyline').points.numberOfItems,"
        " g.querySelector('polyline').getBBox().width])"
    )
    in_week = [i for i in items if i["paper"]["submittedOnDailyAt"][:10] in WEEK_DAYS]
    carrying: dict[str, int] = {}
    for item in in_week:
        for key in {topic_key(k) for k in item["paper"].get("ai_keywords", [])} - {None}:
            carrying[str(key)] = carrying.get(str(key), 0) + 1
    shared = sorted((n for n in carrying.values() if n >= 2), reverse=True)
    assert len(lines) == min(CHARTED, len(shared)) == 5
    assert all(points == len(WEEK_DAYS) and width > 500 for _, points, width in lines)
    # The charted topics are the week's most carried keywords, most first.
    assert [carrying[str(topic_key(label))] for label, _, _ in lines] == shared[:5]
    labels = browser.execute_script(
        "return [...document.querySelectorAll('text.bucket, text.legend')].map(t => {"
        " const b = t.getBBox(); return [t.textContent, b.height, b.width]; })"
    )
    assert [text for text, _, _ in labels][:7] == [day[5:] for day in WEEK_DAYS]
    assert all(height >= 12 and width > 0 for _, height, width in labels)  # legible, not collapsed
    assert browser.execute_script("return document.querySelector('title').textContent") == (
        "2025-W46 주요 주제: 날짜별 논문 수"
    )
    browser.save_screenshot(str(ARTIFACTS / "weekly-chart.png"))
