"""The package's shape: no import circles, and only `config` reads the environment.

Both are read from the source with `ast`, so a circle hidden in a function's lazy import (one that loads
only on some runs) counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "handler" / "hf_digest"
# Where the environment may be read: the one configuration module.
READS_ENVIRONMENT = {"hf_digest.config"}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones too, except those under `if TYPE_CHECKING:` (never run)."""
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _statements(node.orelse)
            continue
        yield node
        for name in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from _statements([n for n in inner if isinstance(n, ast.stmt | ast.ExceptHandler)])  # type: ignore[misc]


def imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that module imports, anywhere in its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[str] = []
    for node in _statements(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names += [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
            ]
    targets = set()
    for name in names:
        while name and name not in known:
            name = name.rpartition(".")[0]
        # A package loading its own submodule is not a circle: Python loads the package before any of them.
        if name and name != module and not name.startswith(module + "."):
            targets.add(name)
    return targets


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_sees_a_circle_through_a_lazy_import() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_import_circles() -> None:
    known = modules()
    graph = {module: imported(module, path, known) for module, path in known.items()}
    assert len(graph) > 50 and graph["hf_digest.config"]  # the walk found the package and its imports
    assert cycles(graph) == []


def _environment_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os":
            if node.attr in ("environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"):
                reads.append(f"{path.name}:{node.lineno}: os.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            reads += [
                f"{path.name}:{node.lineno}: from os import {a.name}" for a in node.names if "env" in a.name
            ]
    return reads


def test_only_config_reads_the_environment() -> None:
    reads = {module: _environment_reads(path) for module, path in modules().items()}
    assert reads["hf_digest.config"]  # the check sees config's own reads
    assert {
        module: found for module, found in reads.items() if found and module not in READS_ENVIRONMENT
    } == {}


def _reaches_into(path: Path) -> list[str]:
    """Private attributes read off another object: `client._endpoint`, not `self._cache` or `other._value`
    of the same class (a dataclass's __eq__)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(a.arg == "other" for a in node.args.args):
            continue  # comparing with another instance of its own class
        if not isinstance(node, ast.FunctionDef):
            continue
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Attribute)
                and inner.attr.startswith("_")
                and not inner.attr.startswith("__")
            ):
                if ast.unparse(inner.value) not in ("self", "cls", *own):
                    found.append(f"{path.name}:{inner.lineno}: {ast.unparse(inner)}")
    return found


def test_no_module_reaches_into_a_librarys_private_attributes() -> None:
    """botocore's private attributes (the HTTP session's pool classes) change with any release: a guarded
    client goes through botocore's public event system instead."""
    reached = {module: _reaches_into(path) for module, path in modules().items()}
    assert {module: found for module, found in reached.items() if found} == {}


# What the Lambda entry must not load at a cold start: each trigger's own code and the optional rooms load
# when a run uses them.
LOADED_WHEN_USED = (
    "hf_digest.runs.backfill",
    "hf_digest.runs.queue",
    "hf_digest.runs.scheduled",
    "hf_digest.rendering.feeds",
    "hf_digest.rendering.site",
    "hf_digest.rendering.site_manifest",  # (site_paths, plain path rules, loads with the links)
    "hf_digest.adapters.notify",
    "hf_digest.enrich.summaries.summarize",
    "hf_digest.adapters.state.dynamodb",
    "markdown_it",
    # Third-party code the first request, render or settings-file read loads (issue 22: cold start <= 1.8x).
    "requests",  # the Hugging Face source and every other outbound request
    "urllib3",
    "charset_normalizer",
    "idna",
    "certifi",
    "jinja2",  # rendering and the summaries' prompt
    "markupsafe",
    "yaml",  # the blog's _config.yml and a post's front matter
    "msgspec",  # the settings file, read at the first invocation
    "tomllib",
    "hf_digest.huggingface.source",
    "hf_digest.rendering.render",
    "hf_digest.enrich.summaries.prompt",
    "boto3.",
    "botocore.",  # Powertools' user-agent probe imports the bare `botocore` package when it is there
)


def test_a_cold_start_loads_no_trigger_or_optional_room_it_may_not_use() -> None:
    code = "import sys, app; print(chr(10).join(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent), "POWERTOOLS_TRACE_DISABLED": "true"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE.parent, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.split()
    assert "hf_digest.runs.digest" in loaded  # the digest path itself is there
    early = [name for name in loaded if any(_within(name, room) for room in LOADED_WHEN_USED)]
    assert early == []


def _within(name: str, room: str) -> bool:
    """name is the module room or one of its submodules ("boto3." stands for the submodules only)."""
    return name.startswith(room) if room.endswith(".") else name == room or name.startswith(room + ".")
