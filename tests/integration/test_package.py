"""What `sam build` made, run as Lambda runs it: only the built function and layer, plus the runtime's boto3.

Needs `.ci/sam-checks` (or `sam build`) first; skips otherwise. The clean python3.13 virtualenv with boto3 is
kept under .aws-sam/ so a second run does not install again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from tests.github_server import GitHubServer
from tests.helpers import MakeGitHubServer
from tests.hf_server import HFServer

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / ".aws-sam" / "build"
FUNCTION = BUILD / "DigestFunction"
LAYER = BUILD / "DepsLayer" / "python"
RUNTIME_VENV = REPO / ".aws-sam" / "runtime-venv"
POST = "_posts/2026-02-10-hf-daily-papers.md"
TOKEN = "github_pat_PACKAGED_secret_token_77aa31"
LAMBDA_LIMIT_BYTES = 250 * 1024 * 1024  # function and layers, unzipped

# Runs inside the clean virtualenv: import the built handler (timed), then invoke it with an event file.
RUNNER = """
import json, sys, time, uuid
started = time.perf_counter()
import app
import_ms = (time.perf_counter() - started) * 1000
heavy = ("boto3.", "botocore.", "aws_xray_sdk")
loaded = sorted(m for m in sys.modules if m == "boto3" or m.startswith(heavy))

class Context:
    function_name = "hf-daily-digest"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:hf-daily-digest"
    aws_request_id = str(uuid.uuid4())
    def get_remaining_time_in_millis(self):
        return 120000

with open(sys.argv[1], encoding="utf-8") as handle:
    event = json.load(handle)
result = app.lambda_handler(event, Context())
print(json.dumps({"import_ms": import_ms, "loaded_at_import": loaded, "result": result}))
"""

pytestmark = pytest.mark.skipif(
    not (FUNCTION / "app.py").is_file() or not LAYER.is_dir(),
    reason="no .aws-sam/build: run .ci/sam-checks (sam build) first; CI runs it before pytest",
)


def _python313() -> str:
    """A python3.13 interpreter outside any virtualenv: pyenv's 3.13.0, else python3.13 on PATH."""
    try:
        prefix = subprocess.run(
            ["pyenv", "prefix", "3.13.0"], capture_output=True, text=True, check=True
        ).stdout.strip()
        candidate = Path(prefix) / "bin" / "python3.13"
        if candidate.is_file():
            return str(candidate)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = shutil.which("python3.13")
    if found is None:
        pytest.skip("python3.13 not found (pyenv 3.13.0 or python3.13 on PATH), the Lambda runtime's version")
    return found


@pytest.fixture(scope="session")
def runtime_python() -> Path:
    """A clean python3.13 virtualenv holding only boto3, as the Lambda runtime does."""
    python = RUNTIME_VENV / "bin" / "python"
    ready = RUNTIME_VENV / ".ready"
    if not ready.is_file():
        shutil.rmtree(RUNTIME_VENV, ignore_errors=True)
        subprocess.run([_python313(), "-m", "venv", str(RUNTIME_VENV)], check=True, timeout=120)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "boto3"],
            check=True,
            timeout=600,
        )
        ready.write_text("boto3\n", encoding="utf-8")
    return python


@pytest.fixture
def github(make_github_server: MakeGitHubServer) -> GitHubServer:
    return make_github_server(token=TOKEN, files={"README.md": b"# blog\n"})


