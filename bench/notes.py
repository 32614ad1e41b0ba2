"""The notes under the table in docs/performance.md: how each figure was taken and what it leaves out."""

from __future__ import annotations

from bench import cost as pricing
from bench.backfill import DAYS, FIRST_DAY
from bench.coldstart import RATIO_TARGET, RATIO_TARGET_22, ColdStart
from bench.fullrun import StepResult
from bench.report import MEMORY_BUDGET, Results
from bench.scenarios import STEADY_DAY
from bench.servers import SYNTHETIC_DAY, SYNTHETIC_PAPERS


def _import_breakdown(self_ms: dict[str, float]) -> str:
    shares = sorted(self_ms.items(), key=lambda kv: kv[1], reverse=True)
    return ", ".join(f"{name} {ms:.1f}" for name, ms in shares if ms >= 0.5)


def _hf_days(step: StepResult) -> str:
    """The Hugging Face requests of a step, short: "date=2025-09-30 p=0", ..."""
    short = []
    for request in step.hf:
        query = request.split("?", 1)[-1].replace("&limit=100", "").replace("&", " ")
        short.append(query)
    return ", ".join(short)


def _where(results: Results) -> list[str]:
    manual = results.manual
    return [
        f"- **Where the handler runs.** {results.runtime_label}: a fresh `python3.13 -P` process per run "
        "with only the built function and the layer on `PYTHONPATH` (as `/var/task` and `/opt/python`), "
        "`PYTHONDONTWRITEBYTECODE=1`, and boto3 from a clean virtualenv as the Lambda runtime provides it. "
        "The settings are template.yaml's (destinations github,s3, the GitHub token read from Secrets "
        "Manager, Powertools' tracer off), pointed at local servers: the Hugging Face look-alike "
        "(tests/hf_server.py), the git-backed GitHub API (tests/github_server.py) and moto_server for S3 and "
        "Secrets Manager. Requests are counted on the servers' side (their request logs; moto's recorder).",
        f"- **The {SYNTHETIC_PAPERS}-paper day** is {SYNTHETIC_DAY}: {SYNTHETIC_PAPERS} distinct papers of "
        "the 2025-09 month sample, re-dated, served beside the shared samples, run by the manual event "
        '`{"date": ..., "destinations": ["github", "s3"]}`. Each repetition starts with a new repository '
        "(one commit on main) and an empty bucket; the first run publishes, the rerun finds the same "
        f"content: {manual['first'].status}; {manual['rerun'].status}.",
        "- **Hugging Face calls**: a page holds at most 100 papers and the API gives no total, so a day of "
        f"exactly {SYNTHETIC_PAPERS} papers takes one full page and one empty page to see the end "
        "(⌊papers/100⌋ + 1 requests); no request is made per paper, and none for any other day (the "
        "returning-paper mark, which read the weeks before, is retired).",
        f"- **Requests of the first run, in order.** GitHub: {', '.join(manual['first'].github)}. "
        f"AWS: {', '.join(manual['first'].aws)}. The rerun's AWS: {', '.join(manual['rerun'].aws)}.",
    ]


def _ms_list(values: dict[str, float]) -> str:
    return ", ".join(f"{name} {ms:.1f}" for name, ms in values.items())


