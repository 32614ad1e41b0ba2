"""The command line: `hf-digest run` builds a post; `hf-digest invoke` runs the Lambda handler here."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from hf_digest import config, jobs, request
from hf_digest.config import Settings
from hf_digest.deadline import Deadline
from hf_digest.errors import BadInput, ConfigError, DigestError
from hf_digest.pipeline import OK_STATUSES, RunResult, run_request

# Lambda's maximum; a local run has the same ceiling so waits behave as they would in AWS.
DEFAULT_TIMEOUT_S = 900.0
# A local backfill is not bound by Lambda: a year of days at the default pace takes minutes, not hours.
BACKFILL_TIMEOUT_S = 24 * 3600.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hf-digest", description=__doc__)
    parser.add_argument("--verbose", "-v", action="store_true", help="log progress; show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="build one day's post (or a range, a week, a month) and publish it")
    which = run.add_mutually_exclusive_group()
    which.add_argument("--date", help="the day, YYYY-MM-DD (default: the latest closed day)")
    which.add_argument("--from", dest="first", metavar="DAY", help="backfill every day from DAY (YYYY-MM-DD)")
    which.add_argument("--week", help="a weekly digest of an ISO week, e.g. 2026-W06")
    which.add_argument("--month", help="a monthly digest, e.g. 2026-02")
    run.add_argument(
        "--to", dest="last", metavar="DAY", help="last day of --from (default: latest closed day)"
    )
    run.add_argument("--out", type=Path, help="output folder for the local destination (DIGEST_OUTPUT_DIR)")
    run.add_argument("--lang", choices=config.LANGUAGES, help="post language (DIGEST_LANG)")
    run.add_argument("--top", type=int, help="papers to show, 0 for all (DIGEST_TOP_N)")
    run.add_argument("--dest", help="destinations, comma separated: local,github,s3 (DIGEST_DESTINATIONS)")
    run.add_argument("--dry-run", action="store_true", help="print the markdown, publish nothing")
    run.add_argument("--partial", action="store_true", help="allow a day whose list is still open")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.add_argument("--verbose", "-v", action="store_true", help=argparse.SUPPRESS)

    invoke = commands.add_parser("invoke", help="run the Lambda handler with an event file, here")
    invoke.add_argument("event", type=Path, help="a JSON event, e.g. events/manual.json")
    invoke.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="the function's timeout, s")
    invoke.add_argument("--verbose", "-v", action="store_true", help=argparse.SUPPRESS)
    return parser


def _summary(result: RunResult) -> str:
    lines = [f"{result.status} {result.day}: {result.papers_shown} of {result.papers_total} papers shown"]
    for outcome in result.outcomes:
        where = outcome.location + (f" ({outcome.commit[:12]})" if outcome.commit else "")
        lines.append(f"  {outcome.destination}: {outcome.status} {where}".rstrip())
        if outcome.error:
            lines.append(f"    error: {outcome.error}")
    lines.extend(f"  warning: {warning}" for warning in result.warnings)
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    settings = config.from_env()
    if args.out is not None:
        settings = replace(settings, output_dir=args.out)
    destinations = config.parse_destinations(args.dest, "--dest") if args.dest else None
    if args.last is not None and args.first is None:
        raise BadInput("--to", "goes with --from (the first day of the range)")
    if args.first is not None:
        return _backfill(args, settings, destinations)
    if args.week is not None or args.month is not None:
        return _period(args, settings, destinations)
    req = request.from_options(
        settings,
        datetime.now(UTC),
        date_text=args.date,
        lang=args.lang,
        top_n=args.top,
        destinations=destinations,
        dry_run=args.dry_run,
        partial=args.partial,
    )
    result = run_request(req, settings, Deadline.after(DEFAULT_TIMEOUT_S))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    elif result.post is not None:
        sys.stdout.write(result.post)
        print(_summary(result), file=sys.stderr)
    else:
        print(_summary(result))
    return 0 if result.ok else 1


def _backfill(args: argparse.Namespace, settings: Settings, destinations: Sequence[str] | None) -> int:
    """Every day of the range, here, one after another: a progress bar on stderr, the days on stdout."""
    from hf_digest import backfill, publish
    from hf_digest.source import HuggingFaceSource

    now = datetime.now(UTC)
    job = jobs.range_from_options(
        settings,
        now,
        first_text=args.first,
        last_text=args.last if args.last is not None else request.closed_day(now).isoformat(),
        lang=args.lang,
        top_n=args.top,
        destinations=destinations,
        dry_run=args.dry_run,
        trigger="cli",
    )
    publishers = [] if job.dry_run else publish.build(job.destinations, settings)
    started = time.monotonic()
    days = backfill.run_range(
        job,
        settings,
        HuggingFaceSource(settings),
        publishers,
        Deadline.after(BACKFILL_TIMEOUT_S),
        now,
        progress=None if args.json else sys.stderr,
    )
    if args.json:
        print(
            json.dumps(
                {"from": job.first.isoformat(), "to": job.last.isoformat(), **days.to_json()}, indent=2
            )
        )
        return 0 if days.ok else 1
    for run in days.runs:
        if run.result is not None:
            print(_summary(run.result))
        else:
            print(f"failed {run.day}: {run.error}")
    counts = ", ".join(f"{n} {status}" for status, n in days.counts().items())
    print(
        f"backfill {job.first}..{job.last}: {counts} ({len(days.runs)} days, "
        f"{days.hf_requests} Hugging Face requests, {time.monotonic() - started:.1f} s)"
    )
    return 0 if days.ok else 1


def _period(args: argparse.Namespace, settings: Settings, destinations: Sequence[str] | None) -> int:
    from hf_digest.summaries import run_period_request

    event: dict[str, Any] = {"week": args.week} if args.week is not None else {"month": args.month}
    options = {"lang": args.lang, "top": args.top, "destinations": destinations and list(destinations)}
    event |= {key: value for key, value in options.items() if value is not None}
    event |= {"dry_run": args.dry_run, "partial": args.partial}
    job = jobs.period_from_event(event, settings, datetime.now(UTC), trigger="cli")
    result = run_period_request(job, settings, Deadline.after(DEFAULT_TIMEOUT_S))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0 if result.ok else 1
    lines = [f"{result.status} {job.period.key}: {result.papers_shown} of {result.papers_total} papers shown"]
    lines += [f"  {o.destination}: {o.status} {o.location}".rstrip() for o in result.outcomes]
    lines += [f"    error: {o.error}" for o in result.outcomes if o.error]
    if result.post is not None:
        sys.stdout.write(result.post)
        print("\n".join(lines), file=sys.stderr)
    else:
        print("\n".join(lines))
    return 0 if result.ok else 1


class LocalContext:
    """The parts of Lambda's context object the handler reads, with a real deadline."""

    function_name = "hf-daily-digest-local"
    function_version = "$LATEST"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:local:000000000000:function:hf-daily-digest-local"
    log_group_name = "/aws/lambda/hf-daily-digest-local"
    log_stream_name = "local"

    def __init__(self, timeout_s: float) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = Deadline.after(timeout_s)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline.remaining() * 1000))


