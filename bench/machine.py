"""The machine a bench ran on, for the header of docs/performance.md: figures compare only on one machine."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    memory_gb: float
    system: str
    bench_python: str
    runtime_python: str
    date: str
    commit: str


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _git(*args: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607 - git from PATH, as make and CI use it
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def commit() -> str:
    """HEAD's short SHA and subject, marked when the work tree has changes HEAD does not hold."""
    head = _git("log", "-1", "--format=%h %s")
    if not head:
        return "unknown (not a git checkout)"
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return head + (" + uncommitted changes" if dirty else "")


def python_version(python: Path) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - the runtime's own python
            [str(python), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip()


def describe(runtime_python: Path) -> Machine:
    return Machine(
        cpu=_cpu_model(),
        cores=os.cpu_count() or 0,
        memory_gb=_memory_gb(),
        system=f"{platform.system()} {platform.release()} {platform.machine()}",
        bench_python=platform.python_version(),
        runtime_python=python_version(runtime_python),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        commit=commit(),
    )
