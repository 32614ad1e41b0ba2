"""`python -m bench.debris [--samples DIR] [--show N]`: LaTeX debris in every recorded text, before and after.

Reads each paper of `../shared/hf-samples/*.json` once; "before" is the title, abstract and AI summary as
Hugging Face sends them (spaces normalised), "after" as the digest's papers hold them (hf_digest.core.latex).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hf_digest.core.latex import DEBRIS, find_debris, short_name
from hf_digest.core.model import SchemaError, clean_text, paper_from_item

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "hf-samples"


@dataclass(frozen=True)
class Shown:
    """One recorded text as Hugging Face served it (spaces normalised) and as the paper now holds it."""

    where: str  # "2509.22824 abstract"
    raw: str
    shown: str
    name: str | None  # the title's name for the method


def texts(samples: Path) -> Iterator[Shown]:
    """Each recorded title, abstract and AI summary, each paper once (the tests walk the same list)."""
    seen: set[str] = set()
    for path in sorted(samples.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            try:
                paper = paper_from_item(item)
            except SchemaError:
                continue
            if paper.arxiv_id in seen:
                continue
            seen.add(paper.arxiv_id)
            sent = item["paper"]
            name = short_name(paper.title)
            for field, raw, shown in (
                ("title", sent.get("title") or item.get("title"), paper.title),
                ("abstract", sent.get("summary") or item.get("summary"), paper.abstract),
                ("ai_summary", sent.get("ai_summary"), paper.ai_summary),
            ):
                if clean_text(raw):
                    yield Shown(f"{paper.arxiv_id} {field}", clean_text(raw), shown or "", name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.debris", description=__doc__)
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="folder of recorded responses")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="print N of what is left per class")
    args = parser.parse_args(argv)
    if not args.samples.is_dir():
        print(f"bench.debris: no recordings at {args.samples}", file=sys.stderr)
        return 2
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    left: dict[str, list[str]] = {kind: [] for kind in DEBRIS}
    count = 0
    for text in texts(args.samples):
        count += 1
        for kind, found in find_debris(text.raw).items():
            before[kind] += len(found)
        for kind, found in find_debris(text.shown).items():
            after[kind] += len(found)
            left[kind] += [f"{text.where}: {piece!r}" for piece in found]
    print(f"LaTeX debris in {count} recorded titles, abstracts and AI summaries ({args.samples})\n")
    print(f"| {'class':<20} | before | after |\n|{'-' * 22}|-------:|------:|")
    for kind in DEBRIS:
        print(f"| {kind:<20} | {before[kind]:>6} | {after[kind]:>5} |")
    for kind, pieces in left.items():
        for piece in pieces[: args.show]:
            print(f"left, {kind}: {piece}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
