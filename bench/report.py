"""The one table (`measure | value | target | status`) and the machine lines above it.

Row labels stay fixed, so `git diff docs/performance.md` lines figures up across commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl

from bench import cost as pricing
from bench.backfill import BackfillFigures
from bench.coldstart import RATIO_TARGET, RATIO_TARGET_22, ColdStart, Variant
from bench.fullrun import RenderFigures, RunFigures, Sequence, StepResult
from bench.layer import LayerFigures
from bench.machine import Machine
from bench.scenarios import STEADY_DAY
from bench.servers import SYNTHETIC_PAPERS
from bench.site import SiteFigures
from bench.summaries import SummaryFigures
from bench.summaries import rows as summary_rows

MEMORY_BUDGET = 0.75  # peak RSS within 75% of the function's memory leaves room to spare
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
OK, MISS, NONE = "ok", "**miss**", "—"
PAPERS = SYNTHETIC_PAPERS

Row = tuple[str, str, str, str]


@dataclass(frozen=True)
class Results:
    machine: Machine
    runtime_label: str
    runs: int
    cold: ColdStart
    manual: Sequence  # the 100-paper day: "first", "rerun"
    scheduled: Sequence  # "after deploy", "daily", "duplicate"
    periods: Sequence  # "weekly", "monthly"
    render_top: RenderFigures
    render_all: RenderFigures
    layer: LayerFigures
    backfill: BackfillFigures | None
    summaries: SummaryFigures | None = None
    site: SiteFigures | None = None


def _ms(value: float) -> str:
    return f"{value:,.0f} ms"


def _size(value: int) -> str:
    return f"{value / 1024 / 1024:.1f} MB" if value >= 1024 * 1024 else f"{value / 1024:.0f} KB"


def _usd(value: float) -> str:
    return f"${value:.4f}" if value >= 0.01 else f"${value:.6f}"


def _status(passed: bool) -> str:
    return OK if passed else MISS


def hf_calls_allowed(papers: int) -> int:
    """One request per 100 papers; a day of exactly 100·k papers needs one more to see the list end."""
    return papers // 100 + 1


def steady_lists(step: StepResult) -> list[str]:
    """The lists a scheduled step asked Hugging Face for, once each in order: "date=2025-09-30", ..."""
    asked = []
    for request in step.hf:
        query = dict(parse_qsl(request.split("?", 1)[-1]))
        asked.append("&".join(f"{k}={v}" for k, v in query.items() if k not in ("limit", "p")))
    return list(dict.fromkeys(asked))


def _steady_hf(step: StepResult) -> Row:
    """The steady day's Hugging Face requests against its floor: the target day and the refresh days."""
    from hf_digest.config import Settings  # the refresh days' defaults, as the stack runs them

    expected = [f"date={STEADY_DAY - timedelta(days=back)}" for back in (0, *Settings().refresh_days)]
    lists = steady_lists(step)
    return (
        "Hugging Face calls, scheduled daily run, steady state",
        f"{step.figures.hf:g} ({', '.join(lists)})",
        f"the day + refresh days ({len(expected)} lists)",
        _status(sorted(lists) == sorted(expected)),
    )


def _calls(run: RunFigures) -> str:
    return (
        f"HF {run.hf:g}, GitHub {run.github:g} ({run.github_reads:g} + {run.github_writes:g}), "
        f"S3 {run.s3:g}, Secrets Manager {run.secrets:g}"
    )


def _requests(manual: Sequence, scheduled: Sequence, periods: Sequence) -> list[Row]:
    first, rerun = manual["first"].figures, manual["rerun"].figures
    allowed = hf_calls_allowed(PAPERS)
    hf_target = f"≤ {allowed} for {PAPERS} papers, 0 per paper"
    rerun_s3_writes = sum(1 for op in manual["rerun"].aws if op == "s3 PUT")
    return [
        (
            "Hugging Face calls, first run",
            f"{first.hf:g}",
            hf_target,
            _status(first.hf <= allowed),
        ),
        (
            "Hugging Face calls, rerun",
            f"{rerun.hf:g}",
            hf_target,
            _status(rerun.hf <= allowed),
        ),
        (
            "GitHub calls, first run (reads + writes)",
            f"{first.github:g} ({first.github_reads:g} + {first.github_writes:g})",
            NONE,
            NONE,
        ),
        (
            "GitHub calls, rerun (reads + writes)",
            f"{rerun.github:g} ({rerun.github_reads:g} + {rerun.github_writes:g})",
            "no writes",
            _status(rerun.github_writes == 0),
        ),
        ("S3 calls, first run", f"{first.s3:g}", NONE, NONE),
        ("S3 calls, rerun", f"{rerun.s3:g}", "no writes", _status(rerun_s3_writes == 0)),
        ("Secrets Manager calls per run", f"{first.secrets:g}", NONE, NONE),
        (
            "Scheduled daily run, first after a deploy (catch-up)",
            _calls(scheduled["after deploy"].figures),
            NONE,
            NONE,
        ),
        ("Scheduled daily run, steady state", _calls(scheduled["daily"].figures), NONE, NONE),
        _steady_hf(scheduled["daily"]),
        ("Scheduled daily run, delivered twice", _calls(scheduled["duplicate"].figures), NONE, NONE),
        ("Scheduled weekly run", _calls(periods["weekly"].figures), NONE, NONE),
        ("Scheduled monthly run", _calls(periods["monthly"].figures), NONE, NONE),
    ]


