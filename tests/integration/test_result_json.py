"""The result JSON of a full run, key for key and value for value, as it was before the statuses and span
kinds became enums: a run with summaries and a Slack channel, its rerun, and `hf-digest notify` after them.

Regenerate with `UPDATE_GOLDEN=1 pytest tests/integration/test_result_json.py` only when a change means to
alter what a user reads; check the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hf_digest.core.outcomes import Status
from tests.bedrock_server import BedrockServer
from tests.helpers import REPO, hf_digest
from tests.hf_server import HFServer
from tests.slack_server import SlackServer

DAY = "2026-02-10"
MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
GOLDEN = REPO / "tests" / "golden" / f"result.{DAY}.json"
STATUS_KEYS = ("status", "target_status")
NOW = datetime(2026, 2, 11, 12, 0, tzinfo=UTC)  # the run's clock: the cost cap's month is its month


def three_results(hf_server: HFServer, slack: SlackServer, tmp_path: Path) -> list[dict[str, Any]]:
    """A first run (created, sent, summaries generated), its rerun (unchanged, already sent) and notify."""
    env = {
        "DIGEST_NOTIFY": "slack",
        "DIGEST_SUMMARY_MODEL": MODEL,
        "DIGEST_SITE_URL": "https://blog.example.org",
        "DIGEST_STATE_PATH": str(tmp_path / "state.sqlite3"),
        "DIGEST_OUTPUT_DIR": str(tmp_path / "blog"),
        "SLACK_WEBHOOK_URL": slack.webhook_url,
    }
    results = []
    for args in (("run", "--dest", "local"), ("run", "--dest", "local"), ("notify",)):
        done = hf_digest(hf_server, *args, "--date", DAY, "--json", env=env, now=NOW)
        assert done.exit_code == 0, done.stderr
        text = done.stdout.replace(str(tmp_path), "<tmp>").replace(slack.webhook_url, "<slack>")
        results.append(json.loads(text))
    return results


def statuses(value: Any) -> Iterator[str]:
    """Every status a result names: the value of each status key, and each key of a `counts` object."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in STATUS_KEYS:
                yield item
            elif key == "counts" and isinstance(item, dict):
                yield from item
            else:
                yield from statuses(item)
    elif isinstance(value, list):
        for item in value:
            yield from statuses(item)


def test_a_full_run_its_rerun_and_notify_answer_as_they_did(
    hf_server: HFServer, slack_server: SlackServer, bedrock: BedrockServer, tmp_path: Path
) -> None:
    results = three_results(hf_server, slack_server, tmp_path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert GOLDEN.is_file(), f"{GOLDEN} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert results == json.loads(GOLDEN.read_text(encoding="utf-8"))
    seen = set(statuses(results))
    assert {"created", "unchanged", "published", "sent", "already_sent", "generated", "ok", "done"} <= seen


def test_each_status_a_result_shows_is_one_of_the_statuses_defined_once(
    hf_server: HFServer, slack_server: SlackServer, bedrock: BedrockServer, tmp_path: Path
) -> None:
    results = three_results(hf_server, slack_server, tmp_path)
    shown = list(statuses(results))
    assert len(shown) > 10
    assert [status for status in shown if status not in set(Status)] == []