def _run_built(python: Path, event: Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The built handler with only the function and the layer on the path (as /var/task and /opt/python)."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    return subprocess.run(
        [str(python), "-c", RUNNER, str(event)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=base
        | {
            "PYTHONPATH": f"{FUNCTION}{os.pathsep}{LAYER}",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",  # read-only like /var/task and /opt
        }
        | env,
        timeout=300,
        check=False,
    )


def test_the_layer_holds_cpython_313_x86_64_code_and_no_boto() -> None:
    extensions = sorted(p.relative_to(LAYER) for p in LAYER.rglob("*.so"))
    assert extensions, "the layer has no compiled extensions: selectolax, PyYAML and MarkupSafe ship some"
    wrong = [str(p) for p in extensions if not p.name.endswith(".cpython-313-x86_64-linux-gnu.so")]
    assert wrong == [], f"extensions built for another Python or machine: {wrong}"
    # The runtime's boto3/botocore must not be shadowed by another copy in the layer.
    assert not [p.name for p in LAYER.iterdir() if p.name.startswith(("boto3", "botocore", "aws_xray_sdk"))]
    size = sum(p.stat().st_size for root in (FUNCTION, LAYER) for p in root.rglob("*") if p.is_file())
    assert size < LAMBDA_LIMIT_BYTES


def _pinned(requirements: Path) -> dict[str, str]:
    """name -> version of each `name==version` line, names normalized as in dist-info folders."""
    pins = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.split("#", 1)[0].strip().partition("==")
        if sep:
            pins[re.sub(r"[-_.]+", "_", name).lower()] = version.strip()
    return pins


def test_the_layer_holds_exactly_the_pinned_versions() -> None:
    pins = _pinned(REPO / "layers" / "deps" / "requirements.txt")
    installed = {}
    for info in LAYER.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        installed[re.sub(r"[-_.]+", "_", name).lower()] = version
    assert pins, "no pins read from layers/deps/requirements.txt"
    assert {name: installed.get(name) for name in pins} == pins
    assert not (LAYER / "bin").exists(), "console scripts in the layer: nothing on Lambda runs them"


def test_the_function_ships_only_the_handler_its_settings_file_and_its_package() -> None:
    shipped = sorted(p.name for p in FUNCTION.iterdir() if p.name != "__pycache__")
    assert shipped == ["app.py", "digest.toml", "hf_digest"]
    # the file the function reads: hf_digest/settings_file.py's PACKAGED, beside app.py
    assert (FUNCTION / "digest.toml").read_bytes() == (REPO / "handler" / "digest.toml").read_bytes()
    assert (FUNCTION / "hf_digest" / "rendering" / "templates").is_dir(), "the Jinja templates did not ship"


def _pyc_flags(pyc: Path) -> tuple[bytes, int]:
    """(magic number, PEP 552 flags): flags 0 is timestamp-checked, 0b01 unchecked hash, 0b11 checked."""
    header = pyc.read_bytes()[:8]
    return header[:4], int.from_bytes(header[4:8], "little")


def test_every_module_of_the_function_and_layer_ships_unchecked_hash_bytecode(runtime_python: Path) -> None:
    magic = subprocess.run(
        [
            str(runtime_python),
            "-c",
            "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    missing, wrong = [], []
    sources = [p for root in (FUNCTION, LAYER) for p in root.rglob("*.py")]
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        if not pyc.is_file():
            missing.append(str(source.relative_to(BUILD)))
        elif _pyc_flags(pyc) != (bytes.fromhex(magic), 0b01):
            wrong.append(str(pyc.relative_to(BUILD)))
    assert missing == [], f"{len(missing)} modules without a .pyc, e.g. {missing[:5]}"
    assert wrong == [], f"{len(wrong)} .pyc not unchecked-hash for this Python, e.g. {wrong[:5]}"
    # Spot checks: the handler's package and each of the layer's packages are among them.
    names = {s.relative_to(FUNCTION if s.is_relative_to(FUNCTION) else LAYER).parts[0] for s in sources}
    assert {
        "app.py",
        "hf_digest",
        "requests",
        "jinja2",
        "yaml",
        "selectolax",
        "aws_lambda_powertools",
    } <= names


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


FIRST_USE = (
    "hf_digest.huggingface.source",
    "hf_digest.rendering.render",
    "hf_digest.runs.blog",
    "hf_digest.settings_file",
    "hf_digest.enrich.summaries.summarize",
)


def test_importing_from_a_read_only_copy_compiles_nothing(runtime_python: Path, tmp_path: Path) -> None:
    function, layer = tmp_path / "task", tmp_path / "opt-python"
    shutil.copytree(FUNCTION, function)
    shutil.copytree(LAYER, layer)
    before = sorted(str(p) for root in (function, layer) for p in root.rglob("*"))
    _set_writable(function, False)
    _set_writable(layer, False)
    try:
        base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
        proc = subprocess.run(
            # `import app` at init, then what a run loads at first use (the imports deferred past the
            # cold start): none of it may be compiled from source either.
            [str(runtime_python), "-P", "-v", "-c", f"import app, {', '.join(FIRST_USE)}"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=base
            | {
                "PYTHONPATH": f"{function}{os.pathsep}{layer}",
                "PYTHONNOUSERSITE": "1",
                "PYTHONDONTWRITEBYTECODE": "1",
                "POWERTOOLS_TRACE_DISABLED": "true",
            },
            timeout=120,
            check=False,
        )
    finally:
        _set_writable(function, True)
        _set_writable(layer, True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ours = (str(function) + os.sep, str(layer) + os.sep)
    # importlib logs `code object from '<x.pyc>'` for bytecode it used, `code object from <x.py>` for
    # source it had to compile.
    prefix = "# code object from "
    loaded = [
        line.removeprefix(prefix).strip("'") for line in proc.stderr.splitlines() if line.startswith(prefix)
    ]
    loaded = [path for path in loaded if path.startswith(ours)]
    compiled = [path for path in loaded if path.endswith(".py")]
    assert compiled == [], f"compiled from source at import: {compiled[:5]}"
    assert len(loaded) > 100, "python -v showed almost no module of the function or layer being loaded"
    assert sorted(str(p) for root in (function, layer) for p in root.rglob("*")) == before


def test_the_built_function_reads_its_own_settings_file(runtime_python: Path, tmp_path: Path) -> None:
    function = tmp_path / "task"
    shutil.copytree(FUNCTION, function)
    (function / "digest.toml").write_text("top_n = 4\ncatchup_days = 0\n", encoding="utf-8")
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    script = (
        "from hf_digest import config; loaded = config.load(); settings = loaded.settings; "
        "print(loaded.file, settings.top_n, settings.catchup_days, loaded.sources['DIGEST_TOP_N'])"
    )
    proc = subprocess.run(
        [str(runtime_python), "-P", "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=base | {"PYTHONPATH": f"{function}{os.pathsep}{LAYER}", "PYTHONNOUSERSITE": "1"},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == [str(function / "digest.toml"), "4", "0", "file"]


def test_the_template_passes_only_settings_the_code_reads() -> None:
    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    template: dict[str, Any] = yaml.load((REPO / "template.yaml").read_text(encoding="utf-8"), _Loader)
    function = template["Resources"]["DigestFunction"]["Properties"]
    assert (function["Handler"], function["Runtime"], function["Architectures"]) == (
        "app.lambda_handler",
        "python3.13",
        ["x86_64"],
    )
    names = set(function["Environment"]["Variables"])
    read = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', (REPO / "handler/hf_digest/config.py").read_text("utf-8")))
    unknown = {n for n in names if not n.startswith("POWERTOOLS_")} - read
    assert unknown == set(), f"template variables config.from_env never reads: {unknown}"


def test_the_built_function_publishes_a_scheduled_day_to_s3_and_github(
    runtime_python: Path, hf_server: HFServer, moto_endpoint: str, github: GitHubServer, tmp_path: Path
) -> None:
    bucket = f"digest-{uuid.uuid4().hex[:12]}"
    secret = f"hf-digest/github-token-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name=secret, SecretString=json.dumps({"token": TOKEN})
    )
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_endpoint,
        "HF_BASE_URL": hf_server.url,
        "DIGEST_DESTINATIONS": "github,s3",
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_TOKEN_SECRET": secret,
        "S3_BUCKET": bucket,
        "S3_PREFIX": "blog",
        "POWERTOOLS_SERVICE_NAME": "hf-daily-digest",
        "POWERTOOLS_METRICS_NAMESPACE": "HfDailyDigest",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    proc = _run_built(runtime_python, REPO / "events" / "scheduled.json", env, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.splitlines()[-1])
    print(f"built handler import: {report['import_ms']:.0f} ms")
    assert report["loaded_at_import"] == [], "importing app.py loaded boto3/botocore/X-Ray modules"

    result = report["result"]
    assert (result["date"], result["status"]) == ("2026-02-10", "published")
    assert {d["destination"]: d["status"] for d in result["destinations"]} == {
        "github": "created",
        "s3": "created",
    }
    stored = s3.get_object(Bucket=bucket, Key=f"blog/{POST}")
    post = stored["Body"].read()
    assert stored["ContentType"] == "text/markdown; charset=utf-8"
    assert post.startswith(b"---\n") and post.count("👍".encode()) == 10
    assert github.read_file("main", POST) == post
    assert TOKEN not in proc.stdout and TOKEN not in proc.stderr


def test_the_built_function_answers_a_check_event_with_a_line_per_part(
    runtime_python: Path, moto_endpoint: str, github: GitHubServer, tmp_path: Path
) -> None:
    bucket = f"check-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
    secret = f"hf-digest/github-token-{uuid.uuid4().hex[:8]}"
    boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name=secret, SecretString=json.dumps({"token": TOKEN})
    )
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_endpoint,
        "DIGEST_DESTINATIONS": "github,s3",
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_TOKEN_SECRET": secret,
        "S3_BUCKET": bucket,
        "POWERTOOLS_SERVICE_NAME": "hf-daily-digest",
        "POWERTOOLS_METRICS_NAMESPACE": "HfDailyDigest",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    proc = _run_built(runtime_python, REPO / "events" / "check.json", env, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.splitlines()[-1])["result"]
    assert result["status"] == "checked"
    assert [line[:2] + line[2:].split(":", 1)[0] for line in result["lines"]] == [
        "✓ settings",
        "✓ github",
        "✓ s3",
    ]
    assert github.writes() == []

    github.protected.add("main")  # a failed check is an answer, not an error for Lambda to retry
    proc = _run_built(runtime_python, REPO / "events" / "check.json", env, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.splitlines()[-1])["result"]
    assert result["status"] == "check_failed"
    assert result["lines"][1].startswith("✗ github: branch main of octo/blog is protected")
    assert [part["ok"] for part in result["parts"]] == [True, False, True]
    assert TOKEN not in proc.stdout and TOKEN not in proc.stderr
