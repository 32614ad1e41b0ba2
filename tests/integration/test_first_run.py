"""A newcomer's first run: `make demo` offline, the look-alike on its own, and the line without access."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.helpers import REPO, free_port, without_settings

DEMO_SAMPLES = REPO / "demo" / "hf-samples"
DEMO_DAY = "2026-02-10"
LOOKALIKE = REPO / "tests" / "hf_server.py"
# Settings a user may have exported; the demo must ignore every one of them.
USER_ENV = {
    "DIGEST_DESTINATIONS": "github,s3",
    "DIGEST_PATH_TEMPLATE": "elsewhere/{date}.md",
    "GITHUB_REPOSITORY": "someone/blog",
    "GITHUB_TOKEN": "github_pat_DEMOtokenThatMustNotBeUsed",
    "HF_BASE_URL": f"http://127.0.0.1:{free_port()}",
}


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=cwd, env=env or without_settings(os.environ),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def lookalike(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """tests/hf_server.py started from a folder outside the repository, the samples given relative to it."""
    samples = os.path.relpath(DEMO_SAMPLES, tmp_path)
    proc = subprocess.Popen(
        [sys.executable, str(LOOKALIKE), "--samples", samples, "--port", "0"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(3)]
    try:
        yield proc, lines
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_the_lookalike_runs_from_any_folder_and_says_how_to_stop(
    lookalike: tuple[subprocess.Popen[str], list[str]],
) -> None:
    proc, lines = lookalike
    served = rf"serving 1 recorded day \({DEMO_DAY} to {DEMO_DAY}\) from \S+"
    match = re.fullmatch(rf"{served} at (http://127\.0\.0\.1:\d+)\n", lines[0])
    assert match, lines
    url = match[1]
    assert lines[1] == f"  try: HF_BASE_URL={url} make digest DATE={DEMO_DAY}\n"
    assert lines[2] == f"  stop: Ctrl-C (or kill {proc.pid})\n"
    answer = requests.get(f"{url}/api/daily_papers", params={"date": DEMO_DAY, "limit": "100"}, timeout=10)
    recorded = json.loads((DEMO_SAMPLES / f"daily_papers_date_{DEMO_DAY}.json").read_text(encoding="utf-8"))
    assert answer.status_code == 200
    assert {i["paper"]["id"] for i in answer.json()} == {i["paper"]["id"] for i in recorded}
    proc.send_signal(signal.SIGTERM)  # what `kill PID` sends
    out, _ = proc.communicate(timeout=10)
    assert (proc.returncode, out) == (0, "stopped\n")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/api/daily_papers", params={"date": DEMO_DAY}, timeout=5)


@pytest.mark.parametrize("folder", ["missing", "empty", "only-empty-days"])
def test_the_lookalike_refuses_a_folder_without_recorded_days(tmp_path: Path, folder: str) -> None:
    samples = tmp_path / folder
    if folder != "missing":
        samples.mkdir()
    if folder == "only-empty-days":
        (samples / "daily_papers_date_2026-02-14.json").write_text("[]", encoding="utf-8")
    proc = run(LOOKALIKE, "--samples", samples, "--port", "0", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    problem = "is not a folder" if folder == "missing" else "holds no recorded day with papers"
    assert f"hf_server.py: error: {samples} {problem}" in proc.stderr


def test_demo_writes_the_post_offline_and_ignores_the_users_settings(tmp_path: Path) -> None:
    env = without_settings(os.environ) | USER_ENV
    proc = run(REPO / "demo" / "run.py", "--out", "site", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    post = tmp_path / "site" / "_posts" / f"{DEMO_DAY}-hf-daily-papers.md"
    lines = proc.stdout.splitlines()
    started = re.fullmatch(
        rf"demo: a local Hugging Face at (http://127\.0\.0\.1:\d+) serves {DEMO_DAY} .*", lines[0]
    )
    assert started, lines
    assert lines[-2:] == ["demo: stopped the local Hugging Face", f"demo: the post is {post}"]
    assert f"published {DEMO_DAY}: 10 of 33 papers shown" in proc.stdout + proc.stderr
    text = post.read_text(encoding="utf-8")
    assert text.startswith(f"---\ntitle: Hugging Face Daily Papers - {DEMO_DAY}\n")
    assert "총 **33개** 논문 중 좋아요 상위 **10개**를 소개합니다." in text
    # Recorded on 2026-02-10 at 08:27 UTC: the upvotes are that day's, whatever day the demo runs.
    assert lines[1] == "demo: as of the recording, 2026-02-10T08:27+00:00"
    assert "\n좋아요 수는 2026-02-10 기준입니다.\n" in text
    assert text.count("<summary>초록</summary>") == 10
    feeds = tmp_path / "site" / "feeds"
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    expected = [feeds / name for name in ("hf-daily-papers.ko.atom", "hf-daily-papers.ko.json")]
    expected += [feeds / name for name in ("hf-papers.ko.atom", "hf-papers.ko.json")]
    assert written == sorted([post, *expected])  # the post and its feeds: nothing else, nowhere else
    with pytest.raises(requests.ConnectionError):  # the look-alike is stopped
        requests.get(f"{started[1]}/api/daily_papers", params={"date": DEMO_DAY}, timeout=5)
    english = run(REPO / "demo" / "run.py", "--out", "site", "--lang", "en", cwd=tmp_path, env=env)
    assert english.returncode == 0, english.stderr
    beside = post.with_name(f"{DEMO_DAY}-hf-daily-papers-en.md")  # beside the Korean post, not over it
    assert "## 📊 Ranked by upvotes" in beside.read_text(encoding="utf-8")
    assert "\nUpvote counts as of 2026-02-10.\n" in beside.read_text(encoding="utf-8")
    assert post.read_text(encoding="utf-8") == text


def test_the_shipped_demo_day_is_small_and_an_unedited_recording(samples_dir: Path) -> None:
    files = sorted(DEMO_SAMPLES.iterdir())
    assert 1 <= len(files) <= 2 and sum(f.stat().st_size for f in files) < 500_000
    for path in files:
        assert path.read_bytes() == (samples_dir / path.name).read_bytes(), path.name


def test_without_access_to_hugging_face_the_error_is_one_line_that_says_how_to_try_offline(
    tmp_path: Path,
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens: the connection is refused
    env = without_settings(os.environ) | {"HF_BASE_URL": closed}
    proc = run("-m", "hf_digest", "run", "--date", DEMO_DAY, "--out", tmp_path / "out", cwd=tmp_path, env=env)
    assert proc.returncode == 1 and proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"hf-digest: error: Hugging Face could not serve {DEMO_DAY}: ")
    assert line.endswith("(no access to 127.0.0.1? try it offline: `make demo`)")
    assert not (tmp_path / "out").exists()