def _cold(results: Results) -> list[str]:
    cold = results.cold
    handler, hello, bare = cold.handler, cold.hello, cold.without_pyc
    saved = bare.times.import_ms - handler.times.import_ms
    lines = [
        "- **Which import time Lambda sees.** Lambda extracts the function to a read-only `/var/task` and "
        "the layer to a read-only `/opt`, so a module without a usable `.pyc` is compiled from source on "
        "every cold start and never cached. `sam build` runs handler/Makefile and layers/deps/Makefile "
        "(BuildMethod makefile), which compile every module ahead with `python3.13 -m compileall "
        "--invalidation-mode unchecked-hash`: a hash-based `.pyc` whose source is not checked, used "
        "whatever timestamps the zip and its extraction leave on the files. As built, "
        f"{handler.bytecode.unchecked_hash} of {handler.bytecode.sources} `.py` files have one and "
        f"`python -v` shows {handler.from_source} modules of the function and layer compiled at import; "
        f"the same build with its `.pyc` removed compiles {bare.from_source} and imports in "
        f"{bare.times.import_ms:,.0f} ms, so compiling ahead saves {saved:,.0f} ms per cold start here.",
        "- **The yardstick** is a Powertools-only hello-world (bench/hello_pt: Logger and Metrics around "
        "one handler, as the SAM app template python3.13/hello-pt; the layer's Powertools pin), built in "
        "the bench run by `sam build`'s default python3.13 method into a temporary folder: "
        f"{hello.bytecode.compiled} of its {hello.bytecode.sources} `.py` files have a `.pyc`, and "
        f"{hello.from_source} modules are compiled at import. The handler, the hello-world and the "
        "build without `.pyc` are imported from read-only copies (chmod -R a-w, and "
        "`PYTHONDONTWRITEBYTECODE=1` since root writes anyway) in fresh `python3.13 -P` processes, one "
        f"of each in turn, {results.runs} times; medians. Process start to exit of `import app`: "
        f"{handler.times.process_ms:,.0f} ms handler, {hello.times.process_ms:,.0f} ms hello-world, "
        f"{bare.times.process_ms:,.0f} ms without `.pyc`.",
        f"- **Third-party modules the handler imports itself**: {', '.join(cold.deps)}; the "
        '"third-party only" row imports exactly these, in this order, in a fresh process. Their '
        f"`-X importtime` cumulative ms, each with the stdlib it loads first: "
        f"{_ms_list(cold.deps_cumulative_ms)}.",
        "- **Import self time by package** (`-X importtime`, as built, ms): "
        f"{_import_breakdown(cold.self_ms_by_package)}. The hello-world's: "
        f"{_import_breakdown(cold.hello_self_ms_by_package)}.",
    ]
    return [*lines, _ratio(cold)]


def _ratio(cold: ColdStart) -> str:
    if cold.ratio <= RATIO_TARGET:
        return (
            f"- **Handler ÷ hello-world**: {cold.ratio:.2f}×, within the {RATIO_TARGET:g}× target: nothing "
            f"of the function or the layer is compiled at import ({cold.handler.from_source} modules), while "
            f"the hello-world compiles its {cold.hello.from_source} from source on every cold start."
        )
    cumulative = cold.deps_cumulative_ms
    own = cold.self_ms_by_package.get("hf_digest + app", 0.0)
    heavy = ", ".join(
        f"{name} {ms:.0f} ms"
        for name, ms in cumulative.items()
        if not name.startswith("aws_lambda_powertools")
    )
    within = "within" if cold.ratio <= RATIO_TARGET_22 else "outside"
    return (
        f"- **What stands in the way of {RATIO_TARGET:g}×** ({cold.ratio:.2f}× here, {within} issue 22's "
        f"{RATIO_TARGET_22:g}×): not compilation, since nothing of the function or the layer is compiled at "
        f"import ({cold.handler.from_source} modules), but running the modules' top-level code. Beside the "
        "Powertools both import, the handler loads (`-X importtime` cumulative) "
        f"{heavy or 'no third-party package of its own'}, and its own modules take {own:.0f} ms of self "
        "time (frozen dataclasses and regular expressions are built when a module runs; no `.pyc` holds "
        "them). requests (with urllib3, charset_normalizer, idna, certifi), jinja2, yaml and msgspec load at "
        "a run's first request, render or settings-file read, not at import (issue 22): that time moves "
        "from init to the handler, where the full run's init + handler rows show it, since a once-a-day "
        "function starts cold and both phases are billed."
    )