def load_app() -> ModuleType:
    """handler/app.py, the Lambda entry, which sits beside this package (also in the built function)."""
    path = Path(__file__).resolve().parent.parent / "app.py"
    spec = importlib.util.spec_from_file_location("app", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise ConfigError(f"the Lambda entry {path} is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _invoke(args: argparse.Namespace) -> int:
    try:
        event: Any = json.loads(args.event.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BadInput("event", f"cannot read {args.event}: {exc}") from None
    app = load_app()
    # Lambda's log lines and metrics go to stderr here, so stdout holds only the result (pipe it to jq).
    from hf_digest.observability import logger as lambda_logger

    if isinstance(lambda_logger.registered_handler, logging.StreamHandler):
        lambda_logger.registered_handler.setStream(sys.stderr)
    with contextlib.redirect_stdout(sys.stderr):
        result = app.lambda_handler(event, LocalContext(args.timeout))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if "batchItemFailures" in result:  # an SQS batch: every message done, or the ones to retry
        return 0 if not result["batchItemFailures"] else 1
    return 0 if result.get("status") in (*OK_STATUSES, "queued") else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Without --verbose the CLI speaks only through its summary and a one-line error.
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.CRITICAL,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return _invoke(args) if args.command == "invoke" else _run(args)
    except DigestError as exc:
        if args.verbose:
            logging.getLogger(__name__).exception("failed")
        print(f"hf-digest: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
