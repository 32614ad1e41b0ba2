"""Three live servers (Hugging Face look-alike, git-backed GitHub API, moto_server) and the real handler."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from hf_digest.errors import DigestError
from tests.discord_server import DiscordServer
from tests.github_server import GitHubServer
from tests.helpers import FakeContext, Output, post_path, quiet_botocore, sent_from
from tests.hf_server import HFServer
from tests.reliability.leaks import LeakScan
from tests.slack_server import SlackServer
from tests.telegram_server import TelegramServer

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

HF_DIGEST = Path(sys.executable).with_name("hf-digest")
FEEDS = 4  # a day's Atom and JSON feeds of the digests and of the papers, under feeds/


def same_code(environ: Mapping[str, str]) -> dict[str, str]:
    """environ with PYTHONPATH's entries made absolute: a process started in another folder runs the code
    under test (`PYTHONPATH=handler` from a worktree), not whatever the virtualenv installed."""
    env = dict(environ)
    if env.get("PYTHONPATH"):
        paths = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in paths)
    return env


@dataclass
class Invocation:
    """What one call of the handler gave: its result or its error, and how long it took."""

    result: dict[str, Any] | None
    error: DigestError | None
    wall_s: float

    @property
    def status(self) -> str:
        assert self.result is not None, f"the handler raised {self.error!r}"
        return str(self.result["status"])

    def outcomes(self) -> dict[str, str]:
        assert self.result is not None, f"the handler raised {self.error!r}"
        return {d["destination"]: d["status"] for d in self.result["destinations"]}

    def told(self) -> dict[str, str]:
        """channel -> status of the run's single-digest notifications (none: {})."""
        assert self.result is not None, f"the handler raised {self.error!r}"
        report = self.result.get("notifications")
        return {c["channel"]: c["status"] for c in report["channels"]} if report else {}


@dataclass
class Stack:
    """The servers, the handler and what it printed; helpers to run it and to see what it wrote."""

    app: ModuleType
    hf: HFServer
    github: GitHubServer
    s3: S3Client
    bucket: str
    secret_name: str
    output: Output
    scan: LeakScan
    tmp_path: Path
    initial_head: str

    def invoke(self, event: object, remaining_ms: int = 120_000) -> Invocation:
        """The Lambda handler in-process, as Lambda calls it; every result and error goes into the scan."""
        started = time.monotonic()
        result: dict[str, Any] | None = None
        error: DigestError | None = None
        try:
            result = self.app.lambda_handler(event, FakeContext(remaining_ms=remaining_ms))
        except DigestError as exc:
            error = exc
        wall = time.monotonic() - started
        self.scan.add("result", result)
        self.scan.add("exception", error)
        return Invocation(result, error, wall)

    def start_cli(self, event: object, *extra: str) -> subprocess.Popen[str]:
        """`hf-digest invoke EVENT.json` as its own process, with this stack's environment."""
        path = self.tmp_path / f"event-{uuid.uuid4().hex[:8]}.json"
        path.write_text(json.dumps(event), encoding="utf-8")
        return subprocess.Popen(
            [str(HF_DIGEST), "invoke", str(path), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.tmp_path,
            env=same_code(os.environ),
        )

    def finish_cli(self, proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
        stdout, stderr = proc.communicate(timeout=120)
        self.scan.add("cli stdout", stdout)
        self.scan.add("cli stderr", stderr)
        return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)

    def cli(self, event: object, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.finish_cli(self.start_cli(event, *extra))

    # --- what was written ----------------------------------------------------------------------------

    def head(self) -> str | None:
        return self.github.git.rev("refs/heads/main")

    def github_log(self) -> list[str]:
        """Every commit subject on main, newest first."""
        return self.github.git_log("main")

    def commits(self) -> list[str]:
        """Commit subjects on main, newest first, without the initial commit."""
        return self.github.git_log("main")[:-1]

    def posts(self) -> list[str]:
        """The post keys in the bucket (the feeds beside them left out)."""
        return sorted(key for key in self.versions() if not key.startswith("feeds/"))

    def in_git(self, day: str) -> bytes | None:
        return self.github.read_file("main", post_path(day))

    def versions(self) -> dict[str, list[bytes]]:
        """Every version of every object in the (versioned) bucket: key -> contents, oldest first."""
        with quiet_botocore():
            listed = self.s3.list_object_versions(Bucket=self.bucket).get("Versions", [])
            found: dict[str, list[tuple[Any, bytes]]] = {}
            for version in listed:
                body = self.s3.get_object(
                    Bucket=self.bucket, Key=version["Key"], VersionId=version["VersionId"]
                )
                found.setdefault(version["Key"], []).append((version["LastModified"], body["Body"].read()))
        return {key: [data for _, data in sorted(items, key=lambda i: i[0])] for key, items in found.items()}

    def in_s3(self, day: str) -> bytes | None:
        contents = self.versions().get(post_path(day))
        return contents[-1] if contents else None

    def assert_nothing_written_to_the_branch(self) -> None:
        assert self.head() == self.initial_head, f"a commit landed: {self.commits()}"

    def assert_nothing_written(self) -> None:
        self.assert_nothing_written_to_the_branch()
        assert self.github.writes() == [], [f"{w.method} {w.path}" for w in self.github.writes()]
        assert self.versions() == {}

    def assert_published_once(self, day: str) -> bytes:
        """One commit with the post, one S3 version with the same bytes; returns them."""
        assert self.commits() == [f"Add Hugging Face Daily Papers for {day}"]
        post = self.in_git(day)
        assert post is not None
        versions = self.versions()
        assert versions.pop(post_path(day)) == [post]
        # The feeds went in the same commit, and to S3 once each with the same bytes.
        assert len(versions) == FEEDS and all(path.startswith("feeds/") for path in versions), sorted(
            versions
        )
        assert versions == {path: [self.github.read_file("main", path)] for path in versions}
        return post


@dataclass
class Channels:
    slack: SlackServer
    discord: DiscordServer
    telegram: TelegramServer
    endpoint: str
    sender: str

    def mails(self) -> list[str]:
        """Each mail's subject, in order."""
        return [str(mail["Subject"]) for _, mail in sent_from(self.endpoint, self.sender)]

    def counts(self) -> dict[str, int]:
        """Messages each channel took."""
        return {
            "slack": len(self.slack.delivered),
            "discord": len(self.discord.delivered),
            "telegram": len(self.telegram.delivered),
            "email": len(self.mails()),
        }
