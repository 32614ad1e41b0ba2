"""docs/chirpy-home.png and docs/chirpy-post.png: recorded days published by the CLI into the real Chirpy
theme, built with Debian's jekyll and shown in headless Chromium. One command: `make chirpy-screenshots`.

Offline like the tests: the local Hugging Face look-alike serves the recordings; the theme comes from
`make chirpy` (npm pack). Chirpy's CDN files (Bootstrap, Font Awesome) cannot load here, so the pages show
the theme's own stylesheet only.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from tests.helpers import CHIRPY_PACKAGE, REPO, chirpy_build, chirpy_site, hf_digest
from tests.hf_server import DEFAULT_SAMPLES, HFServer, load_sample_days

DAYS = ("2026-02-09", "2026-02-13")  # published in Korean, the blog's language
SHOTS = {"chirpy-home.png": "/", "chirpy-post.png": "/posts/2026-02-10-hf-daily-papers/"}
WINDOW = "1280,1000"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def publish(site: Path) -> None:
    """The recorded days and their week, written by the CLI into the blog's folder."""
    with HFServer(load_sample_days(DEFAULT_SAMPLES)) as hf:
        env = {
            "DIGEST_OUTPUT_DIR": str(site),
            "DIGEST_BACKFILL_PACE": "0",
            "DIGEST_AUTHOR": "hf-daily-digest",
        }
        env["DIGEST_STATE_PATH"] = str(site.parent / "state.sqlite3")
        for args in (["--from", DAYS[0], "--to", DAYS[1]], ["--week", "2026-W07"]):
            done = hf_digest(hf, "run", *args, env=env)
            if done.exit_code != 0:
                sys.exit(f"hf-digest run {' '.join(args)} failed: {done.stderr.strip()}")


def shoot(public: Path, out: Path) -> None:
    """Each page of SHOTS from a local server on 127.0.0.1, by headless Chromium."""
    chromium = shutil.which("chromium") or sys.exit(
        "chromium is not on PATH (Debian: apt-get install chromium)"
    )
    handler = functools.partial(_Quiet, directory=str(public))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for name, page in SHOTS.items():
            url = f"http://127.0.0.1:{server.server_address[1]}{page}"
            shot = [chromium, "--headless", "--no-sandbox", "--hide-scrollbars", f"--window-size={WINDOW}"]
            shot += [f"--screenshot={out / name}", "--virtual-time-budget=3000", url]
            subprocess.run(shot, check=True, capture_output=True, timeout=120)  # noqa: S603 - Debian's chromium
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
        (site / "_config.yml").write_text(yaml.safe_dump(blog, allow_unicode=True), encoding="utf-8")
        publish(site)
        public, _ = chirpy_build(site)
        shoot(public, REPO / "docs")


if __name__ == "__main__":
    main()
