"""The command line: `hf-digest run` builds a post; `hf-digest notify` tells the channels about one;
`hf-digest check` proves the settings and each part work; `hf-digest invoke` runs the Lambda handler
here; `hf-digest config` shows the effective settings."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import math
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from hf_digest import config, request, runs
from hf_digest.core.outcomes import OK_STATUSES, Status
from hf_digest.errors import BadInput, ConfigError, DigestError
from hf_digest.outbound.deadline import Deadline

# Lambda's maximum; a local run has the same ceiling so waits behave as they would in AWS.
DEFAULT_TIMEOUT_S = 900.0
# A local backfill is not bound by Lambda: a year of days at the default pace takes minutes, not hours.
BACKFILL_TIMEOUT_S = 24 * 3600.0
VERBOSE_HELP = "log progress; show tracebacks"
SETTINGS_HELP = "the settings file (default: DIGEST_SETTINGS, else ./digest.toml, else handler/digest.toml)"


def _seconds(text: str) -> float:
    """A timeout in seconds, finite and above zero (argparse turns the error into exit 2 naming the flag)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0 or value > DEFAULT_TIMEOUT_S:
        raise argparse.ArgumentTypeError(
            f"{text!r} must be more than 0 and at most {DEFAULT_TIMEOUT_S:.0f} s"
        )
    return value


def version() -> str:
    """The installed distribution's version; the package's own where it is not installed (Lambda)."""
    from importlib import metadata

    try:
        return metadata.version("hf-daily-digest")
    except metadata.PackageNotFoundError:
        from hf_digest import __version__

        return __version__


