"""What the GitHub Action (action.yml) prints around a run: the job summary, the commit message and the
committer, from the result JSON of `hf-digest run --json` and the settings (GITHUB_COMMIT_MESSAGE,
GITHUB_COMMITTER_NAME, ...), so the Action's commit reads as the github destination's would:
`python -m hf_digest.github_action summary|message|identity RESULT.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hf_digest import config
from hf_digest.adapters.publish.github import DEFAULT_MESSAGES
from hf_digest.core import paths
from hf_digest.core.outcomes import SpanKind, Status
from hf_digest.errors import BadInput, DigestError


def _span(result: Mapping[str, Any]) -> tuple[SpanKind, str, str]:
    """The result's kind, key (2026-02-10, 2026-W06, 2026-02) and post date (the span's last day)."""
    for kind in SpanKind:
        if isinstance(result.get(kind.query), str):
            key = str(result[kind.query])
            return kind, key, str(result.get("to", key))
    raise BadInput("result", "names no date, week or month: is it the JSON of `hf-digest run --json`?")


def summary_markdown(result: Mapping[str, Any], commit_url: str | None = None) -> str:
    """The job summary: the result line, the post's and the commit's links, a row per destination, the
    warnings."""
    _, key, _ = _span(result)
    status = str(result.get("status", "unknown"))
    if status == "empty":
        head = f"**{key}**: no papers; nothing written"
    else:
        shown, total = result.get("papers_shown", 0), result.get("papers_total", 0)
        head = f"**{status}** {key}: {shown} of {total} papers shown"
    lines = ["### Hugging Face Daily Papers digest", "", head, ""]
    if result.get("url"):
        lines += [f"Post: <{result['url']}>", ""]
    if commit_url:
        lines += [f"Commit: <{commit_url}>", ""]
    deliveries = result.get("destinations") or []
    if deliveries:
        lines += ["| destination | status | where |", "| --- | --- | --- |"]
        for d in deliveries:
            where = str(d.get("url") or d.get("location") or "")
            if d.get("commit"):
                where += f" ({str(d['commit'])[:12]})"
            if d.get("error"):
                where += f": {d['error']}"
            lines.append(f"| {d.get('destination')} | {d.get('status')} | {_cell(where)} |")
        lines.append("")
    summaries = result.get("summaries")
    if isinstance(summaries, Mapping) and summaries.get("model"):
        counts = ", ".join(f"{k} {v}" for k, v in summaries.items() if isinstance(v, int | float))
        lines += [f"Summaries ({summaries['model']}): {counts}", ""]
    lines += [f"- warning: {_cell(str(w))}" for w in result.get("warnings") or []]
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    """text safe inside a Markdown table cell: one line, no column break."""
    return " ".join(text.split()).replace("|", "\\|")


def commit_message(result: Mapping[str, Any], settings: config.Settings) -> str:
    """The message of the Action's one commit: GITHUB_COMMIT_MESSAGE (a new post) or
    GITHUB_COMMIT_MESSAGE_UPDATE (a changed one), else the kind's default, as the github destination's."""
    kind, key, post_date = _span(result)
    statuses = {d.get("status") for d in result.get("destinations") or [] if d.get("destination") == "local"}
    existed = Status.UPDATED in statuses and Status.CREATED not in statuses
    add, update = DEFAULT_MESSAGES[kind]
    if existed:
        template, variable = settings.github_message_update or update, "GITHUB_COMMIT_MESSAGE_UPDATE"
    else:
        template, variable = settings.github_message_add or add, "GITHUB_COMMIT_MESSAGE"
    return paths.fill(template, {"date": post_date, "kind": kind, "key": key}, variable=variable)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BadInput("result", f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise BadInput("result", f"{path} holds no JSON object")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hf_digest.github_action", description=__doc__)
    parser.add_argument("what", choices=("summary", "message", "identity"))
    parser.add_argument("result", type=Path, help="the JSON that `hf-digest run --json` printed")
    parser.add_argument("--commit-url", help="the summary links the commit the Action pushed")
    args = parser.parse_args(argv)
    try:
        result = _read(args.result)
        if args.what == "summary":
            sys.stdout.write(summary_markdown(result, args.commit_url))
            return 0
        settings = config.from_env()
        if args.what == "message":
            print(commit_message(result, settings))
        else:  # the committer, a line each: name, e-mail
            print(f"{settings.github_committer_name}\n{settings.github_committer_email}")
    except DigestError as exc:
        print(f"hf-digest: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
