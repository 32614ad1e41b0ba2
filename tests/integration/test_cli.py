"""`hf-digest run` end to end: a local Hugging Face, the CLI in process (once as its own process), a post."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import MakeHFServer, hf_digest, hf_digest_process, run_cli
from tests.hf_server import HFServer

POST = Path("_posts/2026-02-10-hf-daily-papers.md")


def front_matter(text: str) -> dict[str, Any]:
    _, head, _ = text.split("---\n", 2)
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data


def test_a_closed_day_becomes_a_post_with_true_numbers(hf_server: HFServer, tmp_path: Path) -> None:
    # `python -m hf_digest` as its own process: the command a user runs, from its entry point.
    proc = hf_digest_process(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    assert proc.stdout.startswith("published 2026-02-10: 10 of 33 papers shown")
    text = (tmp_path / POST).read_text(encoding="utf-8")
    meta = front_matter(text)
    assert meta["title"] == "Hugging Face Daily Papers - 2026-02-10"
    assert str(meta["date"]).startswith("2026-02-10 09:15:00")
    assert "**33개**" in text and "**10개**" in text
    assert text.count("👍") == 10
    assert "1. **Modality Gap-Driven Subspace Alignment" in text and "👍 78" in text
    assert "None" not in text and "this https URL" not in text
    # one request for the day (33 papers < 100), none per paper, nothing else
    assert [(r.path, r.query) for r in hf_server.requests] == [
        ("/api/daily_papers", {"date": "2026-02-10", "limit": "100", "p": "0"})
    ]

    again = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path))
    assert again.exit_code == 0 and "local: unchanged" in again.stdout
    assert (tmp_path / POST).read_text(encoding="utf-8") == text


def test_the_82_paper_day_comes_out_whole_in_english(hf_server: HFServer, tmp_path: Path) -> None:
    proc = hf_digest(
        hf_server, "run", "--date", "2025-09-30", "--out", str(tmp_path), "--top", "0", "--lang", "en"
    )
    assert proc.exit_code == 0, proc.stderr
    text = (tmp_path / "_posts/2025-09-30-hf-daily-papers-en.md").read_text(encoding="utf-8")
    assert text.count("👍") == 82
    assert "**82**" in text
    assert len(hf_server.day_requests) == 1


def test_dry_run_prints_the_post_and_writes_nothing(hf_server: HFServer, tmp_path: Path) -> None:
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path), "--dry-run")
    assert proc.exit_code == 0, proc.stderr
    assert proc.stdout.startswith("---\ntitle: Hugging Face Daily Papers - 2026-02-10\n")
    assert "dry_run 2026-02-10" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_empty_day_writes_nothing(hf_server: HFServer, tmp_path: Path) -> None:
    proc = hf_digest(hf_server, "run", "--date", "2026-02-08", "--out", str(tmp_path))  # a Sunday
    assert proc.exit_code == 0, proc.stderr
    assert proc.stdout.startswith("2026-02-08: no papers that day (weekend or holiday); nothing written\n")
    assert list(tmp_path.iterdir()) == []


def test_bad_input_exits_2_before_any_request(hf_server: HFServer, tmp_path: Path) -> None:
    for args, words in [
        (["--date", "2026-02-30"], "date: 2026-02-30 is not a day of the calendar"),
        (["--date", "2999-01-01"], "is in the future"),
        (["--top", "-3", "--date", "2026-02-10"], "top: must be a whole number"),
        (["--dest", "ftp", "--date", "2026-02-10"], "--dest: 'ftp' must name one or more of"),
    ]:
        proc = hf_digest(hf_server, "run", *args, "--out", str(tmp_path))
        assert proc.exit_code == 2, (args, proc.stderr)
        assert (
            proc.stderr.strip()
            == f"hf-digest: error: {proc.stderr.strip().removeprefix('hf-digest: error: ')}"
        )
        assert words in proc.stderr
        assert "Traceback" not in proc.stderr
    bad_env = hf_digest(hf_server, "run", "--date", "2026-02-10", env={"DIGEST_LANG": "fr"})
    assert bad_env.exit_code == 2 and "DIGEST_LANG" in bad_env.stderr
    assert hf_server.requests == []
    assert list(tmp_path.iterdir()) == []


def test_a_permanent_failure_writes_nothing_and_exits_1(make_hf_server: MakeHFServer, tmp_path: Path) -> None:
    server = make_hf_server({})
    server.inject("/", *([500] * 20))
    proc = hf_digest(server, "run", "--date", "2026-02-10", "--out", str(tmp_path))
    assert proc.exit_code == 1
    assert proc.stderr.startswith("hf-digest: error: ") and proc.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
    assert len(server.requests) <= 8  # bounded: 4 tries of the API, 4 of the page


@pytest.mark.parametrize("argv", [["-v", "run"], ["run", "-v"], ["--verbose", "run"], ["run", "--verbose"]])
def test_verbose_before_or_after_run_logs_progress_on_stderr(
    hf_server: HFServer, tmp_path: Path, argv: list[str]
) -> None:
    proc = hf_digest(hf_server, *argv, "--date", "2026-02-10", "--out", str(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    assert proc.stdout.startswith("published 2026-02-10: 10 of 33 papers shown")
    # The format is `LEVEL logger: message`; every package logger speaks through it.
    logged = re.findall(r"^INFO hf_digest(?:\.\w+)*: (.+)$", proc.stderr, re.MULTILINE)
    assert "published" in logged, proc.stderr


def test_without_verbose_a_run_prints_only_its_summary(hf_server: HFServer, tmp_path: Path) -> None:
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path))
    assert proc.exit_code == 0 and proc.stderr == ""


def test_verbose_before_run_shows_the_traceback_of_a_failure(
    make_hf_server: MakeHFServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "hf_digest.huggingface.source.BACKOFF_BASE_S", 0.01
    )  # in process: the retries need not wait
    server = make_hf_server({})
    server.inject("/", *([500] * 20))
    proc = hf_digest(server, "-v", "run", "--date", "2026-02-10", "--out", str(tmp_path))
    assert proc.exit_code == 1
    assert "Traceback (most recent call last)" in proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("hf-digest: error: ")


def test_an_english_run_after_a_korean_one_lands_beside_it(hf_server: HFServer, tmp_path: Path) -> None:
    korean = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path))
    assert korean.exit_code == 0, korean.stderr
    before = (tmp_path / POST).read_bytes()
    english = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path), "--lang", "en")
    assert english.exit_code == 0, english.stderr
    assert (tmp_path / POST).read_bytes() == before  # the Korean post is where it was, untouched
    beside = (tmp_path / "_posts/2026-02-10-hf-daily-papers-en.md").read_text(encoding="utf-8")
    assert "**33** papers were listed" in beside
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == [
        "2026-02-10-hf-daily-papers-en.md",
        "2026-02-10-hf-daily-papers.md",
    ]


@pytest.mark.parametrize(
    ("env", "args", "words"),
    [
        # A template of the user's that does not say the language: English would overwrite the Korean post.
        (
            {"DIGEST_PATH_TEMPLATE": "_posts/{date}-papers.md"},
            ("--lang", "en"),
            "DIGEST_PATH_TEMPLATE: '_posts/{date}-papers.md' has no {lang} or {lang_suffix}, so a en post",
        ),
        # The data file on the post's own path.
        (
            {"DIGEST_DATA_PATH_TEMPLATE": "_posts/{date}-hf-daily-papers.md"},
            (),
            "DIGEST_DATA_PATH_TEMPLATE: '_posts/{date}-hf-daily-papers.md' names "
            "_posts/2026-02-10-hf-daily-papers.md, which DIGEST_PATH_TEMPLATE",
        ),
    ],
)
def test_two_outputs_on_one_path_are_refused_before_anything_is_written(
    hf_server: HFServer, tmp_path: Path, env: dict[str, str], args: tuple[str, ...], words: str
) -> None:
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--out", str(tmp_path), *args, env=env)
    assert proc.exit_code == 2, proc.stderr
    assert proc.stderr.startswith(f"hf-digest: error: {words}"), proc.stderr
    assert not tmp_path.exists() or list(tmp_path.rglob("*")) == []


def test_run_help_shows_the_verbose_flag() -> None:
    proc = run_cli(["run", "--help"])
    assert proc.exit_code == 0
    assert re.search(r"^  --verbose, -v +log progress; show tracebacks$", proc.stdout, re.MULTILINE), (
        proc.stdout
    )


@pytest.mark.parametrize("timeout", ["nan", "inf", "0", "-1", "901", "soon"])
def test_invoke_refuses_a_timeout_that_is_not_a_time_naming_the_flag(tmp_path: Path, timeout: str) -> None:
    event = tmp_path / "event.json"
    event.write_text('{"date": "2026-02-10", "dry_run": true}', encoding="utf-8")
    proc = run_cli(["invoke", str(event), "--timeout", timeout])
    assert proc.exit_code == 2 and proc.stdout == ""
    assert f"argument --timeout: '{timeout}'" in proc.stderr, proc.stderr