def _bytecode(variant: Variant) -> str:
    code = variant.bytecode
    return (
        f"{code.unchecked_hash} of {code.sources} .py with an unchecked-hash .pyc; "
        f"{variant.from_source} compiled at import"
    )


def _cold(cold: ColdStart, manual: Sequence) -> list[Row]:
    sdk = ", ".join(cold.sdk_at_start) or "none"
    heavy = [m for m in cold.sdk_at_start if m == "boto3" or m.startswith(("boto3.", "botocore."))]
    probe = " (the package's `__init__` only: Powertools probes for it)" if sdk == "botocore" else ""
    handler, hello, bare = cold.handler, cold.hello, cold.without_pyc
    process_ratio = handler.times.process_ms / hello.times.process_ms
    every_pyc = handler.bytecode.unchecked_hash == handler.bytecode.sources and handler.from_source == 0
    return [
        ("Import handler (as built: what Lambda runs)", _ms(handler.times.import_ms), NONE, NONE),
        (
            "Import Powertools-only hello-world (sam build's default, python3.13)",
            _ms(hello.times.import_ms),
            NONE,
            NONE,
        ),
        (
            "Import handler ÷ hello-world (process start to exit)",
            f"{cold.ratio:.2f}× ({process_ratio:.2f}×)",
            f"≤ {RATIO_TARGET:g}× (issue 10)",
            _status(cold.ratio <= RATIO_TARGET),
        ),
        (
            "Import handler ÷ hello-world, issue 22's target",
            f"{cold.ratio:.2f}×",
            f"≤ {RATIO_TARGET_22:g}× (issue 22)",
            _status(cold.ratio <= RATIO_TARGET_22),
        ),
        ("Import handler, its .pyc removed", _ms(bare.times.import_ms), NONE, NONE),
        ("Import its third-party packages only (as built)", _ms(cold.deps_ms), NONE, NONE),
        ("Bytecode, function + layer (as built)", _bytecode(handler), "all; 0", _status(every_pyc)),
        ("Bytecode, hello-world (sam build's default)", _bytecode(hello), NONE, NONE),
        (
            "Modules loaded at start (third-party packages)",
            f"{cold.modules} ({len(cold.third_party)}: {', '.join(cold.third_party)})",
            NONE,
            NONE,
        ),
        (
            "AWS SDK modules loaded at start",
            sdk + probe,
            "no boto3 or botocore unless the run needs AWS",
            _status(not heavy),
        ),
        (
            "AWS SDK modules loaded after a github,s3 run",
            f"{manual['first'].figures.sdk_modules_after:g} (boto3, botocore: S3 and Secrets Manager)",
            "only when the run needs AWS",
            OK,
        ),
    ]


def _full(manual: Sequence, scheduled: Sequence, top: RenderFigures, every: RenderFigures) -> list[Row]:
    budget = pricing.MEMORY_MB * MEMORY_BUDGET
    first, rerun = manual["first"].figures, manual["rerun"].figures
    peak = max(step.figures.max_rss_mb for step in (*manual.steps, *scheduled.steps))
    share = peak / pricing.MEMORY_MB
    return [
        ("Full run, first: process wall time (start to exit)", _ms(first.wall_ms), NONE, NONE),
        (
            "Full run, first: init (import) + handler",
            f"{_ms(first.import_ms)} + {_ms(first.handler_ms)}",
            NONE,
            NONE,
        ),
        (
            "Full run, rerun: init (import) + handler",
            f"{_ms(rerun.import_ms)} + {_ms(rerun.handler_ms)}",
            NONE,
            NONE,
        ),
        ("Full run, first: CPU time (user + system)", f"{first.cpu_s * 1000:,.0f} ms", NONE, NONE),
        (
            "Peak resident memory, highest of all runs",
            f"{peak:.1f} MB of {pricing.MEMORY_MB} MB ({share:.0%})",
            f"≤ {budget:.0f} MB ({MEMORY_BUDGET:.0%})",
            _status(peak <= budget),
        ),
        (
            f"Render alone, top {top.top_n} (production), first call / warm",
            f"{top.first_ms:.1f} ms / {top.warm_ms:.1f} ms",
            NONE,
            NONE,
        ),
        (
            f"Render alone, all {every.shown} papers, first call / warm",
            f"{every.first_ms:.1f} ms / {every.warm_ms:.1f} ms",
            NONE,
            NONE,
        ),
    ]