class _Parser(argparse.ArgumentParser):
    """argparse with a usage error on one line (exit 2), pointing at --help instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hf-digest", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    parser.add_argument("--verbose", "-v", action="store_true", help=VERBOSE_HELP)
    parser.add_argument("--settings", metavar="PATH", help=SETTINGS_HELP)
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
    run.add_argument(
        "--out",
        "--output-dir",
        dest="out",
        type=Path,
        help="output folder for the local destination (DIGEST_OUTPUT_DIR)",
    )
    run.add_argument("--lang", choices=config.LANGUAGES, help="post language (DIGEST_LANG)")
    run.add_argument(
        "--top", "--top-n", dest="top", type=int, help="papers to show, 0 for all (DIGEST_TOP_N)"
    )
    run.add_argument(
        "--dest",
        "--destinations",
        dest="dest",
        help="destinations, comma separated: local,github,s3 (DIGEST_DESTINATIONS)",
    )
    run.add_argument("--dry-run", action="store_true", help="print the markdown, publish nothing")
    run.add_argument("--partial", action="store_true", help="allow a day whose list is still open")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    # SUPPRESS as default: a subcommand's flag left out must not overwrite `hf-digest -v run`.
    run.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)

    notify = commands.add_parser("notify", help="tell the channels about one day's digest (once per channel)")
    notify.add_argument("--date", required=True, help="the day, YYYY-MM-DD")
    notify.add_argument(
        "--channel",
        action="append",
        choices=config.NOTIFY_CHANNELS,
        help="a channel to tell (repeatable; default: DIGEST_NOTIFY)",
    )
    notify.add_argument("--lang", choices=config.LANGUAGES, help="message language (DIGEST_LANG)")
    notify.add_argument("--dry-run", action="store_true", help="print each channel's message, send nothing")
    notify.add_argument("--json", action="store_true", help="print the result as JSON")
    notify.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)

    check = commands.add_parser("check", help="prove each configured part works, one line each (✓ or ✗)")
    check.add_argument(
        "--send-test", action="store_true", help="post a marked test message to Slack, Discord"
    )
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)

    settings = commands.add_parser("config", help="print the effective settings and where each came from")
    settings.add_argument(
        "--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP
    )
    for command in (run, notify, settings, check):
        command.add_argument("--settings", metavar="PATH", default=argparse.SUPPRESS, help=SETTINGS_HELP)

    invoke = commands.add_parser("invoke", help="run the Lambda handler with an event file, here")
    invoke.add_argument("event", type=Path, help="a JSON event, e.g. events/manual.json")
    invoke.add_argument(
        "--timeout", type=_seconds, default=DEFAULT_TIMEOUT_S, help="the function's timeout, s"
    )
    invoke.add_argument("--verbose", "-v", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    return parser


def _settings(args: argparse.Namespace, flags: dict[str, str] | None = None) -> config.Loaded:
    return config.load(path=args.settings, cli=True, flags=flags)


def _run(args: argparse.Namespace) -> int:
    flags = {"DIGEST_OUTPUT_DIR": str(args.out)} if args.out is not None else {}
    settings = _settings(args, flags).settings
    now: datetime = args.now
    req = request.from_flags(
        settings,
        now,
        date_text=args.date,
        first=args.first,
        last=args.last,
        week_text=args.week,
        month_text=args.month,
        partial=args.partial,
        lang=args.lang,
        top=args.top,
        destinations=args.dest,
        dry_run=args.dry_run,
    )
    ranged = isinstance(req, request.RangeRequest)
    deadline = Deadline.after(BACKFILL_TIMEOUT_S if ranged else DEFAULT_TIMEOUT_S)
    progress = sys.stderr if ranged and not args.json else None
    outcome = runs.execute(req, settings, deadline, now, progress=progress)
    data = outcome.to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif "post" in data:  # a dry run: the markdown on stdout, what happened on stderr
        sys.stdout.write(data["post"])
        print(outcome.summary(), file=sys.stderr)
    else:
        print(outcome.summary())
    return 0 if outcome.ok else 1


def _notify(args: argparse.Namespace) -> int:
    from hf_digest.runs.announce import announce

    settings = _settings(args).settings
    now: datetime = args.now
    day = request.parse_day(args.date, now=now, partial=False, field="--date")
    result = announce(
        settings,
        day,
        runs.Adapters.from_settings(settings),
        Deadline.after(DEFAULT_TIMEOUT_S),
        now,
        channels=args.channel,
        dry_run=args.dry_run,
        lang=args.lang,
    )
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(result.lines()))
    return result.exit_code


def _config(args: argparse.Namespace) -> int:
    loaded = _settings(args)
    print(f"# settings file: {loaded.file or 'none'}")
    for spec in config.specs():
        value = config.shown_value(getattr(loaded.settings, spec.attr))
        source = loaded.sources[spec.env]
        where = f"{source} {spec.env}" if source == "env" else source
        line = f"{spec.key} = {value}" if value is not None else f"# {spec.key} (unset)"
        print(f"{line:<60} # {where}")
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args).settings
    except ConfigError as exc:  # the first part checked: nothing else can be built without it
        print(f"✗ settings: {exc}")
        return exc.exit_code
    outcome = runs.execute(request.CheckRequest(args.send_test), settings, Deadline.after(120.0), args.now)
    print(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2) if args.json else outcome.summary())
    return 0 if outcome.ok else 1


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
    if args.settings is not None:  # the handler reads its settings as deployed, never a flag
        raise BadInput("--settings", "invoke runs the function as deployed: use DIGEST_SETTINGS")
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
    return 0 if result.get("status") in (*OK_STATUSES, Status.QUEUED, Status.CHECKED) else 1


def main(argv: Sequence[str] | None = None, *, now: datetime | None = None) -> int:
    """The command line; now pins the clock (`make demo` runs a recorded day as of its recording)."""
    args = _parser().parse_args(argv)
    args.now = now or datetime.now(UTC)
    # Without --verbose the CLI speaks only through its summary and a one-line error.
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.CRITICAL,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        commands = {"check": _check, "config": _config, "invoke": _invoke, "notify": _notify, "run": _run}
        return commands[args.command](args)
    except DigestError as exc:
        if args.verbose:
            logging.getLogger(__name__).exception("failed")
        print(f"hf-digest: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
