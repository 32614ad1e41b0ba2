"""Cold start: importing the handler in a fresh python3.13, beside importing only its third-party packages.

Lambda extracts the function and the layer onto read-only disks, so any module without a .pyc beside it
is compiled from source on every cold start. Both cases are measured: as built, and compiled ahead.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.runtime import Runtime, compiled_copy, has_bytecode

OWN = ("app", "hf_digest")
AWS_SDK = ("boto3", "botocore", "s3transfer", "aws_xray_sdk")


@dataclass(frozen=True)
class ImportTimes:
    handler_ms: float
    deps_ms: float
    process_ms: float  # spawn to exit of `import app`, the interpreter's own start included


@dataclass(frozen=True)
class ColdStart:
    lambda_sees: str  # which variant is what Lambda runs
    as_built: ImportTimes
    as_built_has_pyc: bool
    compiled: ImportTimes
    deps: tuple[str, ...]  # the third-party modules the handler's own code imports
    modules: int
    third_party: tuple[str, ...]  # top-level packages loaded at start
    sdk_at_start: tuple[str, ...]  # boto3 / botocore modules loaded by `import app`
    self_ms_by_package: dict[str, float]  # -X importtime self time, summed per top-level package


def top(name: str) -> str:
    return name.split(".", 1)[0]


def _times(runtime: Runtime, deps: tuple[str, ...], runs: int) -> ImportTimes:
    handler, dep, process = [], [], []
    for _ in range(runs):
        data, wall_ms, _ = runtime.run("import", "app")
        handler.append(data["import_ms"])
        process.append(wall_ms)
        data, _, _ = runtime.run("import", *deps)
        dep.append(data["import_ms"])
    return ImportTimes(statistics.median(handler), statistics.median(dep), statistics.median(process))


def parse_importtime(stderr: str) -> list[tuple[int, str, int]]:
    """(depth, module, self µs) for each `import time:` line, parents after their children as printed."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, _cumulative, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append((depth, name.strip(), int(self_us)))
    return rows


def direct_deps(rows: list[tuple[int, str, int]], third_party: set[str]) -> tuple[str, ...]:
    """Third-party modules imported directly by app or hf_digest, in first-import order."""
    parents: dict[int, str] = {}
    found: list[str] = []
    # Printed in post-order; read backwards, each line's parent is the last line seen one level up.
    for depth, name, _ in reversed(rows):
        parents[depth] = name
        parent = parents.get(depth - 1, "") if depth > 0 else ""
        if top(name) in third_party and top(parent) in OWN and name not in found:
            found.append(name)
    found.reverse()
    return tuple(found)


def measure(runtime: Runtime, runs: int) -> ColdStart:
    profile = [runtime.run("import", "app", flags=("-X", "importtime")) for _ in range(runs)]
    modules, origins = profile[0][0]["modules"], profile[0][0]["origins"]
    third_party = tuple(
        sorted(n for n, where in origins.items() if where in ("path", "site") and n not in OWN)
    )
    deps = direct_deps(parse_importtime(profile[0][2]), set(third_party))
    self_ms: dict[str, list[float]] = defaultdict(list)
    for _, _, stderr in profile:
        sums: dict[str, float] = defaultdict(float)
        for _, name, self_us in parse_importtime(stderr):
            key = top(name)
            key = "hf_digest + app" if key in OWN else key if key in third_party else "(stdlib)"
            sums[key] += self_us / 1000
        for key, value in sums.items():
            self_ms[key].append(value)
    sdk = tuple(m for m in modules if top(m) in AWS_SDK)
    as_built = _times(runtime, deps, runs)
    with tempfile.TemporaryDirectory(prefix="bench-compiled-") as tmp:
        compiled = _times(compiled_copy(runtime, Path(tmp)), deps, runs)
    built_pyc = has_bytecode(runtime)
    return ColdStart(
        lambda_sees=("as built" if runtime.built else "unknown (not built)"),
        as_built=as_built,
        as_built_has_pyc=built_pyc,
        compiled=compiled,
        deps=deps,
        modules=len(modules),
        third_party=third_party,
        sdk_at_start=sdk,
        self_ms_by_package={k: statistics.median(v) for k, v in self_ms.items()},
    )
