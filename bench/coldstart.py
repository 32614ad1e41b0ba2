"""Cold start: `import app` of the built handler beside a Powertools-only hello-world as `sam build` ships it.

Both are imported the same way in one run: fresh python3.13 processes, turn about, from read-only copies
(chmod a-w, PYTHONDONTWRITEBYTECODE=1), as Lambda mounts /var/task and /opt. The same build with its .pyc
removed shows what compiling ahead saves.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from bench import bytecode, helloworld
from bench.runtime import Runtime

OWN = ("app", "hf_digest")
AWS_SDK = ("boto3", "botocore", "s3transfer", "aws_xray_sdk")
RATIO_TARGET = 1.5  # issue 10: the handler's import at most 1.5 times the hello-world's
RATIO_TARGET_22 = 1.8  # issue 22: import only what the trigger needs, at most 1.8 times


@dataclass(frozen=True)
class ImportTimes:
    import_ms: float  # `import app` inside the process
    process_ms: float  # spawn to exit of `import app`, the interpreter's own start included


@dataclass(frozen=True)
class Variant:
    """One way of shipping a function, imported `runs` times."""

    times: ImportTimes
    bytecode: bytecode.Bytecode
    from_source: int  # its modules `import app` compiled from source (on Lambda: on every cold start)


@dataclass(frozen=True)
class ColdStart:
    handler: Variant  # the built function and layer: what Lambda runs
    without_pyc: Variant  # the same build with every __pycache__ removed
    hello: Variant  # the Powertools-only hello-world, sam build's default python3.13 method
    deps_ms: float  # the handler's own third-party imports alone, as built
    deps: tuple[str, ...]  # the third-party modules the handler's own code imports
    modules: int
    third_party: tuple[str, ...]  # top-level packages loaded at start
    sdk_at_start: tuple[str, ...]  # boto3 / botocore modules loaded by `import app`
    self_ms_by_package: dict[str, float]  # -X importtime self time, summed per top-level package
    deps_cumulative_ms: dict[str, float]  # -X importtime cumulative time of each of deps, in that order
    hello_self_ms_by_package: dict[str, float]

    @property
    def ratio(self) -> float:
        return self.handler.times.import_ms / self.hello.times.import_ms


def top(name: str) -> str:
    return name.split(".", 1)[0]


Rows = list[tuple[int, str, int, int]]


def parse_importtime(stderr: str) -> Rows:
    """(depth, module, self µs, cumulative µs) for each `import time:` line, parents after their children
    as printed."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append((depth, name.strip(), int(self_us), int(cumulative_us)))
    return rows


def direct_deps(rows: Rows, third_party: set[str]) -> tuple[str, ...]:
    """Third-party modules imported directly by app or hf_digest, in first-import order."""
    parents: dict[int, str] = {}
    found: list[str] = []
    # Printed in post-order; read backwards, each line's parent is the last line seen one level up.
    for depth, name, _, _ in reversed(rows):
        parents[depth] = name
        parent = parents.get(depth - 1, "") if depth > 0 else ""
        if top(name) in third_party and top(parent) in OWN and name not in found:
            found.append(name)
    found.reverse()
    return tuple(found)


def _self_ms(
    runtime: Runtime, runs: int, third_party: set[str], own: str
) -> tuple[dict[str, float], list[str]]:
    """Median -X importtime self time per top-level package (the function's own code as `own`); and the
    stderr of each run."""
    stderrs = [runtime.run("import", "app", flags=("-X", "importtime"))[2] for _ in range(runs)]
    self_ms: dict[str, list[float]] = defaultdict(list)
    for stderr in stderrs:
        sums: dict[str, float] = defaultdict(float)
        for _, name, self_us, _ in parse_importtime(stderr):
            key = top(name)
            key = own if key in OWN else key if key in third_party else "(stdlib)"
            sums[key] += self_us / 1000
        for key, value in sums.items():
            self_ms[key].append(value)
    return {k: statistics.median(v) for k, v in self_ms.items()}, stderrs


