"""docs/chirpy-home.png and docs/chirpy-post.png: recorded days published by the CLI into the real Chirpy
theme, built with Debian's jekyll and shown in headless Chromium. One command: `make chirpy-screenshots`.

Offline like the tests: the local Hugging Face look-alike serves the recordings; the theme comes from
`make chirpy` (npm pack). What Chirpy takes from CDNs (Bootstrap 4, Font Awesome 5, jQuery, dayjs, lozad,
magnific-popup, clipboard, simple-jekyll-search, the Lato and Source Sans Pro fonts) comes from
`make chirpy-assets` (npm pack of the versions Chirpy names; the fonts from Fontsource): the site turns on
Chirpy's self-hosted mode (`assets.self_host.enabled`) and gets each file at the path the theme's
`_data/assets/self_host.yml` names, so the pages look as a reader sees them. Two things differ: the post's
preview image, Hugging Face's thumbnail on its CDN, cannot load here, so the page shows a local card of the
same shape that says what it stands for; and bootstrap-toc is not on npm, so the post's table of contents
(바로가기) stays empty. dayjs's locale is the English one self_host.yml names (the dates read the same).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from datetime import UTC, date, datetime, time
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from tests.helpers import CHIRPY_PACKAGE, CHIRPY_VERSION, REPO, chirpy_build, chirpy_site, hf_digest
from tests.hf_server import DEFAULT_SAMPLES, HFServer, load_sample_days

DAYS = ("2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13")  # in Korean, the blog's
WEEK, WEEK_READ = "2026-W07", datetime(2026, 2, 16, 3, tzinfo=UTC)  # read once the week closed
SHOTS = {"chirpy-home.png": "/", "chirpy-post.png": "/posts/2026-02-10-hf-daily-papers/"}
WINDOW = "1280,1000"
AUTHOR = "hf-daily-digest"  # front-matter `author`: an id of the blog's _data/authors.yml

ASSETS = REPO / ".cache" / "chirpy-assets"  # `make chirpy-assets`: npm pack of each package below
# Each file self_host.yml names, from its npm package (tarball, file in it). The CDN minifies on the fly
# what dayjs ships minified under plain names.
SELF_HOSTED = {
    "bootstrap-4.6.1/bootstrap.min.css": ("bootstrap-4.6.1.tgz", "dist/css/bootstrap.min.css"),
    "bootstrap-4.6.1/bootstrap.bundle.min.js": ("bootstrap-4.6.1.tgz", "dist/js/bootstrap.bundle.min.js"),
    "fontawesome-free-5.15.4/css/all.min.css": ("fortawesome-fontawesome-free-5.15.4.tgz", "css/all.min.css"),
    "jquery-3.6.0/jquery.min.js": ("jquery-3.6.0.tgz", "dist/jquery.min.js"),
    "dayjs-1.10.7/dayjs.min.js": ("dayjs-1.10.7.tgz", "dayjs.min.js"),
    "dayjs-1.10.7/locale/en.min.js": ("dayjs-1.10.7.tgz", "locale/en.js"),
    "dayjs-1.10.7/plugin/relativeTime.min.js": ("dayjs-1.10.7.tgz", "plugin/relativeTime.js"),
    "dayjs-1.10.7/plugin/localizedFormat.min.js": ("dayjs-1.10.7.tgz", "plugin/localizedFormat.js"),
    "lozad-1.16.0/lozad.min.js": ("lozad-1.16.0.tgz", "dist/lozad.min.js"),
    "magnific-popup-1.1.0/magnific-popup.css": ("magnific-popup-1.1.0.tgz", "dist/magnific-popup.css"),
    "magnific-popup-1.1.0/jquery.magnific-popup.min.js": (
        "magnific-popup-1.1.0.tgz", "dist/jquery.magnific-popup.min.js",
    ),
    "clipboard-2.0.9/clipboard.min.js": ("clipboard-2.0.9.tgz", "dist/clipboard.min.js"),
    "simple-jekyll-search-1.10.0/simple-jekyll-search.min.js": (
        "simple-jekyll-search-1.10.0.tgz", "dest/simple-jekyll-search.min.js",
    ),
}  # fmt: skip
FONT_AWESOME = ("fortawesome-fontawesome-free-5.15.4.tgz", "webfonts/", "fontawesome-free-5.15.4/webfonts/")
# The fonts Chirpy asks Google for (Lato; Source Sans Pro 400, 600, 700, 900), from Fontsource's packages.
FONTS = {"fontsource-lato-5.3.0.tgz": (400,), "fontsource-source-sans-pro-5.3.0.tgz": (400, 600, 700, 900)}
FONT_CSS = "fonts/main.css"  # self_host.yml's webfonts

THUMBNAIL = re.compile(r"https://cdn-thumbnails\.huggingface\.co/[^\"\s]+\.png")
CARD = """<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; width: 1200px; height: 630px; box-sizing: border-box;
  display: flex; flex-direction: column; justify-content: center;
  padding: 0 90px; font-family: sans-serif; color: #1f2937;
  background: linear-gradient(135deg, #fff7d6, #ffe08a); }}
h1 {{ font-size: 54px; line-height: 1.2; margin: 0 0 36px; }}
p {{ font-size: 24px; color: #6b7280; margin: 0; }}
</style><h1>{title}</h1><p>Offline stand-in for {url}</p>"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@functools.cache
def _files(name: str) -> dict[str, bytes]:
    """An npm package's files (`make chirpy-assets`) by their path inside it."""
    tarball = ASSETS / name
    if not tarball.is_file():
        sys.exit(f"{tarball.relative_to(REPO)} is missing: run `make chirpy-assets` (npm pack)")
    files = {}
    with tarfile.open(tarball) as package:
        for info in package.getmembers():
            if info.isfile() and (file := package.extractfile(info)) is not None:
                files[info.name.removeprefix("package/")] = file.read()
    return files


def self_host(site: Path) -> None:
    """Chirpy's CDN files at the paths its _data/assets/self_host.yml names, under the site's assets/lib."""
    named = re.findall(r"/assets/lib/(\S+)", (site / "_data" / "assets" / "self_host.yml").read_text("utf-8"))
    if unknown := [path for path in [*SELF_HOSTED, FONT_CSS] if path not in named]:
        sys.exit(f"the theme's self_host.yml does not name {unknown}: is it Chirpy {CHIRPY_VERSION}?")
    lib = site / "assets" / "lib"
    wanted: dict[Path, bytes] = {}
    for path, (name, member) in SELF_HOSTED.items():
        wanted[lib / path] = _files(name)[member]
    name, webfonts, target = FONT_AWESOME
    for member, data in _files(name).items():
        if member.startswith(webfonts):
            wanted[lib / target / member.removeprefix(webfonts)] = data
    rules = []
    for name, weights in FONTS.items():
        files = _files(name)
        for weight in weights:
            css = files[f"{weight}.css"].decode("utf-8")
            for font in re.findall(r"url\(\./(files/[^)]+)\)", css):
                wanted[lib / "fonts" / font] = files[font]
            rules.append(css.replace("url(./files/", "url(files/"))
    wanted[lib / FONT_CSS] = "\n".join(rules).encode("utf-8")
    for file, data in wanted.items():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)


def publish(site: Path) -> None:
    """The recorded days, each as of its recording (so each post dates its upvotes truly), and their week
    once it closed, written by the CLI into the blog's folder."""
    with HFServer(load_sample_days(DEFAULT_SAMPLES)) as hf:
        env = {"DIGEST_OUTPUT_DIR": str(site), "DIGEST_AUTHOR": AUTHOR}
        env["DIGEST_STATE_PATH"] = str(site.parent / "state.sqlite3")
        runs = [(["--date", day, "--partial"], recorded_at(day)) for day in DAYS]
        runs.append((["--week", WEEK], WEEK_READ))
        for args, now in runs:
            done = hf_digest(hf, "run", *args, env=env, now=now)
            if done.exit_code != 0:
                sys.exit(f"hf-digest run {' '.join(args)} failed: {done.stderr.strip()}")


def recorded_at(day: str) -> datetime:
    """When day's recording was made (../shared/hf-samples/README.md): weekdays at about 07:45 UTC, the
    reference day at 08:27, while each list was still filling."""
    at = time(8, 27) if day == "2026-02-10" else time(7, 45)
    return datetime.combine(date.fromisoformat(day), at, tzinfo=UTC)


def _chromium() -> str:
    return shutil.which("chromium") or sys.exit("chromium is not on PATH (Debian: apt-get install chromium)")


def _screenshot(url: str, out: Path, size: str) -> None:
    shot = [_chromium(), "--headless", "--no-sandbox", "--hide-scrollbars", f"--window-size={size}"]
    shot += [f"--screenshot={out}", "--virtual-time-budget=3000", url]
    subprocess.run(shot, check=True, capture_output=True, timeout=120)  # noqa: S603 - Debian's chromium


def stand_in_thumbnails(public: Path) -> None:
    """Hugging Face's thumbnails (the posts' preview images) are on its CDN, out of reach offline: in each
    page of SHOTS, each one becomes a local stand-in of the same 1200x630 shape, drawn by Chromium, with
    the paper's title (the image's alt) and a line saying what it stands for."""
    for page in SHOTS.values():
        html = public / page.strip("/") / "index.html"
        text = html.read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", text):
            src, alt = re.search(r'src="([^"]*)"', tag), re.search(r'alt="([^"]*)"', tag)
            if src is None or not THUMBNAIL.fullmatch(src[1]):
                continue
            card = public / "stand-in" / Path(src[1]).name
            if not card.is_file():
                card.parent.mkdir(exist_ok=True)
                title = alt[1] if alt else ""  # already escaped in the page
                source = card.with_suffix(".html")
                source.write_text(CARD.format(title=title, url=escape(src[1])), encoding="utf-8")
                _screenshot(source.as_uri(), card, "1200,630")
            text = text.replace(src[0], f'src="/stand-in/{card.name}"')
        html.write_text(text, encoding="utf-8")


def shoot(public: Path, out: Path) -> None:
    """Each page of SHOTS from a local server on 127.0.0.1, by headless Chromium."""
    handler = functools.partial(_Quiet, directory=str(public))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for name, page in SHOTS.items():
            url = f"http://127.0.0.1:{server.server_address[1]}{page}"
            _screenshot(url, out / name, WINDOW)
            print(f"wrote {(out / name).relative_to(REPO)} ({url})")
    finally:
        server.shutdown()


def main() -> None:
    if not CHIRPY_PACKAGE.is_file():
        sys.exit(f"the Chirpy theme is not at {CHIRPY_PACKAGE}: run `make chirpy`")
    with tempfile.TemporaryDirectory(prefix="chirpy-") as folder:
        try:
            site = chirpy_site(Path(folder))
        except pytest.skip.Exception as exc:
            sys.exit(str(exc))
        blog = yaml.safe_load((site / "_config.yml").read_text(encoding="utf-8"))
        blog.update(url="", baseurl="", lang="ko-KR", timezone="Asia/Seoul", title="HF Daily Papers")
        blog.update(tagline="Hugging Face Daily Papers, 매일 좋아요 순으로", avatar="")
        blog["pwa"] = {"enabled": False}
        blog["assets"] = {"self_host": {"enabled": True, "env": None}}  # in any Jekyll environment
        (site / "_config.yml").write_text(yaml.safe_dump(blog, allow_unicode=True), encoding="utf-8")
        self_host(site)
        # The post's `By` names the front-matter author from _data/authors.yml, as on a Chirpy blog.
        authors = {AUTHOR: {"name": "HF Daily Digest", "url": "https://huggingface.co/papers"}}
        (site / "_data" / "authors.yml").write_text(yaml.safe_dump(authors), encoding="utf-8")
        publish(site)
        public, _ = chirpy_build(site)
        stand_in_thumbnails(public)
        shoot(public, REPO / "docs")


if __name__ == "__main__":
    main()
