"""Where the handler runs: the built function and layer on a clean python3.13 with boto3, as on Lambda.

`.ci/sam-checks` builds `.aws-sam/build`; the clean virtualenv in `.aws-sam/runtime-venv` is shared with
tests/integration/test_package.py, and made here when missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / ".aws-sam" / "build"
FUNCTION = BUILD / "DigestFunction"
LAYER = BUILD / "DepsLayer" / "python"
RUNTIME_VENV = REPO / ".aws-sam" / "runtime-venv"
CHILD = Path(__file__).resolve().with_name("child.py")
_PASSED_ENV = ("PATH", "HOME", "LANG", "TMPDIR")


@dataclass(frozen=True)
class Runtime:
    """A python and the folders Lambda would have on its path (/var/task, /opt/python)."""

    python: Path
    path: tuple[Path, ...]
    label: str
    built: bool
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        base = {k: os.environ[k] for k in _PASSED_ENV if k in os.environ}
        return (
            base
            | {
                "PYTHONPATH": os.pathsep.join(str(p) for p in self.path),
                "PYTHONNOUSERSITE": "1",
                "PYTHONDONTWRITEBYTECODE": "1",  # /var/task and /opt are read-only on Lambda
                "POWERTOOLS_SERVICE_NAME": "hf-daily-digest",
                "POWERTOOLS_METRICS_NAMESPACE": "HfDailyDigest",
                "POWERTOOLS_TRACE_DISABLED": "true",
            }
            | self.extra_env
            | (extra or {})
        )

    def run(
        self,
        mode: str,
        *args: str,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        flags: tuple[str, ...] = (),
    ) -> tuple[dict[str, Any], float, str]:
        """Run bench/child.py MODE in a fresh process: (its JSON, process wall ms, stderr)."""
        with tempfile.TemporaryDirectory(prefix="bench-child-") as tmp:
            out = Path(tmp) / "out.json"
            started = time.perf_counter()
            proc = subprocess.run(  # noqa: S603 - our python, our script
                [str(self.python), "-P", *flags, str(CHILD), mode, str(out), *args],
                capture_output=True,
                text=True,
                env=self.env(env),
                cwd=cwd or tmp,
                timeout=600,
                check=False,
            )
            wall_ms = (time.perf_counter() - started) * 1000
            if proc.returncode != 0 or not out.is_file():
                raise RuntimeError(f"bench child {mode} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
            data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return data, wall_ms, proc.stderr


def python313() -> str | None:
    """A python3.13 outside any virtualenv: pyenv's 3.13.0, else python3.13 on PATH."""
    try:
        prefix = subprocess.run(
            ["pyenv", "prefix", "3.13.0"],  # noqa: S607 - pyenv from PATH, as the Makefile uses it
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        candidate = Path(prefix) / "bin" / "python3.13"
        if candidate.is_file():
            return str(candidate)
    except (OSError, subprocess.SubprocessError):
        pass
    return shutil.which("python3.13")


def ensure_runtime_venv() -> Path | None:
    """The clean python3.13 virtualenv with only boto3 (the Lambda runtime's), shared with the packaging
    test (same folder, same `.ready` marker); created here when missing. None without a python3.13."""
    python = RUNTIME_VENV / "bin" / "python"
    ready = RUNTIME_VENV / ".ready"
    if ready.is_file() and python.is_file():
        return python
    base = python313()
    if base is None:
        return None
    shutil.rmtree(RUNTIME_VENV, ignore_errors=True)
    subprocess.run([base, "-m", "venv", str(RUNTIME_VENV)], check=True, timeout=120)  # noqa: S603
    subprocess.run(  # noqa: S603
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "boto3"],
        check=True,
        timeout=600,
    )
    ready.write_text("boto3\n", encoding="utf-8")
    return python


def built_runtime() -> Runtime | None:
    """The built function + layer on the clean runtime virtualenv, or None when the build is missing."""
    if not (FUNCTION / "app.py").is_file() or not LAYER.is_dir():
        return None
    python = ensure_runtime_venv()
    if python is None:
        return None
    return Runtime(python, (FUNCTION, LAYER), "built function + layer (.aws-sam/build), python3.13", True)


def snapshot(runtime: Runtime, into: Path) -> Runtime:
    """A copy of runtime's folders as they are, so a `sam build` running meanwhile cannot change them."""
    copies = []
    for index, folder in enumerate(runtime.path):
        target = into / f"{index}-{folder.name}"
        shutil.copytree(folder, target)
        copies.append(target)
    return Runtime(runtime.python, tuple(copies), runtime.label, runtime.built)
