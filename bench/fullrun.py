"""A full run of the 100-paper day through the built handler, first run and rerun, each a fresh process.

Each repetition gets a new GitHub repository and a new bucket, so the first run publishes and the rerun
finds its content already there. Requests are counted on the servers' side.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bench.runtime import Runtime
from bench.servers import SYNTHETIC_DAY, Servers

LAMBDA_TIMEOUT_S = 300  # template.yaml
AWS_SDK = ("boto3", "botocore", "s3transfer")


@dataclass(frozen=True)
class RunFigures:
    """One invocation (or the median of several)."""

    hf: float
    github_reads: float
    github_writes: float
    s3: float
    secrets: float
    import_ms: float
    handler_ms: float
    wall_ms: float
    cpu_s: float
    max_rss_mb: float
    sdk_modules_after: float  # boto3/botocore modules loaded once the run needed AWS

    @property
    def github(self) -> float:
        return self.github_reads + self.github_writes


@dataclass(frozen=True)
class Step:
    """One invocation of a sequence, and the status its result must have."""

    name: str
    event: dict[str, Any]
    expected: str


@dataclass(frozen=True)
class StepResult:
    name: str
    figures: RunFigures  # median over the repetitions
    status: str  # of the last repetition, with each destination's or day's status
    aws: tuple[str, ...]  # AWS operations of the last repetition, in order
    github: tuple[str, ...]  # GitHub requests of the last repetition, in order
    hf: tuple[str, ...]  # Hugging Face requests of the last repetition, in order


@dataclass(frozen=True)
class Sequence:
    """Invocations one after another against one new repository and bucket, repeated `runs` times."""

    steps: tuple[StepResult, ...]
    runs: int

    def __getitem__(self, name: str) -> StepResult:
        return next(step for step in self.steps if step.name == name)


@dataclass(frozen=True)
class RenderFigures:
    top_n: int
    shown: int
    first_ms: float  # includes loading and compiling the Jinja template
    warm_ms: float
    post_bytes: int


def median_figures(runs: list[RunFigures]) -> RunFigures:
    values = {f.name: statistics.median(getattr(r, f.name) for r in runs) for f in fields(RunFigures)}
    return RunFigures(**values)


def manual_event(day: date = SYNTHETIC_DAY) -> dict[str, Any]:
    """The manual event for one day, to both destinations."""
    return {"date": day.isoformat(), "destinations": ["github", "s3"]}


def scheduled_event(day: date) -> dict[str, Any]:
    """EventBridge Scheduler's event for the daily run that targets day (fired the next morning)."""
    fired = datetime.combine(day + timedelta(days=1), time(3, 0), tzinfo=UTC)
    return {
        "version": "0",
        "id": "5b1e2f43-0c58-4a7e-9d7a-2f6b8f1c3e01",
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": "123456789012",
        "time": fired.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": ["arn:aws:scheduler:us-east-1:123456789012:schedule/default/hf-daily-digest"],
        "detail": "{}",
    }


def period_event(kind: str, fired: datetime) -> dict[str, Any]:
    """The Input the weekly or monthly schedule sends (template.yaml)."""
    return {"digest": kind, "time": fired.strftime("%Y-%m-%dT%H:%M:%SZ"), "id": f"bench-{kind}"}


def _status(result: dict[str, Any]) -> str:
    if "counts" in result:  # a run of several days: the target day, catch-up and refresh days
        counts = ", ".join(f"{n} {status}" for status, n in result["counts"].items())
        return f"{result.get('status')} (days: {counts})"
    outcomes = ", ".join(f"{d['destination']} {d['status']}" for d in result.get("destinations", []))
    return f"{result.get('status')} ({outcomes})"


def run_sequence(runtime: Runtime, servers: Servers, runs: int, steps: list[Step]) -> Sequence:
    """Each step in a fresh process, in order, against a new destination; the whole repeated runs times."""
    figures: dict[str, list[RunFigures]] = {step.name: [] for step in steps}
    last: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        for _ in range(runs):
            with servers.destination() as dest:
                env = servers.env(dest)
                for step in steps:
                    event = Path(tmp) / f"{step.name}.json"
                    event.write_text(json.dumps(step.event), encoding="utf-8")
                    servers.hf.reset_log()
                    seen = len(dest.github.requests)
                    servers.moto.start_counting()
                    data, wall_ms, stderr = runtime.run("invoke", str(event), str(LAMBDA_TIMEOUT_S), env=env)
                    aws = servers.moto.stop_counting()
                    result = data["result"]
                    if result.get("status") != step.expected:
                        raise RuntimeError(
                            f"{step.name}: expected {step.expected}, got {result}\n{stderr[-2000:]}"
                        )
                    github = dest.github.requests[seen:]
                    hf = servers.hf.requests
                    figures[step.name].append(
                        RunFigures(
                            hf=len(hf),
                            github_reads=sum(1 for r in github if r.method == "GET"),
                            github_writes=sum(1 for r in github if r.method != "GET"),
                            s3=aws.s3,
                            secrets=aws.secretsmanager,
                            import_ms=data["import_ms"],
                            handler_ms=data["handler_ms"],
                            wall_ms=wall_ms,
                            cpu_s=data["cpu_s"],
                            max_rss_mb=data["max_rss_kb"] / 1024,
                            sdk_modules_after=sum(
                                1 for m in data["modules_after_run"] if m.split(".")[0] in AWS_SDK
                            ),
                        )
                    )
                    last[step.name] = (
                        _status(result),
                        aws.operations,
                        tuple(f"{r.method} {re.sub('[0-9a-f]{40}', '{sha}', r.path)}" for r in github),
                        tuple(f"{r.path}?{'&'.join(f'{k}={v}' for k, v in r.query.items())}" for r in hf),
                    )
    return Sequence(
        tuple(StepResult(step.name, median_figures(figures[step.name]), *last[step.name]) for step in steps),
        runs,
    )


def measure_render(runtime: Runtime, servers: Servers, runs: int, top_n: int) -> RenderFigures:
    """Rendering alone (no network), in a fresh process each time: the first call and warm calls."""
    firsts: list[float] = []
    warms: list[float] = []
    size = 0
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        items = Path(tmp) / "items.json"
        day = SYNTHETIC_DAY.isoformat()
        items.write_text(json.dumps(servers.day_items[day]), encoding="utf-8")
        for _ in range(runs):
            data, _, _ = runtime.run("render", str(items), day, str(top_n))
            firsts.append(data["first_ms"])
            warms.extend(data["warm_ms"])
            size = data["post_bytes"]
            papers = data["papers"]
    shown = papers if top_n == 0 else min(top_n, papers)
    return RenderFigures(top_n, shown, statistics.median(firsts), statistics.median(warms), size)
