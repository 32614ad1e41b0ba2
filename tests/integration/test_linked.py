"""DIGEST_LINKED=on: the models, datasets and Spaces citing each shown paper, from the local Hub listings."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.helpers import day_digest, hf_digest, post_path
from tests.hf_repos import repo
from tests.hf_server import Fault, HFServer

POST = post_path("2026-02-10")


def args(tmp_path: Path) -> tuple[str, ...]:
    return ("run", "--date", "2026-02-10", "--top", "3", "--out", str(tmp_path / "out"), "--json")


def env(tmp_path: Path) -> dict[str, str]:
    return {"DIGEST_LINKED": "on", "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3")}


def cited(hf_server: HFServer, samples_dir: Path) -> list[str]:
    """The three shown papers; the first released two models and a dataset, the second 101 Spaces."""
    first, second, _ = (p.arxiv_id for p in day_digest(samples_dir, 3).papers)
    hf_server.repos["models"] += [
        repo("models", "lab/small", first, downloads=10, likes=90),
        repo("models", "lab/big", first, downloads=500, likes=1),
        repo("models", "other/unrelated", "2601.00001", downloads=10**6),
    ]
    hf_server.repos["datasets"] += [repo("datasets", "lab/data", first, downloads=3)]
    hf_server.repos["spaces"] += [repo("spaces", f"u{n}/demo", second, likes=n) for n in range(101)]
    return [first, second]


def test_each_shown_paper_says_what_it_released_and_a_rerun_asks_nothing_again(
    hf_server: HFServer, samples_dir: Path, tmp_path: Path
) -> None:
    first, second = cited(hf_server, samples_dir)
    proc = hf_digest(hf_server, *args(tmp_path), env=env(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    listings = [r for r in hf_server.requests if r.path != "/api/daily_papers"]
    assert len(listings) == 3 * 3 and len(hf_server.day_requests) == 1
    assert json.loads(proc.stdout)["hf_requests"] == len(hf_server.requests)  # the listings counted too
    assert {r.query["filter"] for r in listings} == {
        f"arxiv:{p.arxiv_id}" for p in day_digest(samples_dir, 3).papers
    }
    assert {(r.path, r.query["sort"], r.query["limit"]) for r in listings} == {
        ("/api/models", "downloads", "100"),
        ("/api/datasets", "downloads", "100"),
        ("/api/spaces", "likes", "100"),
    }
    text = (tmp_path / "out" / POST).read_text()
    assert (
        "- 공개된 자료: 모델 2개 ([lab/big](https://huggingface.co/lab/big)) · "
        "데이터셋 1개 ([lab/data](https://huggingface.co/datasets/lab/data))"
    ) in text
    assert "- 공개된 자료: Spaces 100+개 ([u100/demo](https://huggingface.co/spaces/u100/demo))" in text
    assert text.count("공개된 자료") == 2  # the third paper released nothing: no line
    assert first in text and second in text

    hf_server.reset_log()
    again = hf_digest(hf_server, *args(tmp_path), env=env(tmp_path))
    assert again.exit_code == 0, again.stderr
    assert {r.path for r in hf_server.requests} == {"/api/daily_papers"}  # cached for a day
    assert len(hf_server.day_requests) == 1
    assert json.loads(again.stdout)["destinations"][0]["status"] == "unchanged"


def test_a_rate_limit_is_waited_out_and_a_failing_listing_leaves_only_its_line_out(
    hf_server: HFServer, samples_dir: Path, tmp_path: Path
) -> None:
    _, second = cited(hf_server, samples_dir)
    hf_server.inject("/api/models", Fault(429, {"RateLimit": '"api";r=0;t=1'}))
    hf_server.broken_listings.add(f"spaces?filter=arxiv:{second}")
    proc = hf_digest(hf_server, *args(tmp_path), env=env(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "published"
    [warning] = [w for w in result["warnings"] if "linked models" in w]
    assert warning.startswith(f"{second}: linked models, datasets and Spaces left out (")
    models = [r for r in hf_server.requests if r.path == "/api/models"]
    assert len(models) == 3 + 1  # the rate-limited one was asked again
    text = (tmp_path / "out" / POST).read_text()
    assert text.count("\n1. ") == 1 and "\n3. " in text  # the post is whole
    assert text.count("공개된 자료") == 1 and "모델 2개 ([lab/big]" in text  # only the failing paper's is out

    hf_server.broken_listings.clear()
    hf_server.reset_log()
    again = hf_digest(hf_server, *args(tmp_path), env=env(tmp_path))
    assert again.exit_code == 0, again.stderr
    asked = {r.query["filter"] for r in hf_server.requests if r.path != "/api/daily_papers"}
    assert asked == {f"arxiv:{second}"}  # only it, again
    assert (tmp_path / "out" / POST).read_text().count("공개된 자료") == 2


def test_without_the_setting_nothing_is_asked(hf_server: HFServer, samples_dir: Path, tmp_path: Path) -> None:
    cited(hf_server, samples_dir)
    proc = hf_digest(hf_server, *args(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    assert {r.path for r in hf_server.requests} == {"/api/daily_papers"}
    assert "공개된 자료" not in (tmp_path / "out" / POST).read_text()


def test_a_corrupt_state_file_or_unreadable_entries_cost_the_cache_not_the_lines(
    hf_server: HFServer, samples_dir: Path, tmp_path: Path
) -> None:
    cited(hf_server, samples_dir)
    (tmp_path / "state.sqlite3").write_bytes(b"\x00\xff" * 4096)  # not a SQLite file
    corrupt = hf_digest(hf_server, *args(tmp_path), env=env(tmp_path))
    assert corrupt.exit_code == 0, corrupt.stderr
    warnings = json.loads(corrupt.stdout)["warnings"]
    assert any(w.startswith("linked cache not read; asked Hugging Face: DIGEST_STATE_PATH") for w in warnings)
    assert (tmp_path / "out" / POST).read_text().count("공개된 자료") == 2

    (tmp_path / "state.sqlite3").unlink()
    hf_digest(hf_server, *args(tmp_path), env=env(tmp_path))  # the cache written
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        db.execute("UPDATE state SET value = '[1]' WHERE key LIKE 'linked:%'")  # a list, not an object
    hf_server.reset_log()
    again = hf_digest(hf_server, *args(tmp_path), env=env(tmp_path))
    assert again.exit_code == 0, again.stderr
    assert len([r for r in hf_server.requests if r.path != "/api/daily_papers"]) == 3 * 3  # asked again
    assert json.loads(again.stdout)["destinations"][0]["status"] == "unchanged"