def _layer(layer: LayerFigures) -> list[Row]:
    total = layer.layer.unzipped + layer.function.unzipped
    largest = ", ".join(f"{name} {_size(size)}" for name, size in layer.largest)
    function = (
        f"{_size(layer.function.unzipped)} / {_size(layer.function.zipped)}, "
        f".pyc {_size(layer.function.bytecode)} of it unzipped"
    )
    return [
        (
            "Layer, unzipped (files)",
            f"{_size(layer.layer.unzipped)} ({layer.layer.files}), .pyc {_size(layer.layer.bytecode)} of it",
            "function + layers ≤ 250 MB",
            _status(total <= LAMBDA_UNZIPPED_LIMIT),
        ),
        ("Layer, zipped", _size(layer.layer.zipped), NONE, NONE),
        ("Layer, three largest packages (unzipped)", largest, NONE, NONE),
        ("Function code, unzipped / zipped", function, NONE, NONE),
    ]


def _backfill(figures: BackfillFigures | None) -> list[Row]:
    if figures is None:
        return [("30-day backfill", "not run (--skip-backfill)", NONE, NONE)]
    pace = f"{figures.pace_s:g} s per HF request"
    pace += (
        ", production's" if figures.pace_scale == 1 else f", production's × {figures.pace_scale:g} (--quick)"
    )
    github = figures.github_reads + figures.github_writes
    return [
        (
            f"30-day backfill, wall time ({pace})",
            f"{figures.wall_s:.1f} s ({figures.waited_s:.1f} s of it pacing)",
            NONE,
            NONE,
        ),
        (
            "30-day backfill, requests",
            f"HF {figures.hf}, GitHub {github} ({figures.github_reads} + {figures.github_writes}, "
            f"{figures.commits} commits), S3 {figures.s3}, Secrets Manager {figures.secrets}",
            f"HF ≤ 1 per day of < 100 papers, 2 for a round count ({figures.days + figures.round_days})",
            _status(figures.hf <= figures.days + figures.round_days),
        ),
    ]


def _site(figures: SiteFigures | None) -> list[Row]:
    if figures is None:
        return [("S3 site (DIGEST_SITE=on)", "not run", NONE, NONE)]
    daily, rerun = figures.daily, figures.rerun
    return [
        (
            f"S3 site, {figures.days}-day build ({figures.digests} days with papers), in process",
            f"{figures.build_s:.1f} s; {figures.build_puts} objects written in {figures.build_requests} S3 "
            f"requests; {figures.objects} objects, {_size(figures.bytes)} in the bucket",
            NONE,
            NONE,
        ),
        (
            "S3 site, a daily run into it (post, page, 4 feeds, manifest, index)",
            f"{daily.wall_ms:.0f} ms; {daily.puts} objects written in {daily.requests} S3 requests",
            "≤ 8 objects written",
            _status(daily.puts <= 8),
        ),
        (
            "S3 site, the same day again",
            f"{rerun.wall_ms:.0f} ms; {rerun.puts} objects written in {rerun.requests} S3 requests",
            "0 objects written",
            _status(rerun.puts == 0),
        ),
    ]


def _cost(scheduled: Sequence, periods: Sequence) -> list[Row]:
    bill = pricing.monthly(
        scheduled["daily"].figures.wall_ms,
        periods["weekly"].figures.wall_ms,
        periods["monthly"].figures.wall_ms,
    )
    return [
        (
            "Billed per run: daily / weekly / monthly (cold start, init + handler)",
            f"{bill.daily_ms:,} / {bill.weekly_ms:,} / {bill.monthly_ms:,} ms × {pricing.MEMORY_MB} MB",
            NONE,
            NONE,
        ),
        (
            f"Lambda per month ({pricing.RUNS_PER_MONTH} daily, {pricing.WEEKLY_RUNS:.2f} weekly, "
            "1 monthly runs), arm64 price",
            f"{_usd(bill.arm64_month)} ({bill.gb_s_month:.2f} GB-s)",
            NONE,
            NONE,
        ),
        (
            "Lambda per month, x86_64 price (template.yaml's architecture)",
            _usd(bill.x86_64_month),
            NONE,
            NONE,
        ),
        (
            f"Lambda per month if every run hit the {pricing.TIMEOUT_S} s timeout, x86_64",
            _usd(bill.ceiling_x86_64_month),
            NONE,
            NONE,
        ),
    ]


def rows(results: Results) -> list[Row]:
    return [
        *_requests(results.manual, results.scheduled, results.periods),
        *_cold(results.cold, results.manual),
        *_full(results.manual, results.scheduled, results.render_top, results.render_all),
        *_layer(results.layer),
        *_backfill(results.backfill),
        *_site(results.site),
        *_cost(results.scheduled, results.periods),
        *(summary_rows(results.summaries) if results.summaries else []),
    ]


def table(results: Results) -> str:
    lines = ["| measure | value | target | status |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows(results)]
    return "\n".join(lines) + "\n"


def header(results: Results) -> str:
    m = results.machine
    return (
        f"- Machine: {m.cpu}, {m.cores} cores, {m.memory_gb:.1f} GB memory, {m.system}\n"
        f"- Python: {m.runtime_python} for the handler ({results.runtime_label}); "
        f"{m.bench_python} for the bench\n"
        f"- Date: {m.date}; commit: {m.commit}\n"
        f"- Medians of {results.runs} runs, each in a fresh process, against local servers on loopback\n"
    )
