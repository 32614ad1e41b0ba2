"""The Lambda handler in-process, as Lambda calls it, against local Hugging Face, GitHub and moto servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hf_digest.errors import BadInput, ConfigError, PublishError
from tests.github_server import GitHubServer, fault
from tests.helpers import EVENTS, FakeContext, MakeGitHubServer, Output, load_event, without_settings
from tests.hf_server import HFServer

POST = "_posts/2026-02-10-hf-daily-papers.md"
TOKEN = "github_pat_RECOGNISABLE_test_token_4f9c2e"


@pytest.fixture
def env(clean_settings: None, monkeypatch: pytest.MonkeyPatch, hf_server: HFServer, tmp_path: Path) -> Path:
    """A clean digest environment pointed at the local Hugging Face; returns the local output folder."""
    out = tmp_path / "site"
    monkeypatch.setenv("HF_BASE_URL", hf_server.url)
    monkeypatch.setenv("DIGEST_OUTPUT_DIR", str(out))
    monkeypatch.setenv("DIGEST_DESTINATIONS", "local")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    return out


@pytest.mark.parametrize("name", ["scheduled.json", "scheduled-rule.json"])
def test_a_scheduled_event_publishes_the_day_closed_at_its_time(
    app: ModuleType, env: Path, hf_server: HFServer, output: Output, name: str
) -> None:
    scheduled = load_event(name)  # time 2026-02-11T03:00Z: the 2026-02-10 list closed at 02:30 UTC
    result = app.lambda_handler(scheduled, FakeContext())
    assert (result["date"], result["status"]) == ("2026-02-10", "published")
    assert (result["papers_total"], result["papers_shown"]) == (33, 10)
    assert (env / POST).is_file()
    # The target day first, then the 7 days before it that no destination holds yet (catch-up, refresh).
    # (A day of a round number of papers, 2026-02-06's 30, is asked twice: 30 may be the server's page size.)
    asked = list(dict.fromkeys(hf_server.asked("date")))
    assert asked[0] == "2026-02-10"
    assert sorted(asked[1:]) == [f"2026-02-{n:02d}" for n in range(3, 10)]
    assert result["days"][0]["date"] == "2026-02-10"
    metrics = output.metrics()[-1]
    assert (metrics["PapersListed"], metrics["PapersPublished"], metrics["RunPublished"]) == (33, 10, 1)
    lines = output.lines()
    assert {r.get("correlation_id") for r in lines} == {scheduled["id"]}
    published = next(r for r in lines if r["message"] == "published")
    assert (published["date"], published["destination"], published["status"]) == (
        "2026-02-10",
        "local",
        "created",
    )

    # A retry delivers the same event later: still the same day, and nothing to write again.
    retry = app.lambda_handler(scheduled, FakeContext())
    assert (retry["date"], retry["status"]) == ("2026-02-10", "unchanged")
    assert output.metrics()[-1]["RunUnchanged"] == 1


def test_a_manual_event_writes_the_local_post(app: ModuleType, env: Path, output: Output) -> None:
    result = app.lambda_handler(load_event("manual.json"), FakeContext())
    assert result["status"] == "published"
    assert result["destinations"] == [
        {"destination": "local", "status": "created", "location": str((env / POST).resolve())}
    ]
    text = (env / POST).read_text(encoding="utf-8")
    assert text.startswith("---\n") and "2026-02-10" in text


def test_a_dry_run_returns_the_markdown_and_writes_nothing(
    app: ModuleType, env: Path, output: Output
) -> None:
    result = app.lambda_handler(load_event("dry-run.json"), FakeContext())
    assert result["status"] == "dry_run"
    assert result["post"].startswith("---\n") and result["post"].count("👍") == 10
    assert not env.exists()
    assert output.metrics()[-1]["RunDryRun"] == 1
    finished = next(r for r in output.records() if r.get("message") == "run finished")
    assert "post" not in finished["result"] and finished["result"]["post_chars"] == len(result["post"])


@pytest.mark.parametrize(
    ("bad", "field_name"),
    [
        ({"date": 20260210}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "2026-02-10", "colour": "red"}, "colour"),
    ],
)
def test_a_malformed_manual_event_is_refused_before_any_request(
    app: ModuleType, env: Path, hf_server: HFServer, output: Output, bad: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(BadInput) as refused:
        app.lambda_handler(bad, FakeContext())
    assert refused.value.field == field_name
    assert str(refused.value).startswith(f"{field_name}: ")
    assert hf_server.requests == []
    assert not env.exists()
    assert output.metrics()[-1]["RunRejected"] == 1


def test_a_bad_setting_raises_an_error_naming_the_variable(
    app: ModuleType, env: Path, hf_server: HFServer, monkeypatch: pytest.MonkeyPatch, output: Output
) -> None:
    monkeypatch.setenv("DIGEST_LANG", "fr")
    with pytest.raises(ConfigError, match=r"^DIGEST_LANG: 'fr'"):
        app.lambda_handler(load_event("scheduled.json"), FakeContext())
    assert hf_server.requests == []


def test_a_failing_destination_raises_after_the_result_is_logged(
    app: ModuleType, env: Path, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, output: Output
) -> None:
    monkeypatch.setenv("DIGEST_DESTINATIONS", "local,s3")
    monkeypatch.setenv("S3_BUCKET", f"missing-{uuid.uuid4().hex[:12]}")  # never created
    with pytest.raises(PublishError) as failed:
        app.lambda_handler(load_event("manual.json"), FakeContext())
    assert "publishing failed at s3 " in str(failed.value) and "does not exist" in str(failed.value)
    assert (env / POST).is_file()  # the other destination still got the post
    finished = next(r for r in output.records() if r.get("message") == "run finished")
    assert finished["level"] == "ERROR" and finished["status"] == "failed"
    assert [(d["destination"], d["status"]) for d in finished["result"]["destinations"]] == [
        ("local", "created"),
        ("s3", "failed"),
    ]
    assert output.metrics()[-1]["RunFailed"] == 1


@pytest.fixture
def github(make_github_server: MakeGitHubServer) -> GitHubServer:
    return make_github_server(token=TOKEN, files={"README.md": b"# blog\n"})


def test_the_github_token_appears_in_no_log_line(
    app: ModuleType,
    env: Path,
    github: GitHubServer,
    monkeypatch: pytest.MonkeyPatch,
    output: Output,
) -> None:
    monkeypatch.setenv("DIGEST_DESTINATIONS", "github")
    monkeypatch.setenv("GITHUB_REPOSITORY", github.full_name)
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    result = app.lambda_handler(load_event("manual.json"), FakeContext())
    assert result["status"] == "published"
    assert github.read_file("main", POST) is not None
    assert github.requests and all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in github.requests)

    # A refusal is logged and raised: still no token in the log, the error or stderr.
    github.inject("GET", f"/repos/{github.full_name}", fault(401, "Bad credentials"))
    with pytest.raises(PublishError) as failed:
        app.lambda_handler({"date": "2026-02-09"}, FakeContext())
    logged = output.text()
    assert "publish failed" in logged and "github" in logged
    assert TOKEN not in logged and TOKEN not in str(failed.value)


def test_hf_digest_invoke_runs_the_handler_with_an_event_file(hf_server: HFServer, tmp_path: Path) -> None:
    environment = without_settings(os.environ)
    environment |= {"HF_BASE_URL": hf_server.url}
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("hf-digest")), "invoke", str(EVENTS / "dry-run.json")],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)  # stdout holds only the result; logs and metrics go to stderr
    assert (result["date"], result["status"]) == ("2026-02-10", "dry_run")
    assert result["post"].startswith("---\n")
    assert list(tmp_path.iterdir()) == []
    logged = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert any(entry.get("message") == "run finished" for entry in logged)
