"""Issue 21, feeds keep their history: control characters in any field Hugging Face sends (URLs included)
never make a feed unreadable, and a feed object far larger than any feed this project writes is never
read whole. Through the handler, against the local GitHub server and moto_server."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import feedparser
import pytest

from hf_digest.adapters.publish.github import blob_sha
from hf_digest.core.model import MAX_HELD_BYTES
from hf_digest.rendering.feeds import entries_in
from tests.helpers import jing_errors, json_feed_schema_errors, load_event, quiet_botocore
from tests.reliability.stack import HF_DIGEST, Stack

DAY_1, DAY_2 = "2026-02-10", "2026-02-11"
ATOM = "feeds/hf-daily-papers.ko.atom"
JSON = "feeds/hf-daily-papers.ko.json"
PAPERS_ATOM = "feeds/hf-papers.ko.atom"
PAPERS_JSON = "feeds/hf-papers.ko.json"
# Controls that are not whitespace, so a URL holding them still looks like one to the model: C0 controls
# XML cannot hold even escaped, ESC, DEL and a C1 control (CSI).
CONTROLS = "\x01\x08\x1b\x7f\x9b"
# What must stay as Hugging Face sent it, or the item is not a paper of the day.
KEEP = (".paper.id", ".paper.submittedOnDailyAt", ".paper.publishedAt", ".publishedAt")


def scheduled(time: str) -> dict[str, Any]:
    return load_event("scheduled.json") | {"id": str(uuid.uuid4()), "time": time}


def with_controls(value: Any, path: str = "") -> Any:
    """value with control characters inside and at the end of every string, the URLs included."""
    if isinstance(value, dict):
        return {key: with_controls(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [with_controls(item, path) for item in value]
    if isinstance(value, str) and path not in KEEP:
        return f"{value[:12]}{CONTROLS}{value[12:]}{CONTROLS}"
    return value


def in_s3(stack: Stack, key: str) -> bytes:
    with quiet_botocore():
        return bytes(stack.s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read())


def held(stack: Stack, where: str, path: str) -> bytes:
    """The bytes at path on the GitHub branch or in the bucket."""
    data = stack.github.read_file("main", path) if where == "github" else in_s3(stack, path)
    assert data is not None, (where, path)
    return data


def test_control_characters_in_every_field_never_cost_a_feed_its_history(
    stack: Stack, tmp_path: Path
) -> None:
    stack.hf.days[DAY_1] = [with_controls(copy.deepcopy(item)) for item in stack.hf.days[DAY_1]]
    assert "\x1b" in stack.hf.days[DAY_1][0]["thumbnail"]
    first = stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    assert (first.status, first.outcomes()) == ("published", {"github": "created", "s3": "created"})
    second = stack.invoke(scheduled("2026-02-12T03:00:00Z"))
    assert (second.status, second.outcomes()) == ("published", {"github": "created", "s3": "created"})
    assert second.result is not None and "warnings" not in second.result  # nothing was rebuilt

    for where in ("github", "s3"):
        feeds = {path: held(stack, where, path) for path in (ATOM, JSON, PAPERS_ATOM, PAPERS_JSON)}
        digests = entries_in("atom", feeds[ATOM])
        assert [e.title for e in digests] == [f"Hugging Face Daily Papers - {d}" for d in (DAY_2, DAY_1)], (
            where
        )
        papers = entries_in("atom", feeds[PAPERS_ATOM])
        assert len(papers) == 20
        assert [e.id for e in entries_in("json", feeds[PAPERS_JSON])] == [e.id for e in papers], where
        day_1 = [e for e in papers if DAY_1 in e.id]
        assert len(day_1) == 10 and all(e.image and "%1B" in e.image for e in day_1), where
        for path in (ATOM, PAPERS_ATOM):
            parsed = feedparser.parse(feeds[path])
            assert not parsed.bozo, (where, path, parsed.get("bozo_exception"))
        assert jing_errors(tmp_path, {f"{where}-{p}": feeds[p] for p in (ATOM, PAPERS_ATOM)}) is None
        for path in (JSON, PAPERS_JSON):
            assert json_feed_schema_errors(feeds[path]) == [], (where, path)
        text = b"".join(feeds.values()).decode("utf-8")
        assert not any(ch in text for ch in CONTROLS), where


def test_a_huge_object_at_a_feed_path_is_not_read_into_memory(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100 MB at the Atom feed's key: the run's peak memory stays far from Lambda's 256 MB (reading it
    whole took 266 MiB here), the feed is rebuilt and said so, and the next run reads its own feed back."""
    with quiet_botocore():
        stack.s3.put_object(Bucket=stack.bucket, Key=ATOM, Body=b"x" * (100 * 2**20))
    monkeypatch.setenv("DIGEST_DESTINATIONS", "s3")
    event = stack.tmp_path / "event.json"
    event.write_text(json.dumps(scheduled("2026-02-11T03:00:00Z")), encoding="utf-8")
    # The child's peak resident memory, as its parent sees it once it has ended.
    measure = (
        "import resource, subprocess, sys;"
        " done = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        " sys.stderr.write(done.stderr); print(done.stdout);"
        " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", measure, str(HF_DIGEST), "invoke", str(event)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=stack.tmp_path,
        timeout=120,
        check=False,
    )
    stack.scan.add("cli stdout", proc.stdout)
    stack.scan.add("cli stderr", proc.stderr)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result_text, peak_kib = proc.stdout.rstrip("\n").rsplit("\n", 1)
    assert int(peak_kib) < 128 * 1024, f"peak {int(peak_kib) // 1024} MiB"
    result = json.loads(result_text)
    assert result["status"] == "published"
    assert any(ATOM in w and "MiB" in w and "rebuilt" in w for w in result["warnings"]), result["warnings"]
    rebuilt = in_s3(stack, ATOM)
    assert [e.title for e in entries_in("atom", rebuilt)] == [f"Hugging Face Daily Papers - {DAY_1}"]
    assert not feedparser.parse(rebuilt).bozo
    again = stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    assert again.result is not None and (again.status, again.result.get("warnings")) == ("unchanged", None)


def test_a_feed_file_too_large_to_be_ours_is_never_fetched_from_github_or_read_locally(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = b"<feed>" + b"x" * (MAX_HELD_BYTES + 1) + b"</feed>"
    stack.github.commit_files("main", {PAPERS_ATOM: huge}, "Someone's very large file")
    local = stack.tmp_path / "local-out"
    (local / "feeds").mkdir(parents=True)
    (local / PAPERS_ATOM).write_bytes(huge)
    monkeypatch.setenv("DIGEST_DESTINATIONS", "github,s3,local")
    run = stack.invoke(scheduled("2026-02-11T03:00:00Z"))
    assert run.outcomes() == {"github": "created", "s3": "created", "local": "created"}
    assert run.result is not None
    said = [w for w in run.result["warnings"] if PAPERS_ATOM in w]
    assert said and all("MiB" in w and "not read" in w for w in said), said
    big_blob = blob_sha(huge)
    assert not [r.path for r in stack.github.requests if big_blob in r.path]  # never asked for
    for data in (stack.github.read_file("main", PAPERS_ATOM), (local / PAPERS_ATOM).read_bytes()):
        assert data is not None and len(entries_in("atom", data)) == 10
