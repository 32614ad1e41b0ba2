"""`make demo`: a recorded day's post, written against the local Hugging Face look-alike, no network.

Starts tests/hf_server.py's server on a free port, runs `hf-digest run` against it with only the local
destination, stops the server and prints where the post is. Runs from any directory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hf_server import HFServer, NoRecordedDays, recorded_days  # noqa: E402

SAMPLES = REPO / "demo" / "hf-samples"
# The user's own settings stay out of a demo: it must never publish to their GitHub or S3.
SETTING_PREFIXES = ("DIGEST_", "GITHUB_", "S3_", "HF_")


def main(argv: list[str] | None = None) -> int:
    """Write the demo post and say where it is; the exit code is hf-digest's."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="default: %(default)s")
    parser.add_argument("--out", type=Path, default=Path("out/demo"), help="default: %(default)s")
    parser.add_argument("--date", help="a recorded day (default: the latest one)")
    args, flags = parser.parse_known_args(argv)  # the rest goes to hf-digest run, e.g. --lang en
    try:
        days = recorded_days(args.samples.resolve())
    except NoRecordedDays as exc:
        parser.error(str(exc))
    day = args.date or max(days)
    out = args.out.resolve()
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)}
    with HFServer(days) as hf:
        recorded = ", ".join(sorted(days))
        print(f"demo: a local Hugging Face at {hf.url} serves {recorded} from {args.samples}")
        env |= {"HF_BASE_URL": hf.url, "DIGEST_DESTINATIONS": "local", "DIGEST_OUTPUT_DIR": str(out)}
        command = [sys.executable, "-m", "hf_digest", "run", "--date", day, *flags]
        done = subprocess.run(command, env=env, check=False)  # noqa: S603 - our own interpreter and module
    print("demo: stopped the local Hugging Face")
    posts = sorted(out.rglob(f"{day}-*.md"))
    if done.returncode == 0 and posts:
        for post in posts:
            print(f"demo: the post is {post}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
