"""`make demo`: a recorded day's post, written against the local Hugging Face look-alike, no network.

Starts tests/hf_server.py's server on a free port, runs `hf-digest run` against it with only the local
destination, as of the moment the day was recorded (so the post dates its upvotes to the recording, not
to today), stops the server and prints where the post is. Runs from any directory.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "handler")]  # this checkout's code, whatever is installed

from tests.hf_server import HFServer, NoRecordedDays, recorded_days  # noqa: E402

from hf_digest import cli  # noqa: E402
from hf_digest.request import closed_day  # noqa: E402

SAMPLES = REPO / "demo" / "hf-samples"
# The user's own settings stay out of a demo: it must never publish to their GitHub or S3.
SETTING_PREFIXES = ("DIGEST_", "GITHUB_", "S3_", "HF_")
# When each shipped recording was made (../shared/hf-samples/README.md): 2026-02-10's list was still filling.
RECORDED_AT = {"2026-02-10": datetime(2026, 2, 10, 8, 27, tzinfo=UTC)}


def recorded_at(day: str, given: str | None) -> datetime:
    """When day's recording was made: given, else known for a shipped day, else when its list closed."""
    if given is not None:
        moment = datetime.fromisoformat(given)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if day in RECORDED_AT:
        return RECORDED_AT[day]
    listed = datetime.fromisoformat(day).date()
    return datetime.combine(listed + timedelta(days=1), time(3), tzinfo=UTC)  # closed by then (FACTS)


def main(argv: list[str] | None = None) -> int:
    """Write the demo post and say where it is; the exit code is hf-digest's."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="default: %(default)s")
    parser.add_argument("--out", type=Path, default=Path("out/demo"), help="default: %(default)s")
    parser.add_argument("--date", help="a recorded day (default: the latest one)")
    parser.add_argument(
        "--recorded-at",
        metavar="TIME",
        help="when the recording was made, ISO 8601 (default: known for the shipped day, else when the "
        "day's list closed); the post says its upvotes are as of that day",
    )
    args, flags = parser.parse_known_args(argv)  # the rest goes to hf-digest run, e.g. --lang en
    try:
        days = recorded_days(args.samples.resolve())
    except NoRecordedDays as exc:
        parser.error(str(exc))
    day = args.date or max(days)
    try:
        now = recorded_at(day, args.recorded_at)
    except ValueError as exc:
        parser.error(f"--recorded-at or --date: {exc}")
    out = args.out.resolve()
    for name in [k for k in os.environ if k.startswith(SETTING_PREFIXES)]:
        del os.environ[name]  # this process's own copy: the user's shell keeps them
    with HFServer(days) as hf:
        recorded = ", ".join(sorted(days))
        print(f"demo: a local Hugging Face at {hf.url} serves {recorded} from {args.samples}")
        print(f"demo: as of the recording, {now.isoformat(timespec='minutes')}")
        os.environ |= {"HF_BASE_URL": hf.url, "DIGEST_DESTINATIONS": "local", "DIGEST_OUTPUT_DIR": str(out)}
        # A day recorded while its list was still filling is taken as it is (the post misses later papers).
        partial = ["--partial"] if closed_day(now) < datetime.fromisoformat(day).date() else []
        code = cli.main(["run", "--date", day, *partial, *flags], now=now)
    print("demo: stopped the local Hugging Face")
    posts = sorted(out.rglob(f"{day}-*.md"))
    if code == 0 and posts:
        for post in posts:
            print(f"demo: the post is {post}")
    return code


if __name__ == "__main__":
    sys.exit(main())