def cumulative_ms(stderrs: list[str], modules: tuple[str, ...]) -> dict[str, float]:
    """Median -X importtime cumulative time of each module's import, the stdlib it loads first included."""
    found: dict[str, list[float]] = defaultdict(list)
    for stderr in stderrs:
        for _, name, _, cumulative_us in parse_importtime(stderr):
            if name in modules:
                found[name].append(cumulative_us / 1000)
    return {name: statistics.median(found[name]) for name in modules if found[name]}


def _at_start(runtime: Runtime) -> tuple[list[str], tuple[str, ...]]:
    """The modules `import app` loads, and the top-level third-party ones (the function's, the layer's
    and the runtime's site-packages)."""
    data, _, _ = runtime.run("import", "app")
    origins: dict[str, str] = data["origins"]
    third_party = (n for n, where in origins.items() if where in ("path", "site") and n not in OWN)
    return data["modules"], tuple(sorted(third_party))


def _variant(runtime: Runtime, import_ms: list[float], process_ms: list[float]) -> Variant:
    _, _, verbose = runtime.run("import", "app", flags=("-v",))
    return Variant(
        ImportTimes(statistics.median(import_ms), statistics.median(process_ms)),
        bytecode.inspect(runtime.path),
        len(bytecode.compiled_from_source(verbose, runtime.path)),
    )


def _turn_about(
    variants: dict[str, Runtime], deps: tuple[str, ...], runs: int
) -> tuple[dict[str, Variant], float]:
    """Each variant's `import app` runs times, one of each in turn (the order rotating); and the median
    import of the handler's own third-party modules alone."""
    imports: dict[str, list[float]] = defaultdict(list)
    process: dict[str, list[float]] = defaultdict(list)
    deps_ms = []
    names = list(variants)
    for index in range(runs):
        for name in names[index % len(names) :] + names[: index % len(names)]:
            data, wall_ms, _ = variants[name].run("import", "app")
            imports[name].append(data["import_ms"])
            process[name].append(wall_ms)
        data, _, _ = variants["handler"].run("import", *deps)
        deps_ms.append(data["import_ms"])
    found = {name: _variant(variants[name], imports[name], process[name]) for name in names}
    return found, statistics.median(deps_ms)


def measure(runtime: Runtime, runs: int) -> ColdStart:
    with bytecode.scratch("bench-coldstart-") as tmp:
        hello_built = helloworld.build(tmp / "build")
        hello_source = Runtime(runtime.python, (hello_built,), "hello-world", True)
        variants = {
            "handler": bytecode.read_only_copy(runtime, tmp / "handler", runtime.label),
            "without pyc": bytecode.read_only_copy(
                runtime, tmp / "without-pyc", runtime.label + ", no .pyc", keep_bytecode=False
            ),
            "hello": bytecode.read_only_copy(hello_source, tmp / "hello", "Powertools hello-world"),
        }
        modules, third_party = _at_start(variants["handler"])
        self_ms, stderrs = _self_ms(variants["handler"], runs, set(third_party), "hf_digest + app")
        _, hello_third_party = _at_start(variants["hello"])
        hello_self_ms, _ = _self_ms(variants["hello"], runs, set(hello_third_party), "app")
        deps = direct_deps(parse_importtime(stderrs[0]), set(third_party))
        found, deps_ms = _turn_about(variants, deps, runs)
    return ColdStart(
        handler=found["handler"],
        without_pyc=found["without pyc"],
        hello=found["hello"],
        deps_ms=deps_ms,
        deps=deps,
        modules=len(modules),
        third_party=third_party,
        sdk_at_start=tuple(m for m in modules if top(m) in AWS_SDK),
        self_ms_by_package=self_ms,
        deps_cumulative_ms=cumulative_ms(stderrs, deps),
        hello_self_ms_by_package=hello_self_ms,
    )
