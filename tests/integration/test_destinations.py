"""Several destinations in one run: each reported on its own, a failure fails the run after the others
were tried, and a rerun repairs only what is missing."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import boto3

from tests.helpers import MakeGitHubServer, deny_put_policy, hf_digest, post_path
from tests.hf_server import HFServer

TOKEN = "github_pat_destinations_test_token_5150"
POST = post_path("2026-02-10")


def test_one_failing_destination_fails_the_run_and_a_rerun_repairs_only_it(
    hf_server: HFServer, make_github_server: MakeGitHubServer, moto_endpoint: str, tmp_path: Path
) -> None:
    github = make_github_server(token=TOKEN)
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    bucket = f"blog-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=deny_put_policy(bucket))
    env = {
        "GITHUB_API_URL": github.api_url,
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_TOKEN": TOKEN,
        "S3_BUCKET": bucket,
        "S3_PREFIX": "blog",
        "AWS_ENDPOINT_URL": moto_endpoint,
    }
    args = ("run", "--date", "2026-02-10", "--dest", "local,github,s3", "--out", str(tmp_path), "--json")

    first = hf_digest(hf_server, *args, env=env)
    assert first.exit_code == 1, first.stderr
    result = json.loads(first.stdout)
    statuses = {d["destination"]: d["status"] for d in result["destinations"]}
    assert result["status"] == "failed"
    assert statuses == {"local": "created", "github": "created", "s3": "failed"}
    s3_outcome = next(d for d in result["destinations"] if d["destination"] == "s3")
    assert "access denied" in s3_outcome["error"] and "s3:PutObject" in s3_outcome["error"]
    commits = github.git_log("main")
    assert len(commits) == 2  # Init and ours

    s3.delete_bucket_policy(Bucket=bucket)
    rerun = hf_digest(hf_server, *args, env=env)
    assert rerun.exit_code == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    statuses = {d["destination"]: d["status"] for d in result["destinations"]}
    assert result["status"] == "published"
    assert statuses == {"local": "unchanged", "github": "unchanged", "s3": "created"}
    assert github.git_log("main") == commits  # no second commit
    posted = s3.get_object(Bucket=bucket, Key=f"blog/{POST}")["Body"].read()
    assert posted == (tmp_path / POST).read_bytes() == github.read_file("main", POST)
    assert TOKEN not in first.stdout + first.stderr + rerun.stdout + rerun.stderr
