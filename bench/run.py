"""`python -m bench.run [--write docs/performance.md]`: run every measurement, print the table.

Needs the built function and layer (`.ci/sam-checks`); measures a copy of them taken at the start, run by a
clean python3.13 virtualenv with boto3 (`.aws-sam/runtime-venv`, made when missing).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench import (
    backfill,
    coldstart,
    fullrun,
    layer,
    machine,
    notes,
    relevance,
    report,
    scenarios,
    site,
    summaries,
)
from bench.runtime import BUILD, built_runtime, snapshot
from bench.servers import Servers

TITLE = "# Performance"
PREAMBLE = (
    "Written by `make bench` (`python -m bench.run --write docs/performance.md`); do not edit by hand. "
    "Compare figures across commits on the same machine: times depend on it, request counts and sizes "
    "do not. Budgets are checked by reading this table, not by `make test`.\n"
)


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def collect(runs: int, pace_scale: float, with_backfill: bool) -> report.Results:
    runtime = built_runtime()
    if runtime is None:
        raise SystemExit(
            f"bench: no built function and layer in {BUILD} (or no python3.13): run `bash .ci/sam-checks`"
        )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        runtime = snapshot(runtime, Path(tmp))
        function, layer_python = runtime.path
        _say(
            f"cold start beside a sam-built Powertools hello-world, {runs} runs per figure ({runtime.label})"
        )
        cold = coldstart.measure(runtime, runs)
        _say("layer sizes")
        sizes = layer.measure(layer_python, function)
        servers = Servers()
        try:
            _say(f"full runs of the 100-paper day, {runs} × (first run, rerun)")
            manual = scenarios.manual(runtime, servers, runs)
            _say(f"scheduled runs: daily after a deploy, daily, duplicate; weekly, monthly; {runs} × each")
            scheduled = scenarios.scheduled(runtime, servers, runs)
            periods = scenarios.periods(runtime, servers, runs)
            _say("render alone")
            render_top = fullrun.measure_render(runtime, servers, runs, top_n=10)
            render_all = fullrun.measure_render(runtime, servers, runs, top_n=0)
            figures = None
            if with_backfill:
                _say(f"30-day backfill, pace × {pace_scale:g}")
                figures = backfill.measure(servers, pace_scale)
            _say(f"S3 site: a {site.DAYS}-day build, then a daily run and its rerun")
            site_figures = site.measure(servers.moto)
        finally:
            servers.stop()
    _say("summaries against the local Bedrock Runtime (in process)")
    summary_figures = summaries.measure()
    _say(f"done in {time.perf_counter() - started:.0f} s")
    return report.Results(
        machine=machine.describe(runtime.python),
        runtime_label=runtime.label,
        runs=runs,
        cold=cold,
        manual=manual,
        scheduled=scheduled,
        periods=periods,
        render_top=render_top,
        render_all=render_all,
        layer=sizes,
        backfill=figures,
        summaries=summary_figures,
        site=site_figures,
    )


def document(results: report.Results, ranked: str | None = None) -> str:
    """The page: the run's table and notes, then (with the recordings) the relevance table."""
    parts = [TITLE, "", PREAMBLE, report.header(results), report.table(results), notes.notes(results)]
    if ranked is not None:
        parts += ["## Ranked for me: relevance\n", ranked]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--write", type=Path, help="also write the table and notes to this markdown file")
    parser.add_argument("--runs", type=int, default=7, help="runs per figure, the median is reported (7)")
    parser.add_argument(
        "--quick", action="store_true", help="pace the backfill at a tenth of production's waits"
    )
    parser.add_argument("--skip-backfill", action="store_true", help="leave the 30-day backfill out")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    results = collect(args.runs, 0.1 if args.quick else 1.0, not args.skip_backfill)
    print(report.header(results))
    print(report.table(results), end="")
    _say("relevance of the interests rankers on the recorded days")
    ranked = relevance.report()
    if ranked is not None:
        print("\n" + ranked, end="")
    if args.write is not None:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(document(results, ranked), encoding="utf-8")
        _say(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
