"""docs/weekly-chart.png: the chart of a recorded week (2025-W46, Korean) as headless Chromium draws it.

The week is published by the CLI from the local Hugging Face look-alike serving the recorded month, then
the SVG beside the post is shot at its own size. One command: `make weekly-chart`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.helpers import REPO, hf_digest, load_sample
from tests.hf_server import HFServer

SAMPLES = REPO.parent / "shared" / "hf-samples"
WEEK = "2025-W46"
CHART = "assets/img/hf-digest/2025-11-16-hf-weekly-papers.svg"
SHOT = REPO / "docs" / "weekly-chart.png"


class _Month(HFServer):
    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__({})
        self.items = items

    def items_where(self, wanted: set[str]) -> list[dict[str, Any]]:
        return [item for item in self.items if item["paper"]["submittedOnDailyAt"][:10] in wanted]


def main() -> int:
    items = load_sample(SAMPLES, "honggi82_month_2025-11.json")
    with tempfile.TemporaryDirectory() as out, _Month(items) as hf:
        proc = hf_digest(hf, "run", "--week", WEEK, "--out", out)
        if proc.exit_code != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        svg = Path(out) / CHART
        width, height = (int(v) for v in _size(svg.read_text(encoding="utf-8")))
        subprocess.run(  # noqa: S603 - Debian's chromium, our own file
            [
                "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--screenshot={SHOT}", f"--window-size={width},{height}", svg.as_uri(),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        asked = len(hf.requests)
    print(f"wrote {SHOT.relative_to(REPO)} ({asked} Hugging Face requests: the week and the week before)")
    return 0


def _size(svg: str) -> tuple[str, str]:
    head = svg.split(">", 1)[0]
    return head.split('width="', 1)[1].split('"', 1)[0], head.split('height="', 1)[1].split('"', 1)[0]


if __name__ == "__main__":
    sys.exit(main())