def _runs(results: Results) -> list[str]:
    scheduled, periods = results.scheduled, results.periods
    daily = scheduled["daily"]
    return [
        f"- **Scheduled runs** use the month sample: the daily schedule's event for {STEADY_DAY} (a "
        "Tuesday, 82 papers) fired the next morning, after the one for the day before has run once in a "
        "new repository and bucket (that first run also catches up the week before it). Steady state "
        f"asks Hugging Face for {_hf_days(daily)}: the target day and the refresh days (the days of the "
        "last week are held, and a closed weekend seen empty is remembered, not asked again). "
        f"Statuses: {scheduled['after deploy'].status}; {daily.status}; "
        f"{scheduled['duplicate'].status}. Weekly and monthly: {_hf_days(periods['weekly'])}; "
        f"{_hf_days(periods['monthly'])}.",
        "- **Memory** is the process's peak resident set after a run, from `/proc/self/status` `VmHWM` "
        "(`ru_maxrss` is no use here: on Linux it survives exec, so a child reports its parent's peak when "
        f"that is higher); Lambda's own runtime client adds a little. Room to spare is read as staying "
        f"within {MEMORY_BUDGET:.0%} of the "
        f"function's {pricing.MEMORY_MB} MB.",
        "- **Render alone** renders the day's post from already-read papers in a fresh process: the first "
        "call loads and compiles the Jinja template, the warm figure is the median of 7 calls after it.",
    ]


def _backfill(results: Results) -> list[str]:
    back = results.backfill
    if back is None:
        return []
    return [
        f"- **Backfill**: {DAYS} days from {FIRST_DAY} (the 2025-09 month sample: {back.published} days "
        f"with papers, {back.empty} empty) through `hf_digest.runs.backfill.run_range`, as a local range run "
        "does, in the bench's process, to a new repository and bucket. Its Pacer keeps Hugging Face "
        f"requests {back.pace_s:g} s apart"
        + (" (production's pace" if back.pace_scale == 1 else f" ({back.pace_scale:g} × production's pace")
        + ": DIGEST_BACKFILL_PACE's default 0.75 s, 400 of the 500 anonymous API calls allowed per 5 "
        "minutes; in AWS a range becomes one queue message per day, taken by two workers at 1.5 s each, "
        "the same rate). GitHub Pages rebuilds at most about 10 times an hour, so a commit per day queues "
        "Pages builds."
    ]


def _cost(results: Results) -> list[str]:
    bill = pricing.monthly(
        results.scheduled["daily"].figures.wall_ms,
        results.periods["weekly"].figures.wall_ms,
        results.periods["monthly"].figures.wall_ms,
    )
    return [
        f"- **Cost** = runs a month × billed duration × {pricing.MEMORY_MB / 1024:g} GB × price per GB-s, "
        "plus $0.20 per million requests. Prices: arm64 "
        f"${pricing.ARM64_GB_S:.10f} and x86_64 ${pricing.X86_64_GB_S:.10f} per GB-s, from "
        f"{pricing.PRICE_SOURCE}. The billed duration is each scheduled run's process wall time "
        "(interpreter start, init and handler): since 2025-08-01 Lambda bills the init phase, and a "
        "function run a few times a day always starts cold. Real Hugging Face, GitHub and AWS answer "
        "slower than loopback, so production runs last longer; the timeout row bounds it. "
        f"{bill.gb_s_month:.2f} GB-s a month is far inside the free tier "
        f"({pricing.FREE_GB_S:,} GB-s and 1M requests a month per account); the Secrets Manager secret "
        "($0.40 a month) costs more than the function. Duplicate deliveries and failed-run retries are "
        "not counted.",
    ]


def _summaries(results: Results) -> list[str]:
    if results.summaries is None:
        return []
    return [
        "- **Summaries** are measured in process (the summarizer the run layer calls) against "
        "tests/bedrock_server.py through boto3, with a real SQLite state store; each answer is a "
        "300-character Korean summary. Tokens are the local server's count (4 ASCII characters or 1 "
        "other character a token), not a real tokenizer's, and leave out the tool-use system prompt a "
        "Claude model adds (a few hundred input tokens): real bills run higher. The issue's wall-time "
        "target (under 2 x one call) needs every paper's call at once; the default bound of 4 makes 10 "
        "papers 3 rounds. Monthly cost = (30 daily digests' papers + the weekly and monthly digests' "
        "new calls, measured as 0 once their days are cached) x tokens per paper x the model's price "
        "in hf_digest/summary_report.py.",
    ]


def notes(results: Results) -> str:
    lines = [
        "## How the figures are taken",
        "",
        *_where(results),
        *_cold(results),
        *_runs(results),
        *_backfill(results),
        *_cost(results),
        *_summaries(results),
        "",
    ]
    return "\n".join(lines)
