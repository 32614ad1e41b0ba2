"""The yardstick for the cold start: a Powertools-only hello-world (bench/hello_pt), built by `sam build`'s
default python3.13 method into a temporary folder, with the Powertools version the layer pins."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from bench.runtime import REPO, python313

SOURCE = Path(__file__).resolve().with_name("hello_pt")
PINS = REPO / "layers" / "deps" / "requirements.txt"
FUNCTION = "HelloWorldFunction"


def powertools_pin(requirements: Path = PINS) -> str:
    """The layer's `aws-lambda-powertools==X` line, so both sides import the same Powertools."""
    for line in requirements.read_text(encoding="utf-8").splitlines():
        if re.match(r"aws-lambda-powertools\s*==", line.strip()):
            return line.strip()
    raise SystemExit(f"bench: no pinned aws-lambda-powertools in {requirements}")


def sam_executable() -> Path:
    """`sam` from the tools virtualenv `.ci/sam-checks` makes (SAM_TOOLS_VENV, else .venv-tools)."""
    tools = Path(os.environ.get("SAM_TOOLS_VENV") or REPO / ".venv-tools")
    sam = (tools if tools.is_absolute() else REPO / tools) / "bin" / "sam"
    if not sam.is_file():
        raise SystemExit(f"bench: no {sam}: run `bash .ci/sam-checks` first (it installs aws-sam-cli)")
    return sam


def build(into: Path) -> Path:
    """`sam build` the hello-world in into/; returns the built function's folder (its /var/task)."""
    python = python313()
    if python is None:
        raise SystemExit("bench: python3.13 not found (pyenv 3.13.0 or on PATH); sam build needs it")
    project = into / "hello-pt"
    shutil.copytree(SOURCE, project, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "hello_world" / "requirements.txt").write_text(powertools_pin() + "\n", encoding="utf-8")
    env = os.environ | {
        "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "SAM_CLI_TELEMETRY": "0",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    }
    proc = subprocess.run(  # noqa: S603 - the tools virtualenv's sam, our template
        [str(sam_executable()), "build", "--template-file", "template.yaml"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    built = project / ".aws-sam" / "build" / FUNCTION
    if proc.returncode != 0 or not (built / "app.py").is_file():
        raise RuntimeError(
            f"bench: sam build of the hello-world failed:\n{(proc.stdout + proc.stderr)[-3000:]}"
        )
    return built
