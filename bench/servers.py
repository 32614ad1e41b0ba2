"""The local servers a bench run talks to, and the requests each one saw.

Hugging Face and GitHub count from their own request logs; S3 and Secrets Manager count from moto's
request recorder (`/moto-api/recorder/...`), so every count is taken on the server's side.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tests.github_server import GitHubServer
from tests.hf_server import HFServer, load_sample_days

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "hf-samples"
MONTH_FILE = "honggi82_month_2025-09.json"
SYNTHETIC_DAY = date(2026, 3, 3)  # a Tuesday no sample covers
SYNTHETIC_PAPERS = 100
GITHUB_TOKEN = "github_pat_bench_local_token_5c1d"  # noqa: S105 - the local GitHub server's
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def synthetic_day(samples: Path = SAMPLES) -> list[dict[str, Any]]:
    """100 distinct papers of the 2025-09 month file, re-dated to SYNTHETIC_DAY."""
    items = json.loads((samples / MONTH_FILE).read_text(encoding="utf-8"))
    chosen: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        key = item["paper"]["id"]
        if key in seen:
            continue
        seen.add(key)
        moved = copy.deepcopy(item)
        stamp = moved["paper"].get("submittedOnDailyAt") or "T00:00:00.000Z"
        moved["paper"]["submittedOnDailyAt"] = SYNTHETIC_DAY.isoformat() + stamp[10:]
        chosen.append(moved)
        if len(chosen) == SYNTHETIC_PAPERS:
            return chosen
    raise RuntimeError(f"{MONTH_FILE} holds fewer than {SYNTHETIC_PAPERS} distinct papers")


@dataclass(frozen=True)
class AwsCalls:
    """Requests moto received, by service."""

    s3: int
    secretsmanager: int
    operations: tuple[str, ...]  # e.g. "s3 HEAD", "secretsmanager GetSecretValue", in order


class Moto:
    """A moto_server subprocess on a free loopback port, recording the requests it serves."""

    def __init__(self) -> None:
        exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
        if not Path(exe).exists():
            raise RuntimeError(
                "moto_server is not installed: run `make test` once (it installs moto[server])"
            )
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self._tmp = Path(tempfile.mkdtemp(prefix="bench-moto-"))
        # The recorder appends every request to this file (by default ./moto_recording).
        env = {**os.environ, "MOTO_RECORDER_FILEPATH": str(self._tmp / "recording.jsonl")}
        self._proc = subprocess.Popen(  # noqa: S603
            [exe, "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self._tmp,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto_server did not start within 30 s")

    @property
    def env(self) -> dict[str, str]:
        return AWS_ENV | {"AWS_ENDPOINT_URL": self.endpoint}

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _recorder(self, action: str) -> bytes:
        method = "GET" if action == "download-recording" else "POST"
        url = f"{self.endpoint}/moto-api/recorder/{action}"
        req = urllib.request.Request(url, method=method)  # noqa: S310 - our own loopback http URL
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
            return bytes(response.read())

    def start_counting(self) -> None:
        self._recorder("reset-recording")
        self._recorder("start-recording")

    def stop_counting(self) -> AwsCalls:
        raw = self._recorder("download-recording")
        self._recorder("stop-recording")
        operations = [_operation(json.loads(line)) for line in raw.decode().splitlines() if line.strip()]
        by_service = Counter(op.split()[0] for op in operations)
        return AwsCalls(by_service["s3"], by_service["secretsmanager"], tuple(operations))

    def setup(self, bucket: str, secret: str, token: str) -> None:
        """A bucket and a secret holding the GitHub token, made before counting starts."""
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=AWS_ENV["AWS_SESSION_TOKEN"],
            region_name=AWS_ENV["AWS_REGION"],
        )
        session.client("s3", endpoint_url=self.endpoint).create_bucket(Bucket=bucket)
        secrets = session.client("secretsmanager", endpoint_url=self.endpoint)
        secrets.create_secret(Name=secret, SecretString=json.dumps({"token": token}))


def _operation(record: dict[str, Any]) -> str:
    """The operation, e.g. "s3 PUT" or "secretsmanager GetSecretValue": SigV4 scope and JSON target."""
    headers = {k.lower(): v for k, v in (record.get("headers") or {}).items()}
    scope = headers.get("authorization", "").split("Credential=")[-1].split(",")[0].split("/")
    service = scope[3] if len(scope) > 3 else "unknown"
    target = headers.get("x-amz-target", "")
    return f"{service} {target.split('.')[-1] if target else record.get('method', '?')}"


@dataclass
class Destination:
    """A fresh GitHub repository (on its own server), a fresh bucket and a secret with the token."""

    github: GitHubServer
    bucket: str
    secret: str
    tmp: Path

    def env(self) -> dict[str, str]:
        """The function's settings as template.yaml sets them, pointed at the local servers."""
        return {
            "DIGEST_DESTINATIONS": "github,s3",
            "GITHUB_REPOSITORY": self.github.full_name,
            "GITHUB_API_URL": self.github.api_url,
            "GITHUB_TOKEN_SECRET": self.secret,
            "S3_BUCKET": self.bucket,
            "S3_PREFIX": "",
            # The stack's state table, as one SQLite file per destination: what a scheduled run remembers
            # (the days seen empty) lasts for one repetition's steps, never into the next or another bench.
            "DIGEST_STATE_PATH": str(self.tmp / "state.sqlite3"),
            "POWERTOOLS_SERVICE_NAME": "hf-daily-digest",
            "POWERTOOLS_METRICS_NAMESPACE": "HfDailyDigest",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }


class Servers:
    """Hugging Face (samples + the synthetic 100-paper day) and moto, for the whole bench run."""

    def __init__(self, samples: Path = SAMPLES) -> None:
        if not samples.is_dir():
            raise RuntimeError(f"Hugging Face samples not found at {samples} (../shared/hf-samples)")
        days = load_sample_days(samples)
        days[SYNTHETIC_DAY.isoformat()] = synthetic_day(samples)
        self.day_items = days
        self.hf = HFServer(days).start()
        try:
            self.moto = Moto()
        except BaseException:
            self.hf.stop()
            raise

    def stop(self) -> None:
        self.moto.stop()
        self.hf.stop()

    @contextmanager
    def destination(self) -> Iterator[Destination]:
        """A new repository with one commit on main, a new bucket, a new secret."""
        tmp = Path(tempfile.mkdtemp(prefix="bench-github-"))
        github = GitHubServer(tmp, token=GITHUB_TOKEN).start()
        try:
            github.commit_files("main", {"README.md": b"# blog\n"}, "Initial commit")
            suffix = uuid.uuid4().hex[:10]
            dest = Destination(github, f"bench-{suffix}", f"hf-digest/github-token-{suffix}", tmp)
            self.moto.setup(dest.bucket, dest.secret, GITHUB_TOKEN)
            yield dest
        finally:
            github.stop()
            shutil.rmtree(tmp, ignore_errors=True)

    def env(self, dest: Destination) -> dict[str, str]:
        return self.moto.env | {"HF_BASE_URL": self.hf.url} | dest.env()
