"""One-line errors a newcomer meets first: no network to GitHub or S3 names the host and asks "no network?",
refused AWS credentials are named as such, and `make clean` leaves the folder of posts alone."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from hf_digest.adapters.publish.s3 import S3Publisher
from hf_digest.core.model import Bundle, OutputFile, day_span
from hf_digest.errors import PublishError
from hf_digest.outbound.deadline import Deadline
from tests.helpers import REPO, hf_digest
from tests.hf_server import HFServer

OFFLINE = "http://nonexistent.invalid"  # .invalid never resolves (RFC 2606)
TOKEN = "github_pat_OFFLINE_secret_token_31d7"


def _failure_line(text: str, destination: str) -> str:
    """The error line under the destination's `failed` line of the run's summary."""
    lines = text.splitlines()
    at = [i for i, line in enumerate(lines) if line == f"  {destination}: failed"]
    assert len(at) == 1 and lines[at[0] + 1].startswith("    error: "), text
    return lines[at[0] + 1]


def test_no_network_to_github_is_one_line_naming_the_host(
    hf_server: HFServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hf_digest.adapters.publish.github_api.BACKOFF_S", 0.01)
    env = {"GITHUB_REPOSITORY": "octo/blog", "GITHUB_API_URL": OFFLINE, "GITHUB_TOKEN": TOKEN}
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--dest", "github", env=env)
    assert proc.exit_code == 1
    line = _failure_line(proc.stdout + proc.stderr, "github")
    assert "cannot reach nonexistent.invalid (no network?)" in line, line
    assert "NameResolutionError" not in proc.stdout + proc.stderr and TOKEN not in proc.stdout + proc.stderr


def test_no_network_to_s3_is_one_line_naming_the_host(
    hf_server: HFServer, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", OFFLINE)
    env = {"S3_BUCKET": "some-bucket"}
    proc = hf_digest(hf_server, "run", "--date", "2026-02-10", "--dest", "s3", env=env)
    assert proc.exit_code == 1
    line = _failure_line(proc.stdout + proc.stderr, "s3")
    assert "cannot reach nonexistent.invalid (no network?)" in line, line
    assert "EndpointConnectionError" not in line


@pytest.mark.parametrize("code", ["SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken"])
def test_refused_aws_credentials_are_named_as_such(moto_endpoint: str, code: str) -> None:
    # moto does not check signatures: S3's own error answers, as botocore parses them, stand in.
    client = boto3.client("s3", region_name="us-east-1")
    publisher = S3Publisher(client, "my-bucket")
    post = OutputFile("_posts/2026-02-10-hf.md", b"post", "text/markdown; charset=utf-8")
    with Stubber(client) as stub:
        stub.add_client_error("head_object", service_error_code=code, http_status_code=403)
        with pytest.raises(PublishError) as raised:
            publisher.publish(Bundle(day_span(date(2026, 2, 10)), files=(post,)), Deadline.after(60))
    message = str(raised.value)
    assert message.startswith("s3: AWS refused the ") and f"({code})" in message
    assert "AWS_SECRET_ACCESS_KEY" in message and "\n" not in message


def test_make_clean_keeps_the_folder_of_posts(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "out" / "_posts").mkdir(parents=True)
    (tmp_path / "out" / "_posts" / "2026-02-10-hf-daily-papers.md").write_text("post\n", encoding="utf-8")
    (tmp_path / ".pytest_cache").mkdir()
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True, capture_output=True, timeout=60)
    assert (tmp_path / "out" / "_posts" / "2026-02-10-hf-daily-papers.md").is_file()
    assert not (tmp_path / ".pytest_cache").exists()


def test_make_demo_installs_only_the_runtime_dependencies_and_make_test_the_dev_tools(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)

    def planned(target: str) -> list[str]:
        done = subprocess.run(
            ["make", "-n", target, "BASE_PYTHON=python3"],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return [line for line in done.stdout.splitlines() if "pip install" in line]

    assert [line.split()[-1] for line in planned("demo")] == ["."]
    assert [line.split()[-1] for line in planned("lint")] == [".", "'.[dev]'"]
